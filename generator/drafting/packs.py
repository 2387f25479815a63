"""Template packs: one folder per meeting type, found through a chain (user folders first, then built-ins)."""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import ChoiceLoader, PrefixLoader, StrictUndefined

from generator.drafting.sandbox import PackEnvironment, PackLoader

from generator.errors import ConfigError, InputError, SpeechgenError
from generator.loader import Node, load_yaml, read_utf8
from generator.resources import templates_dir

MANIFEST = "manifest.yaml"
_ID_RE = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
_MANIFEST_KEYS = {"id", "name", "aliases", "description", "template", "starter", "extends", "length", "requires", "keys"}


@dataclass(frozen=True)
class Pack:
    id: str
    name: str
    dir: Path
    origin: str  # "内置" or the user folder it came from
    template: str = "speech.j2"
    starter: str = "starter.yaml"
    aliases: tuple[str, ...] = ()
    description: str = ""
    extends: str | None = None
    default_length: int = 4000
    min_length: int = 1500
    max_length: int = 8000
    per_point: int = 0  # the default grows with each point …
    per_reporter: int = 0  # … and with each reporter, so that it stays within what the pack can write
    requires: tuple[str, ...] = ()
    keys: tuple = ()  # the pack's own config keys (schema.Key), declared under keys: in the manifest
    manifest: dict = field(default_factory=dict, compare=False, repr=False)

    def default_length_for(self, points: int, reporters: int) -> int:
        """The target when a config gives none: ``default`` plus so much per point and per reporter."""
        target = self.default_length + self.per_point * points + self.per_reporter * reporters
        return max(self.min_length, min(self.max_length, target))

    def describe(self) -> str:
        files = sorted(p.name for p in self.dir.iterdir() if p.is_file())
        lines = [f"{self.id}（{self.name}）  来源：{self.origin}", f"  文件夹：{self.dir}",
                 f"  说明：{self.description or '—'}", f"  别名：{'、'.join(self.aliases) or '—'}",
                 f"  模板：{self.template}  起步配置：{self.starter}  继承：{self.extends or '—'}",
                 f"  字数：默认 {self.default_length}"
                 + (f" + 每个主题 {self.per_point}" if self.per_point else "")
                 + (f" + 每位述职人 {self.per_reporter}" if self.per_reporter else "")
                 + f"，可调范围 {self.min_length}–{self.max_length}",
                 f"  必填项：{'、'.join(self.requires) or '—'}", f"  文件：{'、'.join(files)}"]
        return "\n".join(lines)


_FILE_RE = re.compile(r"^[\w\u4e00-\u9fff][\w.\-\u4e00-\u9fff]{0,80}$")
_LENGTH_KEYS = ("default", "min", "max", "per_point", "per_reporter")
#: Length figures a manifest may give: far beyond any speech, far below what would stall a render.
_LENGTH_LIMIT = 50_000


