"""The DOCX writer: a Draft laid out per GB/T 9704-2012 (or a house style), as byte-identical .docx bytes."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from generator import cache
from generator.document import PLACEHOLDER_RE, Draft
from generator.writers.docx_styles import (BYLINE_ID, HEADING_IDS, SALUTATION_ID, THEME_ATTR_RE, TITLE_ID,
                                   apply_styles, font_table_xml, setup_section,
                                   setup_settings, text_width_twips)
from generator.writers.house_style import Style

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
#: Template parts that carry nothing of ours (python-docx's thumbnail, Word 2010 style effects with
#: theme fonts, sample custom XML); dropped so they can neither mislead nor override.
_DROP_RELTYPES = ("/thumbnail", "/stylesWithEffects", "/customXml", "/webSettings")

# Title breaking: words a line may end with, and words a line may start with (GB/T 9704 asks that
# a broken title keep words whole and its lines balanced).
_BREAK_AFTER = ("会议", "大会", "工作", "年度", "书记", "党建", "组织", "建设", "述职", "评议", "暨",
                "座谈会", "推进会", "部署会", "动员会", "会上", "上的", "全区", "全县", "全市", "全镇")
_BREAK_BEFORE = ("在", "暨", "讲话", "抓", "关于", "深入", "推动", "全面", "以")
# Set terms a title line should not end inside (overlapping: 基层党建工作 holds two).
_KEEP_TOGETHER = re.compile("(?=(党建工作|党组织书记|基层党建|述职评议|评议会议?|调研座谈|座谈会|讲话提纲|组织建设))")
_NO_LINE_START = set("，。、；：？！”’）》〕】…—·%")
_NO_LINE_END = set("“‘（《〔【")


def _break_costs(title: str) -> list[float]:
    """Cost of starting a new title line at each index: lower at word ends, forbidden inside numbers.

    Computed once for the whole title (each mask in one pass), so line breaking stays linear in its length."""
    n = len(title)
    inside_todo = [False] * (n + 1)
    for m in PLACEHOLDER_RE.finditer(title):  # a 〔待补…〕 split over two lines would lose its highlight
        for i in range(m.start() + 1, m.end()):
            inside_todo[i] = True
    inside_term = [False] * (n + 1)
    for m in _KEEP_TOGETHER.finditer(title):  # 基层党建｜工作 splits a set term
        for i in range(m.start() + 1, m.start() + len(m.group(1))):
            inside_term[i] = True
    costs = [math.inf] * (n + 1)
    for i in range(1, n):
        before, after = title[i - 1], title[i]
        if inside_todo[i] or after in _NO_LINE_START or before in _NO_LINE_END:
            continue
        if before.isascii() and before.isalnum() and after.isascii() and after.isalnum():
            continue
        if before.isdigit() and after in "年月日届次个号":
            continue
        if inside_term[i]:
            costs[i] = 12
        elif title[:i].endswith(_BREAK_AFTER) or title.startswith(_BREAK_BEFORE, i):
            costs[i] = 0
        else:
            costs[i] = 6
    costs[n] = 0
    return costs


def break_title(title: str, max_chars: int) -> list[str]:
    """Split a long title into balanced lines of at most ``max_chars``, at natural word boundaries."""
    n = len(title)
    if n <= max_chars or max_chars < 4:
        return [title]
    k = math.ceil(n / max_chars)
    ideal = n / k
    costs = _break_costs(title)
    # best[j][i]: least cost of putting title[:i] on j lines, and the break before i on that path.
    best: list[dict[int, tuple[float, int]]] = [{0: (0.0, -1)}] + [{} for _ in range(k)]
    for j in range(1, k + 1):
        for start, (cost, _) in best[j - 1].items():
            if cost == math.inf:
                continue
            ends = [n] if j == k else range(start + 2, min(n - 1, start + max_chars) + 1)
            for end in ends:
                if end - start > max_chars or end <= start:
                    continue
                c = cost + abs((end - start) - ideal) + costs[end]
                if c < best[j].get(end, (math.inf, -1))[0]:
                    best[j][end] = (c, start)
    if n not in best[k] or best[k][n][0] == math.inf:
        return [title]
    cuts, end = [n], n
    for j in range(k, 0, -1):
        end = best[j][end][1]
        cuts.append(end)
    cuts.reverse()
    return [title[a:b] for a, b in zip(cuts, cuts[1:])]


def _add_text(paragraph, text: str, bold: bool = False) -> None:
    """Add ``text`` as runs; each 〔待补…〕 placeholder is a run of its own, highlighted yellow.

    Fonts and sizes come from the paragraph's style: a run carries only what differs from it (the
    highlight, a bold lead sentence), so changing a style in Word changes all of its text.
    """
    pos = 0
    pieces = []
    for m in PLACEHOLDER_RE.finditer(text):
        pieces += [(text[pos:m.start()], False), (m.group(0), True)]
        pos = m.end()
    pieces.append((text[pos:], False))
    for piece, is_placeholder in pieces:
        if not piece:
            continue
        run = paragraph.add_run()
        if "\t" in piece or "\n" in piece or "\r" in piece:
            run.text = piece  # python-docx turns these into w:tab and w:br
        else:
            run._r.add_t(piece)  # what run.text does for plain text, without its per-character scan
        if bold:
            run.font.bold = True
        if is_placeholder:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _field_run(paragraph, kind: str, text: str = ""):
    run = paragraph.add_run()  # its font is the Footer style's
    if kind == "instr":
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = text
        run._r.append(instr)
    elif kind == "text":
        run.text = text
    else:
        fld = OxmlElement("w:fldChar")
        fld.set(qn("w:fldCharType"), kind)
        run._r.append(fld)


def _page_number(footer, st: Style, align) -> None:
    """The page number "— 1 —": a real PAGE field between em dashes, one character in from the edge."""
    footer.is_linked_to_previous = False
    para = footer.paragraphs[0]
    para.style = "Footer"
    para.alignment = align
    one_char = docx.shared.Twips(round(st.footer_size * 20))
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        para.paragraph_format.right_indent = one_char
    elif align == WD_ALIGN_PARAGRAPH.LEFT:
        para.paragraph_format.left_indent = one_char
    _field_run(para, "text", "— ")
    _field_run(para, "begin")
    _field_run(para, "instr", " PAGE ")
    _field_run(para, "separate")
    _field_run(para, "text", "1")
    _field_run(para, "end")
    _field_run(para, "text", " —")


_DATE_RE = re.compile(r"\s*(\d{4})\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})\s*日?\s*")


def _core_date(meta: dict) -> dt.datetime:
    """Created/modified stamp from the draft (its date, else 1 January of its year), never from the clock."""
    value = meta.get("date")
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str) and (m := _DATE_RE.fullmatch(value)):  # the config's 2026年1月16日
        try:
            y, mo, d = (int(g) for g in m.groups())
            day = dt.datetime(y, mo, d)
        except ValueError:
            day = None
        if day is not None and 1980 <= day.year <= 9999:
            return day
    year = meta.get("year")
    if isinstance(year, int) and 1980 <= year <= 9999:
        return dt.datetime(year, 1, 1)
    return dt.datetime(2000, 1, 1)


def _fonts_used(st: Style) -> list[str]:
    names = [st.body_font, st.title_font, st.byline_font, *(st.heading_font(i) for i in range(1, 5)),
             st.footer_font, st.latin_font]
    return sorted({n for n in names if n})


_BASES: dict[Style, bytes] = {}


def _base(st: Style) -> bytes:
    """The empty document of a house style — python-docx's template restyled, laid out and emptied —
    saved once per style and process: each draft starts from a copy instead of restyling anew."""
    hit = _BASES.get(st)
    if hit is None:
        hit = _stored_base(st)
    if hit is None:
        doc = docx.Document()
        pkg = doc.part.package
        for holder in (pkg, doc.part):
            for rid, rel in sorted(holder.rels.items()):
                if rel.reltype.endswith(_DROP_RELTYPES):
                    holder.rels.pop(rid)
        apply_styles(doc, st)
        setup_section(doc, st)
        setup_settings(doc, st)
        body = doc.element.body
        for p in list(body.iterchildren(qn("w:p"))):
            body.remove(p)
        buf = io.BytesIO()
        doc.save(buf)
        hit = buf.getvalue()
        cache.store(_base_key(st), hit)
    if len(_BASES) >= 8:
        _BASES.clear()
    _BASES[st] = hit
    return hit


def _base_key(st: Style) -> cache.Key:
    """The empty document depends on the style, our styling code and python-docx (its template)."""
    import sys

    from generator.writers import docx_styles, house_style

    return (cache.Key("docx-base").text(getattr(docx, "__version__", "?")).text(repr(st))
            .code(sys.modules[__name__], docx_styles, house_style))


def _stored_base(st: Style) -> bytes | None:
    hit = cache.load(_base_key(st))
    return hit if isinstance(hit, bytes) else None


def _paragraph(doc, style_id: str | None):
    """A new paragraph of the style ``style_id`` (None: the default style, which python-docx leaves
    unnamed). python-docx's ``add_paragraph(style=…)`` scans every style for the default one per call."""
    para = doc.add_paragraph()
    para._p.style = style_id  # as python-docx's setter does (an empty w:pPr for the default style)
    return para


