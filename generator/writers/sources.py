"""The sources report (``render --sources``): where every stretch of a draft came from.

One library function, :func:`sources_data`, says it as plain data (the schema is in docs/sources.md);
``OUT.sources.json`` is that data as JSON (:func:`sources_json`) and ``OUT.sources.md`` is the same data
in Chinese prose (:func:`sources_markdown`), so the two never disagree. The web workbench imports
``sources_data``."""

from __future__ import annotations

import json
import re

from generator.document import PLACEHOLDER_RE, Draft, Span

#: Version of the data :func:`sources_data` returns; raised whenever a field changes meaning or goes away.
SOURCES_VERSION = 1
#: Kinds of span, in the order the .md's summary lists them.
SPAN_KINDS = ("template", "config", "curated", "entry", "unit", "placeholder", "unrecorded")
KIND_ZH = {"template": "模板", "config": "配置项", "curated": "手写资料", "entry": "短语库条目", "unit": "短语库单元",
           "placeholder": "待补", "unrecorded": "未记录"}
#: Namespaces of the phrasebank folders shipped with speechgen (their ids carry no ``folder:`` prefix).
BUILTIN_FOLDERS = {"curated": "phrasebank/curated", "mined": "phrasebank/mined"}
_ROLE_ZH = {"title": "标题", "byline": "署名"}


# ---------------------------------------------------------------- the data
def sources_data(draft: Draft, bank) -> dict:
    """Where every stretch of ``draft`` came from, as JSON-ready data (``"version": 1``).

    ``bank`` is the Phrasebank the draft was composed with (generator.bank.entries.Phrasebank); its
    entries and units give each phrasebank span its folder, category or unit kind and corpus lines.
    ``None`` is accepted: phrasebank spans are then listed with their id only (``"found": false``).
    Paragraphs are those of ``draft.paragraphs`` in order (title, byline lines, then the blocks), and
    each paragraph's spans join to exactly its text."""
    entries: dict = {}
    units: dict = {}
    for e in getattr(bank, "entries", ()) or ():
        entries.setdefault(e.id, e)
    for u in getattr(bank, "units", ()) or ():
        units.setdefault(u.id, u)
    paragraphs: list[dict] = []

    def add(role: str, text: str, spans, level=None, block=None) -> None:
        listed = [_span(s, entries, units) for s in spans] if spans is not None else _unrecorded(text)
        paragraphs.append({"index": len(paragraphs), "role": role, "level": level, "block": block,
                           "text": "".join(s["text"] for s in listed), "spans": listed})

    # A Draft keeps spans for its blocks only; should it one day keep them for the title and byline too
    # (title_spans, byline_spans), they are used, else those lines are 'unrecorded' (placeholders apart).
    add("title", draft.title, getattr(draft, "title_spans", None))
    byline_spans = getattr(draft, "byline_spans", None)
    for i, line in enumerate(draft.byline):
        add("byline", line, byline_spans[i] if byline_spans and i < len(byline_spans) else None)
    for number, b in enumerate(draft.blocks, 1):
        role = "heading" if b.kind == "heading" else "body" if b.kind == "paragraph" else b.kind
        add(role, b.text, b.spans, b.level, number)
    return {"version": SOURCES_VERSION, "title": draft.title, "meeting_type": draft.meta.get("type"),
            "seed": draft.meta.get("seed"), "paragraphs": paragraphs,
            "phrasebanks": _phrasebanks(paragraphs), "totals": _totals(paragraphs)}


def _unrecorded(text: str) -> list[dict]:
    """Spans of a line whose origin the draft did not keep: its 〔待补〕 are placeholders, the rest unrecorded."""
    out, pos = [], 0
    for m in PLACEHOLDER_RE.finditer(text):
        if m.start() > pos:
            out.append(_base(text[pos:m.start()], "unrecorded", ""))
        out.append({**_base(m.group(0), "placeholder", "placeholder"), "need": "config"})
        pos = m.end()
    if pos < len(text) or not out:
        out.append(_base(text[pos:], "unrecorded", ""))
    return out


