"""The one loader: regular files only, size limits, encodings decided or refused, YAML without aliases."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings, strategies as st

from generator.errors import InputError
from generator.loader import LIMITS, decode_config_text, parse_yaml, read_bytes

CONFIG = "type: shuzhi_speech\nplace: 云溪区\nlevel: 区\nyear: 2026\npoints: [政治建设, 组织建设]\n"


def test_regular_files_only(tmp_path):
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="不是普通文件"):
        read_bytes(fifo)  # would hang if opened and read
    with pytest.raises(InputError, match="不是普通文件"):
        read_bytes("/dev/zero")
    with pytest.raises(InputError, match="文件夹"):
        read_bytes(tmp_path)
    with pytest.raises(InputError, match="配置文件不存在"):
        read_bytes(tmp_path / "missing.yaml")


def test_size_limit_names_the_limit(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: b\n" * (LIMITS["config"] // 5 + 10))
    with pytest.raises(InputError, match="超过了 1 MB 的上限"):
        read_bytes(big, "config")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gbk", "gb18030"])
def test_config_encodings_accepted(encoding):
    assert decode_config_text(CONFIG.encode(encoding), "c.yaml") == CONFIG


def test_big5_is_refused_not_guessed():
    big5 = CONFIG.replace("云溪区", "雲溪區").replace("区", "區").replace("建设", "建設").replace("组织", "組織")
    with pytest.raises(InputError, match="另存为”UTF-8"):
        decode_config_text(big5.encode("big5"), "c.yaml")


@pytest.mark.parametrize("text", ["a: \ufffe\n", "a: b\x00\n", "a: b\x1b[31m\n"])
def test_invalid_characters_refused_with_line(text):
    with pytest.raises(InputError) as exc:
        decode_config_text(text.encode("utf-8", "surrogatepass"), "c.yaml")
    assert exc.value.line == 1


@pytest.mark.parametrize("doc,words", [
    ("a: &x [1, 2]\nb: *x\n", "锚点和别名"),
    ("a: &a [*a]\n", "锚点和别名"),
    ("lol: &l ['lol','lol']\nl2: &l2 [*l, *l]\nl3: [*l2, *l2]\n", "锚点和别名"),
    ("[" * 100 + "]" * 100, "嵌套过深"),
    ("a: !!python/object:os.system x\n", "不支持的 YAML 标签"),
    ("a: !custom x\n", "不支持的 YAML 标签"),
    ("a: [1, 2\n", "没有正确结束"),
    ("--- a\n--- b\n", "多个 YAML 文档"),
])
def test_hostile_yaml_is_refused_quickly(doc, words):
    with pytest.raises(InputError, match=words):
        parse_yaml(doc, "c.yaml", "配置文件")


_scalars = st.one_of(st.text(max_size=20), st.integers(), st.floats(allow_nan=True), st.booleans(), st.none())


@settings(max_examples=150, deadline=2000)
@given(st.lists(st.tuples(st.sampled_from(["", "&a ", "*a ", "!!str ", "!x ", "[", "{", "- ", "? "]), _scalars),
                max_size=12))
def test_arbitrary_yaml_gives_a_value_or_a_clean_error(parts):
    doc = "\n".join(f"k{i}: {prefix}{value!r}" for i, (prefix, value) in enumerate(parts))
    try:
        parse_yaml(doc, "c.yaml", "配置文件")
    except InputError as err:
        assert err.format().startswith("c.yaml")


@settings(max_examples=150, deadline=2000)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_decode_or_are_refused(data):
    try:
        text = decode_config_text(data, "c.yaml")
    except InputError as err:
        assert "c.yaml" in err.format()
    else:
        assert isinstance(text, str)


@pytest.mark.parametrize("doc", ["points: " + "[" * 100000 + "]" * 100000 + "\n",
                                 "a: &x " + "甲" * 5000 + "\n", "a: [" + "乙" * 50000 + "\n"])
def test_a_message_quotes_at_most_an_excerpt_of_a_long_line(doc):
    """6.16: a 100,000-character line was echoed whole (a 200 KB error message)."""
    from generator.loader import EXCERPT

    with pytest.raises(InputError) as exc:
        parse_yaml(doc, "c.yaml", "配置文件")
    message = exc.value.format()
    assert len(message) < EXCERPT + 300 and "只显示前 200 个" in message


def test_config_problems_quote_an_excerpt_of_their_line(tmp_path, runner):
    from generator.cli import cli

    config = tmp_path / "c.yaml"
    config.write_text(f"type: shuzhi_speech\nplace: {'云溪' * 1000}区\nlevel: 区\nyear: 2026\n", encoding="utf-8")
    result = runner.invoke(cli, ["render", str(config), "-o", str(tmp_path / "o.md")])
    assert result.exit_code == 2 and "place" in result.stderr and len(result.stderr) < 1000, result.stderr
