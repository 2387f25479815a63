"""The sources data (generator.writers.sources.sources_data) and its two forms, OUT.sources.json and .md."""

from __future__ import annotations

import json
import re

import pytest

from conftest import EXAMPLES
from generator.bank.entries import Entry, Phrasebank, load_phrasebank
from generator.document import Block, Draft, Span
from generator.drafting.compose import compose
from generator.jobs import load
from generator.writers.sources import (SPAN_KINDS, provenance, provenance_list, sources_data, sources_json,
                                       sources_markdown)

EXAMPLE_CONFIGS = sorted(p for p in EXAMPLES.glob("*.yaml") if not p.name.startswith("style"))
_CJK4 = re.compile(r"[\u4e00-\u9fff]{4,}")


@pytest.fixture(scope="module")
def bank() -> Phrasebank:
    return load_phrasebank()


@pytest.fixture(scope="module")
def drafts(bank) -> dict[str, Draft]:
    return {cfg.stem: compose(load(cfg), bank=bank) for cfg in EXAMPLE_CONFIGS}


def phrase_spans(data: dict) -> list[dict]:
    return [s for p in data["paragraphs"] for s in p["spans"] if s["kind"] in ("entry", "unit")]


def test_there_are_examples():
    assert {p.stem for p in EXAMPLE_CONFIGS} >= {"shuzhi_speech", "dianping", "zuotan_outline"}


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLE_CONFIGS])
def test_every_paragraph_is_listed_and_its_spans_join_to_its_text(name, drafts, bank):
    draft = drafts[name]
    data = json.loads(sources_json(sources_data(draft, bank)).decode("utf-8"))
    assert data["version"] == 1 and data["title"] == draft.title and data["meeting_type"] == name
    paragraphs = data["paragraphs"]
    assert [p["text"] for p in paragraphs] == draft.paragraphs  # title, byline lines, then every block
    assert [p["index"] for p in paragraphs] == list(range(len(paragraphs)))
    roles = [p["role"] for p in paragraphs]
    assert roles[0] == "title" and roles.count("byline") == len(draft.byline)
    blocks = [p for p in paragraphs if p["block"] is not None]
    assert [p["block"] for p in blocks] == list(range(1, len(draft.blocks) + 1))
    for p, block in zip(blocks, draft.blocks):
        assert p["role"] == {"paragraph": "body"}.get(block.kind, block.kind)
        assert p["level"] == block.level and (p["level"] is not None) == (p["role"] == "heading")
    for p in paragraphs:
        assert p["spans"] and "".join(s["text"] for s in p["spans"]) == p["text"]
        for s in p["spans"]:
            assert s["kind"] in SPAN_KINDS and isinstance(s["emphasis"], bool)
    spans = [s for p in blocks for s in p["spans"]]
    assert {s["kind"] for s in spans} >= {"template", "config", "entry"}
    assert all(s["key"] for s in spans if s["kind"] == "config")
    assert all(s["ref"].startswith("years.yaml#") for s in spans if s["kind"] == "curated")
    assert any(s["template"] == f"{name}/speech.j2" for s in spans if s["kind"] == "template")
    assert all(s["text"].startswith("〔待补") for s in spans if s["kind"] == "placeholder")
    totals = data["totals"]["chars_by_kind"]
    assert sum(totals.values()) == draft.char_count()


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLE_CONFIGS])
def test_every_phrasebank_span_resolves_in_the_bank(name, drafts, bank):
    data = sources_data(drafts[name], bank)
    spans = phrase_spans(data)
    assert spans
    for s in spans:
        assert s["found"] and s["builtin"] and s["namespace"] in ("curated", "mined"), s
        assert s["folder"] == f"phrasebank/{s['namespace']}"
        if s["kind"] == "entry":
            entry = bank.get(s["id"])
            assert entry is not None and s["category"] == entry.category and s["bank_text"] == entry.text
            assert entry.origin == s["namespace"]
        else:
            unit = bank.unit(s["id"])
            assert unit is not None and s["unit_kind"] == unit.kind and s["bank_text"] == unit.text
        item = bank.get(s["id"]) or bank.unit(s["id"])
        assert s["provenance"] == [{"file": f, "line": int(n)} for f, _, n in (x.rpartition(":") for x in item.sources)]
        assert bool(s["provenance"]) == (s["namespace"] == "mined")
    by_bank = {b["namespace"]: b for b in data["phrasebanks"]}
    assert set(by_bank) == {s["namespace"] for s in spans}
    assert sum(b["spans"] for b in by_bank.values()) == len(spans)
    assert sum(b["chars"] for b in by_bank.values()) == sum(
        data["totals"]["chars_by_kind"].get(k, 0) for k in ("entry", "unit"))


def test_built_in_provenance_lines_exist_in_the_seed_corpus(drafts, bank, seeds_dir):
    """Every file:line a built-in span names is a line of that seed file, and that line (or the few after it,
    where a PDF wrap continued the paragraph) carries the span's words."""
    checked = 0
    for draft in drafts.values():
        for s in phrase_spans(sources_data(draft, bank)):
            for where in s["provenance"]:
                path = seeds_dir / where["file"]
                assert path.is_file(), where
                lines = path.read_text(encoding="utf-8").splitlines()
                assert 1 <= where["line"] <= len(lines), where
                window = re.sub(r"[^\u4e00-\u9fff]", "", "".join(lines[where["line"] - 1:where["line"] + 3]))
                # the entry's words with its slots cut out, punctuation dropped as in the window (下面，我讲{count}点
                # 意见 → 下面我讲 | 点意见)
                words = re.sub(r"[^\u4e00-\u9fff|]", "", re.sub(r"\{[a-z_]+\}", "|", s["bank_text"]))
                runs = _CJK4.findall(words)
                assert any(run[:4] in window for run in runs), (where, s["bank_text"])
                checked += 1
    assert checked >= 5


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLE_CONFIGS])
def test_the_markdown_is_the_data_in_chinese(name, drafts, bank):
    data = sources_data(drafts[name], bank)
    md = sources_markdown(data)
    assert md == provenance(drafts[name], bank)
    assert md.count("\n## 第") == len(drafts[name].blocks)
    assert sum(1 for line in md.splitlines() if " ← " in line) == sum(len(p["spans"]) for p in data["paragraphs"])
    for s in phrase_spans(data):
        assert f"内置短语库{'单元' if s['kind'] == 'unit' else ''} {s['id']}（" in md
    mined = [s for s in phrase_spans(data) if s["provenance"]]
    for s in mined:
        first = s["provenance"][0]
        assert f"{s['id']}（{s.get('category') or s.get('unit_kind')}，{first['file']}:{first['line']}" in md


