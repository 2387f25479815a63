"""The config schema, declared once: every key with its kind, default and Chinese help.

The loader (``config.py``) validates by it, the ``Config`` type exposes its keys, the template context
hands them to packs, ``init`` writes its starter comments from it, and the README's key table is
generated from it (a test keeps that table current) — so adding a key is one entry here. A pack's
manifest may declare keys of its own in the same form (``keys:`` in manifest.yaml).
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass
from typing import Any, Protocol
from collections.abc import Callable

#: level → (scope, committee, our): 区 → 全区, 区委, 我区
LEVEL_WORDS = {
    "省": ("全省", "省委", "我省"),
    "市": ("全市", "市委", "我市"),
    "州": ("全州", "州委", "我州"),
    "盟": ("全盟", "盟委", "我盟"),
    "区": ("全区", "区委", "我区"),
    "县": ("全县", "县委", "我县"),
    "旗": ("全旗", "旗委", "我旗"),
    "镇": ("全镇", "镇党委", "我镇"),
    "乡": ("全乡", "乡党委", "我乡"),
    "街道": ("全街道", "街道党工委", "我街道"),
}
DEFAULT_POINTS = ("政治建设", "组织建设", "队伍建设", "责任落实")
CHARS_PER_MINUTE = 250
#: Bounds on what one config may hold: far above any real speech, far below what would slow a render.
MAX_TEXT = 300  # characters of one fact (an achievement, a problem, a highlight)
MAX_NAME = 60  # characters of a place, speaker, title, meeting or name
MAX_ITEMS = 60  # facts in one list
MAX_REPORTERS = 200
MAX_OCCASION = 200  # characters of ``occasion`` (a sentence or two)
MAX_CARRIER = 40  # characters of one carrier (“红色领航”工程)
MAX_SUPERIOR = 20  # characters of ``superior`` (市委, 中共青榆市委)
MAX_PINS = 2000  # slots the workbench may pin in one config
MAX_FOLDERS = 20  # phrasebank folders in ``phrases``

#: Controls (C0 but tab and line feed, DEL, C1 with NEL), the line and paragraph separators U+2028/U+2029,
#: non-characters and lone surrogates: never part of a value, however they were written (raw or as an escape).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff]")
#: Invisible characters that change how text reads, breaks or sorts: every format character (Unicode
#: category Cf — zero-width marks, bidi overrides and isolates, BOMs, the soft hyphen U+00AD, tags). A test
#: keeps this class complete against the running Python's Unicode tables.
INVISIBLE = re.compile("[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
                       "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
                       "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
                       "\U000e0020-\U000e007f]")


@dataclass(frozen=True)
class Key:
    """One config key: what it takes (``kind``), its default, and how users read about it."""

    name: str
    kind: str  # one of KINDS
    label: str  # a short Chinese name: 会议类型, 地方名称 …
    help: str  # 中文说明：the README table, the init starter's comment, error messages
    default: Any = None
    default_zh: str = "—"  # the default as the README states it
    required: bool = False
    example: str = ""  # a value for the commented-out line of an init starter


KEYS: tuple[Key, ...] = (
    Key("type", "type", "会议类型", "会议类型：shuzhi_speech 述职评议会讲话、dianping 述职评议点评、zuotan_outline 座谈会讲话提纲、dangjian_meeting 党建工作会议讲话"
        "（id 或中文名均可；自建模板包的类型也可）", required=True, default_zh="必填"),
    Key("place", "name", "地方名称", "地方名称，如 云溪区", required=True, default_zh="必填"),
    Key("level", "level", "行政层级", "行政层级：" + " ".join(LEVEL_WORDS) + "，决定“全区/区委/我区”等称谓", required=True,
        default_zh="必填"),
    Key("superior", "committee", "上级党委", "上级党委，如 市委、县委、区委、省委，用于“在市委的坚强领导下”一类说法"
        "（2–20 字，不带标点）", default_zh="不写", example="市委"),
    Key("year", "year", "开会年份", "开会年份（决定现行提法、年份意义，如 2026 年是建党 105 周年、“十五五”开局之年）", required=True,
        default_zh="必填"),
    Key("review_year", "year", "述职所评议的年度", "述职所评议的年度", default_zh="`year - 1`", example="2025"),
    Key("speaker", "name", "讲话人", "讲话人，印在标题下方", default_zh="不印", example="区委书记"),
    Key("date", "date", "讲话日期", "讲话日期，印在标题下方（写 `2026-01-16` 也会印成 2026年1月16日）", default_zh="不印",
        example="2026年1月16日"),
    Key("title", "title", "标题", "标题", default_zh="按会议类型生成", example="在全区党建工作会议上的讲话"),
    Key("meeting", "name", "会议名称", "会议名称（供自建模板使用）", example="全区党组织书记抓基层党建工作述职评议会议"),
    Key("occasion", "sentence", "本次会议的情况", "本次会议自身的情况，一两句话，原文照用（最多 200 字；句末没有标点时补“。”）",
        default_zh="不写", example="这是换届后新一届区委召开的第一次述职评议会议。"),
    Key("points", "points", "主体部分的主题", "主体部分的主题：政治建设 思想建设 组织建设 队伍建设 作风建设 纪律建设 责任落实 基层治理 "
        "党员教育管理 两新组织 乡村振兴，或自己的一句话（原文作为标题）", default=DEFAULT_POINTS,
        default_zh="政治建设、组织建设、队伍建设、责任落实", example="[政治建设, 组织建设, 队伍建设, 责任落实]"),
    Key("achievements", "facts", "成绩", "成绩，逐条，原文照用", default=(), default_zh="〔待补〕", example="[]"),
    Key("problems", "facts", "问题", "问题，逐条，原文照用", default=(), default_zh="〔待补〕", example="[]"),
    Key("carriers", "carriers", "本地工作载体", "本地的工作载体、党建品牌，逐条，原文照用（每条 2–40 字）", default=(),
        default_zh="不写", example="[“红色领航”工程, 党建引领“三治融合”]"),
    Key("reporters", "reporters", "述职人", "述职人：`name` 姓名、`post` 职务、`highlights` 亮点、`problems` 问题（点评必填）",
        default=(), example="[]"),
    Key("visits", "visits", "调研去过的地方", "座谈会：调研去过的地方，逐条；写地名即可，也可写 `{place: 地点, seen: 看到的情况}`",
        default=(), default_zh="〔待补〕", example="[石桥镇河湾村, {place: 城关街道幸福里社区, seen: 社区党群服务中心推行“一站式”服务}]"),
    Key("speakers", "speakers", "座谈会上发言的同志", "座谈会：发言的同志，逐条；写“职务+姓名”即可，也可写 "
        "`{name: 姓名, post: 职务, said: 发言要点}`", default=(), default_zh="〔待补〕",
        example="[石桥镇党委书记刘志强, {name: 李红梅, post: 幸福里社区党委书记, said: 反映网格员力量不足}]"),
    Key("length", "length", "目标字数", "目标字数（整数，或 `\"20分钟\"`）；各会议类型的范围见 `speechgen templates show TYPE`",
        default_zh="按主题数或述职人数估算", example="4000"),
    Key("minutes", "minutes", "目标时长", "目标时长（分钟），与 `length` 二选一", example="18"),
    Key("seed", "seed", "随机种子", "随机种子：同一配置、同一种子，草稿逐字节相同；换个种子换一版", default=0, default_zh="0",
        example="7"),
    Key("adjourn", "bool", "是否以“散会”结尾", "讲话是否以“散会”结尾（“散会”一般是主持人的话；书记讲话兼主持时才写 true）",
        default=False, default_zh="false", example="true"),
    Key("style", "style", "版式文件", "单位版式：版式 YAML 文件的路径、内置版式名（如 windows-fonts），或直接写映射", default_zh="GB/T 9704", example="版式.yaml"),
    Key("phrases", "folders", "自己的短语库文件夹", "自己的短语库文件夹（同 `--phrases`）：一个路径或路径的列表，相对路径从本配置文件所在的文件夹算起",
        default=(), default_zh="不用", example="[我的短语库]"),
    Key("pins", "pins", "工作台锁定的句子", "工作台用：在工作台里选定或锁定的句子（位置 → 短语条目 id 或原文），"
        "让命令行生成同一份草稿；一般不必手写", default={}, default_zh="不锁定", example="{}"),
)
BY_NAME = {k.name: k for k in KEYS}

#: The fields of one reporter, with their help.
REPORTER_FIELDS = {"name": "姓名", "post": "职务", "highlights": "工作亮点（原文照用，逐条写）",
                   "problems": "存在问题（原文照用，逐条写）"}
#: The fields of one visit and of one speaker (座谈会) written as a mapping; the first is required.
VISIT_FIELDS = {"place": "地点", "seen": "看到的情况"}
SPEAKER_FIELDS = {"name": "姓名", "post": "职务", "said": "发言要点"}


class Problems(Protocol):
    """Where validators report: ``add(key, message)`` (a key path such as ``reporters[0].name``)."""

    def add(self, key: str, message: str) -> None: ...  # pragma: no cover - interface


# ---------------------------------------------------------------- value readers
def text(v, limit: int = MAX_TEXT) -> str | None:
    """A scalar as tidy text (line breaks joined, controls and invisible marks removed), else None."""
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, datetime.date):  # date: 2026-01-16 → 2026年1月16日
        return f"{v.year}年{v.month}月{v.day}日"
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, (str, int, float)):
        s = str(v) if not isinstance(v, int) or abs(v) < 10**30 else None
        if s is None:
            return None
        s = INVISIBLE.sub("", _CONTROL.sub("", s)).replace("\t", " ")
        return re.sub(r"\s*\n\s*", "", s).strip()
    return None


def read_text(c: Problems, data: dict, key: str, limit: int = MAX_TEXT) -> str | None:
    """``data[key]`` as tidy text of at most ``limit`` characters; None when absent (a problem when not text)."""
    return _read_text(c, data, key, limit)


def _read_text(c: Problems, data: dict, key: str, limit: int) -> str | None:
    v = data.get(key)
    if v is None:
        return None
    s = text(v)
    if s is None:
        c.add(key, "应为文字")
        return None
    if len(s) > limit:
        c.add(key, f"太长（{len(s)} 字），最多 {limit} 字")
        return None
    return s or None


LIST_WANTED = "应为列表（每行以“- ”开头）"


def read_list(c: Problems, data: dict, key: str, scalars: tuple[type, ...] = (), wrong: str = LIST_WANTED,
              limit: int = MAX_ITEMS, too_many: str = "条目太多（{n} 条），最多 {limit} 条") -> list:
    """The items of a list key: [] when absent; one value of a ``scalars`` type (never a bool) counts as a
    list of one; anything else, or more than ``limit`` items, is a problem (``wrong`` / ``too_many``) and []."""
    v = data.get(key)
    if v is None:
        return []
    if scalars and isinstance(v, scalars) and not isinstance(v, bool):
        return [v]
    if not isinstance(v, list):
        c.add(key, wrong)
        return []
    if len(v) > limit:
        c.add(key, too_many.format(n=len(v), limit=limit))
        return []
    return v


def read_facts(c: Problems, data: dict, key: str, allow_scalar: bool = True) -> tuple[str, ...]:
    v = read_list(c, data, key, (str, int, float) if allow_scalar else ())
    out = []
    for i, item in enumerate(v):
        s = text(item)
        if not s:
            c.add(f"{key}[{i}]", "应为非空文字")
            continue
        if len(s) > MAX_TEXT:
            c.add(f"{key}[{i}]", f"太长（{len(s)} 字），最多 {MAX_TEXT} 字；请拆成几条")
            continue
        out.append(s)
    return tuple(out)


def parse_length(value) -> int | None:
    """``4000`` → 4000; ``"20分钟"`` → 5000; anything else → None (invalid)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if abs(value) < 10**9 else None
    if isinstance(value, str):
        s = value.strip().replace(" ", "")
        if re.fullmatch(r"\d{1,9}(字)?", s):
            return int(re.match(r"\d+", s).group())  # type: ignore[union-attr]  # fullmatch above guarantees it
        m = re.fullmatch(r"(\d{1,6})(分钟|min|分)", s)
        if m:
            return int(m.group(1)) * CHARS_PER_MINUTE
    return None


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
#: 2026年1月16日 (spaces allowed between the parts) and 2026年1月: checked like an ISO date.
_CN_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?$")