def _base(text: str, kind: str, source: str, emphasis: bool = False) -> dict:
    return {"text": text, "kind": kind, "source": source, "emphasis": emphasis}


def _span(span: Span, entries: dict, units: dict) -> dict:
    out = _span_fields(span, entries, units)
    if span.slot:  # the place it fills: what the workbench's 换一句 and 锁定 (config pins) name
        out["slot"] = span.slot
    return out


def _span_fields(span: Span, entries: dict, units: dict) -> dict:
    kind, _, ref = span.source.partition(":")
    if kind == "phrase":
        item = entries.get(ref)
        unit = units.get(ref) if item is None else None
        out = _base(span.text, "unit" if unit is not None else "entry", span.source, span.emphasis)
        out.update(item_origin(ref, item if item is not None else unit))
        if unit is not None:
            out["unit_kind"] = unit.kind
        else:
            out["category"] = item.category if item is not None else None
        return out
    if kind == "config":
        return {**_base(span.text, "config", span.source, span.emphasis), "key": ref}
    if kind == "curated":
        return {**_base(span.text, "curated", span.source, span.emphasis), "ref": ref}
    if kind == "placeholder":  # placeholder (a fact the config lacks) or placeholder:writing (no fitting phrase)
        return {**_base(span.text, "placeholder", span.source, span.emphasis), "need": ref or "config"}
    # template:<pack>/<file>, template:enumerator (一是、二要 …), or template (glue the template API wrote)
    out = {**_base(span.text, "template", span.source, span.emphasis), "template": ref if "/" in ref else None}
    if ref == "enumerator":
        out["enumerator"] = True
    return out


def item_origin(item_id: str, item) -> dict:
    """Which folder a phrasebank entry or unit (``item``, None when the bank has no such id) came from,
    and the corpus lines it was mined from: id, namespace, builtin, folder, found, provenance, bank_text."""
    prefix, sep, _ = item_id.partition(":")
    builtin = not sep
    origin: str | None = getattr(item, "origin", None) if item is not None else None
    # built-in ids are bare; their namespace is the built-in folder (curated or mined) they were loaded from
    namespace = origin if builtin else prefix
    folder = BUILTIN_FOLDERS.get(origin or "") if builtin else origin
    return {"id": item_id, "namespace": namespace, "builtin": builtin, "folder": folder, "found": item is not None,
            "provenance": provenance_list(item.sources if item is not None else ()),
            "bank_text": item.text if item is not None else None}


def provenance_list(sources) -> list[dict]:
    """``["000_x.txt:7", …]`` as ``[{"file": "000_x.txt", "line": 7}, …]`` (line None when not a number)."""
    out = []
    for s in sources:
        file, sep, line = str(s).rpartition(":")
        if sep and line.isdigit():
            out.append({"file": file, "line": int(line)})
        else:
            out.append({"file": str(s), "line": None})
    return out


def _totals(paragraphs: list[dict]) -> dict:
    """Characters (whitespace not counted) of the speech's blocks by span kind."""
    by_kind: dict[str, int] = {}
    for p in paragraphs:
        for s in p["spans"] if p["block"] is not None else ():
            by_kind[s["kind"]] = by_kind.get(s["kind"], 0) + _chars(s["text"])
    return {"chars_by_kind": by_kind}


def _phrasebanks(paragraphs: list[dict]) -> list[dict]:
    """The phrasebank folders the draft's spans came from: namespace, builtin, folder, and how many spans,
    distinct ids and characters (blocks only) each gave; the user's folders first, then by namespace."""
    banks: dict[tuple, dict] = {}
    for p in paragraphs:
        for s in p["spans"]:
            if s["kind"] not in ("entry", "unit"):
                continue
            key = (s["builtin"], s["namespace"] or "", s["folder"] or "")
            bank = banks.setdefault(key, {"namespace": s["namespace"], "builtin": s["builtin"], "folder": s["folder"],
                                          "spans": 0, "ids": set(), "chars": 0})
            bank["spans"] += 1
            bank["ids"].add(s["id"])
            bank["chars"] += _chars(s["text"]) if p["block"] is not None else 0
    return [{**b, "ids": len(b["ids"])} for _, b in sorted(banks.items(), key=lambda kv: kv[0])]


