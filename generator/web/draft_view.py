"""A composed draft as the page shows it: paragraphs laid out like the document, each stretch with its
source said in Chinese, the checker's findings tied to their paragraphs, the 〔待补〕 counted.

Only reading happens here: the draft, the findings and the sources come from the library (the render
job, the checker, ``generator.writers.sources.sources_data``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.document import PLACEHOLDER_RE, Draft

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
_ROLE_CLASS = {"title": "doc-title", "byline": "doc-byline", "salutation": "doc-salutation", "body": "doc-body"}


def sources_of(draft: Draft, bank) -> dict:
    """Where every stretch of ``draft`` came from, as the library says it (one place to swap, should the
    data's home move)."""
    from generator.writers.sources import sources_data

    return sources_data(draft, bank)


@dataclass
class Piece:
    text: str
    todo: bool = False


@dataclass
class SpanView:
    id: str  # "段号.序号", the key of its entry in the page's source table
    pieces: list[Piece]
    kind: str
    emphasis: bool = False
    slot: int | None = None  # index of its SlotView (a sentence 换一句 and 锁定 apply to), None when fixed
    locked: bool = False  # its slot is pinned and the pin was used
    lock_mark: bool = False  # the last stretch of a locked sentence in its paragraph: where the mark goes


@dataclass
class SlotView:
    """A place in the draft a phrasebank sentence fills, as 换一句 and 锁定 act on it: the sentences that may
    stand there in a fixed ring (by entry id), the one there now, and the one 换一句 puts in next."""

    index: int
    slot: str  # the slot id pins name (要求@加强流动党员管理#2)
    category: str
    chosen: str | None  # entry id, None for the user's own text
    text: str
    ring: list[dict]  # {"id", "text"} of every fitting sentence, the current one included, by id
    position: int  # 1-based place of the current sentence in ``ring``; 0 for the user's own text
    next: dict | None  # {"id", "text", "k"}: what 换一句 puts in (k: its 1-based place in ``ring``)
    locked: bool
    pin_value: str  # what 锁定 writes into pins: the entry id, or the text itself


@dataclass
class UnusedPin:
    slot: str
    value: str
    reason: str


@dataclass
class ParagraphView:
    number: int  # the checker's 1-based paragraph number (0 when the line is empty and the checker skips it)
    role: str
    level: int | None
    css: str
    spans: list[SpanView]
    findings: list = field(default_factory=list)


@dataclass
class DraftView:
    paragraphs: list[ParagraphView]
    findings: list  # every finding, in the checker's order, each with .paragraph
    whole: list  # findings about the whole draft (paragraph 0)
    sources: dict  # span id → rows of (label, value) in Chinese
    todo: int
    chars: int
    summary: str
    counts: dict
    slots: list[SlotView] = field(default_factory=list)
    slot_index: dict[str, int] = field(default_factory=dict)  # slot id → index in ``slots``
    pins_unused: list[UnusedPin] = field(default_factory=list)
    locked: int = 0  # pins this draft used


def pieces(text: str) -> list[Piece]:
    """``text`` cut where 〔待补：…〕 begins and ends, so the page can mark each gap."""
    out, pos = [], 0
    for m in PLACEHOLDER_RE.finditer(text):
        if m.start() > pos:
            out.append(Piece(text[pos:m.start()]))
        out.append(Piece(m.group(0), True))
        pos = m.end()
    if pos < len(text) or not out:
        out.append(Piece(text[pos:]))
    return out


def slot_views(draft: Draft, pins: dict) -> list[SlotView]:
    """The draft's slots (``meta["slots"]``, composed with ``alternatives=True``) as the panel shows them.

    换一句 walks a ring of the slot's sentences ordered by entry id — the current one and the alternatives
    the library lists — from the current one to the next, so that pressing it again and again goes through
    all of them and comes back, with no state kept on the page."""
    unused = draft.meta.get("pins_unused") or {}
    out = []
    for i, (slot, info) in enumerate((draft.meta.get("slots") or {}).items()):
        chosen = info.get("chosen")
        ring = {a["id"]: {"id": a["id"], "text": a["text"]} for a in info.get("alternatives") or ()}
        if chosen:
            ring[chosen] = {"id": chosen, "text": info.get("text", "")}
        ordered = [ring[k] for k in sorted(ring)]
        position = next((n + 1 for n, a in enumerate(ordered) if a["id"] == chosen), 0) if chosen else 0
        nxt = None
        if ordered and (position == 0 or len(ordered) > 1):
            k = position % len(ordered)  # the one after the current (the first when the text is the user's own)
            nxt = {**ordered[k], "k": k + 1}
        out.append(SlotView(i, slot, str(info.get("category") or ""), chosen, str(info.get("text") or ""),
                            ordered, position, nxt, slot in pins and slot not in unused,
                            chosen or str(info.get("text") or "")))
    return out


def build(draft: Draft, findings: list, bank, summary: str, pins: dict | None = None) -> DraftView:
    """The page's view of ``draft``; ``pins``: the config's pins (which slots are locked)."""
    pins = pins if isinstance(pins, dict) else {}
    data = sources_of(draft, bank)
    slots = slot_views(draft, pins)
    slot_index = {s.slot: s.index for s in slots}
    numbers: list[int] = []
    n = 0
    for line in draft.paragraphs:  # the checker numbers the non-empty lines (generator.checking.registry.make_doc)
        if line.strip():
            n += 1
            numbers.append(n)
        else:
            numbers.append(0)
    by_number: dict[int, list] = {}
    for f in findings:
        by_number.setdefault(f.paragraph, []).append(f)
    paragraphs = []
    sources: dict[str, list[tuple[str, str]]] = {}
    for i, para in enumerate(data["paragraphs"]):
        number = numbers[i] if i < len(numbers) else 0
        role = para["role"]
        css = _ROLE_CLASS.get(role, "doc-body")
        if role == "heading":
            css = f"doc-h{para.get('level') or 1}"
        spans = []
        for j, span in enumerate(para["spans"]):
            sid = f"{i}.{j}"
            sources[sid] = source_rows(span)
            index = slot_index.get(span.get("slot") or "")
            locked = index is not None and slots[index].locked
            spans.append(SpanView(sid, pieces(span["text"]), span["kind"], bool(span.get("emphasis")), index, locked))
        last: dict[int, SpanView] = {s.slot: s for s in spans if s.locked and s.slot is not None}
        for s in last.values():
            s.lock_mark = True
        paragraphs.append(ParagraphView(number, role, para.get("level"), css, spans, by_number.get(number, [])))
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITY_ZH}
    unused = [UnusedPin(slot, str(pins.get(slot, "")), str(why))
              for slot, why in (draft.meta.get("pins_unused") or {}).items()]
    return DraftView(paragraphs, findings, by_number.get(0, []), sources, len(draft.placeholders()),
                     draft.char_count(), summary, counts, slots, slot_index, unused,
                     sum(1 for s in slots if s.locked))


