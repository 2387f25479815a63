"""The DOCX writer: page, grid, effective fonts per role, spacing, footer field, highlights, determinism."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Pt
from lxml import etree
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.document import Block, Draft, Span
from generator.writers.docx import break_title, render_docx
from generator.writers.docx_styles import BYLINE_ID, HEADING_IDS, SALUTATION_ID, TITLE_ID
from generator.writers.house_style import Style, load_style

from conftest import EXAMPLES

from docx_helpers import (assert_fonts_in_styles, assert_gbt9704, effective_paragraph, effective_run,
                          footer_text, has_page_field, open_docx, role_of, theme_font_attrs)

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


def test_every_style_sets_all_four_fonts_and_runs_none(doc):
    """Formatting lives in the styles; a run carries only what differs from its style."""
    assert_fonts_in_styles(doc)
    for para in [*doc.paragraphs, *doc.sections[0].footer.paragraphs, *doc.sections[0].even_page_footer.paragraphs]:
        for run in para.runs:
            rpr = run._r.rPr
            assert rpr is None or {c.tag for c in rpr} <= {qn("w:highlight"), qn("w:b")}, run.text


def _restyle(data: bytes, style_id: str, font: str, size: float):
    """What a secretary does in Word: change one style's font and size, save, open again."""
    doc = open_docx(data)
    style = next(s for s in doc.styles if s.style_id == style_id)
    fonts = style.element.rPr.find(qn("w:rFonts"))
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{slot}"), font)
    style.font.size = Pt(size)
    buf = io.BytesIO()
    doc.save(buf)
    return open_docx(buf.getvalue())


def test_changing_the_body_style_changes_all_body_text(data):
    changed = _restyle(data, "Normal", "楷体", 15)
    body = [p for p in changed.paragraphs if role_of(p) == "body" and p.text]
    assert len(body) >= 3
    for para in body:
        for run in para.runs:
            rp = effective_run(changed, para, run)
            assert (rp.east_asia, rp.ascii, rp.size) == ("楷体", "楷体", 15), run.text
    # the other roles keep their own fonts
    h1 = _by_role(changed)["heading1"]
    assert effective_run(changed, h1, h1.runs[0]).east_asia == "黑体"


def test_changing_a_heading_style_changes_every_such_heading():
    draft = make_draft()
    draft = Draft(title=draft.title, byline=draft.byline,
                  blocks=(*draft.blocks, Block.of("heading", "二、强化责任落实", 1)), meta=draft.meta)
    changed = _restyle(render_docx(draft), "Heading1", "方正黑体_GBK", 16)
    heads = [p for p in changed.paragraphs if role_of(p) == "heading1"]
    assert len(heads) == 2
    assert {effective_run(changed, p, r).east_asia for p in heads for r in p.runs} == {"方正黑体_GBK"}


def test_linked_character_styles_match_or_are_hidden(doc):
    """Giving 标题 1 to part of a line applies "Heading 1 Char": it must look like 标题 1, not blue."""
    by_id = {s.style_id: s for s in doc.styles}
    for level in (1, 2, 3, 4):
        char, para = by_id[f"Heading{level}Char"], by_id[f"Heading{level}"]
        assert etree.tostring(char.element.rPr) == etree.tostring(para.element.rPr)
        assert char.element.rPr.find(qn("w:color")) is None
    assert etree.tostring(by_id["FooterChar"].element.rPr) == etree.tostring(by_id["Footer"].element.rPr)
    for style in doc.styles:
        link = style.element.find(qn("w:link"))
        if style.type != WD_STYLE_TYPE.CHARACTER or link is None:
            continue
        para = by_id[link.get(qn("w:val"))]
        if style.element.rPr is not None and etree.tostring(style.element.rPr) == etree.tostring(para.element.rPr):
            continue
        assert style.hidden and not style.quick_style, style.style_id
    for sid in ("TitleChar", "SubtitleChar", "Title", "Subtitle"):
        assert by_id[sid].hidden and not by_id[sid].quick_style, sid


