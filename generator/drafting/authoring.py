"""Pack authoring: ``templates new`` (a pack that extends a built-in) and ``templates check`` (manifest,
syntax, a trial render of the starter). Apart from packs.py so that finding packs never needs composing."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path

import yaml
from jinja2 import TemplateSyntaxError

from generator.drafting.packs import (_ID_RE, MANIFEST, Pack, _read_manifest, environment, extends_chain, find_packs,
                                      get_pack, own_file, resolve_type, starter_text)
from generator.atomic import fsync_dir, os_reason
from generator.errors import InputError
from generator.drafting.template_errors import explain
from generator.loader import read_utf8

#: Longest Chinese name a new pack may take (the built-in names are 4–7 characters).
NAME_MAX = 30


def check_pack_name(name) -> str:
    """The meeting type's Chinese name, trimmed; InputError unless it is one short line of visible text."""
    name = (name or "").strip()
    if not name:
        raise InputError("会议类型的中文名不能为空", key="--name")
    if any(ch in name for ch in "\r\n\v\f\x85\u2028\u2029"):
        raise InputError("会议类型的中文名只能写一行", key="--name")
    bad = sorted({ch for ch in name if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn")})
    if bad:
        codes = "、".join(f"U+{ord(ch):04X}" for ch in bad[:3])
        raise InputError(f"会议类型的中文名中有控制字符或不可见字符（{codes}），请删去", key="--name")
    if len(name) > NAME_MAX:
        raise InputError(f"会议类型的中文名太长（{len(name)} 个字），最多 {NAME_MAX} 个字", key="--name")
    return name


def new_pack(type_id: str, name: str, base: str, out_dir) -> Path:
    """Create a new pack folder that extends built-in ``base``: manifest, a starter and an overridable template.

    The name is data: it goes into the manifest (YAML-quoted) and into comments of the starter config,
    never into template source. The pack is built in a temporary sibling folder and renamed into place
    last, so a failure (a full disk, no permission) never leaves half a pack."""
    if not _ID_RE.match(type_id):
        raise InputError("模板包 id 应为小写字母开头，只含小写字母、数字和下划线", key="ID")
    name = check_pack_name(name)
    base_pack = get_pack(base)
    for pack in find_packs().values():
        if type_id == pack.id or name in (pack.name, *pack.aliases):
            raise InputError(f"与内置模板包 {pack.id}（{pack.name}）重名，请换一个 id 或中文名", key="ID")
    parent = Path(out_dir)
    if (parent.exists() or parent.is_symlink()) and not parent.is_dir():
        raise InputError("-o 应为文件夹（新模板包建在其中），这里给的不是文件夹", path=parent)
    target = parent / type_id
    if target.exists() or target.is_symlink():
        raise InputError("文件夹已存在，未覆盖", path=target)
    manifest = {
        "id": type_id, "name": name, "aliases": [name], "description": f"以 {base_pack.id} 为基础的自定义模板包",
        "template": "speech.j2", "starter": "starter.yaml", "extends": base_pack.id,
        # the base's own phrases (its openings, closings) come along; set false for another kind of meeting
        "inherit_phrases": True,
        "length": {"default": base_pack.default_length, "per_point": base_pack.per_point,
                   "per_reporter": base_pack.per_reporter, "min": base_pack.min_length, "max": base_pack.max_length},
        "requires": list(base_pack.requires),
    }
    starter = starter_text(base_pack)
    starter = re.sub(r"(?m)^type:.*$", lambda _: f"type: {type_id}              # 会议类型：{name}", starter, count=1)
    starter = re.sub(r"(?m)^# speechgen 起步配置：.*$", lambda _: f"# speechgen 起步配置：{name}", starter, count=1)
    files = {
        MANIFEST: yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False),
        # Only the validated id here: nothing a user typed becomes template source.
        "speech.j2": f"{{# 模板包 {type_id}：继承内置模板包 {base_pack.id}，可覆盖其中的 block #}}\n"
                     f'{{% extends "{base_pack.id}/{base_pack.template}" %}}\n',
        "starter.yaml": starter,
    }
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{type_id}.new-", dir=parent))
    except OSError as exc:
        raise InputError(f"无法新建模板包：{os_reason(exc)}", path=parent) from None
    try:
        for file_name, text in files.items():
            with open(tmp / file_name, "wb") as fh:
                fh.write(text.encode("utf-8"))
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o755)
        if target.exists() or target.is_symlink():  # appeared meanwhile: never replace it
            raise InputError("文件夹已存在，未覆盖", path=target)
        os.rename(tmp, target)
    except OSError as exc:
        raise InputError(f"无法新建模板包：{os_reason(exc)}", path=target) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    fsync_dir(parent)
    return target


