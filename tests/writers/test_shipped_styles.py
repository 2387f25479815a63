"""Shipped house styles, chosen by name: ``--style windows-fonts`` or ``style: windows-fonts`` in a config."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn

from generator.cli import cli
from generator.errors import InputError
from generator.jobs import render_command
from generator.resources import styles_dir
from generator.writers.house_style import is_style_name, load_style, shipped_styles

from conftest import EXAMPLES, ROOT
from docx_helpers import assert_gbt9704

WINDOWS_FONTS = {"仿宋", "楷体", "黑体", "宋体"}


def _style_fonts(data: bytes) -> dict[str, str]:
    doc = docx.Document(io.BytesIO(data))
    out = {}
    for el in doc.styles.element.iter(qn("w:style")):
        fonts = el.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            out[el.get(qn("w:styleId"))] = fonts.get(qn("w:eastAsia"))
    return out


def test_windows_fonts_is_shipped_and_uses_only_windows_fonts():
    assert "windows-fonts" in shipped_styles()
    assert styles_dir() == ROOT / "styles" or styles_dir().parts[-2:] == ("_data", "styles")
    st = load_style("windows-fonts")
    used = {st.title_font, st.byline_font, st.body_font, st.footer_font, *(st.heading_font(i) for i in (1, 2, 3, 4))}
    assert used <= WINDOWS_FONTS
    assert (st.body_font, st.title_font, st.heading2_font) == ("仿宋", "黑体", "楷体")


@pytest.mark.parametrize("value, name", [("windows-fonts", True), ("a/b", False), ("a\\b", False),
                                         ("x.yaml", False), ("x.YML", False), ("", False)])
def test_what_counts_as_a_name(value, name):
    assert is_style_name(value) is name


def test_unknown_name_lists_the_shipped_styles(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as exc:
        load_style("windows-font")
    assert "windows-font" in exc.value.format() and "windows-fonts" in exc.value.format().split("内置版式：")[1]


def test_cli_style_by_name_renders_docx_in_windows_fonts(tmp_path):
    out = tmp_path / "讲话.docx"
    result = CliRunner().invoke(cli, ["render", str(EXAMPLES / "shuzhi_speech.yaml"), "-o", str(out),
                                      "--style", "windows-fonts"])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    fonts = _style_fonts(data)
    assert fonts["Normal"] == "仿宋" and set(fonts.values()) <= WINDOWS_FONTS, fonts
    assert_gbt9704(data, style=load_style("windows-fonts"))
    table = zipfile.ZipFile(out).read("word/fontTable.xml").decode("utf-8")
    assert "GB2312" not in table and "方正" not in table


def test_cli_unknown_style_name_is_exit_2(tmp_path):
    result = CliRunner().invoke(cli, ["render", str(EXAMPLES / "shuzhi_speech.yaml"), "-o",
                                      str(tmp_path / "a.docx"), "--style", "no-such-style"])
    assert result.exit_code == 2
    assert "no-such-style" in result.output and "windows-fonts" in result.output


def test_config_style_key_by_name(tmp_path):
    config = tmp_path / "配置.yaml"
    config.write_text((EXAMPLES / "shuzhi_speech.yaml").read_text(encoding="utf-8") + "\nstyle: windows-fonts\n",
                      encoding="utf-8")
    out = tmp_path / "讲话.docx"
    render_command(config, str(out))
    assert _style_fonts(out.read_bytes())["Normal"] == "仿宋"


def test_shipped_name_wins_but_a_suffixless_file_beside_the_config_still_loads(tmp_path):
    (tmp_path / "windows-fonts").write_text("body_font: 宋体\n", encoding="utf-8")
    (tmp_path / "单位版式").write_text("body_font: 宋体\n", encoding="utf-8")
    text = (EXAMPLES / "shuzhi_speech.yaml").read_text(encoding="utf-8")
    config = tmp_path / "配置.yaml"
    for name, body in (("windows-fonts", "仿宋"), ("单位版式", "宋体")):
        config.write_text(text + f"\nstyle: {name}\n", encoding="utf-8")
        out = tmp_path / f"{name}.docx"
        render_command(config, str(out))
        assert _style_fonts(out.read_bytes())["Normal"] == body, name


def test_config_unknown_style_name_lists_the_shipped_ones(tmp_path):
    config = tmp_path / "配置.yaml"
    config.write_text((EXAMPLES / "shuzhi_speech.yaml").read_text(encoding="utf-8") + "\nstyle: windows\n",
                      encoding="utf-8")
    with pytest.raises(InputError, match="windows-fonts"):
        render_command(config, str(tmp_path / "a.docx"))
