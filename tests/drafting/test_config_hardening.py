"""Config values from docs/hardening.md (cases 1.29, 1.30, 4.09, 4.10, 4.12, 4.13, 5.01, 5.04, 6.12): invisible
characters however written, impossible dates in either form, over-long numbers and odd keys named by line and
key, and no config value able to add a line (a heading) to a draft."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from generator.cli import cli
from generator.drafting.compose import compose
from generator.drafting.config import INVISIBLE_NOTE, parse_config
from generator.drafting.packs import resolve_type
from generator.drafting.schema import INVISIBLE
from generator.errors import ConfigError, InputError
from generator.jobs import serialize

HEAD = "type: shuzhi_speech\nplace: 云溪区\nlevel: 区\nyear: 2026\n"


def parse(text: str):
    return parse_config(text, "c.yaml", type_resolver=resolve_type)


def problems(text: str) -> str:
    with pytest.raises(ConfigError) as exc:
        parse(text)
    return exc.value.format()


# ---------------------------------------------------------------- 4.09, 4.10: invisible characters
@pytest.mark.parametrize("place", [
    '"云溪区\\u202e\\u200b"',  # 4.09: YAML escapes
    '"云\u202e溪\u200b区"',  # written raw
    '"云溪\u00ad区"', '"云溪\\u00ad区"', "云溪\u00ad区",  # 4.10: the soft hyphen, raw or escaped
    '"云溪\\u2066区\\u2069"', '"\\ufeff云溪区"', '"云溪区\\U000e0041"',
])
def test_invisible_characters_are_dropped_and_said_however_written(place):
    c = parse(HEAD.replace("place: 云溪区", f"place: {place}"))
    assert c.place == "云溪区" and INVISIBLE_NOTE in c.notes and "软连字符" in INVISIBLE_NOTE


def test_invisible_characters_in_nested_values_and_keys_are_said():
    c = parse(HEAD + 'reporters:\n  - {name: "周\\u200b建国", highlights: ["新建\\u00ad党组织"]}\n')
    assert c.reporters[0].name == "周建国" and c.reporters[0].highlights == ("新建党组织",)
    assert INVISIBLE_NOTE in c.notes
    assert parse(HEAD).notes == ()


def test_invisible_class_holds_every_format_character():
    """INVISIBLE is written out by hand (a class built at import would cost a scan of all code points):
    keep it complete against this Python's Unicode tables."""
    missing = [f"U+{cp:04X}" for cp in range(sys.maxunicode + 1)
               if unicodedata.category(chr(cp)) == "Cf" and not INVISIBLE.match(chr(cp))]
    assert not missing, missing


# ---------------------------------------------------------------- 4.12, 5.01: impossible dates
@pytest.mark.parametrize("value,shown", [
    ("2026年13月45日", "2026年13月45日"), ("2026年2月30日", "2026年2月30日"), ("2026 年 13 月", "2026 年 13 月"),
    ("2026-13-45", "2026-13-45"), ("2026-02-30", "2026-02-30"), ("'2026-02-30'", "2026-02-30"),
])
def test_impossible_dates_name_line_and_key(value, shown):
    text = problems(HEAD + f"date: {value}\n")
    assert text.startswith("c.yaml：配置有 1 处问题") and f"第5行 date: 日期不存在：{shown}" in text


@pytest.mark.parametrize("value,expected", [("2026年1月16日", "2026年1月16日"), ("2026年2月", "2026年2月"),
                                            ("2028年2月29日", "2028年2月29日"), ("二〇二六年一月", "二〇二六年一月")])
def test_real_chinese_dates_pass(value, expected):
    assert parse(HEAD + f"date: {value}\n").date == expected


def test_impossible_dates_deeper_in_the_file_and_every_one_at_once():
    text = problems(HEAD + "date: 2026-13-45\nreporters:\n  - name: 周建国\n    highlights: [2026-02-30]\n")
    assert "配置有 2 处问题" in text and "第5行 date: 日期不存在" in text
    assert "第8行 reporters[0].highlights[0]: 日期不存在：2026-02-30" in text


@pytest.mark.parametrize("name", ["d1", "cn"])
def test_cli_exits_2_for_an_impossible_date(runner, tmp_path, name):
    cfg = tmp_path / f"{name}.yaml"
    cfg.write_text(HEAD + ("date: 2026-13-45\n" if name == "d1" else "date: 2026年13月45日\n"), encoding="utf-8")
    result = runner.invoke(cli, ["render", str(cfg), "-o", str(tmp_path / "out.md")])
    assert result.exit_code == 2 and "第5行 date: 日期不存在" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out.md").exists()


