"""The workbench form ↔ config data (the mapping a YAML config holds), both ways, and the YAML it saves.

Nothing here validates: the form is turned into the data a YAML file would hold and the library's
loader says what is wrong with it, so the page shows exactly the messages ``render`` gives. Every
field is derived from the config schema (``generator.drafting.schema.KEYS``) and a pack's own keys,
by kind, so a key added to the schema appears in the form without a change here.
"""

from __future__ import annotations

import datetime
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.drafting.schema import (KEYS, LEVEL_WORDS, REPORTER_FIELDS, SPEAKER_FIELDS, VISIT_FIELDS, Key,
                                       starter_yaml)

#: Kinds whose value is a list of texts, edited as a list of inputs (add, remove, reorder).
LIST_KINDS = ("points", "facts", "carriers")
#: Kinds edited as a small table, with their fields (the first is the one a plain string stands for).
TABLE_FIELDS = {"reporters": REPORTER_FIELDS, "visits": VISIT_FIELDS, "speakers": SPEAKER_FIELDS}
#: Fields of a table row that hold a list (one item a line in a textarea).
ROW_LISTS = {"highlights", "problems"}
#: Kinds read as whole numbers when the field holds only digits (else passed on as text, for the loader to judge).
_INT_KINDS = ("year", "seed")
#: Where the form groups the keys; a key not named here (a pack's own) goes under 本会议类型的配置项.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("会议", ("type", "place", "level", "superior", "year", "review_year", "speaker", "date", "title", "meeting",
              "occasion")),
    ("内容", ("points", "achievements", "problems", "carriers")),
    ("述职人", ("reporters",)),
    ("座谈会", ("visits", "speakers")),
    ("篇幅与版本", ("length", "minutes", "seed", "adjourn")),
    ("版式与短语库", ("style", "phrases", "pins")),
)
MAX_JSON = 200_000  # characters of a hidden JSON field (pins, an inline style) the page sends back


@dataclass(frozen=True)
class Choices:
    """What the page may offer for ``style`` and ``phrases``: the shipped house styles and the folders and
    files given on the command line — nothing else is ever read from disk on a browser's behalf."""

    styles: tuple[str, ...] = ()  # shipped style names (windows-fonts)
    style_files: tuple[Path, ...] = ()  # --style files, absolute
    phrase_dirs: tuple[Path, ...] = ()  # --phrases folders (and $SPEECHGEN_PHRASES), absolute

    def style_value(self, token: str):
        """The config value of a style choice: a shipped name, a file's absolute path, or None (GB/T 9704)."""
        kind, _, ref = token.partition(":")
        if kind == "name" and ref in self.styles:
            return ref
        if kind == "file" and ref.isdigit() and int(ref) < len(self.style_files):
            return str(self.style_files[int(ref)])
        return None

    def style_token(self, value) -> tuple[str, str | None]:
        """The choice a config's ``style:`` names, and a notice when it names none of the allowed ones."""
        if value is None or value == "":
            return "", None
        if isinstance(value, dict):
            return "inline", None
        text = str(value).strip()
        if text in self.styles:
            return f"name:{text}", None
        i = _match_path(text, self.style_files)
        if i is not None:
            return f"file:{i}", None
        return "", (f"配置中的 style: {_short(text)} 不是内置版式，也不是启动工作台时用 --style 给出的版式文件，未采用，"
                    "已改用默认版式（GB/T 9704）；要用它，请以 speechgen serve --style 该文件 启动工作台")

    def phrase_indexes(self, value) -> tuple[list[int], list[str]]:
        """The --phrases folders a config's ``phrases:`` names, and a notice for each it names that is none of them."""
        items = value if isinstance(value, list) else [] if value is None else [value]
        chosen: list[int] = []
        notices = []
        for item in items:
            i = _match_path(str(item).strip(), self.phrase_dirs) if isinstance(item, str) else None
            if i is None:
                notices.append(f"配置中的短语库文件夹 {_short(str(item))} 不是启动工作台时用 --phrases 给出的文件夹，未采用；"
                               "要用它，请以 speechgen serve --phrases 该文件夹 启动工作台")
            elif i not in chosen:
                chosen.append(i)
        return chosen, notices


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit] + "……"


