"""YAML config → typed Config, validated once at the edge by the schema, every problem reported by key and line."""

from __future__ import annotations

import copy
import difflib
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.drafting.schema import (BY_NAME, CHARS_PER_MINUTE, DEFAULT_POINTS, KEYS, LEVEL_WORDS, MAX_FOLDERS,
                                       MAX_NAME, MAX_PINS, MAX_REPORTERS, MAX_TEXT, READERS,
                                       REPORTER_FIELDS, SPEAKER_FIELDS, VISIT_FIELDS, Key, date_year, parse_length,
                                       read_facts, read_list, read_text, text, INVISIBLE)
from generator.errors import ConfigError, InputError, SpeechgenError
from generator.zh import to_simplified
from generator.loader import Collector, Prefixed, decode_config_text, line_map, parse_yaml, read_bytes

__all__ = ["CHARS_PER_MINUTE", "DEFAULT_POINTS", "KEYS", "REPORTER_KEYS", "Config", "Reporter", "Speaker", "Visit",
           "level_words", "load_config", "parse_config", "parse_length"]

#: Kept for readers of the old table: key → its Chinese help.
REPORTER_KEYS = tuple(REPORTER_FIELDS)


@dataclass(frozen=True)
class Reporter:
    name: str
    post: str = ""
    highlights: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


class _Item(str):
    """A 座谈会 item that reads as the plain string it always was and also has named fields.

    ``str(item)`` (and ``{{ item }}`` in a template, ``"、".join(items)``) is the old string: a visit's
    place, a speaker's post and name. The fields are attributes (``item.place``) and items
    (``item["place"]``); a field not given is ''. Two items are equal when text and fields are.
    """

    FIELDS: tuple[str, ...] = ()

    def __new__(cls, text_: str | None = None, **fields: str):
        unknown = set(fields) - set(cls.FIELDS)
        if unknown:
            raise TypeError(f"{cls.__name__}: unknown fields {sorted(unknown)}")
        values = {f: fields.get(f) or "" for f in cls.FIELDS}
        obj = super().__new__(cls, cls._text(values) if text_ is None else text_)
        obj.__dict__.update(values)
        return obj

    @staticmethod
    def _text(values: dict[str, str]) -> str:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def __getitem__(self, key):  # type: ignore[override]  # field names as keys; indexes and slices as for str
        if isinstance(key, str):
            if key in self.FIELDS:
                return self.__dict__[key]
            raise KeyError(key)
        return str.__getitem__(self, key)

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def fields(self) -> dict[str, str]:
        return {f: self.__dict__[f] for f in self.FIELDS}

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Item):
            return str.__eq__(self, other) and self.fields() == other.fields()
        return str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = str.__hash__

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{f}={v!r}' for f, v in self.fields().items())})"

    def __reduce__(self):
        return (_rebuild, (type(self), str(self), self.fields()))


def _rebuild(cls, text_: str, fields: dict):
    return cls(text_, **fields)


class Visit(_Item):
    """A place visited: ``place`` and what was ``seen`` there ('' when not given); str() is the place."""

    FIELDS = tuple(VISIT_FIELDS)
    place: str
    seen: str

    @staticmethod
    def _text(values: dict[str, str]) -> str:
        return values["place"]


class Speaker(_Item):
    """Who spoke: ``name``, ``post`` and what was ``said`` (post and said may be ''); str() is post + name,
    the way a plain string is written (石桥镇党委书记刘志强: a plain string is kept whole as ``name``)."""

    FIELDS = tuple(SPEAKER_FIELDS)
    name: str
    post: str
    said: str

    @staticmethod
    def _text(values: dict[str, str]) -> str:
        return values["post"] + values["name"]


class Config:
    """A validated config: every schema key as an attribute (``config.place``), plus where it came from.

    ``points_given`` says whether ``points`` was written or defaulted; ``lines`` maps key paths to the
    1-based YAML lines (for messages); ``extra`` holds the keys a pack's manifest declares.
    """

    __slots__ = ("_values", "source", "lines", "points_given", "extra", "notes")

    def __init__(self, values: dict[str, Any], *, source: str = "<config>", lines: dict | None = None,
                 points_given: bool = False, extra: dict[str, Any] | None = None):
        self._values = {k.name: values[k.name] if k.name in values else copy.copy(k.default) for k in KEYS}
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


