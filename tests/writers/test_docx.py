"""The DOCX writer: page, grid, effective fonts per role, spacing, footer field, highlights, determinism."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx.oxml.ns import qn
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.document import Block, Draft, Span
from generator.writers.docx import break_title, render_docx
from generator.writers.house_style import Style, load_style

from conftest import EXAMPLES

from docx_helpers import (assert_gbt9704, effective_paragraph, effective_run, footer_text,
                          has_page_field, open_docx, role_of, theme_font_attrs)

TITLE = "在全区2025年度基层党组织书记抓基层党建工作述职评议会上的讲话"


def make_draft(**meta) -> Draft:
    return Draft(
        title=TITLE,
        byline=("区委书记　张建国", "（2026年1月15日）"),
        blocks=(
            Block.of("salutation", "同志们："),
            Block.of("paragraph", "今天，我们召开全区基层党组织书记述职评议会。" * 3),
            Block.of("heading", "一、提高政治站位，压紧压实管党治党责任", 1),
            Block.of("heading", "（一）强化政治引领", 2),
            Block("paragraph", (Span("一要深化理论武装。", "phrase:point.0001", emphasis=True),
                                Span("全区共有"), Span("〔待补：党组织数〕", "placeholder"),
                                Span("个基层党组织，"), Span("〔待补：述职人数〕", "placeholder"),
                                Span("名书记参加述职。"))),
            Block.of("heading", "1.抓好学习", 3),
            Block.of("heading", "（1）落实“第一议题”制度", 4),
            Block.of("paragraph", "同志们，让我们以更加饱满的热情，推动全区基层党建工作再上新台阶！"),
        ),
        meta=meta,
    )


@pytest.fixture(scope="module")
def data() -> bytes:
    return render_docx(make_draft(year=2026))


@pytest.fixture(scope="module")
def doc(data):
    return open_docx(data)


def _by_role(doc):
    out = {}
    for p in doc.paragraphs:
        if p.text:
            out.setdefault(role_of(p), p)
    return out


def test_whole_layout_passes_the_shared_checks(data):
    assert_gbt9704(data, make_draft())


def test_page_margins_and_grid(doc):
    sect = doc.sections[0]
    assert (sect.page_width.twips, sect.page_height.twips) == (11906, 16838)
    assert (sect.top_margin.mm, sect.bottom_margin.mm) == pytest.approx((37, 35), abs=0.05)
    assert (sect.left_margin.mm, sect.right_margin.mm) == pytest.approx((28, 26), abs=0.05)
    grid = sect._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    pitch = int(grid.get(qn("w:linePitch")))
    assert 28 * 20 <= pitch <= 29 * 20
    text_height = sect.page_height.twips - sect.top_margin.twips - sect.bottom_margin.twips
    assert text_height // pitch == 22
    char_pitch_pt = 16 + int(grid.get(qn("w:charSpace"))) / 4096
    text_width = sect.page_width.twips - sect.left_margin.twips - sect.right_margin.twips
    assert int(text_width / 20 // char_pitch_pt) == 28


@pytest.mark.parametrize("role, font, size, jc", [
    ("title", "方正小标宋简体", 22, "center"), ("byline", "楷体_GB2312", 16, "center"),
    ("salutation", "仿宋_GB2312", 16, "both"), ("body", "仿宋_GB2312", 16, "both"),
    ("heading1", "黑体", 16, "both"), ("heading2", "楷体_GB2312", 16, "both"),
    ("heading3", "仿宋_GB2312", 16, "both"), ("heading4", "仿宋_GB2312", 16, "both")])
def test_effective_font_size_and_alignment_per_role(doc, role, font, size, jc):
    para = _by_role(doc)[role]
    for run in para.runs:
        if run.text:
            rp = effective_run(doc, para, run)
            assert (rp.east_asia, rp.ascii, rp.size) == (font, font, size)
            assert rp.bold is False
    pp = effective_paragraph(doc, para)
    assert pp.jc == jc
    assert (pp.line_rule, pp.line) == ("exact", 579)


def test_indents(doc):
    roles = _by_role(doc)
    for role in ("body", "heading1", "heading2", "heading3", "heading4"):
        pp = effective_paragraph(doc, roles[role])
        assert (pp.first_line_chars, pp.first_line) == (200, 640), role
    for role in ("title", "byline", "salutation"):
        assert not effective_paragraph(doc, roles[role]).first_line_chars, role
        assert not effective_paragraph(doc, roles[role]).first_line, role


def test_headings_are_outline_levels_in_builtin_styles(doc):
    roles = _by_role(doc)
    for level in (1, 2, 3, 4):
        para = roles[f"heading{level}"]
        assert para.style.name == f"Heading {level}"
        assert effective_paragraph(doc, para).outline_level == level - 1
    assert roles["title"].style.name == "公文标题"


def test_no_theme_fonts_anywhere(data):
    assert theme_font_attrs(data) == []
    z = zipfile.ZipFile(io.BytesIO(data))
    styles = z.read("word/styles.xml").decode()
    assert 'w:eastAsia="zh-CN"' in styles


def test_every_run_sets_all_four_fonts(doc):
    for para in doc.paragraphs:
        for run in para.runs:
            fonts = run._r.rPr.find(qn("w:rFonts"))
            assert all(fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs"))


def test_title_broken_in_one_paragraph(doc):
    title = _by_role(doc)["title"]
    assert title.text == "在全区2025年度基层党组织书记\n抓基层党建工作述职评议会上的讲话"
    assert sum(1 for p in doc.paragraphs if role_of(p) == "title") == 1


def test_blank_line_between_title_block_and_body(doc):
    texts = [p.text for p in doc.paragraphs]
    assert texts[1:5] == ["区委书记　张建国", "（2026年1月15日）", "", "同志们："]


def test_placeholders_highlighted_and_only_them(doc):
    highlighted = [(r.text, effective_run(doc, p, r).highlight) for p in doc.paragraphs for r in p.runs
                   if effective_run(doc, p, r).highlight]
    assert highlighted == [("〔待补：党组织数〕", "yellow"), ("〔待补：述职人数〕", "yellow")]


def test_emphasis_bold_only_when_style_asks(doc):
    para = next(p for p in doc.paragraphs if p.text.startswith("一要"))
    assert effective_run(doc, para, para.runs[0]).bold is False
    bold_doc = open_docx(render_docx(make_draft(), Style(emphasis_bold=True)))
    para = next(p for p in bold_doc.paragraphs if p.text.startswith("一要"))
    assert para.runs[0].text == "一要深化理论武装。"
    assert effective_run(bold_doc, para, para.runs[0]).bold is True
    assert effective_run(bold_doc, para, para.runs[1]).bold is False


def test_footers_outside_by_default(doc):
    sect = doc.sections[0]
    assert doc.settings.odd_and_even_pages_header_footer is True
    for footer, jc in ((sect.footer, "right"), (sect.even_page_footer, "left")):
        assert has_page_field(footer)
        assert footer_text(footer) == "— 1 —"
        para = footer.paragraphs[0]
        assert effective_paragraph(doc, para).jc == jc
        for run in para.runs:
            rp = effective_run(doc, para, run)
            assert (rp.east_asia, rp.ascii, rp.size) == ("宋体", "宋体", 14)
    assert effective_paragraph(doc, sect.footer.paragraphs[0]).right == 280  # 空一字
    assert effective_paragraph(doc, sect.even_page_footer.paragraphs[0]).left == 280


def test_centred_page_number_option():
    style = Style(page_number="center")
    data = render_docx(make_draft(), style)
    assert_gbt9704(data, make_draft(), style)
    doc = open_docx(data)
    assert doc.settings.odd_and_even_pages_header_footer is False
    para = doc.sections[0].footer.paragraphs[0]
    assert effective_paragraph(doc, para).jc == "center"
    assert footer_text(doc.sections[0].footer) == "— 1 —"


def test_house_style_fonts_apply():
    style = Style(body_font="仿宋", heading1_font="方正黑体_GBK", body_size=15, latin_font="Times New Roman")
    doc = open_docx(render_docx(make_draft(), style))
    roles = _by_role(doc)
    rp = effective_run(doc, roles["body"], roles["body"].runs[0])
    assert (rp.east_asia, rp.ascii, rp.size) == ("仿宋", "Times New Roman", 15)
    h1 = roles["heading1"]
    assert effective_run(doc, h1, h1.runs[0]).east_asia == "方正黑体_GBK"


def test_byte_identical_and_normalised_zip(data):
    again = render_docx(make_draft(year=2026))
    assert again == data
    z = zipfile.ZipFile(io.BytesIO(data))
    assert z.namelist()[0] == "[Content_Types].xml"
    assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert "docProps/thumbnail.jpeg" not in z.namelist()


def test_core_properties(doc):
    core = doc.core_properties
    assert core.title == TITLE and core.language == "zh-CN"
    assert core.created.year == 2026 and core.revision == 1


@pytest.mark.parametrize("title, expected", [
    (TITLE, ["在全区2025年度基层党组织书记", "抓基层党建工作述职评议会上的讲话"]),
    ("在全区基层党建工作会议上的讲话", ["在全区基层党建工作会议上的讲话"]),
    ("在〔待补：会议名称〕暨全区基层党建工作推进会上的讲话",
     ["在〔待补：会议名称〕暨全区", "基层党建工作推进会上的讲话"]),
    ("全区基层党组织书记述职评议〔待补：会议名称〕工作会议讲话",
     ["全区基层党组织书记述职评议", "〔待补：会议名称〕工作会议讲话"]),
])
def test_break_title(title, expected):
    assert break_title(title, 20) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="在全区2025年度党组织书记抓基层建工作述职评议会上的讲话，“”AB", min_size=1, max_size=70))
def test_break_title_keeps_every_character_and_fits(title):
    lines = break_title(title, 20)
    assert "".join(lines) == title
    if len(lines) > 1:
        assert all(len(line) <= 20 for line in lines)


def test_example_house_style_renders():
    style = load_style(EXAMPLES / "style-centered.yaml")
    assert_gbt9704(render_docx(make_draft(), style), make_draft(), style)


def test_minimal_draft_title_only():
    draft = Draft(title="讲话提纲", blocks=())
    data = render_docx(draft)
    assert_gbt9704(data, draft)
    assert [p.text for p in open_docx(data).paragraphs] == ["讲话提纲", ""]


def test_helpers_reject_python_docx_defaults():
    """The shared checks must fail on an untouched python-docx document (theme fonts, Letter size)."""
    import docx

    buf = io.BytesIO()
    plain = docx.Document()
    plain.add_paragraph("正文")
    plain.save(buf)
    with pytest.raises(AssertionError):
        assert_gbt9704(buf.getvalue())
    assert ("word/styles.xml", "eastAsiaTheme") in theme_font_attrs(buf.getvalue())


def test_font_names_with_xml_special_characters_give_a_valid_docx(tmp_path):
    from lxml import etree

    names = {"body_font": 'A<B&"C', "title_font": "O'Neil & <Sons>", "heading1_font": "黑体&quot;"}
    path = tmp_path / "house.yaml"
    path.write_text("".join(f"{k}: '{v.replace(chr(39), chr(39) * 2)}'\n" for k, v in names.items()),
                    encoding="utf-8")
    data = render_docx(make_draft(), load_style(path))
    z = zipfile.ZipFile(io.BytesIO(data))
    for name in z.namelist():
        if name.endswith((".xml", ".rels")):
            etree.fromstring(z.read(name))  # every part is well-formed XML
    table = etree.fromstring(z.read("word/fontTable.xml"))
    declared = {f.get(qn("w:name")) for f in table.iter(qn("w:font"))}
    assert set(names.values()) <= declared
    doc = open_docx(data)
    roles = _by_role(doc)
    for role, key in (("body", "body_font"), ("title", "title_font"), ("heading1", "heading1_font")):
        para = roles[role]
        assert effective_run(doc, para, para.runs[0]).east_asia == names[key], role


def test_font_table_declares_fallbacks(data):
    fonts = zipfile.ZipFile(io.BytesIO(data)).read("word/fontTable.xml").decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts
    assert '<w:font w:name="楷体_GB2312"><w:altName w:val="楷体"/>' in fonts
    assert "ＭＳ 明朝" not in fonts  # the template's Japanese fonts are gone


def test_very_long_title_breaks_into_lines_that_rejoin():
    from generator.writers.docx import break_title

    title = "在" + "云溪" * 1000 + "区的讲话"
    lines = break_title(title, 20)
    assert "".join(lines) == title and all(len(line) <= 20 for line in lines)