def _read_manifest(folder: Path, origin: str) -> Pack:
    """A pack's manifest, every field checked; every problem at once, each with the manifest's line and key."""
    from generator.drafting.schema import BY_NAME

    path = folder / MANIFEST
    doc = load_yaml(path, "manifest", "模板包清单")
    if not isinstance(doc.value, dict):
        raise InputError("模板包清单应为“键: 值”的映射", path=path, line=doc.line)
    problems: list[SpeechgenError] = []

    def bad(node, key: str, message: str) -> None:
        problems.append(SpeechgenError(message, line=node.line if node is not None else None, key=key))

    m: dict = {}
    for key_node, value_node in doc.node.value:  # type: ignore[union-attr]  # a mapping, checked above
        key = str(key_node.value)
        if key not in _MANIFEST_KEYS:
            near = difflib.get_close_matches(key, sorted(_MANIFEST_KEYS), n=1)
            bad(Node(key_node, key, path), key, f"未知的键“{key}”" + (f"，是否想写 {near[0]}？" if near else
                                                                   f"；可用：{'、'.join(sorted(_MANIFEST_KEYS))}"))
            continue
        m[key] = Node(value_node, doc.value.get(key_node.value, doc.value.get(key)), path, doc.text)
    data = doc.value

    def text(key: str, default: str = "") -> str:
        if key not in m or m[key].value is None:
            return default
        if not isinstance(m[key].value, (str, int)) or isinstance(m[key].value, bool):
            bad(m[key], key, f"{key} 应为文字")
            return default
        return str(m[key].value).strip()

    def texts(key: str) -> tuple[str, ...]:
        if key not in m or m[key].value is None:
            return ()
        try:
            return tuple(n.str() for n in m[key].seq())
        except InputError as exc:
            bad(m[key], key, exc.message)
            return ()

    pid = text("id") or folder.name
    if not _ID_RE.match(pid):
        bad(m.get("id") or doc, "id", "模板包 id 应为小写字母开头，只含小写字母、数字和下划线")
    files = {}
    for key, default in (("template", "speech.j2"), ("starter", "starter.yaml")):
        name = text(key, default)
        if not _FILE_RE.match(name) or ".." in name:
            bad(m.get(key), key, f"{key} 应为模板包文件夹里的一个文件名（不能含路径），如 {default}")
            name = default
        files[key] = name
    raw_extends = m["extends"].value if "extends" in m else None
    extends = raw_extends.strip() if isinstance(raw_extends, str) and raw_extends.strip() else None
    if raw_extends is not None and (extends is None or not _ID_RE.match(extends)):
        bad(m["extends"], "extends", "extends 应为另一个模板包的 id（一个名字，不是列表）")
        extends = None
    lengths = {"default": 4000, "min": 1500, "max": 8000, "per_point": 0, "per_reporter": 0}
    if "length" in m and m["length"].value is not None:
        try:
            lm = m["length"].mapping(allowed=_LENGTH_KEYS)
            for key, node in lm.items():
                try:
                    lengths[key] = node.int(0, _LENGTH_LIMIT)
                except InputError as exc:
                    bad(node, f"length.{key}", exc.message)
        except InputError as exc:
            bad(m["length"], "length", exc.message)
        if lengths["min"] > lengths["max"]:
            bad(m["length"], "length", f"length 的 min（{lengths['min']}）大于 max（{lengths['max']}）")
        if lengths["default"] > lengths["max"]:  # below min is fine: per_point/per_reporter raise it
            bad(m["length"], "length", "length 的 default 不能大于 max")
        if lengths["min"] < 300:
            bad(m["length"], "length", "length 的 min 至少 300 字")
    requires = texts("requires")
    for i, key in enumerate(requires):
        if key not in BY_NAME:
            bad(m["requires"].seq()[i], "requires", f"requires 里的“{key}”不是配置项；可用：{'、'.join(BY_NAME)}")
    try:
        keys = _pack_keys(data.get("keys"), path)
    except InputError as exc:
        bad(m.get("keys"), exc.key or "keys", exc.message)
        keys = ()
    if problems:
        problems.sort(key=lambda pr: pr.line or 0)  # in file order
        raise ConfigError(problems, path, "模板包清单")
    return Pack(
        id=pid, name=text("name") or pid, dir=folder, origin=origin, template=files["template"],
        starter=files["starter"], aliases=texts("aliases"), description=text("description"), extends=extends,
        default_length=lengths["default"], min_length=lengths["min"], max_length=lengths["max"],
        per_point=lengths["per_point"], per_reporter=lengths["per_reporter"], requires=requires,
        keys=keys, manifest=data,
    )


def _pack_keys(raw, path: Path) -> tuple:
    """Config keys a pack declares in its manifest, in the schema's own form:
    ``keys: [{name: 上级单位的键, kind: name|title|date|year|facts, label: 中文名, help: 说明}]``."""
    from generator.drafting.schema import BY_NAME, READERS, Key

    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise InputError("keys 应为列表，每项含 name、kind、label、help", path=path, key="keys")
    out = []
    for i, item in enumerate(raw):
        where = f"keys[{i}]"
        if not isinstance(item, dict) or set(map(str, item)) - {"name", "kind", "label", "help", "example"}:
            raise InputError("每项应为 {name, kind, label, help}（可加 example）", path=path, key=where)
        name, kind = str(item.get("name", "")), str(item.get("kind", "name"))
        if not re.fullmatch(r"[a-z][a-z0-9_]{1,30}", name) or name in BY_NAME:
            raise InputError(f"配置键名“{name}”应为小写字母开头的英文标识，且不能与内置配置项重名", path=path, key=where)
        if kind not in READERS:
            raise InputError(f"kind 应为 {'、'.join(READERS)} 之一", path=path, key=f"{where}.kind")
        label = str(item.get("label") or name)
        out.append(Key(name, kind, label, str(item.get("help") or label), example=str(item.get("example") or "")))
    return tuple(out)


def _scan(root: Path, origin: str) -> list[Pack]:
    if not root.is_dir():
        raise InputError("模板文件夹不存在", path=root)
    if (root / MANIFEST).is_file():  # a single pack given directly
        return [_read_manifest(root, origin)]
    return [_read_manifest(d, origin) for d in sorted(root.iterdir()) if (d / MANIFEST).is_file()]


