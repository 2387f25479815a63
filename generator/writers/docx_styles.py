"""Turns python-docx's default template into a GB/T 9704 one: page, grid, named styles, fonts, settings."""

from __future__ import annotations

import copy
import math
import re

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, Twips

from generator.writers.house_style import FONT_FALLBACKS, Style

A4_WIDTH, A4_HEIGHT = 11906, 16838  # twips
THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
THEME_ATTR_RE = re.compile(rb'\s+w:(?:asciiTheme|hAnsiTheme|eastAsiaTheme|cstheme)="[^"]*"')

#: Our paragraph styles: id → (display name, role). Headings reuse Word's built-ins so the
#: navigation pane and outline view work, restyled to the house style.
TITLE_ID, BYLINE_ID, SALUTATION_ID = "GongwenTitle", "GongwenByline", "GongwenSalutation"
HEADING_IDS = ("Heading1", "Heading2", "Heading3", "Heading4")

# Children of w:pPr that come after w:snapToGrid in the schema's sequence.
_AFTER_SNAP = ("w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap",
               "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
               "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def mm_to_twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


def text_width_twips(style: Style) -> int:
    return A4_WIDTH - mm_to_twips(style.margin_left_mm) - mm_to_twips(style.margin_right_mm)


def line_pitch_twips(style: Style) -> int:
    return round(style.line_spacing * 20)


def char_space(style: Style) -> int:
    """w:charSpace: extra pitch per character in 1/4096 pt, so ``chars_per_line`` body characters fill a line."""
    pitch_pt = text_width_twips(style) / 20 / style.chars_per_line
    return math.floor((pitch_pt - style.body_size) * 4096)  # round down: 28 must fit, not 27.99


def char_spacing(st: Style, size: float) -> int:
    """Condensed spacing in 1/20 pt so ``chars_per_line`` characters of ``size`` fit the text width.

    Word would reach 28 a line through the character grid alone, but LibreOffice gives a 16 pt
    character two cells of a 15.8 pt grid; so paragraphs do not snap to the grid and condense
    by a quarter point instead, which every program lays out alike.
    """
    pitch = text_width_twips(st) / st.chars_per_line  # twips, i.e. 1/20 pt, the unit of w:spacing
    return min(0, math.floor(pitch - size * 20))


def set_char_spacing(rpr, value: int) -> None:
    for old in rpr.findall(qn("w:spacing")):
        rpr.remove(old)
    if not value:
        return
    el = OxmlElement("w:spacing")
    el.set(qn("w:val"), str(value))
    for tag in ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:lang"):
        nxt = rpr.find(qn(tag))
        if nxt is not None:
            nxt.addprevious(el)
            return
    rpr.append(el)


def set_fonts(rpr, font: str, latin: str = "") -> None:
    """Set all four font slots explicitly so no theme font or default can take over."""
    fonts = rpr.get_or_add_rFonts()
    for attr in THEME_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    latin = latin or font
    for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", font), ("w:cs", font)):
        fonts.set(qn(attr), value)
    # Ambiguous characters (“” — …) take the Chinese font, as in documents typed in Chinese Word.
    fonts.set(qn("w:hint"), "eastAsia")


def set_snap_to_grid(ppr, on: bool) -> None:
    for old in ppr.findall(qn("w:snapToGrid")):
        ppr.remove(old)
    el = OxmlElement("w:snapToGrid")
    el.set(qn("w:val"), "1" if on else "0")
    for tag in _AFTER_SNAP:
        nxt = ppr.find(qn(tag))
        if nxt is not None:
            nxt.addprevious(el)
            return
    ppr.append(el)


def set_overflow_punct(ppr) -> None:
    """w:overflowPunct on (Word's own default for Chinese, 允许标点溢出边界), written out for LibreOffice.

    LibreOffice's importer reads the value inverted: with ``0`` (or with the element absent) it turns
    its hanging punctuation on, draws a ，or 。 that falls just past a full justified line in the
    margin and leaves some of them off the page (and the PDF). With ``1`` every mark stays inside the
    text block: 13 marks dropped and 50 hanging in 8 documents before, none after (bench/RESULTS.md,
    "LibreOffice punctuation (issue 14)").
    """
    for old in ppr.findall(qn("w:overflowPunct")):
        ppr.remove(old)
    el = OxmlElement("w:overflowPunct")
    el.set(qn("w:val"), "1")
    for tag in ("w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
                "w:snapToGrid", *_AFTER_SNAP):
        nxt = ppr.find(qn(tag))
        if nxt is not None:
            nxt.addprevious(el)
            return
    ppr.append(el)


def strip_theme_fonts(root) -> None:
    for fonts in root.iter(qn("w:rFonts")):
        for attr in THEME_ATTRS:
            fonts.attrib.pop(qn(attr), None)


def _reset(style_el) -> None:
    """Drop a built-in style's own formatting (blue bold Calibri headings) before restyling it."""
    for tag in ("w:pPr", "w:rPr"):
        for old in style_el.findall(qn(tag)):
            style_el.remove(old)


def _format(style, style_cfg: Style, *, font: str, size: float, bold: bool = False,
            align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent_chars: int = 2, line: float | None = None,
            condense: bool = True) -> None:
    _reset(style.element)
    pf = style.paragraph_format
    pf.alignment = align
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Twips(round((line or style_cfg.line_spacing) * 20))
    pf.first_line_indent = Twips(round(indent_chars * size * 20))
    ind = style.element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(indent_chars * 100))
    set_snap_to_grid(style.element.pPr, False)  # see char_spacing
    set_overflow_punct(style.element.pPr)
    rpr = style.element.get_or_add_rPr()
    set_fonts(rpr, font, style_cfg.latin_font)
    style.font.bold = bold
    style.font.size = Pt(size)
    style.font.color.rgb = None
    set_char_spacing(rpr, char_spacing(style_cfg, size) if condense else 0)


