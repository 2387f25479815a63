"""Line-level cleaning of corpus text: tokens, widths, traditional script, pinyin glosses, punctuation, clutter."""

from __future__ import annotations

import re

from generator.zh import CJK, GLOSS_RE, _t2s, to_simplified

# Characters that make an ASCII punctuation mark "Chinese context": ideographs, CJK punctuation, quotes.
_CJKISH = CJK + "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\u2018-\u201d\u2026\u2014"
TERMINAL = "。！？；：…!?;:"
_TRAILING_PAREN_RE = re.compile(r"[（(][^（）()]*[）)]$")

_TOKEN_RE = re.compile(r"<U\+([0-9A-Fa-f]{4,6})>")
# Full-width digits, Latin letters and a few signs become ASCII (numbers and masks must read alike).
_WIDTH = {**{chr(0xFF10 + i): chr(0x30 + i) for i in range(10)},
          **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
          **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
          "％": "%", "＊": "*", "＋": "+", "／": "/", "\t": " ", "\u2002": " ", "\u2003": " ",
          **{c: "" for c in "\u200b\u200c\u200d\u2060\ufeff\u00ad"}}
# One regex pass finds the few characters to map: str.translate with a dict is slow on long CJK text.
_WIDTH_RE = re.compile("[" + "".join(_WIDTH) + "]")
_FULL_DOT_RE = re.compile(r"(?<=\d)\uff0e(?=\d)")
# Scraped pages separate paragraphs inside one physical line by a run of ideographic spaces (gwr 2014).
_PARA_SEP_RE = re.compile(r"(?<=\S)[\u3000\u00a0]{2,}(?=\S)")
_CJK_SPACE_RE = re.compile(rf"(?<=[{_CJKISH}])\s+|\s+(?=[{_CJKISH}])")
# Some sources set every digit apart: gwr 1998 "1 9 9 7 年", "1 1 ％"; gwr 1954–1982 "1 9 5 4 0 9 2 4".
_SPACED_RUN_RE = re.compile(r"(?<![\dA-Za-z])\d(?: \d(?!\d))+")
_PERCENT_SPACE_RE = re.compile(r"(?<=\d) (?=[%％‰])")
_DOTS = ".．"
# What follows a number and never a list: percent signs, units and measure words (all gwr 1998 has).
_UNITS = "%％‰年月日时个亿万千百元岁人名家项次件条吨米公平倍多余天周届期位户所座台"

# A gloss is romanised pinyin (tone marks or tone digits) in brackets right after an ideograph.

_HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？"}
_HALF_PUNCT_RE = re.compile(r"[,:;!?]+")
_PAREN_RE = re.compile(r"\(([^()\n]*)\)")
_QUOTE_RE = re.compile(r'"([^"\n]*)"')
_CJK_CHAR_RE = re.compile(f"[{CJK}]")
_CJKISH_RE = re.compile(f"[{_CJKISH}]")

_URL_RE = re.compile(r"(?:https?://|www\.)[\w\-./?=&%#:~+,;@!]*[\w/=#~+-]", re.ASCII)
_INLINE_CLUTTER_RE = re.compile(
    r"【\s*字体[：:]?\s*大\s*中\s*小\s*】|【\s*(?:打印|关闭|收藏|E-?mail推荐|推荐|返回顶部)[^】]{0,8}】|[@＠][①-⑳]")
# Whole lines that are page furniture, not speech (only tested on short lines, so prose is never dropped).
_CLUTTER_LINE_RE = re.compile(
    r"^(?:<!--|-->|本文标题|文章标题|链接地址|原文链接|本文链接|文章来源|来源[：:]|"
    r"版权声明|版权所有|免责声明|微信订阅号|微信公众号|联系客服|扫一扫|分享到|打印本页|关闭窗口|当前位置|"
    r"您的位置|首页\s*>|上一篇|下一篇|相关链接|相关阅读|字库未存字|[@＠][①-⑳]?原字|[（(]?\s*责任编辑|编辑[：:]|"
    r"【\s*E-?mail|作者原创)"
    r"|^新华社\S{0,12}电$|中央政府门户网站|二次传播|会员权益|上一页|下一页|function\s+\w+\s*\(|document\.\w+|"
    r"javascript:|\{\s*$|^\s*\}")