def read_date(c: Problems, data: dict, key: str) -> str | None:
    v = data.get(key)
    if isinstance(v, str) and (iso := _ISO_DATE.match(v.strip())):
        y, m, d = map(int, iso.groups())
        try:
            day = datetime.date(y, m, d)
        except ValueError:
            c.add(key, f"日期不存在：{v.strip()}；请写成真实的日期，如 2026-01-16")
            return None
        return text(day)
    s = _read_text(c, data, key, MAX_NAME)
    if s and (cn_date := _CN_DATE.match(s)):
        y, m = int(cn_date.group(1)), int(cn_date.group(2))
        try:
            datetime.date(y, m, int(cn_date.group(3) or 1))
        except ValueError:
            c.add(key, f"日期不存在：{s}；请写成真实的日期，如 2026年1月16日")
            return None
    return s


def date_year(date: str | None) -> int | None:
    """The year a date as read by ``read_date`` names (2026年1月16日 → 2026), else None."""
    m = re.match(r"(\d{4})\s*年", date or "")
    return int(m.group(1)) if m else None


#: Sentence punctuation a short name (``superior``) may not hold.
_SENTENCE_PUNCT = re.compile(r"[。，、；：！？…,.;:!?\s]")
#: Where a sentence ends: 。！？… perhaps followed by closing quotes or brackets.
_SENTENCE_END = re.compile(r"[。！？…][”’」』》〉）)\]】]*$")


