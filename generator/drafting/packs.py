"""Template packs: one folder per meeting type, found through a chain (user folders first, then built-ins)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader, StrictUndefined, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

from generator.errors import InputError
from generator.loader import load_yaml, read_utf8
from generator.resources import templates_dir

MANIFEST = "manifest.yaml"
_ID_RE = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
_MANIFEST_KEYS = {"id", "name", "aliases", "description", "template", "starter", "extends", "length", "requires"}


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


def _read_manifest(folder: Path, origin: str) -> Pack:
    path = folder / MANIFEST
    data = load_yaml(path, "manifest", "模板包清单").value
    if not isinstance(data, dict):
        raise InputError("模板包清单应为映射", path=path)
    unknown = sorted(set(map(str, data)) - _MANIFEST_KEYS)
    if unknown:
        raise InputError(f"模板包清单有未知的键：{'、'.join(unknown)}", path=path)
    pid = str(data.get("id") or folder.name)
    if not _ID_RE.match(pid):
        raise InputError("模板包 id 应为小写字母、数字和下划线", path=path, key="id")
    length = data.get("length") or {}
    if not isinstance(length, dict):
        raise InputError("length 应为 {default, min, max}", path=path, key="length")
    try:
        return Pack(
            id=pid, name=str(data.get("name") or pid), dir=folder, origin=origin,
            template=str(data.get("template", "speech.j2")), starter=str(data.get("starter", "starter.yaml")),
            aliases=tuple(str(a) for a in data.get("aliases") or ()), description=str(data.get("description", "")),
            extends=data.get("extends"), default_length=int(length.get("default", 4000)),
            min_length=int(length.get("min", 1500)), max_length=int(length.get("max", 8000)),
            per_point=int(length.get("per_point", 0)), per_reporter=int(length.get("per_reporter", 0)),
            requires=tuple(str(r) for r in data.get("requires") or ()), manifest=data,
        )
    except (TypeError, ValueError):
        raise InputError("length 中的数值应为整数", path=path, key="length") from None


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


def environment(pack: Pack, user_dirs=()) -> SandboxedEnvironment:
    """A sandboxed Jinja environment for ``pack``: its own folder first, then what it extends.

    Every pack is also reachable by prefix (``{% extends "shuzhi_speech/speech.j2" %}``), and
    ``_lib/`` holds shared macros. Config values and phrases are passed as data, never as source.
    """
    packs = find_packs(user_dirs)
    chain, seen, cur = [], set(), pack
    while cur is not None and cur.id not in seen:
        seen.add(cur.id)
        chain.append(FileSystemLoader(str(cur.dir)))
        cur = packs.get(cur.extends) if cur.extends else None
    prefixes = {p.id: FileSystemLoader(str(p.dir)) for p in packs.values()}
    prefixes["_lib"] = FileSystemLoader(str(templates_dir() / "_lib"))
    env = SandboxedEnvironment(
        loader=ChoiceLoader([*chain, PrefixLoader(prefixes)]), undefined=StrictUndefined,
        autoescape=False, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    return env


def starter_text(pack: Pack, user_dirs=()) -> str:
    """The commented starter config of ``pack`` (or of the pack it extends)."""
    packs, cur = find_packs(user_dirs), pack
    while cur is not None:
        path = cur.dir / cur.starter
        if path.is_file():
            return read_utf8(path, "config")
        cur = packs.get(cur.extends) if cur.extends else None
    raise InputError("模板包缺少起步配置文件", path=pack.dir / pack.starter)


def new_pack(type_id: str, name: str, base: str, out_dir) -> Path:
    """Create a new pack folder that extends built-in ``base``: manifest, a starter and an overridable template."""
    if not _ID_RE.match(type_id):
        raise InputError("模板包 id 应为小写字母开头，只含小写字母、数字和下划线", key="ID")
    base_pack = get_pack(base)
    for pack in find_packs().values():
        if type_id == pack.id or name in (pack.name, *pack.aliases):
            raise InputError(f"与内置模板包 {pack.id}（{pack.name}）重名，请换一个 id 或中文名", key="ID")
    target = Path(out_dir) / type_id
    if target.exists():
        raise InputError("文件夹已存在，未覆盖", path=target)
    target.mkdir(parents=True)
    manifest = {
        "id": type_id, "name": name, "aliases": [name], "description": f"以 {base_pack.id} 为基础的自定义模板包",
        "template": "speech.j2", "starter": "starter.yaml", "extends": base_pack.id,
        "length": {"default": base_pack.default_length, "per_point": base_pack.per_point,
                   "per_reporter": base_pack.per_reporter, "min": base_pack.min_length, "max": base_pack.max_length},
        "requires": list(base_pack.requires),
    }
    (target / MANIFEST).write_text(yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (target / "speech.j2").write_text(
        f'{{# {name}：继承内置模板包 {base_pack.id}，可覆盖其中的 block #}}\n'
        f'{{% extends "{base_pack.id}/{base_pack.template}" %}}\n', encoding="utf-8")
    starter = starter_text(base_pack)
    starter = re.sub(r"(?m)^type:.*$", f"type: {type_id}              # 会议类型：{name}", starter, count=1)
    starter = re.sub(r"(?m)^# speechgen 起步配置：.*$", f"# speechgen 起步配置：{name}", starter, count=1)
    (target / "starter.yaml").write_text(starter, encoding="utf-8")
    return target


def check_pack(pack_dir) -> list[str]:
    """Problems with a pack folder: manifest, template syntax, and a trial render of its starter config."""
    from generator.drafting.compose import compose
    from generator.drafting.config import parse_config

    folder = Path(pack_dir)
    if not folder.exists():
        builtin = find_packs()
        if str(pack_dir) in builtin:  # a built-in pack named by its id
            folder = builtin[str(pack_dir)].dir
        else:
            raise InputError("模板包文件夹不存在（也不是内置模板包的 id）", path=folder)
    if not (folder / MANIFEST).is_file():
        raise InputError(f"这不是模板包：缺少 {MANIFEST}", path=folder)
    try:
        pack = _read_manifest(folder, str(folder.parent))
    except InputError as exc:
        return [exc.format()]
    user_dirs = [folder.parent]
    if pack.extends and pack.extends not in find_packs(user_dirs):
        return [f"{folder / MANIFEST}：extends 指向不存在的模板包 {pack.extends}"]
    problems = []
    env = environment(pack, user_dirs)
    for tpl in sorted(folder.glob("*.j2")):
        try:
            env.parse(read_utf8(tpl, "template"), name=tpl.name, filename=str(tpl))
        except TemplateSyntaxError as exc:
            problems.append(f"{tpl}，第{exc.lineno}行：模板语法错误：{exc.message}")
    if problems:
        return problems
    try:
        text = starter_text(pack, user_dirs)
        config = parse_config(text, str(folder / pack.starter), type_resolver=lambda t: resolve_type(t, user_dirs))
        compose(config, template_dirs=user_dirs)
    except InputError as exc:
        problems.append(exc.format())
    return problems
