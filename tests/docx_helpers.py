"""Re-open rendered .docx files and resolve EFFECTIVE formatting the way Word does.

Run properties: run rPr → the run's character style chain → the paragraph style chain (basedOn) →
docDefaults. Paragraph properties: paragraph pPr → paragraph style chain → docDefaults. Each
attribute is resolved on its own (a style may give w:spacing/@line while the paragraph gives
@before). A theme font attribute at a level beats the explicit font at that level, as in Word, and
is reported as ``"theme:<name>"`` so a test fails on it.

``assert_gbt9704(data, draft, style)`` bundles the checks every rendered example must pass, among
them ``assert_fonts_in_styles``: formatting lives in the styles, every style sets its East Asian font
and a run sets no font of its own.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

import docx
from docx.oxml.ns import qn

from generator.writers.docx_styles import (BYLINE_ID, HEADING_IDS, SALUTATION_ID, TITLE_ID, char_space,
                                   line_pitch_twips, mm_to_twips)
from generator.document import PLACEHOLDER_RE
from generator.writers.house_style import Style

THEME_RE = re.compile(r'w:(asciiTheme|hAnsiTheme|eastAsiaTheme|cstheme)="')
_THEME_OF = {"eastAsia": "eastAsiaTheme", "ascii": "asciiTheme", "hAnsi": "hAnsiTheme", "cs": "cstheme"}


def open_docx(data: bytes):
    return docx.Document(io.BytesIO(data))


def _styles(doc) -> dict:
    return {s.get(qn("w:styleId")): s for s in doc.styles.element.findall(qn("w:style"))}


def _chain(doc, style_id: str | None, kind: str) -> list:
    """The style element and its basedOn ancestors; the default style of ``kind`` when id is None."""
    styles = _styles(doc)
    if style_id is None:
        if kind != "paragraph":
            return []
        style_id = next((i for i, s in styles.items() if s.get(qn("w:type")) == "paragraph"
                         and s.get(qn("w:default")) in ("1", "true")), None)
    chain, seen = [], set()
    while style_id and style_id in styles and style_id not in seen:
        seen.add(style_id)
        el = styles[style_id]
        chain.append(el)
        based = el.find(qn("w:basedOn"))
        style_id = based.get(qn("w:val")) if based is not None else None
    return chain


def _defaults(doc, which: str):
    d = doc.styles.element.find(qn("w:docDefaults"))
    holder = d.find(qn(f"w:{which}Default")) if d is not None else None
    return holder.find(qn(f"w:{which}")) if holder is not None else None


def _lookup(levels, tag: str, attr: str):
    for level in levels:
        if level is None:
            continue
        el = level.find(qn(tag))
        if el is None:
            continue
        if attr == "":
            return el
        if el.get(qn(attr)) is not None:
            return el.get(qn(attr))
    return None


def _on(el) -> bool | None:
    if el is None:
        return None
    return el.get(qn("w:val")) not in ("0", "false", "off")


@dataclass(frozen=True)
class RunProps:
    east_asia: str | None
    ascii: str | None
    size: float | None  # points
    bold: bool
    highlight: str | None


@dataclass(frozen=True)
class ParaProps:
    style_id: str | None
    jc: str | None
    line: int | None  # twips
    line_rule: str | None
    first_line: int | None
    first_line_chars: int | None
    left: int | None
    right: int | None
    outline_level: int | None


def _para_style_id(paragraph) -> str | None:
    ppr = paragraph._p.pPr
    ps = ppr.find(qn("w:pStyle")) if ppr is not None else None
    return ps.get(qn("w:val")) if ps is not None else None


def run_levels(doc, paragraph, run) -> list:
    rpr = run._r.rPr
    rstyle = rpr.find(qn("w:rStyle")) if rpr is not None else None
    char_chain = _chain(doc, rstyle.get(qn("w:val")), "character") if rstyle is not None else []
    para_chain = _chain(doc, _para_style_id(paragraph), "paragraph")
    return [rpr, *(s.find(qn("w:rPr")) for s in char_chain),
            *(s.find(qn("w:rPr")) for s in para_chain), _defaults(doc, "rPr")]


def effective_run(doc, paragraph, run) -> RunProps:
    levels = run_levels(doc, paragraph, run)
    size = _lookup(levels, "w:sz", "w:val")
    bold = _on(_lookup(levels, "w:b", ""))
    return RunProps(east_asia=_theme(levels, "eastAsia") or _lookup(levels, "w:rFonts", "w:eastAsia"),
                    ascii=_theme(levels, "ascii") or _lookup(levels, "w:rFonts", "w:ascii"),
                    size=int(size) / 2 if size else None, bold=bool(bold),
                    highlight=_lookup(levels, "w:highlight", "w:val"))


def _theme(levels, slot: str) -> str | None:
    """The theme font that would win for ``slot``, if any level before the explicit one has it."""
    for level in levels:
        el = level.find(qn("w:rFonts")) if level is not None else None
        if el is None:
            continue
        if el.get(qn("w:" + _THEME_OF[slot])):
            return "theme:" + el.get(qn("w:" + _THEME_OF[slot]))
        if el.get(qn("w:" + slot)):
            return None
    return None


def effective_paragraph(doc, paragraph) -> ParaProps:
    chain = _chain(doc, _para_style_id(paragraph), "paragraph")
    levels = [paragraph._p.pPr, *(s.find(qn("w:pPr")) for s in chain), _defaults(doc, "pPr")]

    def num(tag, attr):
        v = _lookup(levels, tag, attr)
        return int(v) if v is not None else None

    return ParaProps(style_id=chain[0].get(qn("w:styleId")) if chain else None,
                     jc=_lookup(levels, "w:jc", "w:val"), line=num("w:spacing", "w:line"),
                     line_rule=_lookup(levels, "w:spacing", "w:lineRule"),
                     first_line=num("w:ind", "w:firstLine"),
                     first_line_chars=num("w:ind", "w:firstLineChars"),
                     left=num("w:ind", "w:left"), right=num("w:ind", "w:right"),
                     outline_level=num("w:outlineLvl", "w:val"))


def theme_font_attrs(data: bytes) -> list[tuple[str, str]]:
    """Every (part, attribute) where a theme font attribute survives in the package."""
    z = zipfile.ZipFile(io.BytesIO(data))
    return [(n, m.group(1)) for n in z.namelist() if n.endswith(".xml")
            for m in THEME_RE.finditer(z.read(n).decode("utf-8"))]


def footer_text(footer) -> str:
    """Visible text of a footer, field results included (python-docx's .text skips them)."""
    return "".join(t.text or "" for t in footer._element.iter(qn("w:t")))


def has_page_field(footer) -> bool:
    instr = "".join(t.text or "" for t in footer._element.iter(qn("w:instrText")))
    simple = [f.get(qn("w:instr"), "") for f in footer._element.iter(qn("w:fldSimple"))]
    return any(re.fullmatch(r"\s*PAGE\b.*", s) for s in [instr, *simple])


def role_of(paragraph) -> str:
    sid = _para_style_id(paragraph)
    return {TITLE_ID: "title", BYLINE_ID: "byline", SALUTATION_ID: "salutation",
            **{h: f"heading{i}" for i, h in enumerate(HEADING_IDS, 1)}}.get(sid, "body")


def expected_font(role: str, st: Style) -> tuple[str, float]:
    if role.startswith("heading"):
        return st.heading_font(int(role[-1])), st.heading_size
    return {"title": (st.title_font, st.title_size), "byline": (st.byline_font, st.byline_size),
            "salutation": (st.body_font, st.body_size), "body": (st.body_font, st.body_size)}[role]


#: The styles the writer formats: each sets all four font slots itself.
OUR_STYLES = ("Normal", TITLE_ID, BYLINE_ID, SALUTATION_ID, *HEADING_IDS, "Footer")
_SLOTS = ("ascii", "hAnsi", "eastAsia", "cs")


def assert_fonts_in_styles(doc) -> None:
    """Every style we format sets w:eastAsia (and the other slots) itself, no theme attribute anywhere
    and no run sets a font or size: so a style changed in Word changes all of its text."""
    styles = _styles(doc)
    for sid in OUR_STYLES:
        rpr = styles[sid].find(qn("w:rPr"))
        fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        assert fonts is not None and all(fonts.get(qn(f"w:{a}")) for a in _SLOTS), sid
        assert rpr.find(qn("w:sz")) is not None, sid
    for el in doc.styles.element.iter(qn("w:rFonts")):
        assert not any(el.get(qn(f"w:{t}")) for t in _THEME_OF.values()), el.attrib
    # every paragraph and character style resolves, through basedOn and docDefaults, to a real font
    for sid, el in styles.items():
        kind = el.get(qn("w:type"))
        if kind not in ("paragraph", "character"):
            continue
        levels = [s.find(qn("w:rPr")) for s in _chain(doc, sid, kind)] + [_defaults(doc, "rPr")]
        assert _lookup(levels, "w:rFonts", "w:eastAsia"), sid
    parts = [doc.element.body, *(f._element for s in doc.sections for f in (s.footer, s.even_page_footer))]
    for part in parts:
        for r in part.iter(qn("w:r")):
            rpr = r.find(qn("w:rPr"))
            if rpr is not None:
                assert rpr.find(qn("w:rFonts")) is None and rpr.find(qn("w:sz")) is None, "".join(r.itertext())


def assert_gbt9704(data: bytes, draft=None, style: Style | None = None) -> None:
    """Assert page, grid, fonts, spacing, indents, footer and highlights of a rendered draft."""
    st = style or Style()
    doc = open_docx(data)
    sect = doc.sections[0]
    assert (sect.page_width.twips, sect.page_height.twips) == (11906, 16838)
    assert sect.top_margin.twips == mm_to_twips(st.margin_top_mm)
    assert sect.bottom_margin.twips == mm_to_twips(st.margin_bottom_mm)
    assert sect.left_margin.twips == mm_to_twips(st.margin_left_mm)
    assert sect.right_margin.twips == mm_to_twips(st.margin_right_mm)
    grid = sect._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    assert int(grid.get(qn("w:linePitch"))) == line_pitch_twips(st)
    assert int(grid.get(qn("w:charSpace"))) == char_space(st)
    assert theme_font_attrs(data) == []
    assert_fonts_in_styles(doc)
    for para in doc.paragraphs:
        role = role_of(para)
        pp = effective_paragraph(doc, para)
        assert pp.line_rule == "exact", (role, pp)
        if role == "title":  # a larger house-style title may take a taller line
            assert pp.line >= line_pitch_twips(st), pp
        else:
            assert pp.line == line_pitch_twips(st), (role, pp)
        if role in ("body", "heading1", "heading2", "heading3", "heading4") and para.text:
            assert pp.jc == "both" and pp.first_line_chars == 200, (role, pp)
        if role in ("title", "byline"):
            assert pp.jc == "center" and not pp.first_line_chars, (role, pp)
        if role.startswith("heading"):
            assert pp.outline_level == int(role[-1]) - 1
        font, size = expected_font(role, st)
        for run in para.runs:
            if not run.text:
                continue
            rp = effective_run(doc, para, run)
            assert (rp.east_asia, rp.size) == (font, size), (role, run.text, rp)
            assert (rp.highlight == "yellow") == bool(PLACEHOLDER_RE.fullmatch(run.text)), run.text
    footers = [sect.footer] + ([sect.even_page_footer] if st.page_number == "outside" else [])
    assert doc.settings.odd_and_even_pages_header_footer == (st.page_number == "outside")
    for footer in footers:
        assert has_page_field(footer)
        assert re.fullmatch(r"— \d+ —", footer_text(footer))
        para = footer.paragraphs[0]
        for run in para.runs:
            rp = effective_run(doc, para, run)
            assert (rp.east_asia, rp.size) == (st.footer_font, st.footer_size), rp
    if draft is not None:
        text = re.sub(r"\s", "", "".join(p.text for p in doc.paragraphs))
        assert text == re.sub(r"\s", "", "".join(draft.paragraphs))