def read_committee(c: Problems, data: dict, key: str) -> str | None:
    """A party committee's short name (市委, 县委, 中共青榆市委): 2–20 characters, no sentence punctuation."""
    v = data.get(key)
    if v is None or v == "":
        return None
    s = text(v) if isinstance(v, str) else None
    if not s:
        c.add(key, "应为上级党委的简称（文字），如 市委、县委")
        return None
    if not 2 <= len(s) <= MAX_SUPERIOR:
        c.add(key, f"应为 2–{MAX_SUPERIOR} 字的党委简称（现为 {len(s)} 字），如 市委、县委")
        return None
    if m := _SENTENCE_PUNCT.search(s):
        c.add(key, f"应为党委的简称，如 市委、县委，不能含标点或空格（“{m.group(0)}”）")
        return None
    return s


def read_carriers(c: Problems, data: dict, key: str) -> tuple[str, ...]:
    """Local work carriers and brands, each used verbatim: a list (or one string) of 2–40 characters each."""
    v = read_list(c, data, key, (str,), wrong=LIST_WANTED + "，每项是一个工作载体或品牌的名字")
    out: list[str] = []
    for i, item in enumerate(v):
        s = text(item) if isinstance(item, str) else None
        if not s:
            c.add(f"{key}[{i}]", "应为非空文字，如 “红色领航”工程")
            continue
        if not 2 <= len(s) <= MAX_CARRIER:
            c.add(f"{key}[{i}]", f"应为 2–{MAX_CARRIER} 字（现为 {len(s)} 字）；这里写载体或品牌的名字，不写整句")
            continue
        if s in out:
            c.add(f"{key}[{i}]", f"与 {key}[{out.index(s)}] 重复")
            continue
        out.append(s)
    return tuple(out)