def test_styles_that_behave_on_enter(doc):
    by_id = {s.style_id: s for s in doc.styles}
    assert by_id[SALUTATION_ID].next_paragraph_style.style_id == "Normal"
    assert by_id[BYLINE_ID].next_paragraph_style.style_id == "Normal"
    assert by_id[TITLE_ID].next_paragraph_style.style_id == BYLINE_ID
    for sid in HEADING_IDS:
        assert by_id[sid].next_paragraph_style.style_id == "Normal"


def test_page_break_controls(doc):
    by_id = {s.style_id: s for s in doc.styles}
    assert by_id["Normal"].paragraph_format.widow_control is True
    for sid in HEADING_IDS:
        pf = by_id[sid].paragraph_format
        assert pf.keep_with_next is True and pf.keep_together is True, sid
    assert by_id[TITLE_ID].paragraph_format.keep_together is True
    for para in doc.paragraphs:  # nothing overrides them on the paragraph
        ppr = para._p.pPr
        assert ppr is None or all(ppr.find(qn(t)) is None for t in ("w:widowControl", "w:keepNext", "w:keepLines"))


def test_no_manual_line_break_inside_a_heading():
    draft = Draft(title="讲话", blocks=(Block.of("heading", "一、提高政治站位，\n压紧压实管党治党责任", 1),))
    doc = open_docx(render_docx(draft))
    head = next(p for p in doc.paragraphs if role_of(p) == "heading1")
    assert head._p.find(".//" + qn("w:br")) is None
    assert head.text == "一、提高政治站位，压紧压实管党治党责任"
    for para in open_docx(render_docx(make_draft())).paragraphs:
        if role_of(para).startswith("heading"):
            assert para._p.find(".//" + qn("w:br")) is None


def test_overflow_punct_on_in_every_style_we_use(doc):
    """w:overflowPunct=1 (LibreOffice reads 0 as "hang punctuation" and drops marks; see bench/RESULTS.md)."""
    by_id = {s.style_id: s for s in doc.styles}
    for sid in ("Normal", TITLE_ID, BYLINE_ID, SALUTATION_ID, *HEADING_IDS, "Footer"):
        el = by_id[sid].element.pPr.find(qn("w:overflowPunct"))
        assert el is not None and el.get(qn("w:val")) == "1", sid


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
    assert core.author == core.last_modified_by == ""  # no speaker in the draft's meta


@pytest.mark.parametrize("meta, created", [
    ({"year": 2026, "date": "2026年1月16日"}, dt.datetime(2026, 1, 16)),
    ({"year": 2026, "date": "2026-03-12"}, dt.datetime(2026, 3, 12)),
    ({"year": 2026, "date": "〔待补：日期〕"}, dt.datetime(2026, 1, 1)),
    ({"year": 2026, "date": "2026年2月30日"}, dt.datetime(2026, 1, 1)),
    ({"year": 2026}, dt.datetime(2026, 1, 1)),
    ({}, dt.datetime(2000, 1, 1)),
])
def test_creation_date_from_the_draft_never_the_clock(meta, created):
    data = render_docx(make_draft(**meta))
    core = open_docx(data).core_properties
    assert core.created == core.modified == created.replace(tzinfo=dt.timezone.utc)
    assert render_docx(make_draft(**meta)) == data


def test_author_is_the_speaker():
    core = open_docx(render_docx(make_draft(year=2026, speaker="区委书记"))).core_properties
    assert core.author == core.last_modified_by == "区委书记"


def test_app_properties_are_honest(data):
    app = zipfile.ZipFile(io.BytesIO(data)).read("docProps/app.xml").decode()
    assert "<Application>speechgen</Application>" in app
    assert "Microsoft" not in app
    for tag in ("Pages", "Words", "Characters", "Lines", "Paragraphs", "AppVersion", "Template"):
        assert f"<{tag}>" not in app, tag
    etree.fromstring(app.encode())


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
