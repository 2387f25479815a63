"""Pack authoring: ``templates new`` (a pack that extends a built-in) and ``templates check`` (manifest,
syntax, a trial render of the starter). Apart from packs.py so that finding packs never needs composing."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from jinja2 import TemplateSyntaxError

from generator.drafting.packs import (_ID_RE, MANIFEST, _read_manifest, environment, find_packs, get_pack,
                                      resolve_type, starter_text)
from generator.errors import InputError
from generator.loader import read_utf8


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
