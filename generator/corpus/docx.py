"""Word (.docx) speeches for the corpus: the body as text lines, in reading order, for the text reader.

What a drafting office's archive holds is mostly Word files, and their structure is often not in the
text: Word's automatic numbering puts 一、 / （一） / 1. before a heading without a character of it in the
runs. Here each body paragraph becomes one line with its numbering label written out as text (from
numbering.xml: the level's format and its lvlText, counted per list as Word counts), so the structure
reader sees the headings a reader of the printed page sees. Tables are read row by row, a cell's
paragraphs only when the cell holds prose (a layout table around a whole speech, not a form's labels).
Text boxes, headers, footers, footnotes, comments, deleted text and field codes are not the speech.

A manual line break inside a paragraph (Shift+Enter) starts a new line where the text before it ends a
sentence or the text after it opens with an enumerator, and is dropped otherwise (a long title set on
two lines). Opening the file — size caps, zip bombs, encryption, malformed XML — is
:func:`generator.loader.read_docx`, shared with the checker's draft reader.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.zh import cn

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_NUMBERING_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = map(_w, ("p", "tbl", "tr", "tc", "sdt", "sdtContent"))
_T, _TAB, _BR, _CR, _NBH, _SYM = map(_w, ("t", "tab", "br", "cr", "noBreakHyphen", "sym"))
_VAL = _w("val")
#: Subtrees of a paragraph that hold no text of the speech (or hold it twice, as a text box's fallback does).
_SKIP = frozenset({*map(_w, ("pPr", "rPr", "del", "moveFrom", "instrText", "delInstrText", "drawing", "pict",
                             "object", "txbxContent", "footnoteReference", "endnoteReference", "commentReference",
                             "fldData")), f"{{{_MC}}}AlternateContent"})
_ENUM_START_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}[、是要]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.．、]|第[一二三四五六七八九十]{1,3})")
_SENTENCE_END_RE = re.compile(r"[。！？；：!?;:]\s*[”’]?\s*$")
_PROSE_RE = re.compile(r"[。！？；]")
#: A table cell is read when its text is prose: this many characters at least, with a sentence mark.
PROSE_CELL = 20
MAX_DEPTH = 8  # tables within tables


def docx_lines(document) -> list[str]:
    """The speech in a python-docx ``Document`` as text lines (one per paragraph; see the module)."""
    numbering = _Numbering(document)
    return list(_block_lines(document.element.body, numbering, 0))


def _block_lines(parent, numbering: _Numbering, depth: int) -> Iterator[str]:
    for child in parent.iterchildren():
        if child.tag == _P:
            yield from _paragraph_lines(child, numbering)
        elif child.tag == _TBL and depth < MAX_DEPTH:
            yield from _table_lines(child, numbering, depth + 1)
        elif child.tag == _SDT and depth < MAX_DEPTH:  # a content control wrapping paragraphs
            for content in child.iterchildren(_SDT_CONTENT):
                yield from _block_lines(content, numbering, depth + 1)


def _table_lines(table, numbering: _Numbering, depth: int) -> Iterator[str]:
    for row in table.iterchildren(_TR):
        for cell in row.iterchildren(_TC):
            lines = list(_block_lines(cell, numbering, depth))
            if len("".join(lines)) >= PROSE_CELL and _PROSE_RE.search("".join(lines)):
                yield from (line for line in lines if line.strip())


def _paragraph_lines(p, numbering: _Numbering) -> list[str]:
    pieces: list[str] = []
    _collect(p, pieces)
    text = "".join(pieces).replace("\r", "\n")
    label = numbering.label(p)
    parts = text.split("\n")
    out = [parts[0]]
    for part in parts[1:]:
        if _SENTENCE_END_RE.search(out[-1]) or _ENUM_START_RE.match(part):
            out.append(part)
        else:
            out[-1] += part.lstrip()
    if label and out[0].strip():
        out[0] = label + out[0].lstrip()
    return out


def _collect(element, out: list[str]) -> None:
    for child in element.iterchildren():
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue  # comments and processing instructions have a callable tag
        if tag == _T:
            out.append(child.text or "")
        elif tag == _TAB:
            out.append("\t")
        elif tag in (_BR, _CR):
            if child.get(_w("type")) in (None, "textWrapping"):
                out.append("\n")
        elif tag == _NBH:
            out.append("-")
        else:
            _collect(child, out)


# ---------------------------------------------------------------- automatic numbering
def _format(n: int, fmt: str) -> str | None:
    """``n`` written in a numFmt of WordprocessingML; None for a bullet or a format with no text."""
    if fmt in ("decimal", "decimalHalfWidth", "ordinal", "cardinalText", "ordinalText"):
        return str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "taiwaneseCountingThousand", "koreanCounting", "ideographDigital"):
        return cn(n) if 0 < n < 1000 else str(n)
    if fmt == "chineseLegalSimplified":
        return cn(n).translate(str.maketrans("一二三四五六七八九十百", "壹贰叁肆伍陆柒捌玖拾佰")) if 0 < n < 1000 else str(n)
    if fmt == "ideographTraditional":
        return "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10] if n > 0 else str(n)
    if fmt == "ideographZodiac":
        return "子丑寅卯辰巳午未申酉戌亥"[(n - 1) % 12] if n > 0 else str(n)
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 0 < n <= 20 else str(n)
    if fmt == "decimalEnclosedParen":
        return chr(0x2474 + n - 1) if 0 < n <= 20 else f"({n})"
    if fmt == "decimalEnclosedFullstop":
        return chr(0x2488 + n - 1) if 0 < n <= 20 else f"{n}."
    if fmt in ("lowerLetter", "upperLetter"):
        letters = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(n)
        return roman.upper() if fmt == "upperRoman" else roman
    return None  # bullet, none, and formats of other scripts: no label


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = []
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                           (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def _int(element, default: int) -> int:
    if element is None:
        return default
    try:
        return int(element.get(_VAL, default))
    except (TypeError, ValueError):
        return default


class _Numbering:
    """Word's list numbering, counted as the body is read: each list (``w:num``) keeps a counter per
    level, and a level's counter restarts when a higher level of the same list moves on."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[int, str, str, bool]]] = {}  # numId → ilvl → (start, fmt, text, legal)
        self.counters: dict[str, list[int | None]] = {}
        self.style_num: dict[str, tuple[str | None, int | None]] = {}  # styleId → (numId, ilvl) of its pPr
        self.style_base: dict[str, str] = {}
        self.style_levels: dict[str, tuple[str, int]] = {}  # pStyle named by an abstract level → (abstractId, ilvl)
        self.num_abstract: dict[str, str] = {}  # numId → abstractNumId
        self._read_styles(document)
        root = next((rel.target_part.element for rel in document.part.rels.values()
                     if rel.reltype == _NUMBERING_REL and not rel.is_external), None)
        if root is not None:
            self._read(root)

    def _read_styles(self, document) -> None:
        try:
            styles = document.styles.element
        except (KeyError, AttributeError, ValueError):
            return
        for style in styles.iterchildren(_w("style")):
            sid = style.get(_w("styleId"))
            if not sid:
                continue
            based = style.find(_w("basedOn"))
            if based is not None and based.get(_VAL):
                self.style_base[sid] = based.get(_VAL)
            num_pr = style.find(f"{_w('pPr')}/{_w('numPr')}")
            if num_pr is not None:
                num_id = num_pr.find(_w("numId"))
                ilvl = num_pr.find(_w("ilvl"))
                self.style_num[sid] = (num_id.get(_VAL) if num_id is not None else None,
                                       _int(ilvl, 0) if ilvl is not None else None)

    def _read(self, root) -> None:
        abstract: dict[str, dict[int, tuple[int, str, str, bool]]] = {}
        for node in root.iterchildren(_w("abstractNum")):
            aid = node.get(_w("abstractNumId"))
            levels: dict[int, tuple[int, str, str, bool]] = {}
            for lvl in node.iterchildren(_w("lvl")):
                ilvl = _int_attr(lvl, _w("ilvl"))
                if ilvl is None or not 0 <= ilvl < 9:
                    continue
                levels[ilvl] = _level(lvl)
                p_style = lvl.find(_w("pStyle"))
                if p_style is not None and p_style.get(_VAL) and aid is not None:
                    self.style_levels.setdefault(p_style.get(_VAL), (aid, ilvl))
            if aid is not None:
                abstract[aid] = levels
        for num in root.iterchildren(_w("num")):
            num_id = num.get(_w("numId"))
            ref = num.find(_w("abstractNumId"))
            if num_id is None or ref is None or ref.get(_VAL) not in abstract:
                continue
            aid = ref.get(_VAL)
            self.num_abstract[num_id] = aid
            levels = dict(abstract[aid])
            for override in num.iterchildren(_w("lvlOverride")):
                ilvl = _int_attr(override, _w("ilvl"))
                if ilvl is None or not 0 <= ilvl < 9:
                    continue
                lvl = override.find(_w("lvl"))
                if lvl is not None:
                    levels[ilvl] = _level(lvl)
                start = override.find(_w("startOverride"))
                if start is not None and ilvl in levels:
                    levels[ilvl] = (_int(start, 1), *levels[ilvl][1:])
            self.levels[num_id] = levels

    def _num_of(self, p) -> tuple[str, int] | None:
        """(numId, ilvl) of a paragraph: its own numPr, else its style's (following basedOn)."""
        ppr = p.find(_w("pPr"))
        num_id: str | None = None
        ilvl: int | None = None
        style = None
        if ppr is not None:
            num_pr = ppr.find(_w("numPr"))
            if num_pr is not None:
                node = num_pr.find(_w("numId"))
                num_id = node.get(_VAL) if node is not None else None
                ilvl_node = num_pr.find(_w("ilvl"))
                ilvl = _int(ilvl_node, 0) if ilvl_node is not None else None
            style_node = ppr.find(_w("pStyle"))
            style = style_node.get(_VAL) if style_node is not None else None
        seen = 0
        while num_id is None and style and seen < 16:
            s_num, s_ilvl = self.style_num.get(style, (None, None))
            if s_num is not None:
                num_id = s_num
                if ilvl is None:
                    ilvl = s_ilvl
                if ilvl is None and num_id in self.num_abstract:
                    found = self.style_levels.get(style)
                    ilvl = found[1] if found and found[0] == self.num_abstract[num_id] else None
                break
            style = self.style_base.get(style)
            seen += 1
        if num_id is None or num_id == "0" or num_id not in self.levels:
            return None
        return num_id, ilvl or 0

    def label(self, p) -> str:
        """The numbering label of paragraph ``p`` (一、 （一） 1.), counting it; '' when it has none."""
        if not self.levels:
            return ""
        found = self._num_of(p)
        if found is None:
            return ""
        num_id, ilvl = found
        levels = self.levels[num_id]
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, [None] * 9)
        start = levels[ilvl][0]
        counters[ilvl] = start if counters[ilvl] is None else (counters[ilvl] or 0) + 1
        for lower in range(ilvl + 1, 9):
            counters[lower] = None
        start, fmt, text, legal = levels[ilvl]
        if _format(1, fmt) is None:
            return ""

        def number(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            if not 0 <= k < 9 or k > ilvl:
                return ""
            value = counters[k]
            if value is None:
                value = levels[k][0] if k in levels else 1
            level_fmt = levels[k][1] if k in levels else "decimal"
            return _format(value, "decimal" if legal and k < ilvl else level_fmt) or ""

        return re.sub(r"%(\d)", number, text).strip()


def _int_attr(element, name: str) -> int | None:
    try:
        return int(element.get(name))
    except (TypeError, ValueError):
        return None


def _level(lvl) -> tuple[int, str, str, bool]:
    fmt_node = lvl.find(_w("numFmt"))
    text_node = lvl.find(_w("lvlText"))
    return (_int(lvl.find(_w("start")), 1) if lvl.find(_w("start")) is not None else 1,
            (fmt_node.get(_VAL) if fmt_node is not None else None) or "decimal",
            (text_node.get(_VAL) if text_node is not None else None) or "",
            lvl.find(_w("isLgl")) is not None)