def _chars(text: str) -> int:
    return len(re.sub(r"\s", "", text))


# ---------------------------------------------------------------- the two files
def sources_json(data: dict) -> bytes:
    """``OUT.sources.json``: the data, keys sorted, UTF-8 without escapes, newline-terminated (same data →
    same bytes)."""
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def sources_markdown(data: dict) -> str:
    """``OUT.sources.md``: the data in Chinese, one section a paragraph, one line a span."""
    out = [f"# 出处：{data['title']}", ""]
    if data["phrasebanks"]:
        out.append("用到的短语库：")
        for b in data["phrasebanks"]:
            builtin = "内置挖掘短语库" if b["namespace"] == "mined" else "内置手写短语库"
            where = f"{builtin}（{b['folder']}）" if b["builtin"] else f"用户短语库“{b['namespace']}”（{b['folder']}）"
            out.append(f"- {where}，{b['ids']} 条，{b['chars']} 字")
        out.append("")
    bylines = 0
    for p in data["paragraphs"]:
        if p["block"] is not None:
            out.append(f"## 第{p['block']}段")
        elif p["role"] == "byline":
            bylines += 1
            out.append(f"## 署名第{bylines}行")
        else:
            out.append(f"## {_ROLE_ZH.get(p['role'], p['role'])}")
        for span in p["spans"]:
            text = span["text"] if len(span["text"]) <= 40 else span["text"][:38] + "……"
            out.append(f"- {text} ← {span_zh(span)}")
        out.append("")
    return "\n".join(out)


def folder_zh(origin: dict) -> str:
    """Which phrasebank an entry or unit came from, in Chinese: 内置短语库 or 用户短语库 (the user's folder is
    named by the namespace its ids carry, ``我的讲话:point.3fa2c1d0``)."""
    return "内置短语库" if origin["builtin"] else "用户短语库"


def lines_zh(provenance: list[dict], most: int = 3) -> str:
    """``000_x.txt:7；001_y.txt:3…`` (the first ``most``), or "" when there are none."""
    shown = [p["file"] if p["line"] is None else f"{p['file']}:{p['line']}" for p in provenance[:most]]
    return "；".join(shown) + ("…" if len(provenance) > most else "")


def span_zh(span: dict) -> str:
    """Where one span came from, in Chinese."""
    kind = span["kind"]
    if kind in ("entry", "unit"):
        label = folder_zh(span) + ("单元" if kind == "unit" else "")
        if not span["found"]:
            return f"{label} {span['id']}（短语库中没有这一条）"
        what = span["unit_kind"] if kind == "unit" else span["category"]
        return f"{label} {span['id']}（{what}，{lines_zh(span['provenance']) or '手写条目'}）"
    if kind == "config":
        return f"配置项 {span['key']}"
    if kind == "curated":
        return f"手写资料 {span['ref']}"
    if kind == "placeholder":
        if span.get("need") == "writing":
            return "待补（短语库中没有对症的措施，要起草人补写；配置不缺什么）"
        return "待补（配置中缺少这项事实）"
    if kind == "unrecorded":
        return "出处未逐段记录（来自模板，或配置项 title、speaker、date）"
    if span.get("enumerator"):
        return "模板（序号）"
    return f"模板 {span['template']}" if span.get("template") else "模板"


def provenance(draft: Draft, bank) -> str:
    """The .md form of :func:`sources_data` (what ``render --sources`` writes, and prints with ``-o -``)."""
    return sources_markdown(sources_data(draft, bank))
