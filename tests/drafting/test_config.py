"""Config loading and validation: typed values, defaults, every error with its key and line."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from generator.drafting.config import DEFAULT_POINTS, load_config, parse_config, parse_length
from generator.errors import ConfigError, InputError
from generator.drafting.packs import resolve_type

MINIMAL = "type: shuzhi_speech\nplace: 江北区\nlevel: 区\nyear: 2026\n"


def parse(text: str):
    return parse_config(text, "c.yaml", type_resolver=resolve_type)


def test_minimal_config_gets_defaults():
    c = parse(MINIMAL)
    assert (c.type, c.place, c.level, c.year, c.review_year) == ("shuzhi_speech", "江北区", "区", 2026, 2025)
    assert c.points == DEFAULT_POINTS and not c.points_given
    assert c.achievements == () and c.reporters == () and c.length is None and c.seed == 0
    assert c.words == {"place": "江北区", "scope": "全区", "committee": "区委", "our": "我区", "level": "区",
                       "year": "2026", "review_year": "2025"}


@pytest.mark.parametrize("level,scope,committee,our", [
    ("县", "全县", "县委", "我县"), ("市", "全市", "市委", "我市"), ("镇", "全镇", "镇党委", "我镇"),
    ("街道", "全街道", "街道党工委", "我街道"), ("旗", "全旗", "旗委", "我旗"),
])
def test_level_decides_scope_words(level, scope, committee, our):
    c = parse(MINIMAL.replace("level: 区", f"level: {level}"))
    assert (c.words["scope"], c.words["committee"], c.words["our"]) == (scope, committee, our)


@pytest.mark.parametrize("name", ["述职评议点评", "dianping"])
def test_type_accepts_id_or_chinese_name(name):
    text = MINIMAL.replace("shuzhi_speech", name)
    assert parse(text).type == "dianping"


def test_unknown_type_lists_available_ones():
    with pytest.raises(ConfigError) as exc:
        parse(MINIMAL.replace("shuzhi_speech", "年终总结"))
    msg = exc.value.format()
    assert "第1行 type" in msg and "shuzhi_speech（述职评议会讲话）" in msg and "zuotan_outline" in msg


@pytest.mark.parametrize("value,expected", [(4000, 4000), ("20分钟", 5000), ("3000字", 3000), ("x", None), (True, None)])
def test_parse_length(value, expected):
    assert parse_length(value) == expected


def test_minutes_key_converts_at_250_a_minute():
    assert parse(MINIMAL + "minutes: 16\n").length == 4000


def test_every_error_at_once_with_line_numbers():
    text = "type: shuzhi_speech\nplace: 江北区\nlength: 很长\nyaer: 2026\nseed: abc\nreporters:\n  - {post: 书记}\n"
    with pytest.raises(ConfigError) as exc:
        parse(text)
    msg = exc.value.format()
    assert msg.startswith("c.yaml：配置有 6 处问题")
    assert '第3行 length: 应为整数或"N分钟"' in msg
    assert "第4行 yaer: 未知的配置项，是否想写 year？" in msg
    assert "第5行 seed: 应为整数" in msg
    assert "level: 缺少必填项" in msg and "year: 缺少必填项" in msg
    assert "第7行 reporters[0]: 述职人缺少姓名 name" in msg
    assert "| length: 很长" in msg  # the offending line is quoted


def test_nested_reporter_errors_name_the_path():
    text = MINIMAL + "reporters:\n  - name: 周建国\n    highlight: [x]\n    problems: 5\n"
    with pytest.raises(ConfigError) as exc:
        parse(text)
    msg = exc.value.format()
    assert "第7行 reporters[0].highlight: 未知的述职人字段，是否想写 highlights？" in msg


def test_yaml_syntax_error_gives_line():
    with pytest.raises(InputError) as exc:
        parse("type: shuzhi_speech\nplace: [江北区\nlevel: 区\n")
    assert exc.value.line is not None and "YAML 语法错误" in exc.value.format()


def test_facts_are_kept_verbatim_and_whitespace_tidied():
    c = parse(MINIMAL + "achievements:\n  - 新建“两新”党组织36个\n  - |\n    整顿软弱涣散\n    党组织9个\n")
    assert c.achievements == ("新建“两新”党组织36个", "整顿软弱涣散党组织9个")


@pytest.mark.parametrize("text,msg", [("", "空的"), ("- a\n- b\n", "映射")])
def test_empty_or_non_mapping(text, msg):
    with pytest.raises(InputError, match=msg):
        parse(text)


def test_missing_file_and_bad_encoding(tmp_path):
    with pytest.raises(InputError, match="不存在"):
        load_config(tmp_path / "nope.yaml")
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes(MINIMAL.encode("gbk"))  # saved by a Chinese Windows editor
    assert load_config(gbk, type_resolver=resolve_type).place == "江北区"
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"place: \xff\xfe\x80\x81\xfe")
    with pytest.raises(InputError, match="UTF-8"):
        load_config(bad)


def test_wrong_typed_facts_are_errors_not_silently_dropped():
    with pytest.raises(ConfigError) as exc:
        parse(MINIMAL + "achievements: [[1, 2]]\nproblems: {a: 1}\npoints: [1, 政治建设]\n")
    msg = exc.value.format()
    assert "第5行 achievements[0]: 应为非空文字" in msg and "第6行 problems: 应为列表" in msg
    assert "points[0]: 应为主题名称或一句话，不能是数字" in msg


def test_duplicate_keys_name_both_lines():
    with pytest.raises(ConfigError) as exc:
        parse(MINIMAL + "year: 2025\n")
    assert "第5行 year: 与第4行重复" in exc.value.format()


def test_review_year_not_after_year():
    with pytest.raises(ConfigError, match="不能晚于开会年份 2026"):
        parse(MINIMAL + "review_year: 2030\n")


def test_yaml_dates_become_chinese_dates():
    assert parse(MINIMAL + "date: 2026-01-16\n").date == "2026年1月16日"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_raises_anything_but_input_error(text):
    try:
        config = parse(text)
    except InputError as err:
        # A message a user can act on: it names the file and says what is wrong in Chinese.
        msg = err.format()
        assert msg.startswith("c.yaml") and any("\u4e00" <= ch <= "\u9fff" for ch in msg)
    else:
        assert config.source == "c.yaml" and config.type in {"shuzhi_speech", "dianping", "zuotan_outline", "dangjian_meeting"}
        assert config.place and config.year


def test_schema_is_the_one_source_of_keys():
    from generator.drafting.schema import KEYS, readme_table

    config = parse(MINIMAL)
    assert set(config.values()) == {k.name for k in KEYS}
    assert all(f"`{k.name}`" in readme_table() for k in KEYS)


def test_a_pack_declares_keys_of_its_own(tmp_path):
    from generator.jobs import load

    pack = tmp_path / "packs" / "minsheng"
    pack.mkdir(parents=True)
    (pack / "manifest.yaml").write_text(
        "id: minsheng\nname: 民生会议讲话\nextends: shuzhi_speech\n"
        "keys:\n  - {name: host_unit, kind: name, label: 主办单位, help: 主办单位的全称}\n", encoding="utf-8")
    (pack / "speech.j2").write_text('{% extends "shuzhi_speech/speech.j2" %}\n', encoding="utf-8")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(MINIMAL.replace("shuzhi_speech", "minsheng") + "host_unit: 县委组织部\n", encoding="utf-8")
    config = load(cfg, [tmp_path / "packs"])
    assert config.extra == {"host_unit": "县委组织部"}
    cfg.write_text(MINIMAL.replace("shuzhi_speech", "minsheng") + "host_unitt: 县委组织部\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="是否想写 host_unit"):
        load(cfg, [tmp_path / "packs"])


@pytest.mark.parametrize("line,msg", [
    ("seed: " + "9" * 5000, "数字过长"), ("minutes: .nan", "应为正数"), ("minutes: .inf", "应为正数"),
    ("date: 2026-13-45", "日期"), ("date: '2026-02-30'", "日期不存在"), ("points: 123", "不能是数字"),
    ("points: true", "应为列表"), ("place: " + "长" * 500, "太长"), ("level: [区]", "行政层级"),
])
def test_odd_values_are_input_errors(line, msg):
    text = MINIMAL.replace("place: 江北区\n", "") + line + "\n" if line.startswith("place") else MINIMAL + line + "\n"
    if line.startswith("level"):
        text = MINIMAL.replace("level: 区\n", "") + line + "\n"
    with pytest.raises(InputError, match=msg):
        parse(text)


def test_quoted_iso_date_is_printed_in_chinese():
    assert parse(MINIMAL + "date: '2026-10-01'\n").date == "2026年10月1日"


def test_invisible_characters_are_stripped():
    assert parse(MINIMAL.replace("江北区", "江\u200b北\u202e区")).place == "江北区"


@pytest.mark.parametrize("doc", ["a: &x [1]\nb: *x\n", "points: &x [*x]\n", "[" * 200 + "]" * 200])
def test_aliases_and_deep_nesting_refused(doc):
    with pytest.raises(InputError):
        parse(doc)


def test_traditional_values_are_used_simplified_and_said():
    c = parse(MINIMAL.replace("江北区", "雲溪區").replace("level: 区", "level: 區") + "points: [政治建設, 組織建設]\n")
    assert (c.place, c.level, c.points) == ("云溪区", "区", ("政治建设", "组织建设"))
    assert any("繁体" in n for n in c.notes)
    assert parse(MINIMAL).notes == ()


def test_a_null_key_is_reported_at_its_own_line():
    with pytest.raises(ConfigError) as exc:
        parse(MINIMAL + "null: 3\n")
    assert "第5行 null: 未知的配置项" in exc.value.format() and "None" not in exc.value.format()


@pytest.mark.parametrize("escape", ["\\uFFFE", "\\uFFFF", "\\x04", "\\x1b"])
def test_yaml_escapes_cannot_smuggle_invalid_characters(escape):
    c = parse(MINIMAL.replace("place: 江北区", f'place: "江北{escape}区"'))
    assert c.place == "江北区"


@pytest.mark.parametrize("level", ["猫", "一", "国", "村"])
def test_level_must_be_a_known_one(level):
    with pytest.raises(ConfigError, match="应为行政层级"):
        parse(MINIMAL.replace("level: 区", f"level: {level}"))


@pytest.mark.parametrize("sep", ["\\u2028", "\\u2029", "\\x85"])
def test_unicode_line_separators_cannot_add_lines(sep):
    c = parse(MINIMAL.replace("place: 江北区", f'place: "江北区{sep}@h1 注入"'))
    assert "\u2028" not in c.place and "\u2029" not in c.place and "\x85" not in c.place
