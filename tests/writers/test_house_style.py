"""House styles: GB/T 9704 defaults, 字号 names, and clear Chinese errors for bad style files."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import InputError
from generator.writers.house_style import Style, load_style, parse_size, style_from_mapping

from conftest import EXAMPLES


def test_defaults_are_gbt9704():
    s = Style()
    assert (s.title_font, s.title_size) == ("方正小标宋简体", 22)
    assert (s.body_font, s.body_size) == ("仿宋_GB2312", 16)
    assert (s.byline_font, s.byline_size) == ("楷体_GB2312", 16)
    assert [s.heading_font(i) for i in (1, 2, 3, 4)] == ["黑体", "楷体_GB2312", "仿宋_GB2312", "仿宋_GB2312"]
    assert (s.footer_font, s.footer_size, s.page_number) == ("宋体", 14, "outside")
    assert (s.margin_top_mm, s.margin_bottom_mm, s.margin_left_mm, s.margin_right_mm) == (37, 35, 28, 26)
    assert s.chars_per_line == 28 and 28 <= s.line_spacing <= 29
    assert s.emphasis_bold is False and s.heading_bold is False


@pytest.mark.parametrize("value, points", [("三号", 16), ("3号", 16), ("小二", 18), ("二号", 22),
                                           ("四号", 14), ("五号", 10.5), (16, 16), ("15.5pt", 15.5)])
def test_parse_size_accepts_points_and_zihao(value, points):
    assert parse_size(value) == points


@pytest.mark.parametrize("value", ["大号", "", 0, 100, True, None, [16]])
def test_parse_size_rejects_nonsense(value):
    assert parse_size(value) is None


def test_example_style_file_loads():
    s = load_style(EXAMPLES / "style-centered.yaml")
    assert s.page_number == "center"
    assert s.body_size == 16 and s.title_size == 22


def test_mapping_overrides_and_chinese_aliases():
    s = style_from_mapping({"page_number": "居中", "body_font": "仿宋", "emphasis_bold": True}, "config.yaml")
    assert (s.page_number, s.body_font, s.emphasis_bold) == ("center", "仿宋", True)
    assert s.title_font == Style().title_font
    assert style_from_mapping({}, "x") == Style()


def test_missing_file(tmp_path):
    with pytest.raises(InputError) as err:
        load_style(tmp_path / "nope.yaml")
    assert "找不到版式文件" in str(err.value) and "nope.yaml" in str(err.value)


def test_malformed_yaml_names_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("page_number: center\nbody_font: [仿宋\ntitle_size: 22\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_style(path)
    assert err.value.path == str(path)
    assert err.value.line in (2, 3)
    assert "YAML" in str(err.value) and f"第{err.value.line}行" in str(err.value)


def test_unknown_key_suggests_close_match(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("page_number: center\nbody_fnt: 仿宋\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_style(path)
    assert (err.value.line, err.value.key) == (2, "body_fnt")
    assert "body_font" in str(err.value) and "未知" in str(err.value)


def test_bad_value_names_key_and_line(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("# 注释\nbody_size: 大号\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_style(path)
    assert (err.value.line, err.value.key) == (2, "body_size")
    assert "字号" in str(err.value)


@pytest.mark.parametrize("text, key", [("page_number: left\n", "page_number"),
                                       ("emphasis_bold: 是\n", "emphasis_bold"),
                                       ("margin_top_mm: 500\n", "margin_top_mm"),
                                       ("chars_per_line: 27.5\n", "chars_per_line"),
                                       ("body_font: 12\n", "body_font")])
def test_bad_values(tmp_path, text, key):
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_style(path)
    assert err.value.key == key and err.value.line == 1


@pytest.mark.parametrize("value, word", [(r'"仿宋\x01"', "控制字符"), (r'"仿宋\t体"', "控制字符"),
                                         (r'"楷\u0085体"', "控制字符"), (r'"宋体\uffff"', "控制字符"),
                                         ("F" * 65, "不能超过 64 个字符")])
def test_font_names_with_control_characters_or_too_long_are_refused(tmp_path, value, word):
    path = tmp_path / "s.yaml"
    path.write_text(f"# 注释\nbody_size: 三号\ntitle_font: {value}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_style(path)
    assert (err.value.path, err.value.line, err.value.key) == (str(path), 3, "title_font")
    assert word in str(err.value) and "字体名称" in str(err.value)
    # 64 characters, and XML's own special characters, are fine: the writer escapes them.
    path.write_text(f"title_font: {'F' * 64}\nbody_font: 'A<B&\"C'\n", encoding="utf-8")
    assert (load_style(path).title_font, load_style(path).body_font) == ("F" * 64, 'A<B&"C')


def test_top_level_must_be_a_mapping(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("- page_number\n", encoding="utf-8")
    with pytest.raises(InputError, match="映射"):
        load_style(path)


def test_empty_file_is_default(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("# 只有注释\n", encoding="utf-8")
    assert load_style(path) == Style()


_values = st.one_of(st.none(), st.booleans(), st.integers(-100, 200), st.floats(allow_nan=False),
                    st.text(max_size=8), st.lists(st.integers(), max_size=2))


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["body_size", "page_number", "title_font", "emphasis_bold",
                                        "line_spacing", "chars_per_line", "bogus", "latin_font"]),
                       _values, max_size=4))
def test_any_mapping_gives_style_or_input_error(data):
    try:
        s = style_from_mapping(data, "house.yaml")
    except InputError as exc:
        assert exc.path == "house.yaml" and exc.key in data
    else:
        assert isinstance(s, Style) and "bogus" not in data


def test_every_problem_of_a_style_file_at_once(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("body_fnt: 仿宋\npage_number: left\nbody_size: 大号\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_style(path)
    text = str(err.value)
    assert "版式文件有 3 处问题" in text
    assert "第1行 body_fnt" in text and "第2行 page_number" in text and "第3行 body_size" in text


@pytest.mark.parametrize("text", ["root:*:20228:0:99999:7:::\ndaemon:*:20228:0:99999:7:::\n",
                                  "db_password: hunter2\napi_token: s3cr3t\n"])
def test_a_file_that_is_no_style_is_said_to_be_none_without_its_content(tmp_path, text):
    """1.32, 1.33: a config's style: naming /etc/shadow (or a YAML of secrets) printed every line, or every
    key, as an "unknown style key"."""
    path = tmp_path / "other"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_style(path)
    message = exc.value.format()
    assert "这不是版式文件" in message and str(path) in message
    shown = message.replace(str(path), "")  # the temporary folder's own name may hold "root"
    assert not any(word in shown for word in ("root", "daemon", "20228", "hunter2", "db_password", "api_token"))


@pytest.mark.parametrize("text", ["password = hunter2\n[section]\n", "a: [hunter2\n", "secret: &x hunter2\n"])
def test_a_style_file_that_does_not_parse_gives_its_line_not_its_text(tmp_path, text):
    path = tmp_path / "other.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_style(path)
    assert "hunter2" not in exc.value.format() and str(path) in exc.value.format()


def test_a_style_file_with_one_misspelt_key_still_names_it(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("body_font: 仿宋\ntitel_size: 22\n'root:*:x:': 1\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_style(path)
    message = exc.value.format()
    assert "titel_size" in message and "是不是想写 title_size" in message and "第3行" in message
    assert "root:" not in message.replace(str(path), "")


def test_a_config_style_key_pointing_at_a_foreign_file_never_echoes_it(tmp_path, runner):
    from generator.cli import cli

    secret = tmp_path / "secret.yaml"
    secret.write_text("db_password: hunter2\napi_token: s3cr3t\n", encoding="utf-8")
    config = tmp_path / "c.yaml"
    config.write_text(f"type: shuzhi_speech\nplace: 云溪区\nlevel: 区\nyear: 2026\nstyle: {secret}\n", encoding="utf-8")
    result = runner.invoke(cli, ["render", str(config), "-o", str(tmp_path / "o.docx")])
    assert result.exit_code == 2 and "这不是版式文件" in result.stderr
    assert not any(w in result.output for w in ("hunter2", "s3cr3t", "db_password", "api_token"))
