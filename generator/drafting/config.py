"""YAML config → typed Config, validated once at the edge, with every problem reported by key path and line."""

from __future__ import annotations

import datetime
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path


from generator.errors import ConfigError, InputError, SpeechgenError
from generator.loader import Collector, Prefixed, decode_config_text, line_map, parse_yaml, read_bytes

CHARS_PER_MINUTE = 250

# level → (scope, committee, our): 区 → 全区, 区委, 我区
_LEVEL_WORDS = {
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

# Every key the config understands, with the Chinese help `init` and error messages use.
KEYS = {
    "type": "会议类型",
    "place": "地方名称",
    "level": "行政层级",
    "year": "开会年份",
    "review_year": "述职所评议的年度",
    "speaker": "讲话人",
    "date": "讲话日期",
    "title": "标题",
    "meeting": "会议名称",
    "points": "主体部分的主题",
    "achievements": "成绩（原文照用）",
    "problems": "问题（原文照用）",
    "reporters": "述职人",
    "visits": "调研去过的地方",
    "speakers": "座谈会上发言的同志",
    "length": "目标字数",
    "minutes": "目标时长（分钟）",
    "seed": "随机种子",
    "adjourn": "是否以“散会”结尾",
    "style": "版式文件",
}
REPORTER_KEYS = ("name", "post", "highlights", "problems")
DEFAULT_POINTS = ("政治建设", "组织建设", "队伍建设", "责任落实")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Reporter:
    name: str
    post: str = ""
    highlights: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    type: str
    place: str
    level: str
    year: int
    review_year: int
    speaker: str | None = None
    date: str | None = None
    title: str | None = None
    meeting: str | None = None
    points: tuple[str, ...] = DEFAULT_POINTS
    points_given: bool = False
    achievements: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    reporters: tuple[Reporter, ...] = ()
    visits: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    length: int | None = None  # None → the pack's default
    seed: int = 0
    adjourn: bool = True
    style: str | dict | None = None
    source: str = "<config>"
    lines: dict = field(default_factory=dict, compare=False, repr=False)  # key path → 1-based line

    @property
    def words(self) -> dict[str, str]:
        """Slot values derived from place and level: {scope} 全区, {committee} 区委, {our} 我区 …"""
        scope, committee, our = level_words(self.level)
        return {"place": self.place, "scope": scope, "committee": committee, "our": our,
                "level": self.level, "year": str(self.year), "review_year": str(self.review_year)}


def level_words(level: str) -> tuple[str, str, str]:
    if level in _LEVEL_WORDS:
        return _LEVEL_WORDS[level]
    return (f"全{level}", f"{level}委", f"我{level}")


def _text(v) -> str | None:
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, datetime.date):  # date: 2026-01-16 → 2026年1月16日
        return f"{v.year}年{v.month}月{v.day}日"
    if isinstance(v, (str, int, float)):
        s = _CONTROL.sub("", str(v))
        return re.sub(r"\s*\n\s*", "", s).strip()
    return None


def _text_list(c: Collector, data: dict, key: str, allow_scalar: bool = True) -> tuple[str, ...]:
    v = data.get(key)
    if v is None:
        return ()
    if isinstance(v, (str, int, float)) and allow_scalar and not isinstance(v, bool):
        v = [v]
    if not isinstance(v, list):
        c.add(key, "应为列表（每行以“- ”开头）")
        return ()
    out = []
    for i, item in enumerate(v):
        s = _text(item)
        if not s:
            c.add(f"{key}[{i}]", "应为非空文字")
            continue
        out.append(s)
    return tuple(out)


