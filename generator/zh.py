"""Chinese-text helpers used everywhere: CJK ranges, numerals (write and parse), enumerators, sentences.

One home for what the corpus reader, the miner, drafting and the checker all need, so that they
agree: the numeral a draft writes is the numeral the checker reads back, and a sentence is cut the
same way wherever it is counted.
"""

from __future__ import annotations

import regex as re  # type: ignore[import-untyped]  # compiles CJK classes ~4× faster than the re module
from functools import cache

#: CJK ideographs: extension A, the unified block and the compatibility block.
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: The numeral characters of headings and sub-point markers (一 … 十).
NUM = "一二三四五六七八九十"
_DIGITS = "零一二三四五六七八九"
_DIGIT_VALUE = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                "八": 8, "九": 9}
_NUMERAL_CHARS = frozenset("〇零一二两三四五六七八九十百")

#: Pinyin glosses after characters in scraped text: 調(diào)研. A gloss is no wording of the speech.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_ONE_GLOSS = rf"[(（](?=[a-zü{_TONED}]*[{_TONED}]|[a-zü]+[1-5][)）])[a-zü{_TONED}]{{1,14}}[1-5]?[)）]"
GLOSS_RE = re.compile(rf"(?<=[{CJK}])(?:{_ONE_GLOSS})+")

#: Normalised characters of a phrase that reads as said twice when it recurs in one speech: the
#: repetition rule reports it, and drafting never picks two phrases that share one.
REPEATED_PHRASE = 12

# ---------------------------------------------------------------- placeholders
#: A fact the drafter still has to supply, as our drafts write it: 〔待补：述职人数〕.
TODO_RE = re.compile(r"〔待补[^〕]*〕")
#: Masks in published speeches where names and numbers were hidden: XX市, ***同志, *个, X余万元, 20**年.
#: Narrow on purpose: the corpus reader keeps them as written and must not take real text for a mask.
MASK_RE = re.compile(
    r"(?<![A-Za-z])(?:X{2,}|×{2,}|某某)(?![A-Za-z])|(?:19|20)\*{2}(?=年)|\*+|"
    r"(?<![A-Za-z])X(?=[余多个名人条批次万亿千百家项处所支场户位元%])")
#: Everything a reviewer would call an unfilled placeholder in a draft (ours or anyone's), with its kind:
#: broader than MASK_RE (full-width variants, template remnants, program nulls).
PLACEHOLDER_KINDS = (
    (re.compile(r"[〔【\[［]待补[^〕】\]］]*[〕】\]］]"), "待补标记"),
    (re.compile(r"(?:19|20)[*＊XxＸｘ×]{2}年"), "年份遮掩"),
    (re.compile(r"(?<![A-Za-z])[XxＸｘ]{2,}(?![A-Za-z])"), "XX 遮掩"),
    (re.compile(rf"(?<![A-Za-z])[XＸ](?=[余多个名人次条万千百位家项%％\d{CJK}])(?![光射])"), "X 遮掩"),
    (re.compile(r"[*＊]+"), "星号遮掩"),
    (re.compile(r"×+"), "×遮掩"),
    (re.compile(r"某某"), "某某"),
    (re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}"), "模板标记"),
    (re.compile(r"\{[a-z_]+\}"), "未填的模板空位"),
    (re.compile(r"(?<![A-Za-z])(?:None|null|undefined|nan)(?![A-Za-z])"), "程序空值"),
    (re.compile(r"…{6,}|\.{6,}|。{3,}"), "省略号占位"),
)


# ---------------------------------------------------------------- numerals
def cn(n: int) -> str:
    """Chinese numeral for 1–999 (一, 十, 十二, 二十, 一百零五, 一百一十). Raises ValueError outside that range."""
    if isinstance(n, bool) or not isinstance(n, int) or not 0 < n < 1000:
        raise ValueError(f"numeral out of range: {n}")
    hundreds, rest = divmod(n, 100)
    if not hundreds:
        tens, ones = divmod(rest, 10)
        if tens == 0:
            return _DIGITS[ones]
        return f"{'' if tens == 1 else _DIGITS[tens]}十{_DIGITS[ones] if ones else ''}"
    head = f"{_DIGITS[hundreds]}百"
    if not rest:
        return head
    if rest < 10:
        return f"{head}零{_DIGITS[rest]}"
    tens, ones = divmod(rest, 10)
    return f"{head}{_DIGITS[tens]}十{_DIGITS[ones] if ones else ''}"


def count_word(n: int) -> str:
    """A count before a measure word: 两点意见, not 二点意见; 两百位, not 二百位."""
    if n == 2:
        return "两"
    word = cn(n)
    return "两" + word[1:] if word.startswith("二百") else word


