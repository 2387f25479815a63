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
        parse(text)
    except InputError:
        pass