def _custom(styles, style_id: str, name: str):
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.element.set(qn("w:styleId"), style_id)
    style.base_style = styles["Normal"]
    style.quick_style = True
    return style


def apply_styles(doc, st: Style) -> None:
    """Restyle Normal, Heading 1–4 and Footer, add 公文标题 / 公文署名 / 公文称谓, clean every theme font."""
    styles = doc.styles
    root = styles.element
    strip_theme_fonts(root)
    defaults = root.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr, st.body_font, st.latin_font)
    rpr.find(qn("w:sz")).set(qn("w:val"), str(round(st.body_size * 2)))
    rpr.find(qn("w:szCs")).set(qn("w:val"), str(round(st.body_size * 2)))
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:val"), "en-US")
    ppr_default = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    ppr_default.remove(ppr_default.find(qn("w:spacing")))

    normal = styles["Normal"]
    _format(normal, st, font=st.body_font, size=st.body_size)
    normal.paragraph_format.widow_control = True  # no paragraph leaves one line alone on a page

    title = _custom(styles, TITLE_ID, "公文标题")
    _format(title, st, font=st.title_font, size=st.title_size, align=WD_ALIGN_PARAGRAPH.CENTER,
            indent_chars=0, line=max(st.line_spacing, st.title_size * 1.3), condense=False)
    title.paragraph_format.keep_together = True
    title.paragraph_format.keep_with_next = True
    byline = _custom(styles, BYLINE_ID, "公文署名")
    _format(byline, st, font=st.byline_font, size=st.byline_size,
            align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0)
    byline.paragraph_format.keep_with_next = True
    salutation = _custom(styles, SALUTATION_ID, "公文称谓")
    _format(salutation, st, font=st.body_font, size=st.body_size, indent_chars=0)
    # Enter after the title gives the byline; after the byline or the salutation, body text.
    title.next_paragraph_style = byline
    byline.next_paragraph_style = normal
    salutation.next_paragraph_style = normal

    for level, style_id in enumerate(HEADING_IDS, start=1):
        heading = next(s for s in styles if s.style_id == style_id)
        _format(heading, st, font=st.heading_font(level), size=st.heading_size, bold=st.heading_bold)
        heading.font.italic = False
        heading.hidden = False  # Word hides heading 2–4 in the style pane until they are used
        heading.paragraph_format.keep_with_next = True
        heading.paragraph_format.keep_together = True  # a two-line heading is never split by a page
        heading.next_paragraph_style = normal
        heading.element.pPr.get_or_add_outlineLvl().val = level - 1

    footer = next(s for s in styles if s.style_id == "Footer")
    _format(footer, st, font=st.footer_font, size=st.footer_size, indent_chars=0, condense=False)
    footer.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    footer.paragraph_format.first_line_indent = None
    footer.element.pPr.get_or_add_ind().attrib.pop(qn("w:firstLineChars"), None)
    _align_linked_character_styles(styles, {"Normal", TITLE_ID, BYLINE_ID, SALUTATION_ID, *HEADING_IDS, "Footer"})