_ARABIC_COUNT = re.compile(r"\d+\s*(?:点|条|项|个方面)")
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def check_pack(pack_dir, warnings: list[str] | None = None, phrase_dirs=()) -> list[str]:
    """Problems with a pack folder: manifest, template syntax, and a trial render of its starter config.

    Everything wrong inside the pack — its manifest, an ``extends`` loop or a missing parent, a missing,
    empty or unreadable template or starter, a syntax error, a failed trial render — is a problem in the
    list (``templates check`` exits 1); only a folder that is not a pack at all is an InputError.
    ``warnings``, when given, collects what an author should hear but need not fix to render: phrases
    that come back empty, themes no entry carries, Arabic digits before 点/条/项 in template text.
    ``phrase_dirs``: the user's phrasebank folders the trial render uses (as ``render --phrases``)."""
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
        return _check(folder, warnings, tuple(phrase_dirs))
    except InputError as exc:
        return [exc.format()]


def _check(folder: Path, warnings: list[str] | None, phrase_dirs: tuple = ()) -> list[str]:
    from generator.drafting.compose import compose
    from generator.drafting.config import parse_config

    pack = _read_manifest(folder, str(folder.parent))
    user_dirs = [folder.parent]  # siblings too: a pack may extend another user pack beside it
    try:
        find_packs(user_dirs)
    except InputError as exc:
        if exc.path is None or Path(exc.path).parent == folder:
            raise
        user_dirs = [folder]  # a broken sibling pack is not this one's problem
    packs = find_packs(user_dirs)
    extends_chain(pack, packs)  # a missing target or a loop
    problems = _name_clashes(pack, packs, user_dirs)
    try:
        own = own_file(pack, pack.template, "模板文件")
        source = read_utf8(own, "template")
    except InputError as exc:
        return [*problems, exc.format()]
    if not _COMMENT.sub("", source).strip():
        problems.append(f"{own}：模板文件是空的（只有空白或注释），渲染不出任何内容")
    if problems:
        return problems
    env = environment(pack, user_dirs)
    for tpl in sorted(folder.glob("*.j2")):
        try:
            text = read_utf8(tpl, "template")
            env.parse(text, name=tpl.name, filename=str(tpl))
        except TemplateSyntaxError as exc:
            problems.append(f"{tpl}，第{exc.lineno}行：模板语法错误：{explain(exc)}")
            continue
        except InputError as exc:
            problems.append(exc.format())
            continue
        if warnings is not None:
            for no, line in enumerate(text.splitlines(), 1):
                for m in _ARABIC_COUNT.finditer(_TAG.sub("", line)):
                    warnings.append(f"{tpl}，第{no}行：“{m.group(0)}”用了阿拉伯数字；讲话稿里应写中文数字（如 s.count(n) 点）")
    if problems:
        return problems
    try:
        text = starter_text(pack, user_dirs)
        config = parse_config(text, str(folder / pack.starter), type_resolver=lambda t: resolve_type(t, user_dirs))
        draft = compose(config.replace(type=pack.id), template_dirs=user_dirs, phrase_dirs=phrase_dirs)
        if not draft.char_count():
            problems.append(f"{own}：用起步配置试渲染，草稿是空的（0 字）：模板没有输出任何 @p、@h1 等行")
        if warnings is not None:
            warnings.extend(f"{own}：{note}" for note in draft.meta.get("notes", ()))
    except InputError as exc:
        problems.append(exc.format())
    return problems


_COMMENT = re.compile(r"\{#.*?#\}", re.S)


def _name_clashes(pack: Pack, packs: dict[str, Pack], user_dirs) -> list[str]:
    """The pack's name or aliases that another pack (a built-in, a sibling) already answers to: a type
    given by that name would find only one of them."""
    out = []
    others = {**find_packs(), **packs}
    for key, names in (("name", (pack.name,)), ("aliases", pack.aliases)):
        for name in names:
            for other in others.values():
                if other.id == pack.id or name not in (other.id, other.name, *other.aliases):
                    continue
                found = resolve_type(name, user_dirs)
                out.append(f"{pack.dir / MANIFEST}：{key}：“{name}”与模板包 {other.id}（{other.name}）重名，"
                           f"按这个名字找到的是 {found}；请换一个名字")
                break
    return out