def _match_path(text: str, allowed: tuple[Path, ...]) -> int | None:
    """Which allowed path ``text`` names: the same absolute path, or the same last part when only one allowed
    path ends so (a config written beside its folder says ``phrases: 我的短语库``). Never touches the disk."""
    if not text:
        return None
    given = Path(text.replace("\\", "/"))
    for i, path in enumerate(allowed):
        if given.is_absolute() and Path(os.path.normpath(given)) == path:
            return i
    same_name = [i for i, path in enumerate(allowed) if given.name and path.name == given.name]
    return same_name[0] if len(same_name) == 1 else None


# ---------------------------------------------------------------- form → data
def keys_for(pack_keys: tuple[Key, ...] = ()) -> tuple[Key, ...]:
    return (*KEYS, *pack_keys)


def _scalar(key: Key, raw: str):
    s = raw.strip()
    if not s:
        return None
    if key.kind in _INT_KINDS and re.fullmatch(r"[+-]?\d{1,30}", s):
        return int(s)
    if key.kind == "length" and re.fullmatch(r"\d{1,12}", s):
        return int(s)
    if key.kind == "minutes" and re.fullmatch(r"\d{1,12}(\.\d{1,6})?", s):
        return float(s) if "." in s else int(s)
    if key.kind == "bool":
        return {"true": True, "false": False}.get(s)
    if key.kind in ("name", "title", "committee", "date", "level", "type"):
        return re.sub(r"\s*[\r\n]+\s*", "", s)  # one line, as a single-line input means it
    return s


def _lines(raw: str) -> list[str]:
    return [line.strip() for line in raw.splitlines() if line.strip()]


def _load_json(raw: str | None):
    if not raw or len(raw) > MAX_JSON:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def form_to_data(form, pack_keys: tuple[Key, ...], choices: Choices) -> dict[str, Any]:
    """The config mapping the submitted form stands for, in schema order; empty fields and rows are left out.

    ``form`` is a MultiDict (``request.form``): scalars are ``f.KEY``, list items repeated ``f.KEY``, table
    cells ``KEY.FIELD`` repeated once per row (in the rows' order on the page)."""
    data: dict[str, Any] = {}
    for key in keys_for(pack_keys):
        name = key.name
        if key.kind in LIST_KINDS:
            items = [re.sub(r"\s*[\r\n]+\s*", "", s).strip() for s in form.getlist(f"f.{name}")]
            if any(items):
                data[name] = [s for s in items if s]
        elif key.kind in TABLE_FIELDS:
            rows = table_rows(form, name, TABLE_FIELDS[key.kind])
            if rows:
                data[name] = rows
        elif key.kind == "style":
            token = form.get("f.style", "")
            if token == "inline":
                inline = _load_json(form.get("f.style_inline"))
                if isinstance(inline, dict):
                    data[name] = inline
            else:
                value = choices.style_value(token)
                if value is not None:
                    data[name] = value
        elif key.kind == "folders":
            picked = [int(i) for i in form.getlist("f.phrases") if i.isdigit() and int(i) < len(choices.phrase_dirs)]
            if picked:
                data[name] = [str(choices.phrase_dirs[i]) for i in sorted(set(picked))]
        elif key.kind == "pins":
            pins = _load_json(form.get("f.pins"))
            if pins:
                data[name] = pins
        else:
            value = _scalar(key, form.get(f"f.{name}", ""))
            if value is not None:
                data[name] = value
    return data


def table_rows(form, name: str, fields: dict[str, str]) -> list:
    """Rows of a table (reporters, visits, speakers) as config items: a row with only its first field is the
    plain string the loader reads as that field (a visit's place, a speaker's 职务+姓名); empty rows are dropped."""
    columns = {f: form.getlist(f"{name}.{f}") for f in fields}
    count = max((len(c) for c in columns.values()), default=0)
    first = next(iter(fields))
    out: list = []
    for i in range(count):
        row: dict[str, Any] = {}
        for f, cells in columns.items():
            cell = cells[i] if i < len(cells) else ""
            if f in ROW_LISTS:
                items = _lines(cell)
                if items:
                    row[f] = items
            elif cell.strip():
                row[f] = re.sub(r"\s*[\r\n]+\s*", "", cell).strip()
        if not row:
            continue
        if name != "reporters" and set(row) == {first}:
            out.append(row[first])
        else:
            out.append(row)
    return out


# ---------------------------------------------------------------- data → form
@dataclass
class FormView:
    """What the page's fields show: text of each scalar, items of each list, rows of each table."""

    scalars: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    tables: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    style: str = ""
    style_inline: str = ""
    phrases: list[int] = field(default_factory=list)
    pins: str = ""
    pins_count: int = 0