def _align_linked_character_styles(styles, ours: set[str]) -> None:
    """Linked character styles (Word applies "Heading 1 Char" when 标题 1 is given to part of a line).

    Those of our paragraph styles take their paragraph style's character formatting; the rest that
    python-docx's template ships (blue "Title Char", "Heading 5 Char" …) are hidden, with their
    paragraph styles when those are the template's blue display styles.
    """
    by_id = {s.style_id: s for s in styles}
    for style in list(styles):
        link = style.element.find(qn("w:link"))
        if style.type != WD_STYLE_TYPE.CHARACTER or link is None:
            continue
        para = by_id.get(link.get(qn("w:val")))
        if para is not None and para.style_id in ours:
            for old in style.element.findall(qn("w:rPr")):
                style.element.remove(old)
            style.element.append(copy.deepcopy(para.element.rPr))
            style.hidden = para.hidden
            style.unhide_when_used = False
            continue
        style.hidden = True
        style.quick_style = False
        if para is not None and para.element.find(qn("w:rPr")) is not None \
                and para.element.rPr.find(qn("w:color")) is not None:
            para.hidden = True
            para.quick_style = False


def setup_section(doc, st: Style) -> None:
    """A4, GB/T 9704 margins, the 22 × 28 document grid, footer 7 mm below the text block."""
    sect = doc.sections[0]
    sect.page_width, sect.page_height = Twips(A4_WIDTH), Twips(A4_HEIGHT)
    sect.top_margin = Twips(mm_to_twips(st.margin_top_mm))
    sect.bottom_margin = Twips(mm_to_twips(st.margin_bottom_mm))
    sect.left_margin = Twips(mm_to_twips(st.margin_left_mm))
    sect.right_margin = Twips(mm_to_twips(st.margin_right_mm))
    sect.header_distance = Twips(mm_to_twips(15))
    # 一字线 7 mm below the text block: the footer's baseline area ends one line height lower.
    sect.footer_distance = Twips(mm_to_twips(st.margin_bottom_mm - 7) - round(st.footer_size * 20))
    sect.gutter = Twips(0)
    grid = sect._sectPr.find(qn("w:docGrid"))
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(line_pitch_twips(st)))
    grid.set(qn("w:charSpace"), str(char_space(st)))


def font_table_xml(blob: bytes, fonts: list[str]) -> bytes:
    """Declare the fonts we use with their fallback names (w:altName) and GB2312 charset."""
    from html import escape  # xml.sax.saxutils would pull in urllib, ssl and http (40 ms a render)

    def attr(value: str) -> str:  # a font name from a style file may hold < & " and must stay one attribute
        return escape(value, quote=False).replace('"', "&quot;")

    entries = []
    for name in fonts:
        alt = FONT_FALLBACKS.get(name)
        alt_xml = f'<w:altName w:val="{attr(alt)}"/>' if alt and alt != name else ""
        entries.append(f'<w:font w:name="{attr(name)}">{alt_xml}<w:charset w:val="86"/>'
                       f'<w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>')
    # Remove the template's Japanese and Latin-only declarations we never use.
    blob = re.sub(rb"\s*<w:font w:name=\"[^\"]*\">.*?</w:font>", b"", blob, flags=re.S)
    return blob.replace(b"</w:fonts>", "".join(entries).encode("utf-8") + b"</w:fonts>")


def setup_settings(doc, st: Style) -> None:
    settings = doc.settings
    settings.odd_and_even_pages_header_footer = st.page_number == "outside"
    lang = settings.element.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