def test_same_draft_same_bytes_keys_sorted_chinese_unescaped(bank):
    cfg = EXAMPLES / "shuzhi_speech.yaml"
    one = sources_json(sources_data(compose(load(cfg), bank=bank), bank))
    two = sources_json(sources_data(compose(load(cfg), bank=load_phrasebank()), load_phrasebank()))
    assert one == two and one.endswith(b"\n")
    text = one.decode("utf-8")
    assert "云溪区" in text and "\\u" not in text  # ensure_ascii=False

    def sorted_keys(pairs):
        keys = [k for k, _ in pairs]
        assert keys == sorted(keys)
        return dict(pairs)

    json.loads(text, object_pairs_hook=sorted_keys)
    other_seed = sources_json(sources_data(compose(load(cfg), seed=99, bank=bank), bank))
    assert other_seed != one and json.loads(other_seed)["seed"] == 99


def _draft(*blocks: Block, title="标题", byline=()) -> Draft:
    return Draft(title=title, blocks=blocks, byline=byline, meta={"type": "t", "seed": 0})


def test_an_id_the_bank_lacks_is_listed_not_a_crash():
    draft = _draft(Block("paragraph", (Span("甲乙丙", "phrase:point.0badc0de"), Span("丁", "phrase:我的:point.1"))))
    bank = Phrasebank((Entry("idiom.001", "idiom", "久久为功"),))
    for b in (bank, None):
        data = sources_data(draft, b)
        spans = phrase_spans(data)
        assert [s["found"] for s in spans] == [False, False]
        assert [(s["namespace"], s["builtin"]) for s in spans] == [(None, True), ("我的", False)]
        assert all(s["provenance"] == [] and s["category"] is None and s["bank_text"] is None for s in spans)
        assert "短语库中没有这一条" in sources_markdown(data)


def test_title_and_byline_keep_their_placeholders_apart():
    draft = _draft(Block.of("salutation", "同志们：", source="template:x/speech.j2"),
                   title="在〔待补：会议名称〕上的讲话", byline=("区委书记",))
    data = sources_data(draft, None)
    title, byline, first = data["paragraphs"]
    assert [(s["kind"], s["text"]) for s in title["spans"]] == [
        ("unrecorded", "在"), ("placeholder", "〔待补：会议名称〕"), ("unrecorded", "上的讲话")]
    assert byline["role"] == "byline" and byline["spans"][0]["kind"] == "unrecorded"
    assert first["role"] == "salutation" and first["block"] == 1 and first["spans"][0]["template"] == "x/speech.j2"
    md = sources_markdown(data)
    assert "## 标题" in md and "## 署名第1行" in md and "## 第1段" in md and "待补（配置中缺少这项事实）" in md
    assert "phrasebanks" in data and data["phrasebanks"] == []


def test_a_measure_to_write_is_not_a_missing_fact():
    """〔待补〕 for a measure no phrasebank has (``placeholder:writing``) says the drafter writes it; a reader was
    misled by 配置中缺少这项事实 there, since nothing is missing from the config."""
    draft = _draft(Block("paragraph", (Span("针对", "template"), Span("无人值守", "config:problems[0]"),
                                      Span("的问题，要", "template"),
                                      Span("〔待补：具体措施，写清谁来值守〕", "placeholder:writing"),
                                      Span("〔待补：成绩〕", "placeholder"))))
    spans = sources_data(draft, None)["paragraphs"][1]["spans"]
    assert [(s["kind"], s.get("need")) for s in spans[3:]] == [("placeholder", "writing"), ("placeholder", "config")]
    md = sources_markdown(sources_data(draft, None))
    assert "写清谁来值守〕 ← 待补（短语库中没有对症的措施，要起草人补写；配置不缺什么）" in md
    assert "〔待补：成绩〕 ← 待补（配置中缺少这项事实）" in md


def test_template_glue_and_enumerators_are_told_apart():
    draft = _draft(Block("paragraph", (Span("一是", "template:enumerator", True), Span("抓好", "template"),
                                      Span("2026", "config:year"))))
    spans = sources_data(draft, None)["paragraphs"][1]["spans"]
    assert spans[0] == {"text": "一是", "kind": "template", "source": "template:enumerator", "emphasis": True,
                        "template": None, "enumerator": True}
    assert spans[1]["template"] is None and "enumerator" not in spans[1]
    assert spans[2]["key"] == "year"
    md = sources_markdown(sources_data(draft, None))
    assert "一是 ← 模板（序号）" in md and "抓好 ← 模板\n" in md and "2026 ← 配置项 year" in md


def test_provenance_list_reads_file_and_line():
    assert provenance_list(["000_a.txt:7", "sub/x:y.txt:12", "手写"]) == [
        {"file": "000_a.txt", "line": 7}, {"file": "sub/x:y.txt", "line": 12}, {"file": "手写", "line": None}]