def as_text(value) -> str:
    """A config value as a field shows it: text as is, numbers and dates as written, anything else as YAML."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (str, int, float)):
        return str(value)
    import yaml

    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**6).strip().removesuffix("...").strip()


def data_to_form(data: dict, pack_keys: tuple[Key, ...], choices: Choices, notices: list[str] | None = None) -> FormView:
    """The fields that show ``data`` (a parsed config, an uploaded one included); what ``style``/``phrases``
    name outside the allowed choices is said in ``notices`` and left out."""
    notices = [] if notices is None else notices
    view = FormView()
    for key in keys_for(pack_keys):
        value = data.get(key.name)
        if key.kind in LIST_KINDS:
            items = value if isinstance(value, list) else [] if value is None else [value]
            view.lists[key.name] = [as_text(v) for v in items]
        elif key.kind in TABLE_FIELDS:
            view.tables[key.name] = table_view(value, TABLE_FIELDS[key.kind])
        elif key.kind == "style":
            view.style, notice = choices.style_token(value)
            if view.style == "inline":
                view.style_inline = json.dumps(value, ensure_ascii=False, default=str)
            if notice:
                notices.append(notice)
        elif key.kind == "folders":
            view.phrases, more = choices.phrase_indexes(value)
            notices.extend(more)
        elif key.kind == "pins":
            if value not in (None, {}, ""):
                view.pins = json.dumps(value, ensure_ascii=False, default=str)
                view.pins_count = len(value) if isinstance(value, (dict, list)) else 1
        elif key.kind == "type" and isinstance(value, str):
            view.scalars[key.name] = value.strip()
        else:
            view.scalars[key.name] = as_text(value)
    return view


def table_view(value, fields: dict[str, str]) -> list[dict[str, str]]:
    items = value if isinstance(value, list) else [] if value is None else [value]
    first = next(iter(fields))
    rows = []
    for item in items:
        if not isinstance(item, dict):
            item = {first: item}
        row = {}
        for f in fields:
            v = item.get(f)
            if f in ROW_LISTS:
                vs = v if isinstance(v, list) else [] if v is None else [v]
                row[f] = "\n".join(as_text(x) for x in vs)
            else:
                row[f] = as_text(v)
        rows.append(row)
    return rows


def with_style_and_phrases(data: dict, choices: Choices, notices: list[str]) -> dict:
    """``data`` with ``style``/``phrases`` kept only where they name an allowed choice (then as the form
    would write them), so the loader and the render never look at a path the browser sent."""
    out = dict(data)
    if "style" in out:
        token, notice = choices.style_token(out["style"])
        if notice:
            notices.append(notice)
        if token == "inline":
            pass
        elif token:
            out["style"] = choices.style_value(token)
        else:
            del out["style"]
    if "phrases" in out:
        chosen, more = choices.phrase_indexes(out["phrases"])
        notices.extend(more)
        if chosen:
            out["phrases"] = [str(choices.phrase_dirs[i]) for i in chosen]
        else:
            del out["phrases"]
    return out


# ---------------------------------------------------------------- data → YAML
def _plain(value):
    """``value`` as YAML can write it safely: tuples as lists, dates as their ISO text."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def config_yaml(data: dict, pack_keys: tuple[Key, ...] = (), *, type_name: str = "", template_dirs=()) -> str:
    """The config as a YAML file ``render`` loads back: every key in schema order with its Chinese help as
    a comment (the same layout ``speechgen init`` writes), the keys not given as commented examples."""
    header = ["# speechgen 配置（由工作台 speechgen serve 保存）" + (f"：{type_name}" if type_name else "")]
    command = "# 生成：speechgen render 本文件 -o 讲话.docx"
    if template_dirs:
        command += "".join(f" --templates {d}" for d in template_dirs)
    header.append(command)
    header.append("# 必填：type、place、level、year。缺少的事实以〔待补：…〕标出，绝不编造。")
    values = {k: _plain(v) for k, v in data.items()}
    extra = [k for k in values if k not in {key.name for key in keys_for(pack_keys)}]
    text = starter_yaml(values, header, pack_keys)
    if extra:  # keys the schema does not know (the loader reports them): kept, so nothing is lost silently
        import yaml

        text += yaml.safe_dump({k: values[k] for k in extra}, allow_unicode=True, sort_keys=False)
    return text


def level_options(current: str) -> list[str]:
    out = list(LEVEL_WORDS)
    if current and current not in out:
        out.append(current)
    return out