def source_rows(span: dict) -> list[tuple[str, str]]:
    """A stretch's source as rows of (what, value) in Chinese: the kind, then what names it."""
    from generator.writers.sources import KIND_ZH

    kind = span["kind"]
    rows = [("出处", KIND_ZH.get(kind, kind))]
    if kind in ("entry", "unit"):
        rows.append(("编号", span.get("id") or ""))
        if span.get("category"):
            rows.append(("类别", str(span["category"])))
        if span.get("unit_kind"):
            rows.append(("单元类型", str(span["unit_kind"])))
        folder = span.get("folder") or ("内置短语库" if span.get("builtin") else "")
        if folder:
            rows.append(("短语库", str(folder)))
        if not span.get("found", True):
            rows.append(("说明", "当前短语库中已没有这一条"))
        provenance = span.get("provenance") or []
        if provenance:
            rows.append(("语料", "；".join(f"{p['file']}:{p['line']}" if p.get("line") is not None else str(p["file"])
                                         for p in provenance[:5]) + ("……" if len(provenance) > 5 else "")))
        elif span.get("found", True):
            rows.append(("语料", "手写条目（不来自语料）"))
        if span.get("bank_text"):
            rows.append(("原句", str(span["bank_text"])))
    elif kind == "config":
        rows.append(("配置项", str(span.get("key") or "")))
        if str(span.get("key") or "").startswith("pins."):
            rows.append(("说明", "自己写的句子，锁定在这个位置（配置 pins），原样使用"))
    elif kind == "curated":
        rows.append(("资料", str(span.get("ref") or "")))
    elif kind == "template":
        if span.get("enumerator"):
            rows.append(("说明", "序号（一是、二要……），由模板按顺序写出"))
        rows.append(("模板", str(span.get("template") or "模板的连接用语")))
    elif kind == "placeholder" and span.get("need") == "writing":
        rows.append(("说明", "短语库中没有对症的措施，请在 Word 中按提示补写（配置不缺什么）"))
    elif kind == "placeholder":
        rows.append(("说明", "配置中缺少这项事实，请在左侧表单补上，或在 Word 中补写"))
    elif kind == "unrecorded":
        rows.append(("说明", "由配置与会议类型生成（标题、署名）"))
    if span.get("slot"):
        rows.append(("位置", str(span["slot"])))
    rows.append(("文字", span["text"]))
    return rows