#: What the render summary says when loading dropped invisible characters (raw or written as YAML escapes).
INVISIBLE_NOTE = "配置中的零宽字符、方向控制符、软连字符等不可见字符已删去"


def parse_config(text_: str, source: str = "<config>", *, type_resolver=None, keys_for=None,
                 base: str | Path | None = None) -> Config:
    """A Config from YAML text. ``type_resolver`` turns the ``type`` given into a pack id; ``keys_for``
    gives that pack's own config keys (declared in its manifest), validated like the schema's; relative
    paths in the config (``phrases``) are taken from ``base``, by default the folder of ``source``."""
    notes = []
    simplified = to_simplified(text_)
    if simplified != text_:  # 雲溪區 / 區 / 政治建設: themes and 全区 must match; the user is told
        notes.append("配置中的繁体字已按简体使用（OpenCC 转换）")
        text_ = simplified
    try:
        doc = parse_yaml(text_, source, "配置文件")
    except InputError as exc:
        if exc.line is None:  # a value YAML could not build (2026-13-45, 5,000 digits): name its line and key
            located = _unbuildable_values(text_, source)
            if located is not None:
                raise located from None
        raise
    node, data = doc.node, doc.value
    if data is None:
        raise InputError("配置文件是空的；可用 speechgen init TYPE 生成起步配置", path=source)
    if not isinstance(data, dict):
        raise InputError("配置文件的顶层应为“键: 值”的映射", path=source, line=1)
    if INVISIBLE.search(text_) or _holds_invisible(data):  # written raw, or as a YAML escape ("\u200b")
        notes.append(INVISIBLE_NOTE)
    dupes: list = []
    c = Collector(source, text_, line_map(node, dupes=dupes))
    for key, first, second in dupes:
        c.problems.append(SpeechgenError(f"与第{first}行重复；同一个键只能写一次", line=second, key=key,
                                         source_line=c.source[second - 1]))
    c.key_lines, key_names = _key_lines(node)
    folder = Path(base) if base is not None else Path(source).parent
    config = _build(c, data, source, type_resolver, keys_for, key_names=key_names, base=folder, notes=notes)
    config.notes = tuple(notes)
    return config


def _holds_invisible(data) -> bool:
    """Whether any string of the parsed config (keys included) holds an invisible character."""
    stack = [data]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            if INVISIBLE.search(v):
                return True
        elif isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return False


def _unbuildable_values(text_: str, source: str) -> ConfigError | None:
    """Every scalar YAML parsed but could not build (the date 2026-13-45, a 5,000-digit number), with its
    key path and line, in file order; None when none is found (the caller's error then stands)."""
    import yaml
    from yaml.constructor import SafeConstructor

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text_)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    lines = text_.splitlines()
    found: list[SpeechgenError] = []
    stack: list[tuple[Any, str]] = [(root, "")] if root is not None else []
    while stack:
        node, path = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                sub = f"{path}.{key_node.value}" if path else str(key_node.value)
                stack += [(key_node, path or str(key_node.value)), (value_node, sub)]
        elif isinstance(node, yaml.SequenceNode):
            stack += [(item, f"{path}[{i}]") for i, item in enumerate(node.value)]
        elif isinstance(node, yaml.ScalarNode):
            try:
                SafeConstructor().construct_object(node)
            except (ValueError, OverflowError):
                line = node.start_mark.line + 1
                src = lines[line - 1] if 0 < line <= len(lines) else None
                if src is not None and len(src) > 80:
                    src = src[:80] + "……"
                found.append(SpeechgenError(_unbuildable_reason(node), line=line, key=path or None, source_line=src))
            except yaml.YAMLError:
                pass
    if not found:
        return None
    found.sort(key=lambda e: e.line or 0)
    return ConfigError(found, source)