def as_sentence(s: str) -> str:
    """``s`` ending as a sentence: a trailing comma or colon becomes 。, a half-width stop full-width, and 。
    is added when no sentence punctuation ends it."""
    s = re.sub(r"。+$", "。", re.sub(r"\.{3,}$", "……", s))
    s = re.sub(r"[，,；;、：:\s]+$", "", s)
    if s and s[-1] in ".!?":
        s = s[:-1] + {".": "。", "!": "！", "?": "？"}[s[-1]]
    return s if not s or _SENTENCE_END.search(s) else s + "。"


def read_sentence(c: Problems, data: dict, key: str, limit: int = MAX_OCCASION) -> str | None:
    """A sentence or two used verbatim, tidied like every text and ending with sentence punctuation."""
    v = data.get(key)
    if v is None or v == "":
        return None
    s = text(v) if isinstance(v, str) else None
    if s is None:
        c.add(key, "应为一两句话（文字）")
        return None
    if not s:
        return None
    if not re.search(r"\w", s):
        c.add(key, "应为一两句话，而不只是标点")
        return None
    s = as_sentence(s)
    if len(s) > limit:
        c.add(key, f"太长（{len(s)} 字），最多 {limit} 字；这里只写本次会议自身的情况，一两句话")
        return None
    return s