def parse_cn(text: str) -> int | None:
    """Value of a numeral written in digits or Chinese (一 … 九百九十九, 两, 〇), else None."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(c not in _NUMERAL_CHARS for c in text):
        return None
    if "百" in text:
        head, _, rest = text.partition("百")
        h = _DIGIT_VALUE.get(head)
        if not h or "百" in rest:
            return None
        if not rest:
            return h * 100
        if rest.startswith("零"):
            o = _DIGIT_VALUE.get(rest[1:]) if len(rest) == 2 else None
            return h * 100 + o if o else None
        if "十" not in rest:
            return None
        r = _below_hundred(rest)
        return h * 100 + r if r is not None and r >= 10 and not rest.startswith("十") else None
    return _below_hundred(text)


def _below_hundred(text: str) -> int | None:
    if "十" in text:
        tens, _, ones = text.partition("十")
        if "十" in ones:
            return None
        t = _DIGIT_VALUE.get(tens) if tens else 1
        o = _DIGIT_VALUE.get(ones) if ones else 0
        if t is None or o is None or t == 0 or (ones and o == 0):
            return None
        return t * 10 + o
    if len(text) == 1:
        return _DIGIT_VALUE.get(text)
    return None


# ---------------------------------------------------------------- enumerators
#: How the i-th item of each kind is written: yao 一要, shi 一是, di 第一, h1 一、, h2 （一）, h3 1., h4 （1）.
ENUMERATOR_FORMS = {"yao": "{c}要", "shi": "{c}是", "di": "第{c}", "h1": "{c}、", "h2": "（{c}）", "h3": "{i}.",
                    "h4": "（{i}）"}


def enumerator(i: int, kind: str) -> str:
    """The i-th enumerator of a kind (see ENUMERATOR_FORMS)."""
    if kind not in ENUMERATOR_FORMS:
        raise ValueError(f"unknown enumerator kind {kind!r}")
    return ENUMERATOR_FORMS[kind].format(c=cn(i), i=i)


#: An enumerator opening a line: 第一，/ 一要 / 二是 / 三、 / （四） / 5. — what a head loses when reused.
ENUM_HEAD_RE = re.compile(
    rf"^(?:第[{NUM}]+[，,、：:]?|[{NUM}]+[要是][，,：:]?|[{NUM}]+[、．.]"
    rf"|[（(][{NUM}\d]+[）)]|\d+[.、．])\s*")


#: A paragraph that opens a sub-point: 一要… / 二是… / 三是要… / 一则… / 第一，… / 其一，… (corpus reading and mining).
POINT_LEAD_RE = re.compile(rf"^(?:[{NUM}]{{1,2}}(?:是要|是|要|则)|第[{NUM}]{{1,2}}(?:是|，|、)|其[{NUM}](?:是|，))")


def strip_enumerator(text: str) -> str:
    """``text`` without the enumerator it opens with (一要加强… → 加强…)."""
    return ENUM_HEAD_RE.sub("", text, count=1).strip()


#: 第一 that is a word, not a numbering: 第一书记, 第一责任人, 第一议题, 第一次, 第一时间, 第一线 …
ORDINAL_WORDS = ("[项次个位条届批轮天年书部章节名类种责线手期季档号代层道关站时]|议题|时间|身份|职责|要务|生产力"
                 "|动力|资源|课|主课|梯队|方阵|阵地|季度|阶段|把手|标准|印象|现场|视角|书记|责任|部分|产业|方面|步")


# ---------------------------------------------------------------- sentences
_SENTENCE_AFTER = re.compile(r"(?<=[。！？；])")
_SENTENCE_RE = re.compile(r"[^。！？]*[。！？]+”?|[^。！？]+$")


def sentences(text: str) -> list[str]:
    """Sentences of a paragraph as a reader counts them: cut after 。！？, a closing quote kept with its
    sentence, a quotation never cut in two; each stripped."""
    out: list[str] = []
    for piece in _SENTENCE_RE.findall(text):
        if out and out[-1].count("“") > out[-1].count("”"):
            out[-1] += piece
        else:
            out.append(piece)
    return [s.strip() for s in out if s.strip()]


def clauses(text: str) -> list[str]:
    """A paragraph cut after every 。！？ and ；: the units drafting never repeats (unstripped, blanks dropped)."""
    return [s for s in _SENTENCE_AFTER.split(text) if s.strip()]


_MARK_RUN = re.compile(r"[。！？；!?;\n]+")


def split_at_marks(text: str) -> list[str]:
    """A line cut at every run of 。！？； (full or half width) and line ends, the marks dropped, each piece
    stripped: the sentences the copy and repetition checks hash (fingerprints depend on it: keep it stable)."""
    return [s.strip() for s in _MARK_RUN.split(text) if s.strip()]


# ---------------------------------------------------------------- traditional → simplified
_CJK_CHAR_RE = re.compile(f"[{CJK}]")


@cache
def _t2s():
    import opencc  # imported on first use: plain-ASCII input never needs it

    return opencc.OpenCC("t2s")


_SAMPLE = 20000


def to_simplified(text: str, force: bool = False) -> str:
    """``text`` in simplified characters when it is written in traditional ones; else unchanged.

    Detection converts a prefix and counts the changed ideographs: simplified text changes in
    almost no place (OpenCC is phrase-aware), traditional text in a large share of them. Only
    then is the whole text converted, so simplified text is never touched. ``force`` skips the test.
    """
    head = text[:_SAMPLE]
    if not force and not _CJK_CHAR_RE.search(head):
        return text
    converted_head = _t2s().convert(head)
    if not force:
        if converted_head == head or len(converted_head) != len(head):
            return text
        changed = sum(1 for x, y in zip(head, converted_head) if x != y)
        if changed * 50 < len(_CJK_CHAR_RE.findall(head)):
            return text
    converted = converted_head if len(text) <= _SAMPLE else _t2s().convert(text)
    if len(converted) != len(text) or converted.count("\n") != text.count("\n"):
        return text  # never let conversion shift line numbers
    return converted


# ---------------------------------------------------------------- names
COMPOUND_SURNAMES = frozenset(
    ["欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文", "司徒", "夏侯", "轩辕", "司空", "西门", "南宫", "独孤", "端木", "澹台", "申屠", "太史", "呼延", "闻人", "万俟", "百里", "东郭", "赫连", "钟离", "濮阳", "淳于", "单于", "左丘"])


def short_name(name: str) -> str:
    """How a reporter is called to his face: the given name when it has two characters (刘志强 → 志强,
    欧阳明辉 → 明辉), else the whole name (孙丽, 欧阳明 and names of other shapes stay as they are)."""
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]
    given = name[len(surname):]
    return given if len(given) == 2 else name


# ---------------------------------------------------------------- levels
#: Words that address units of another level than the speech's own: a town's speech has no 各乡镇 to
#: address and no 县直部门 to command; a county's has no 各县（市、区）.
OTHER_LEVEL = {
    "镇": r"各乡镇|各乡（镇）|各镇(?!村)|各街道|街道社区|街道党|县直部门|县直各部门|区直部门|市直部门|各县（市、区）|各区县",
    "乡": r"各乡镇|各乡（镇）|各乡(?!村)|各街道|街道社区|街道党|县直部门|县直各部门|区直部门|市直部门|各县（市、区）|各区县",
    "街道": r"各乡镇|各街道|县直部门|县直各部门|区直部门|市直部门|各县（市、区）|各区县",
    "县": r"各县（市、区）|各县（区）|各县市区|各区县|各市（州）|市直部门|市直各部门|区直部门",
    "区": r"各县（市、区）|各县（区）|各县市区|各区县|各市（州）|市直部门|市直各部门|县直部门|县直各部门",
    "旗": r"各县（市、区）|各旗县|各市（州）|市直部门|县直部门",
    "市": r"各市（州）|各地市|省直部门|县直部门|区直部门",
    "州": r"各市（州）|各地市|省直部门|县直部门",
}
#: What only a county or above can promise or command (a town cannot set 报酬待遇正常增长机制, and has no
#: 机关、国企、学校、医院 of its own to direct): kept out of drafts below the county.
BELOW_COUNTY = r"报酬待遇正常增长机制|机关、国企、学校、医院|县直|区直|各乡镇|乡镇党委书记|各级党组织书记"
#: Levels below the county (镇/乡/街道).
LOWER_LEVELS = ("镇", "乡", "街道")


def foreign_to(level: str | None) -> str | None:
    """The pattern of words that do not belong in a speech of ``level`` (None when nothing is known)."""
    rx = OTHER_LEVEL.get(level or "")
    if level in LOWER_LEVELS:
        rx = f"{rx}|{BELOW_COUNTY}" if rx else BELOW_COUNTY
    return rx


_NORM_RE = re.compile(r"[\s，。；！？、：“”‘’（）《》—…,.;:!?()]")


def norm_chars(sentence: str) -> str:
    """``sentence`` without spaces and punctuation: the form sentences are compared in."""
    return _NORM_RE.sub("", sentence)


def bigrams(text: str) -> set[str]:
    """The character bigrams of ``text`` once normalised (see ``norm_chars``)."""
    t = norm_chars(text)
    return set(map(str.__add__, t[:-1], t[1:]))