def _unbuildable_reason(node) -> str:
    value = str(node.value)
    if node.tag.endswith(":timestamp"):
        return f"日期不存在：{value[:40]}；请写成真实的日期，如 2026-01-16"
    if node.tag.endswith(":int") or node.tag.endswith(":float"):
        digits = sum(ch.isdigit() for ch in value)
        return f"数字过长（{digits} 位）；请写一个合理的数"
    return "无法识别的值；请检查写法"


def _key_lines(node) -> tuple[dict, dict]:
    """Line of each top-level key as YAML reads it (``null:`` is the key None, ``1:`` the key 1), and the
    key as it is written (None → ``null``), for messages."""
    import yaml

    out: dict = {}
    names: dict = {}
    for key_node, _ in getattr(node, "value", ()):
        raw = key_node.value
        try:
            key = yaml.safe_load(raw) if isinstance(raw, str) and not key_node.style else raw
        except yaml.YAMLError:
            key = raw
        try:
            out.setdefault(key, key_node.start_mark.line + 1)
            if isinstance(raw, str):
                names.setdefault(key, raw)
        except TypeError:  # an unhashable key (a list) is reported without its line
            pass
    return out, names


def _build(c: Collector, data: dict, source: str, type_resolver, keys_for, *, key_names: dict | None = None,
           base: Path = Path("."), notes: list | None = None) -> Config:
    notes = [] if notes is None else notes
    type_id = _type(c, data, type_resolver)
    extra_keys: tuple[Key, ...] = tuple(keys_for(type_id)) if keys_for is not None and type_id else ()
    known = {**BY_NAME, **{k.name: k for k in extra_keys}}
    for key in data:
        if not isinstance(key, str) or key not in known:
            hashable = _hashable(key)
            name = (key_names or {}).get(key, str(key)) if hashable else str(key)
            near = difflib.get_close_matches(name, known, n=1)
            hint = f"，是否想写 {near[0]}？" if near else f"；可用的键：{'、'.join(known)}"
            c.add(name, f"未知的配置项{hint}", c.key_lines.get(key) if hashable else None)
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
    values["adjourn"] = _bool(c, data, "adjourn", False)  # 散会 is the chair's word, not the speaker's
    values["style"] = data.get("style")
    if values["style"] is not None and not isinstance(values["style"], (str, dict)):
        c.add("style", "应为版式文件路径或映射")
    points = _points(c, data)
    values["points"] = points or DEFAULT_POINTS
    values["reporters"] = _reporters(c, data.get("reporters"))
    values["visits"] = _items(c, data, "visits", Visit, VISIT_FIELDS, "地名，如 石桥镇河湾村")
    values["speakers"] = _items(c, data, "speakers", Speaker, SPEAKER_FIELDS, "“职务+姓名”，如 石桥镇党委书记刘志强")
    values["phrases"] = _folders(c, data, "phrases", base)
    values["pins"] = _pins(c, data, "pins")
    for field in ("speaker", "date", "title", "meeting", "superior", "occasion"):
        values[field] = values.get(field) or None
    notes.extend(_cross_notes(c, values))
    if c.problems:
        raise ConfigError(c.problems, source)
    extra = {k.name: values.pop(k.name) for k in extra_keys}
    return Config(values, source=source, lines=c.lines, points_given=bool(points), extra=extra)


def _cross_notes(c: Collector, values: dict) -> list[str]:
    """What looks wrong between keys but may be meant: said in the render summary, not refused."""
    out = []
    year, date = values.get("year"), values.get("date")
    given = date_year(date)
    if year and given and given != year:
        where = f"第{c.lines['date']}行 " if "date" in c.lines else ""
        out.append(f"{where}date：讲话日期 {date} 与开会年份 year: {year} 不在同一年，请核对")
    superior, level = values.get("superior"), values.get("level")
    if superior and level and superior == level_words(level)[1]:
        where = f"第{c.lines['superior']}行 " if "superior" in c.lines else ""
        out.append(f"{where}superior：上级党委写的是本级的“{superior}”，请写上一级党委，如 市委")
    return out


