"""Hard line wraps (PDF extraction, copied text) found and rejoined into paragraphs."""

from __future__ import annotations

import re
from statistics import median

from generator.corpus.cleaning import ends_sentence
from generator.zh import CJK
from generator.corpus.structure import heading_level, is_salutation, opens_item

# A line this many times the wrap width was never cut at it: it is a paragraph of its own.
_LONG_FACTOR = 1.5


def wrap_width(lines: list[str]) -> int | None:
    """The line width of a hard-wrapped (PDF-extracted) text, or None when lines are paragraphs.

    Wrapped text has most of its lines unfinished and of nearly one length; distinct lines are
    counted so that a page repeated by a scraper does not pass for a wrapped one.
    """
    distinct = [t for t in dict.fromkeys(lines) if len(t) >= 10]
    cand = [len(t) for t in distinct if not ends_sentence(t) and heading_level(t) is None]
    if len(cand) < 6:
        return None
    w = median(cand)
    near = sum(1 for n in cand if abs(n - w) <= max(2, 0.1 * w))
    ok = w >= 12 and near >= 6 and near * 10 >= 6 * len(cand) and near * 10 >= 4 * len(distinct)
    return int(w) if ok else None


def _alone(line: str) -> bool:
    return heading_level(line) is not None or is_salutation(line)


def rejoin_wraps(lines: list[tuple[int, str]], width: int | None) -> list[tuple[int, str]]:
    """Physical lines of a hard-wrapped text joined into paragraphs.

    Headings, the salutation and lines much longer than ``width`` (paragraphs that were never
    wrapped, in a file that mixes both) stay alone: nothing is joined to them or onto them.
    """
    if not width:
        return lines
    out: list[tuple[int, str]] = []
    last, last_no = "", 0  # the last physical line added to out[-1]; a blank line between never joins
    for no, text in lines:
        # A full-width line ending a sentence is still a wrap: paragraphs rarely end flush right.
        unfinished = len(last) >= width if ends_sentence(last) else len(last) >= 0.6 * width
        # Only physical lines are measured: a paragraph joined so far is longer than any line.
        wide = max(len(last), len(text)) > _LONG_FACTOR * width
        if out and last and no == last_no + 1 and unfinished and not wide \
                and not _alone(out[-1][1]) and not _alone(text):
            prev_no, prev = out[-1]
            out[-1] = (prev_no, prev + glue(prev, text) + text)
        else:
            out.append((no, text))
        last, last_no = text, no
    return out


# A paragraph never opens with a mark that closes or continues a clause.
_CONT_START_RE = re.compile(r"^[，、。；：！？）》」』”’]")
BODY_MARK_RE = re.compile(r"[。！？；]")
_OPEN_END = "，、“‘（《「『—"
_WRAP_MIN, _CLOSE_WITHIN = 16, 12
_INNER_MARK_RE = re.compile(r"[，、。；！？]")  # not ：, which headlines use (外媒热议：…)
_WRAP_MAX = 120  # no hard-wrapped line is longer: a longer one is a paragraph that lost its full stop
_CJK_RE = re.compile(f"[{CJK}]")


def continues(prev: str, text: str, seg: int) -> bool:
    """True when paragraph ``prev`` stops mid-sentence and ``text`` carries it on (a hard wrap).

    ``seg`` is the length of the last physical line in ``prev``. Only the body is meant: the caller
    never joins before the salutation or the first sentence mark, so a title stays alone.
    """
    if heading_level(prev) is not None or is_salutation(prev) or ends_sentence(prev):
        return False
    if is_salutation(text) or opens_item(text) or seg > _WRAP_MAX:
        return False
    if _CONT_START_RE.match(text):
        return True
    end = prev[-1]
    if end not in _OPEN_END + "*×%" and not _CJK_RE.match(end) and not (end.isascii() and end.isalnum()):
        return False  # a closing bracket or quote or a dash ends a line for good, unless a mark follows
    if len(text) > len(prev) + 30:
        return False  # a headline or heading without marks, then its paragraph
    if len(text) < 12 and text[-1] not in "，、" and not ends_sentence(text):
        return False  # a caption, then a title
    # Titles, headlines, agenda and list lines also stop without a mark: only a clause mark or an
    # opening one at the end, or a line as long as a printed one that is either cut by marks already
    # or whose clause the next line closes within a few words, is taken for a break.
    return end in _OPEN_END or len(prev) >= _WRAP_MIN and bool(_INNER_MARK_RE.search(prev)
                                                               or _INNER_MARK_RE.search(text[:_CLOSE_WITHIN]))


def glue(prev: str, text: str) -> str:
    """What goes between two halves of a wrapped line: a space only between two Latin words."""
    return " " if prev[-1].isascii() and prev[-1].isalpha() and text[0].isascii() and text[0].isalpha() else ""
