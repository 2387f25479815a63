"""Template packs: one folder per meeting type, found through a chain (user folders first, then built-ins)."""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import ChoiceLoader, PrefixLoader, StrictUndefined

from generator.drafting.sandbox import PackEnvironment, PackLoader, RefusedPack, refuse_non_text

from generator.errors import ConfigError, InputError, SpeechgenError
from generator.loader import Node, load_yaml, read_utf8
from generator.resources import templates_dir

MANIFEST = "manifest.yaml"
_ID_RE = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
_MANIFEST_KEYS = {"id", "name", "aliases", "description", "template", "starter", "extends", "inherit_phrases", "length",
                  "requires", "keys"}


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
    #: whether the phrases written for the meeting types it extends are its own too (a 述职评议会讲话 variant: yes;
    #: a 党建工作会议 built on the 述职 template: no — their openings speak of 述职)
    inherit_phrases: bool = True
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
                 f"  模板：{self.template}  起步配置：{self.starter}  继承：{self.extends or '—'}"
                 + ("" if not self.extends else "（连同其短语）" if self.inherit_phrases else "（只继承模板，不用其短语）"),
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
    if not _inside_pack(folder, path):  # refused before it is read: its text is never echoed
        raise InputError("模板包清单指向模板包文件夹以外的位置（符号链接），不会读取", path=path)
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
    inherit_phrases = True
    if "inherit_phrases" in m:
        if isinstance(m["inherit_phrases"].value, bool):
            inherit_phrases = m["inherit_phrases"].value
        else:
            bad(m["inherit_phrases"], "inherit_phrases", "inherit_phrases 应为 true 或 false")
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
        inherit_phrases=inherit_phrases,
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


def _inside_pack(folder: Path, path: Path) -> bool:
    """True when ``path``'s real location (symlinks resolved) lies inside ``folder``'s."""
    root = os.path.realpath(folder)
    return os.path.commonpath([root, os.path.realpath(path)]) == root


def own_file(pack: Pack, name: str, what: str) -> Path:
    """``pack``'s own file ``name`` (its template or starter), never one inherited from the pack it extends.

    InputError naming the file when it is missing, not a regular file (a FIFO would hang a read), a
    folder, or a symlink out of the pack."""
    import stat

    path = pack.dir / name
    where = f"（清单 {'template' if what == '模板文件' else 'starter'}: {name}）"
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise InputError(f"{what}不存在{where}；不会改用所继承模板包的文件", path=path) from None
    except OSError as exc:
        from generator.loader import os_reason

        raise InputError(f"无法读取{what}：{os_reason(exc)}", path=path) from None
    if not _inside_pack(pack.dir, path):
        raise InputError(f"{what}指向模板包文件夹以外的位置（符号链接），不会读取", path=path)
    if stat.S_ISDIR(mode):
        raise InputError(f"{what}{where}是一个文件夹，应为文件", path=path)
    if not stat.S_ISREG(mode):
        raise InputError(f"{what}不是普通文件（可能是管道、设备或套接字），不会读取", path=path)
    return path


def _scan(root: Path, origin: str) -> list[Pack]:
    if not root.is_dir():
        if root.exists() or root.is_symlink():
            raise InputError("不是文件夹：这里应给出模板包所在的文件夹", path=root)
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
    refuse_non_text(value, "{{ }} 输出")  # s, plan, a generator …: a repr is never a draft's text
    return value


def _bytecode_cache():
    """Compiled templates kept in the user's cache (generator/cache.py), keyed by this module's and the
    sandbox's code; each template's own checksum is Jinja's."""
    import sys

    from generator import cache
    from generator.drafting import sandbox

    return cache.jinja_bytecode_cache(sys.modules[__name__], sandbox)


def environment(pack: Pack, user_dirs=()) -> PackEnvironment:
    """A sandboxed Jinja environment for ``pack``: its own folder first, then what it extends.

    The pack and the packs it extends are also reachable by prefix (``{% extends
    "shuzhi_speech/speech.j2" %}``), and ``_lib/`` holds shared macros; any other pack (a sibling user
    pack, a built-in it does not extend) is refused before a file is opened. The pack's own template
    must be there: a missing or unreadable one is an error, never silently the parent's. Config values
    and phrases are passed as data, never as source.
    """
    packs = find_packs(user_dirs)
    lineage = extends_chain(pack, packs)
    own_file(pack, pack.template, "模板文件")
    chain = [PackLoader(p.dir) for p in lineage]
    prefixes: dict = {p.id: RefusedPack(p.id) for p in packs.values()}
    prefixes.update({p.id: PackLoader(p.dir) for p in lineage})
    prefixes["_lib"] = PackLoader(templates_dir() / "_lib")
    env = PackEnvironment(
        loader=ChoiceLoader([*chain, PrefixLoader(prefixes)]), undefined=StrictUndefined,
        autoescape=False, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, finalize=_finalize,
        bytecode_cache=_bytecode_cache(),
    )
    return env


def starter_text(pack: Pack, user_dirs=()) -> str:
    """The starter config of ``pack``: its example values, every key commented with its help from the
    config schema (drafting/schema.py), in schema order.

    The pack's own starter when it has one (a FIFO, a folder or a symlink out of the pack is refused,
    naming it), and always when its manifest names one (``starter:``): a missing file is then an
    InputError, never silently the parent's. A pack whose manifest names none and that has no
    ``starter.yaml`` uses the starter of the pack it extends, said so in its header and with ``type:``
    set to this pack's id — a starter of the other meeting type would draft that other speech."""
    from generator.drafting.schema import starter_yaml
    from generator.loader import parse_yaml

    chain = extends_chain(pack, find_packs(user_dirs))  # a loop or a missing parent is reported first
    source = pack
    if "starter" not in pack.manifest and not os.path.lexists(pack.dir / pack.starter):
        source = next((p for p in chain[1:] if os.path.lexists(p.dir / p.starter)), pack)
    path = own_file(source, source.starter, "起步配置")
    text = read_utf8(path, "config")
    values = parse_yaml(text, path, "起步配置").value
    if not isinstance(values, dict):
        raise InputError("起步配置应为“键: 值”的映射", path=path)
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    if source is not pack:
        values = {**values, "type": pack.id}
        header.append(f"# 模板包 {pack.id} 没有自己的起步配置，以下示例值取自它继承的模板包 {source.id}")
    return starter_yaml(values, header)
