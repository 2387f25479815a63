"""YAML config → typed Config, validated once at the edge by the schema, every problem reported by key and line."""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.drafting.schema import (BY_NAME, CHARS_PER_MINUTE, DEFAULT_POINTS, KEYS, LEVEL_WORDS, MAX_REPORTERS,
                                       READERS, REPORTER_FIELDS, Key, parse_length, read_facts, text, INVISIBLE)
from generator.errors import ConfigError, InputError, SpeechgenError
from generator.zh import to_simplified
from generator.loader import Collector, Prefixed, decode_config_text, line_map, parse_yaml, read_bytes

__all__ = ["CHARS_PER_MINUTE", "DEFAULT_POINTS", "KEYS", "REPORTER_KEYS", "Config", "Reporter", "level_words",
           "load_config", "parse_config", "parse_length"]

#: Kept for readers of the old table: key → its Chinese help.
REPORTER_KEYS = tuple(REPORTER_FIELDS)


@dataclass(frozen=True)
class Reporter:
    name: str
    post: str = ""
    highlights: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


class Config:
    """A validated config: every schema key as an attribute (``config.place``), plus where it came from.

    ``points_given`` says whether ``points`` was written or defaulted; ``lines`` maps key paths to the
    1-based YAML lines (for messages); ``extra`` holds the keys a pack's manifest declares.
    """

    __slots__ = ("_values", "source", "lines", "points_given", "extra", "notes")

    def __init__(self, values: dict[str, Any], *, source: str = "<config>", lines: dict | None = None,
                 points_given: bool = False, extra: dict[str, Any] | None = None):
        self._values = {k.name: values.get(k.name, k.default) for k in KEYS}
        self.source, self.lines, self.points_given = source, lines or {}, points_given
        self.extra = dict(extra or {})
        self.notes: tuple[str, ...] = ()  # what loading changed, for the render summary (繁体已转简体 …)

    def __getattr__(self, name: str) -> Any:
        try:
            return object.__getattribute__(self, "_values")[name]
        except KeyError:
            raise AttributeError(name) from None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Config) and self._values == other._values and self.extra == other.extra

    def __hash__(self) -> int:
        return hash(tuple(sorted((k, repr(v)) for k, v in self._values.items())))

    def __repr__(self) -> str:
        return f"Config({self._values!r})"

    def replace(self, **changes: Any) -> Config:
        values = {**self._values, **{k: v for k, v in changes.items() if k in BY_NAME}}
        extra = {**self.extra, **{k: v for k, v in changes.items() if k not in BY_NAME}}
        new = Config(values, source=self.source, lines=self.lines, points_given=self.points_given, extra=extra)
        new.notes = self.notes
        return new

    def values(self) -> dict[str, Any]:
        """Every schema key with its value (defaults included)."""
        return dict(self._values)

    @property
    def words(self) -> dict[str, str]:
        """Slot values derived from place and level: {scope} 全区, {committee} 区委, {our} 我区 …"""
        scope, committee, our = level_words(self.level)
        return {"place": self.place, "scope": scope, "committee": committee, "our": our,
                "level": self.level, "year": str(self.year), "review_year": str(self.review_year)}


def level_words(level: str) -> tuple[str, str, str]:
    if level in LEVEL_WORDS:
        return LEVEL_WORDS[level]
    return (f"全{level}", f"{level}委", f"我{level}")


def load_config(path: str | Path, *, type_resolver=None, keys_for=None) -> Config:
    """Read and validate a config file. Raises InputError/ConfigError with every problem found."""
    p = Path(path)
    text_ = decode_config_text(read_bytes(p, "config", empty_ok=True), p)
    return parse_config(text_, str(p), type_resolver=type_resolver, keys_for=keys_for)