# ---------------------------------------------------------------- 4.13: date and year disagree
def test_a_date_in_another_year_is_a_note():
    c = parse(HEAD + "date: 1999-01-01\n")
    assert c.date == "1999年1月1日"
    assert any("第5行 date" in n and "1999年1月1日" in n and "2026" in n for n in c.notes)
    assert not parse(HEAD + "date: 2026年1月16日\n").notes
    assert any("1999" in n for n in parse(HEAD + "date: 1999年1月1日\n").notes)


def test_a_date_in_another_year_is_said_in_the_render_summary(runner, tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(HEAD + "date: 1999-01-01\n", encoding="utf-8")
    result = runner.invoke(cli, ["render", str(cfg), "-o", str(tmp_path / "out.md")])
    assert result.exit_code == 0, result.output
    assert "提示：第5行 date：讲话日期 1999年1月1日 与开会年份 year: 2026 不在同一年" in result.output


# ---------------------------------------------------------------- 5.04: over-long numbers
@pytest.mark.parametrize("key", ["length", "seed", "year", "minutes"])
def test_over_long_numbers_name_line_and_key(key):
    big = "9" * 5000
    text = HEAD.replace("year: 2026\n", f"year: {big}\n") if key == "year" else HEAD + f"{key}: {big}\n"
    got = problems(text)
    line = 4 if key == "year" else 5
    assert f"第{line}行 {key}: 数字过长（5000 位）" in got
    assert len(got) < 400  # the 5,000-digit line is not echoed whole


def test_moderately_long_numbers_are_ordinary_problems():
    assert "第5行 seed:" in problems(HEAD + "seed: " + "9" * 100 + "\n")
    assert "第5行 length:" in problems(HEAD + "length: " + "9" * 100 + "\n")


# ---------------------------------------------------------------- 6.12: keys named as written
@pytest.mark.parametrize("key,shown", [("null", "null"), ("~", "~"), ("Null", "Null"), ("1", "1"), ("true", "true")])
def test_odd_keys_are_named_as_written(key, shown):
    got = problems(HEAD + f"{key}: 3\n")
    assert f"第5行 {shown}: 未知的配置项" in got and "None" not in got and "True" not in got


# ---------------------------------------------------------------- 1.29, 1.30: no value adds a line
SEPARATORS = ["\u2028", "\u2029", "\x85", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"]


@pytest.mark.parametrize("sep", SEPARATORS)
@pytest.mark.parametrize("written", ["escaped", "raw"])
def test_line_separators_in_values_never_add_a_line(sep, written):
    if written == "raw" and sep not in ("\u2028", "\u2029", "\x85"):
        pytest.skip("a raw C0 control is refused by the loader before YAML (tested there)")
    s = f"\\u{ord(sep):04x}" if written == "escaped" else sep
    text = HEAD + f'achievements: ["成绩甲{s}@h1 注入的标题"]\nspeaker: "书记{s}@h1 讲话人注入"\n' \
                  f'reporters: [{{name: "周建国{s}@h2 注入", post: "书记{s}@p 注入"}}]\n'
    c = parse(text)
    for value in (c.achievements[0], c.speaker, c.reporters[0].name, c.reporters[0].post):
        assert len(value.splitlines()) == 1 and "注入" in value  # kept as text, on the one line
    draft = compose(c)
    assert not any("注入" in b.text for b in draft.blocks if b.kind == "heading")
    assert draft.byline and all(len(line.splitlines()) == 1 for line in draft.byline)
    for fmt in (".md", ".txt"):
        out = serialize(draft, fmt)
        out = out.decode("utf-8") if isinstance(out, bytes) else out
        assert not any(line.lstrip("# ").startswith(("@h1", "@h2", "@p", "注入", "讲话人注入"))
                       for line in out.splitlines()), fmt
        assert not any(ch in out for ch in "\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e")


def test_a_raw_separator_outside_quotes_is_a_yaml_error_with_its_line():
    with pytest.raises(InputError) as exc:
        parse(HEAD + "achievements:\n  - 成绩甲\u2028@h1 注入的标题\n")
    assert exc.value.line is not None