def _build(draft: Draft, st: Style):
    doc = docx.Document(io.BytesIO(_base(st)))
    default = doc.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    default_id = default.style_id if default is not None else None

    def add(style_id: str):
        return _paragraph(doc, None if style_id == default_id else style_id)

    title_para = add(TITLE_ID)
    max_chars = int(text_width_twips(st) / 20 // st.title_size)
    for i, line in enumerate(break_title(draft.title, max_chars)):
        if i:
            title_para.add_run().add_break(WD_BREAK.LINE)
        _add_text(title_para, line)
    for line in draft.byline:
        _add_text(add(BYLINE_ID), line)
    if st.blank_after_title:
        add("Normal")
    for block in draft.blocks:
        if block.kind == "salutation":
            para = add(SALUTATION_ID)
        elif block.kind == "heading":
            assert block.level is not None  # Block guarantees headings carry a level
            level = min(max(block.level, 1), 4)
            para = add(HEADING_IDS[level - 1])
        else:
            para = add("Normal")
        for span in block.spans:
            text = span.text
            if block.kind == "heading":  # a line break inside a heading would be stranded by any edit
                text = re.sub(r"\s*\n\s*", "", text)
            _add_text(para, text, bold=span.emphasis and st.emphasis_bold)

    sect = doc.sections[0]
    if st.page_number == "outside":
        _page_number(sect.footer, st, WD_ALIGN_PARAGRAPH.RIGHT)
        _page_number(sect.even_page_footer, st, WD_ALIGN_PARAGRAPH.LEFT)
    else:
        _page_number(sect.footer, st, WD_ALIGN_PARAGRAPH.CENTER)

    core = doc.core_properties
    core.title = draft.title
    core.language = "zh-CN"
    speaker = draft.meta.get("speaker")
    core.author = core.last_modified_by = speaker if isinstance(speaker, str) else ""
    core.comments = core.subject = core.keywords = core.category = ""
    core.created = core.modified = _core_date(draft.meta)
    core.revision = 1
    return doc


#: docProps/app.xml: who wrote the file, and no page or word counts we cannot know (python-docx's
#: template says "Microsoft Macintosh Word", 1 page, 0 words); Word recounts them when it saves.
APP_XML = (b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
           b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
           b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
           b"<Application>speechgen</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
           b"<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
           b"<HyperlinksChanged>false</HyperlinksChanged></Properties>")


def _normalise_zip(data: bytes, st: Style) -> bytes:
    """Same draft → same bytes: fixed entry times and order; no theme fonts in any part."""
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    first = [n for n in ("[Content_Types].xml", "_rels/.rels") if n in names]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in first + sorted(n for n in names if n not in first):
            blob = _normal_part(name, src.read(name), st)
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.create_system = 0
            dst.writestr(info, blob)
    return out.getvalue()


_PARTS: dict[tuple[Style, str], tuple[bytes, bytes]] = {}


def _normal_part(name: str, blob: bytes, st: Style) -> bytes:
    """One part as it goes into the file: no theme font attributes, our font table, our app.xml. The
    parts a draft does not touch (styles, settings, fonts …) come out of python-docx the same for every
    draft of a style: their last result is reused while the bytes are the same."""
    hit = _PARTS.get((st, name))
    if hit is not None and hit[0] == blob:
        return hit[1]
    out = blob
    if name.startswith("word/") and name.endswith(".xml"):
        out = THEME_ATTR_RE.sub(b"", out)
    if name == "word/fontTable.xml":
        out = font_table_xml(out, _fonts_used(st))
    if name == "docProps/app.xml":
        out = APP_XML
    if len(_PARTS) >= 256:
        _PARTS.clear()
    _PARTS[st, name] = (blob, out)
    return out


def render_docx(draft: Draft, style: Style | None = None) -> bytes:
    """The draft as .docx bytes, laid out per ``style`` (GB/T 9704 defaults); byte-identical per draft."""
    st = style or Style()
    buf = io.BytesIO()
    _build(draft, st).save(buf)
    return _normalise_zip(buf.getvalue(), st)