def _items(c: Collector, data: dict, key: str, cls: type[_Item], fields: dict[str, str], plain: str) -> tuple:
    """``visits`` / ``speakers``: each item a plain string (the old form) or a mapping of ``fields``."""
    v = read_list(c, data, key, (str, int, float, dict))
    first = next(iter(fields))
    allowed = "、".join(f"{f}（{h}）" for f, h in fields.items())
    out = []
    for i, item in enumerate(v):
        where = f"{key}[{i}]"
        if not isinstance(item, dict):
            s = text(item)
            if not s:
                c.add(where, f"应为非空文字（{plain}），或 {{{', '.join(fields)}}} 的映射")
            elif len(s) > MAX_TEXT:
                c.add(where, f"太长（{len(s)} 字），最多 {MAX_TEXT} 字；请拆成几条")
            else:
                out.append(cls(**{first: s}))
            continue
        unknown = [k for k in item if k not in fields]
        for k in unknown:
            c.add(f"{where}.{k}", f"未知的字段；可用的字段：{allowed}")
        sub = Prefixed(c, where)
        got = {f: read_text(sub, item, f, MAX_TEXT if f in ("seen", "said") else MAX_NAME) or "" for f in fields}
        if not got[first]:
            if item.get(first) is None:
                c.add(where, f"缺少 {first}（{fields[first]}）；可用的字段：{allowed}")
            elif isinstance(item.get(first), str):
                c.add(f"{where}.{first}", f"不能为空（{fields[first]}）")
            continue
        if not unknown:
            out.append(cls(**got))
    return tuple(out)


def _folders(c: Collector, data: dict, key: str, base: Path) -> tuple[Path, ...]:
    """``phrases``: one folder or a list of them, relative to the config's folder; each must be a folder."""
    single = isinstance(data.get(key), str)
    items = read_list(c, data, key, (str,), wrong="应为短语库文件夹的路径，或路径的列表", limit=MAX_FOLDERS,
                      too_many="文件夹太多（{n} 个），最多 {limit} 个")
    out: list[Path] = []
    for i, item in enumerate(items):
        where = key if single else f"{key}[{i}]"
        given = text(item) if isinstance(item, str) else None
        if not given:
            c.add(where, "应为短语库文件夹的路径（文字）")
            continue
        path = Path(os.path.abspath(base / Path(given).expanduser()))
        try:
            exists, is_dir = path.exists(), path.is_dir()
        except OSError:  # a name too long, a loop of links
            exists = is_dir = False
        if not exists:
            c.add(where, f"短语库文件夹不存在：{given}（相对路径从配置文件所在的文件夹算起）")
        elif not is_dir:
            c.add(where, f"不是文件夹：{given}；这里应为短语库文件夹（同 --phrases）")
        elif path not in out:
            out.append(path)
    return tuple(out)


def _pins(c: Collector, data: dict, key: str) -> dict[str, str]:
    """``pins`` (工作台用): a mapping of slot id → entry id or text; only its shape is checked here."""
    v = data.get(key)
    if v is None:
        return {}
    if not isinstance(v, dict):
        c.add(key, "应为“位置: 短语条目 id 或原文”的映射（由工作台写入）")
        return {}
    if len(v) > MAX_PINS:
        c.add(key, f"锁定的句子太多（{len(v)} 处），最多 {MAX_PINS} 处")
        return {}
    out: dict[str, str] = {}
    for slot, value in v.items():
        where = f"{key}.{slot}"
        name = text(slot) if isinstance(slot, str) else None
        if not name or len(name) > 80:
            c.add(where, "位置应为不超过 80 字的文字（由工作台写入）")
            continue
        got = text(value) if isinstance(value, str) else None
        if not got:
            c.add(where, "应为短语条目 id 或一句原文（文字）")
        elif len(got) > MAX_TEXT:
            c.add(where, f"太长（{len(got)} 字），最多 {MAX_TEXT} 字")
        else:
            out[name] = got
    return out


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