_CLUTTER_MAX = 80
# No real paragraph runs this long: a page flattened onto one line (gwr 2014) is cut where a heading,
# a dash item or an address to the audience opens a new sentence.
_RUNAWAY = 1500
_RUNAWAY_SPLIT_RE = re.compile(r"(?<=[。！？])(?=[一二三四五六七八九十]{1,3}、|（[一二三四五六七八九十]{1,3}）|——|各位代表)")
_TAIL_PUNCT_RE = re.compile(r"^[。！？；：，、”’）》」』]+$")
_SOURCE_RE = re.compile(r"#\s*(?:source|partial)\s*:")
_HEADER_RE = re.compile(r"#\s*[A-Za-z][\w-]*\s*:")
# A line with no letter, digit or ideograph is debris: lone brackets, dots, rules.
_HAS_WORD_RE = re.compile(rf"[\w{CJK}]")


def _token(m: re.Match) -> str:
    try:
        ch = chr(int(m.group(1), 16))
    except ValueError:
        return ""
    return ch if ch.isprintable() else " "


def simplified_keys(keys: list[str]) -> list[str]:
    """``keys`` (newline-free) all converted to simplified: comparison keys, never output."""
    if not keys:
        return keys
    out = _t2s().convert("\n".join(keys)).split("\n")
    return out if len(out) == len(keys) else keys


def normalize_chars(text: str) -> str:
    """Tokens decoded, full-width digits, letters and signs made ASCII; newlines untouched."""
    while "<U+" in text:  # to a fixed point: <U+003C>U+0041> decodes to a token of its own
        decoded = _TOKEN_RE.sub(_token, text)
        if decoded == text:
            break
        text = decoded
    text = _FULL_DOT_RE.sub(".", text)
    # Ideographic spaces survive until lines are split, where a run of them separates paragraphs.
    return _WIDTH_RE.sub(lambda m: _WIDTH[m.group(0)], text)


def normalize_text(text: str, force_t2s: bool = False) -> str:
    """Whole-text normalisation that keeps line numbers: tokens, widths, script."""
    text = normalize_chars(text.replace("\r\n", "\n").replace("\r", "\n"))
    return to_simplified(text, force_t2s)


def _fix_half_punct(m: re.Match) -> str:
    s, i, j = m.string, m.start(), m.end()
    prev = s[i - 1] if i else ""
    nxt = s[j] if j < len(s) else ""
    if prev.isascii() and prev.isalnum() and nxt.isascii() and nxt.isalnum():
        return m.group(0)  # 1,000 / 10:30 / a;b stay
    if _CJKISH_RE.match(prev + " ") or _CJKISH_RE.match(nxt + " "):
        return "".join(_HALF_TO_FULL[c] for c in m.group(0))
    return m.group(0)


def _fix_paren(m: re.Match) -> str:
    s, a, b = m.string, m.start(), m.end()
    around = (s[a - 1] if a else "") + m.group(1) + (s[b] if b < len(s) else "")
    return f"（{m.group(1)}）" if _CJK_CHAR_RE.search(around) else m.group(0)


def _fix_quote(m: re.Match) -> str:
    return f"“{m.group(1)}”" if _CJK_CHAR_RE.search(m.group(1)) else m.group(0)


def fix_punctuation(line: str) -> str:
    """Half-width , : ; ! ? ( ) " in Chinese context become full-width; numbers stay as written."""
    if "(" in line:
        line = _PAREN_RE.sub(_fix_paren, line)
    if '"' in line:
        line = _QUOTE_RE.sub(_fix_quote, line)
    return _HALF_PUNCT_RE.sub(_fix_half_punct, line)


def is_clutter(line: str) -> bool:
    """True for page furniture: source lines, navigation, footers, credits, share and print lines."""
    if not _HAS_WORD_RE.search(line) or _SOURCE_RE.match(line):
        return True
    return len(line) <= _CLUTTER_MAX and bool(_CLUTTER_LINE_RE.search(line))