def parse_length(value) -> int | None:
    """``4000`` → 4000; ``"20分钟"`` → 5000; anything else → None (invalid)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        s = value.strip().replace(" ", "")
        if re.fullmatch(r"\d+(字)?", s):
            return int(re.match(r"\d+", s).group())
        m = re.fullmatch(r"(\d+)(分钟|min|分)", s)
        if m:
            return int(m.group(1)) * CHARS_PER_MINUTE
    return None


def load_config(path: str | Path, *, type_resolver=None) -> Config:
    """Read and validate a config file. Raises InputError/ConfigError with every problem found."""
    p = Path(path)
    text = decode_config_text(read_bytes(p, "config", empty_ok=True), p)
    return parse_config(text, str(p), type_resolver=type_resolver)


def parse_config(text: str, source: str = "<config>", *, type_resolver=None) -> Config:
    doc = parse_yaml(text, source, "配置文件")
    node, data = doc.node, doc.value
    if data is None:
        raise InputError("配置文件是空的；可用 speechgen init TYPE 生成起步配置", path=source)
    if not isinstance(data, dict):
        raise InputError("配置文件的顶层应为“键: 值”的映射", path=source, line=1)
    dupes: list = []
    c = Collector(source, text, line_map(node, dupes=dupes))
    for key, first, second in dupes:
        c.problems.append(SpeechgenError(f"与第{first}行重复；同一个键只能写一次", line=second, key=key,
                                         source_line=c.source[second - 1]))
    return _build(c, data, source, type_resolver)


def _build(c: Collector, data: dict, source: str, type_resolver) -> Config:
    for key in data:
        if str(key) not in KEYS:
            near = difflib.get_close_matches(str(key), KEYS, n=1)
            hint = f"，是否想写 {near[0]}？" if near else f"；可用的键：{'、'.join(KEYS)}"
            c.add(str(key), f"未知的配置项{hint}")
    for key in ("type", "place", "level", "year"):
        if data.get(key) in (None, ""):
            c.problems.append(SpeechgenError(f"缺少必填项（{KEYS[key]}）", key=key))

    type_id = None
    if data.get("type") not in (None, ""):
        type_id = str(data["type"]).strip()
        if type_resolver is not None:
            try:
                type_id = type_resolver(type_id)
            except InputError as exc:
                c.add("type", exc.message)
    place = _text(data.get("place")) or ""
    if data.get("place") not in (None, "") and not place:
        c.add("place", "应为文字")
    level = _text(data.get("level")) or ""
    if level and (len(level) > 4 or not re.fullmatch(r"[\u4e00-\u9fff]+", level)):
        c.add("level", f"应为行政层级，如 {'、'.join(_LEVEL_WORDS)}")
    year = _year(c, data, "year")
    review_year = _year(c, data, "review_year") if "review_year" in data else (year - 1 if year else None)

    length = None
    if "length" in data and "minutes" in data:
        c.add("minutes", "length 与 minutes 只能给一个")
    if data.get("length") is not None:
        length = parse_length(data["length"])
        if length is None:
            c.add("length", '应为整数或"N分钟"')
    if data.get("minutes") is not None:
        m = data["minutes"]
        if isinstance(m, bool) or not isinstance(m, (int, float)) or m <= 0:
            c.add("minutes", "应为正数（分钟）")
        else:
            length = int(round(m * CHARS_PER_MINUTE))
    if length is not None and not 300 <= length <= 30000:
        c.add("length" if "length" in data else "minutes", "目标字数应在 300 到 30000 之间")

    seed = data.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int):
        c.add("seed", "应为整数")
        seed = 0
    adjourn = data.get("adjourn", True)
    if not isinstance(adjourn, bool):
        c.add("adjourn", "应为 true 或 false")
        adjourn = True
    style = data.get("style")
    if style is not None and not isinstance(style, (str, dict)):
        c.add("style", "应为版式文件路径或映射")

    points = _text_list(c, data, "points")
    if "points" in data and not points and not any(p.key == "points" for p in c.problems):
        c.add("points", "至少给出一个主题")
    if len(points) > 8:
        c.add("points", "主题最多 8 个")
    if len(set(points)) != len(points):
        c.add("points", "主题有重复")

    for i, point in enumerate(data.get("points") or []):
        if isinstance(point, (int, float)) and not isinstance(point, bool):
            c.add(f"points[{i}]", "应为主题名称或一句话，不能是数字")
    if year and review_year and review_year > year:
        c.add("review_year", f"述职评议的年度不能晚于开会年份 {year}")

    reporters = _reporters(c, data.get("reporters"))
    facts = {k: _text_list(c, data, k) for k in ("achievements", "problems", "visits", "speakers")}
    scalars = {k: _scalar(c, data, k) for k in ("speaker", "date", "title", "meeting")}
    if c.problems:
        raise ConfigError(c.problems, source)
    return Config(
        type=type_id, place=place, level=level, year=year, review_year=review_year,
        points=points or DEFAULT_POINTS, points_given=bool(points), reporters=reporters,
        length=length, seed=seed, adjourn=adjourn, style=style, source=source, lines=c.lines, **facts, **scalars,
    )


def _scalar(c: Collector, data: dict, key: str) -> str | None:
    v = data.get(key)
    if v is None:
        return None
    s = _text(v)
    if s is None:
        c.add(key, "应为文字")
    return s or None


def _year(c: Collector, data: dict, key: str) -> int | None:
    v = data.get(key)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int) or not 1949 <= v <= 2100:
        c.add(key, "应为四位年份，如 2026")
        return None
    return v


def _reporters(c: Collector, value) -> tuple[Reporter, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        c.add("reporters", "应为列表，每项含 name、post、highlights、problems")
        return ()
    out = []
    for i, item in enumerate(value):
        key = f"reporters[{i}]"
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict):
            c.add(key, "应为映射，如 {name: 张三, post: 某某镇党委书记}")
            continue
        for k in item:
            if k not in REPORTER_KEYS:
                near = difflib.get_close_matches(str(k), REPORTER_KEYS, n=1)
                c.add(f"{key}.{k}", f"未知的述职人字段{('，是否想写 ' + near[0] + '？') if near else ''}")
        name = _text(item.get("name"))
        if not name:
            c.add(f"{key}.name" if "name" in item else key, "述职人缺少姓名 name")
            continue
        sub = {k: item.get(k) for k in ("highlights", "problems")}
        hl = _text_list(Prefixed(c, key), sub, "highlights")
        pr = _text_list(Prefixed(c, key), sub, "problems")
        out.append(Reporter(name=name, post=_text(item.get("post")) or "", highlights=hl, problems=pr))
    return tuple(out)