def parse_config(text_: str, source: str = "<config>", *, type_resolver=None, keys_for=None) -> Config:
    """A Config from YAML text. ``type_resolver`` turns the ``type`` given into a pack id; ``keys_for``
    gives that pack's own config keys (declared in its manifest), validated like the schema's."""
    notes = []
    simplified = to_simplified(text_)
    if simplified != text_:  # 雲溪區 / 區 / 政治建設: themes and 全区 must match; the user is told
        notes.append("配置中的繁体字已按简体使用（OpenCC 转换）")
        text_ = simplified
    if INVISIBLE.search(text_):
        notes.append("配置中的零宽字符、方向控制符等不可见字符已删去")
    doc = parse_yaml(text_, source, "配置文件")
    node, data = doc.node, doc.value
    if data is None:
        raise InputError("配置文件是空的；可用 speechgen init TYPE 生成起步配置", path=source)
    if not isinstance(data, dict):
        raise InputError("配置文件的顶层应为“键: 值”的映射", path=source, line=1)
    dupes: list = []
    c = Collector(source, text_, line_map(node, dupes=dupes))
    for key, first, second in dupes:
        c.problems.append(SpeechgenError(f"与第{first}行重复；同一个键只能写一次", line=second, key=key,
                                         source_line=c.source[second - 1]))
    c.key_lines = _key_lines(node)
    config = _build(c, data, source, type_resolver, keys_for)
    config.notes = tuple(notes)
    return config


def _key_lines(node) -> dict:
    """Line of each top-level key as YAML reads it (``null:`` is the key None, ``1:`` the key 1)."""
    import yaml

    out: dict = {}
    for key_node, _ in getattr(node, "value", ()):
        raw = key_node.value
        try:
            key = yaml.safe_load(raw) if isinstance(raw, str) and not key_node.style else raw
        except yaml.YAMLError:
            key = raw
        try:
            out.setdefault(key, key_node.start_mark.line + 1)
        except TypeError:  # an unhashable key (a list) is reported without its line
            pass
    return out


def _build(c: Collector, data: dict, source: str, type_resolver, keys_for) -> Config:
    type_id = _type(c, data, type_resolver)
    extra_keys: tuple[Key, ...] = tuple(keys_for(type_id)) if keys_for is not None and type_id else ()
    known = {**BY_NAME, **{k.name: k for k in extra_keys}}
    for key in data:
        if not isinstance(key, str) or key not in known:
            near = difflib.get_close_matches(str(key), known, n=1)
            hint = f"，是否想写 {near[0]}？" if near else f"；可用的键：{'、'.join(known)}"
            c.add(str(key), f"未知的配置项{hint}", c.key_lines.get(key) if _hashable(key) else None)
    for k in KEYS:
        if k.required and data.get(k.name) in (None, ""):
            c.problems.append(SpeechgenError(f"缺少必填项（{k.label}）", key=k.name))

    values: dict[str, Any] = {}
    for k in (*KEYS, *extra_keys):
        if k.kind in READERS:
            values[k.name] = READERS[k.kind](c, data, k.name)
    values["type"] = type_id
    values["place"] = values.get("place") or ""
    values["level"] = _level(c, data)
    year = values["year"]
    values["review_year"] = values["review_year"] if "review_year" in data else (year - 1 if year else None)
    if year and values["review_year"] and values["review_year"] > year:
        c.add("review_year", f"述职评议的年度不能晚于开会年份 {year}")
    values["length"] = _length(c, data)
    values["seed"] = _seed(c, data)
    values["adjourn"] = _bool(c, data, "adjourn", True)
    values["style"] = data.get("style")
    if values["style"] is not None and not isinstance(values["style"], (str, dict)):
        c.add("style", "应为版式文件路径或映射")
    points = _points(c, data)
    values["points"] = points or DEFAULT_POINTS
    values["reporters"] = _reporters(c, data.get("reporters"))
    for field in ("speaker", "date", "title", "meeting"):
        values[field] = values.get(field) or None
    if c.problems:
        raise ConfigError(c.problems, source)
    extra = {k.name: values.pop(k.name) for k in extra_keys}
    return Config(values, source=source, lines=c.lines, points_given=bool(points), extra=extra)


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _type(c: Collector, data: dict, type_resolver) -> str | None:
    raw = data.get("type")
    if raw in (None, ""):
        return None
    type_id = text(raw, 80)
    if not type_id:
        c.add("type", "应为会议类型的 id 或中文名")
        return None
    if type_resolver is not None:
        try:
            return type_resolver(type_id)
        except InputError as exc:
            c.add("type", exc.message)
    return type_id