def _spaced_number(m: re.Match) -> str:
    """A run of single digits one space apart, closed up when it is one number spaced out by its source.

    It is one when a unit, a percent sign or a decimal point follows it (1 9 9 7年, 1 2 月, 1 1 %, 1 5.3,
    0.0 6), or when it has four digits or more that do not count up by one (1 9 5 4 0 9 2 4). Otherwise
    it is a list of numbers (按1 2 3排列, a pager's 1 2 3 4 5) and keeps its spaces.
    """
    s, a, b = m.string, m.start(), m.end()
    digits = m.group(0)[::2]
    after = s[b:b + 2]
    nxt = after.lstrip(" ")[:1]  # only a percent sign is still a space away: squeezing took the rest
    unit = nxt != "" and nxt in _UNITS
    # The fraction of a spaced decimal (1 5.3, 0.0 6); two decimals either side (1.5 2.5) are a list.
    decimal = ((len(after) == 2 and after[0] in _DOTS and after[1].isdigit())
               != (a >= 2 and s[a - 1] in _DOTS and s[a - 2].isdigit()))
    counting = all(int(y) == int(x) + 1 for x, y in zip(digits, digits[1:]))
    return digits if unit or decimal or len(digits) >= 4 and not counting else m.group(0)


def squeeze_spaces(line: str) -> str:
    """Strip, drop spaces next to Chinese text (政 府 工 作 → 政府工作), collapse the rest.

    Digits spaced out by the source are closed up (1 9 9 7 年 → 1997年, 1 1 % → 11%), lists of
    numbers (1 2 3) are not: see _spaced_number.
    """
    line = " ".join(line.split())
    if " " in line:
        line = _CJK_SPACE_RE.sub("", line)
        if " " in line:
            line = _PERCENT_SPACE_RE.sub("", _SPACED_RUN_RE.sub(_spaced_number, line))
    return line


def clean_line(line: str) -> str:
    """One physical line cleaned; '' when nothing of the speech is left on it."""
    if "<U+" in line:
        line = normalize_chars(line)  # a wrap rejoined can complete a token
    line = squeeze_spaces(line)
    if not line or is_clutter(line):
        return ""
    # Each step can bring two things together for another (a gloss removed puts the next one after an
    # ideograph; a mark widened makes a space removable), so all repeat to a fixed point. Every pass
    # only deletes text or widens half-width marks, never the reverse, so the loop ends.
    while True:
        fixed = line
        if "<U+" in fixed or "\uff0e" in fixed:
            fixed = normalize_chars(fixed)  # spaces squeezed can put a full-width dot between digits
        if "http" in fixed or "www." in fixed:
            fixed = _URL_RE.sub("", fixed)
        if "【" in fixed or "@" in fixed or "＠" in fixed:
            fixed = _INLINE_CLUTTER_RE.sub("", fixed)
        if "(" in fixed or "（" in fixed:
            fixed = GLOSS_RE.sub("", fixed)
        fixed = squeeze_spaces(fix_punctuation(fixed))
        if fixed == line:
            break
        line = fixed
    if not line or is_clutter(line):
        return ""
    return line


def clean_lines(text: str, force_t2s: bool = False) -> list[tuple[int, str]]:
    """Normalised ``text`` as (1-based original line, cleaned line) pairs, empty lines dropped."""
    out: list[tuple[int, str]] = []
    for no, raw in enumerate(normalize_text(text, force_t2s).split("\n"), 1):
        if not raw.strip():
            continue
        if no <= 2 and _HEADER_RE.match(raw):
            continue  # a scraper's source header, e.g. gwr's two "# source:" lines
        whole = squeeze_spaces(raw)
        if out and out[-1][0] == no - 1 and _TAIL_PUNCT_RE.match(whole):
            # A wrap left the closing mark alone on its line; the joined line is cleaned again
            # (the mark can close a gloss or a quotation).
            joined = clean_line(out[-1][1] + whole)
            if joined:
                out[-1] = (out[-1][0], joined)
            else:
                out.pop()
            continue
        if not whole or is_clutter(whole):
            continue
        for piece in _PARA_SEP_RE.split(raw.strip()):
            cleaned = clean_line(piece)
            if cleaned:
                out.append((no, cleaned))
    return out


def split_runaway(text: str) -> list[str]:
    """A paragraph too long to be one, cut before headings, dash items and 各位代表; else [text]."""
    if len(text) <= _RUNAWAY:
        return [text]
    return [part for part in _RUNAWAY_SPLIT_RE.split(text) if part]


def ends_sentence(line: str) -> bool:
    """True when ``line`` ends a sentence (so it cannot be the first half of a hard wrap)."""
    tail = _TRAILING_PAREN_RE.sub("", line).rstrip("”’」』\"'")
    return not tail or tail[-1] in TERMINAL or tail.endswith("——")