def read_year(c: Problems, data: dict, key: str) -> int | None:
    v = data.get(key)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int) or not 1949 <= v <= 2100:
        c.add(key, "应为四位年份，如 2026")
        return None
    return v


#: How each kind reads its value from the parsed mapping (keys needing cross-checks are read in config.py).
READERS: dict[str, Callable[[Problems, dict, str], Any]] = {
    "name": lambda c, d, k: _read_text(c, d, k, MAX_NAME),
    "title": lambda c, d, k: _read_text(c, d, k, 2 * MAX_NAME),
    "date": read_date,
    "year": read_year,
    "facts": read_facts,
    "committee": read_committee,
    "carriers": read_carriers,
    "sentence": read_sentence,
}
KINDS = ("type", "name", "title", "level", "year", "date", "points", "facts", "reporters", "length", "minutes",
         "seed", "bool", "style", "committee", "sentence", "carriers", "visits", "speakers", "folders", "pins")


def readme_table() -> str:
    """The README's table of config keys, generated from KEYS."""
    rows = ["| 键 | 含义 | 默认 |", "|---|---|---|"]
    rows += [f"| `{k.name}` | {k.help} | {k.default_zh} |" for k in KEYS]
    return "\n".join(rows) + "\n"


# ---------------------------------------------------------------- init starters
_COMMENT_AT = 28  # display column where a starter line's comment begins


def _width(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in s)


def _flow(value) -> str:
    """A YAML flow scalar or list for a starter line (strings unquoted where YAML allows)."""
    import yaml

    if isinstance(value, (list, tuple)) and not value:
        return "[]"
    dumped = yaml.safe_dump(value if not isinstance(value, tuple) else list(value), allow_unicode=True,
                            default_flow_style=True, width=10**6).strip()
    return dumped[:-4].rstrip() if dumped.endswith("\n...") else dumped.removesuffix("...").strip()


def _line(body: str, comment: str) -> str:
    pad = max(1, _COMMENT_AT - _width(body))
    return f"{body}{' ' * pad}# {comment}"


def starter_yaml(values: dict, header: list[str], extra_keys: tuple[Key, ...] = ()) -> str:
    """An ``init`` starter: the pack's header comment, then every key in schema order with its Chinese help
    as the comment — the pack's example value where it gives one, else a commented-out example line."""
    out = [*header, ""] if header else []
    for key in (*KEYS, *extra_keys):
        comment = key.help.replace("`", "")
        if key.name not in values:
            if key.example:
                out.append(_line(f"# {key.name}: {key.example}", comment))
            continue
        value = values[key.name]
        if key.kind == "reporters" and value:
            out.append(_line(f"{key.name}:", comment))
            for item in value:
                item = {"name": item} if isinstance(item, str) else dict(item)
                first = True
                for field, help_ in REPORTER_FIELDS.items():
                    if field not in item:
                        continue
                    lead = "  - " if first else "    "
                    out.append(_line(f"{lead}{field}: {_flow(item[field])}", help_))
                    first = False
            continue
        out.append(_line(f"{key.name}: {_flow(value)}", comment))
        if isinstance(value, (list, tuple)) and not value:
            out += [f"#  - {_flow(item)}" for item in _example_items(key)]
    return "\n".join(out) + "\n"


def _example_items(key: Key) -> list:
    """The items of a key's example list (shown as commented ``#  - item`` lines under an empty list)."""
    import yaml

    try:
        value = yaml.safe_load(key.example) if key.example else None
    except yaml.YAMLError:  # pragma: no cover - the examples above are valid YAML (a test reads them all)
        return []
    return value if isinstance(value, list) else []