def _level(c: Collector, data: dict) -> str:
    raw = data.get("level")
    level = text(raw) if isinstance(raw, str) else None
    if raw not in (None, "") and level not in LEVEL_WORDS:
        c.add("level", f"应为行政层级，如 {'、'.join(LEVEL_WORDS)}")
        return ""
    return level or ""


def _length(c: Collector, data: dict) -> int | None:
    length = None
    if "length" in data and "minutes" in data:
        c.add("minutes", "length 与 minutes 只能给一个")
    if data.get("length") is not None:
        length = parse_length(data["length"])
        if length is None:
            c.add("length", '应为整数或"N分钟"')
    if data.get("minutes") is not None:
        m = data["minutes"]
        if isinstance(m, bool) or not isinstance(m, (int, float)) or not math.isfinite(m) or not 0 < m < 10**6:
            c.add("minutes", "应为正数（分钟）")
        else:
            length = int(round(m * CHARS_PER_MINUTE))
    if length is not None and not 300 <= length <= 30000:
        c.add("length" if "length" in data else "minutes", "目标字数应在 300 到 30000 之间")
    return length


def _seed(c: Collector, data: dict) -> int:
    seed = data.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int):
        c.add("seed", "应为整数")
        return 0
    if not 0 <= seed < 2**63:
        c.add("seed", "应为 0 到 9223372036854775807 之间的整数")
        return 0
    return seed


def _bool(c: Collector, data: dict, key: str, default: bool) -> bool:
    v = data.get(key, default)
    if not isinstance(v, bool):
        c.add(key, "应为 true 或 false")
        return default
    return v


def _points(c: Collector, data: dict) -> tuple[str, ...]:
    points = read_facts(c, data, "points")
    if "points" in data and not points and not any(p.key == "points" for p in c.problems):
        c.add("points", "至少给出一个主题")
    if len(points) > 8:
        c.add("points", "主题最多 8 个")
    if len(set(points)) != len(points):
        c.add("points", "主题有重复")
    raw = data.get("points")
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        c.add("points", "应为主题名称或一句话，不能是数字")
    for i, point in enumerate(raw if isinstance(raw, list) else []):
        if isinstance(point, (int, float)) and not isinstance(point, bool):
            c.add(f"points[{i}]", "应为主题名称或一句话，不能是数字")
    return points


def _reporters(c: Collector, value) -> tuple[Reporter, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        c.add("reporters", "应为列表，每项含 name、post、highlights、problems")
        return ()
    if len(value) > MAX_REPORTERS:
        c.add("reporters", f"述职人太多（{len(value)} 位），最多 {MAX_REPORTERS} 位")
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
            if k not in REPORTER_FIELDS:
                near = difflib.get_close_matches(str(k), REPORTER_FIELDS, n=1)
                c.add(f"{key}.{k}", f"未知的述职人字段{('，是否想写 ' + near[0] + '？') if near else ''}")
        sub = Prefixed(c, key)
        name = READERS["name"](sub, item, "name") if "name" in item else None
        if not name:
            if "name" not in item:
                c.add(key, "述职人缺少姓名 name")
            elif not any(p.key == f"{key}.name" for p in c.problems):
                c.add(f"{key}.name", "述职人缺少姓名 name")
            continue
        post = READERS["name"](sub, item, "post") if item.get("post") is not None else ""
        hl = read_facts(sub, item, "highlights")
        pr = read_facts(sub, item, "problems")
        out.append(Reporter(name=name, post=post or "", highlights=hl, problems=pr))
    return tuple(out)