def find_packs(user_dirs=()) -> dict[str, Pack]:
    """All packs by id; a user pack with a built-in's id overrides it (user folders first, like ChoiceLoader)."""
    packs: dict[str, Pack] = {}
    for pack in _scan(templates_dir(), "内置"):
        packs[pack.id] = pack
    for d in reversed([Path(p) for p in user_dirs]):
        for pack in _scan(d, str(d)):
            packs[pack.id] = pack
    return dict(sorted(packs.items()))


def resolve_type(name: str, user_dirs=()) -> str:
    """Pack id for a type given by id or Chinese name; unknown types list the available ones."""
    packs = find_packs(user_dirs)
    key = str(name).strip()
    for pack in packs.values():
        if key == pack.id or key == pack.name or key in pack.aliases:
            return pack.id
    names = [f"{p.id}（{p.name}）" for p in packs.values()]
    near = difflib.get_close_matches(key, [*packs, *(p.name for p in packs.values())], n=1)
    hint = f"是否想写 {near[0]}？" if near else ""
    raise InputError(f"未知的会议类型“{key}”。{hint}可用的类型：{'、'.join(names)}")


def get_pack(name: str, user_dirs=()) -> Pack:
    return find_packs(user_dirs)[resolve_type(name, user_dirs)]


def extends_chain(pack: Pack, packs: dict[str, Pack]) -> list[Pack]:
    """``pack`` and the packs it extends, nearest first — the one walk of ``extends`` every caller uses.

    InputError (naming the manifest and key) when ``extends`` names no known pack or the chain loops
    (pa → pb → pa, or a pack extending itself): a loop would otherwise never end.
    """
    chain = [pack]
    while chain[-1].extends:
        cur, target = chain[-1], str(chain[-1].extends)
        ids = [p.id for p in chain]
        if target in ids:
            start = ids.index(target)
            cycle = " → ".join([*ids[start:], target])
            raise InputError(f"继承形成循环（{cycle}）；模板包不能直接或间接继承自己",
                             path=chain[start].dir / MANIFEST, key="extends")
        if target not in packs:
            raise InputError(f"指向不存在的模板包 {target}", path=cur.dir / MANIFEST, key="extends")
        chain.append(packs[target])
    return chain


def _finalize(value):
    """What ``{{ … }}`` may print: text and numbers. A list, a mapping or None in a draft is a template
    slip (``{{ s.phrases(…) }}`` without ``s.join``), refused with a message instead of written out."""
    if value is None:
        raise InputError("模板输出了空值（None）：检查这里用到的配置项或短语是否存在，或用 {{ x or \"\" }}")
    if isinstance(value, (list, tuple, dict, set)):
        raise InputError("模板把一个列表直接输出到了草稿里：请用 s.join(列表, \"\") 或 {% for %} 逐项输出")
    return value


def environment(pack: Pack, user_dirs=()) -> PackEnvironment:
    """A sandboxed Jinja environment for ``pack``: its own folder first, then what it extends.

    Every pack is also reachable by prefix (``{% extends "shuzhi_speech/speech.j2" %}``), and
    ``_lib/`` holds shared macros. Config values and phrases are passed as data, never as source.
    """
    packs = find_packs(user_dirs)
    chain = [PackLoader(p.dir) for p in extends_chain(pack, packs)]
    prefixes = {p.id: PackLoader(p.dir) for p in packs.values()}
    prefixes["_lib"] = PackLoader(templates_dir() / "_lib")
    env = PackEnvironment(
        loader=ChoiceLoader([*chain, PrefixLoader(prefixes)]), undefined=StrictUndefined,
        autoescape=False, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, finalize=_finalize,
    )
    return env


def starter_text(pack: Pack, user_dirs=()) -> str:
    """The starter config of ``pack`` (or of the pack it extends): the pack's example values, every key
    commented with its help from the config schema (drafting/schema.py), in schema order."""
    from generator.drafting.schema import starter_yaml
    from generator.loader import parse_yaml

    for cur in extends_chain(pack, find_packs(user_dirs)):
        path = cur.dir / cur.starter
        if path.is_file() or path.is_symlink():
            real = os.path.realpath(path)
            if os.path.commonpath([os.path.realpath(cur.dir), real]) != os.path.realpath(cur.dir):
                raise InputError("起步配置指向模板包文件夹以外的位置（符号链接），不会读取", path=path)
            text = read_utf8(path, "config")
            values = parse_yaml(text, path, "起步配置").value
            if not isinstance(values, dict):
                raise InputError("起步配置应为“键: 值”的映射", path=path)
            header = []
            for line in text.splitlines():
                if not line.startswith("#"):
                    break
                header.append(line)
            return starter_yaml(values, header)
    raise InputError("模板包缺少起步配置文件", path=pack.dir / pack.starter)
