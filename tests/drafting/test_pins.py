"""Slots, alternatives and pins (the workbench's 换一句 and 锁定): drafting's side."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.checking.registry import check_lines
from generator.drafting.compose import compose
from generator.drafting.config import Config, load_config

ROOT = Path(__file__).resolve().parents[2]
TYPES = ("shuzhi_speech", "dianping", "zuotan_outline", "dangjian_meeting")


def _config(name: str) -> Config:
    return load_config(ROOT / "examples" / f"{name}.yaml")


def _with(config: Config, **values) -> Config:
    data = dict(config._values)
    data.update(values)
    return Config(data, source=config.source, lines=config.lines, points_given=config.points_given,
                  extra=config.extra)


def _slot_text(draft, slot: str) -> str:
    return "".join(s.text for b in draft.blocks for s in b.spans if s.slot == slot)


def _errors(draft, config) -> list:
    found = check_lines(draft.paragraphs, year=config.year, target_length=draft.meta.get("target"),
                        level=config.level or None, meeting_type=config.type)
    return [f for f in found if f.severity == "error" and f.rule not in ("placeholder", "length")]


@pytest.mark.parametrize("name", TYPES)
def test_every_whole_phrase_has_a_slot_and_alternatives_fit(name):
    config = _config(name)
    draft = compose(config, alternatives=True)
    slots = draft.meta["slots"]
    phrase_spans = [s for b in draft.blocks for s in b.spans if s.slot]
    assert phrase_spans and {s.slot for s in phrase_spans} <= set(slots)
    assert len({s.slot for s in phrase_spans}) == len([k for k in slots if _slot_text(draft, k)])
    for slot, info in slots.items():
        assert "#" in slot and "@" in slot
        ids = [a["id"] for a in info["alternatives"]]
        assert info["chosen"] not in ids and len(ids) == len(set(ids))
    assert any(info["alternatives"] for info in slots.values())


@pytest.mark.parametrize("name", TYPES)
def test_asking_for_alternatives_changes_nothing_in_the_draft(name):
    config = _config(name)
    assert compose(config, alternatives=True).paragraphs == compose(config).paragraphs


@pytest.mark.parametrize("name", TYPES)
def test_an_alternative_pinned_is_what_the_slot_then_says_and_the_draft_still_checks(name):
    config = _config(name)
    slots = compose(config, alternatives=True).meta["slots"]
    slot, info = next((k, v) for k, v in slots.items() if v["alternatives"])
    alt = info["alternatives"][0]
    pinned = _with(config, pins={slot: alt["id"]})
    draft = compose(pinned, alternatives=True)
    assert draft.meta["slots"][slot]["chosen"] == alt["id"]
    assert draft.meta["pins_unused"] == {}
    assert _slot_text(draft, slot)
    assert _errors(draft, pinned) == []
    # and the same pins give the same draft from any process: deterministic
    assert compose(pinned).paragraphs == draft.paragraphs


def test_a_lock_survives_another_seed():
    config = _config("shuzhi_speech")
    slots = compose(config, alternatives=True).meta["slots"]
    slot = next(k for k in slots if k.startswith("开头@"))
    text = slots[slot]["text"]
    locked = _with(config, pins={slot: slots[slot]["chosen"]}, seed=7)
    draft = compose(locked)
    assert draft.meta["pins_unused"] == {}
    assert text in _slot_text(draft, slot)


def test_the_users_own_sentence_is_used_as_written_with_its_source():
    config = _config("zuotan_outline")
    slots = compose(config, alternatives=True).meta["slots"]
    slot = next(iter(slots))
    own = "这句话是我们办公室自己改写的。"
    draft = compose(_with(config, pins={slot: own}))
    spans = [s for b in draft.blocks for s in b.spans if s.slot == slot]
    assert [s.text for s in spans] == [own]
    assert spans[0].source == f"config:pins.{slot}"


def test_pins_that_cannot_be_used_are_reported_not_dropped():
    config = _config("shuzhi_speech")
    slots = compose(config, alternatives=True).meta["slots"]
    slot = next(k for k in slots if k.startswith("要求@"))
    opening = next(k for k in slots if k.startswith("开头@"))
    pins = {"要求@没有这个要点#1": slots[slot]["chosen"],  # no such place in this draft
            slot: slots[opening]["chosen"]}  # an opening sentence is no body sentence
    draft = compose(_with(config, pins=pins))
    unused = draft.meta["pins_unused"]
    assert set(unused) == set(pins)
    assert "没有这个位置" in unused["要求@没有这个要点#1"]
    assert "不合适" in unused[slot]


def test_render_says_which_pins_were_not_used(tmp_path):
    from generator.jobs import render_command

    text = (ROOT / "examples" / "dianping.yaml").read_text(encoding="utf-8")
    path = tmp_path / "c.yaml"
    path.write_text(text + "\npins:\n  评价@没有这位同志#1: evaluation.0001\n", encoding="utf-8")
    result = render_command(path, str(tmp_path / "out.md"))
    assert any("pins 中锁定的“评价@没有这位同志#1”没有用上" in line for line in result.summary_lines)


@pytest.mark.parametrize("text, name, expected", [
    ("联合党支部覆盖6家合作社", "茶叶专业合作社联合党支部", True),  # a tail that names it: no 在……，
    ("云雾村党支部领办合作社", "云雾村", True),  # the whole name
    ("社区网格员每天巡查", "锦江社区", False),  # 社区 alone does not name 锦江社区
    ("站点骑手86名", "美团城东站点", False),
    ("村里有党员41名", "石门村", False),
])
def test_a_description_names_its_place_only_by_enough_of_the_name(text, name, expected):
    from generator.drafting.template_api import TemplateApi

    assert TemplateApi.opens_with(None, text, name) is expected  # type: ignore[arg-type]


def test_a_point_in_the_users_own_words_gets_heads_on_its_matter_only():
    from generator.bank.entries import load_phrasebank
    from generator.bank.matter import matters_for
    from generator.zh import strip_enumerator

    config = _config("shuzhi_speech")
    point = "高质量完成村（社区）“两委”换届"
    own = _with(config, points=["政治建设", point, "责任落实"], problems=[])
    draft = compose(own)
    matters = matters_for(load_phrasebank())
    hm = matters.head(point)
    blocks = list(draft.blocks)
    start = next(i for i, b in enumerate(blocks) if b.kind == "heading" and point in b.text)
    end = next(i for i in range(start + 1, len(blocks)) if blocks[i].kind == "heading" and blocks[i].level == 1)
    heads = [s.text for b in blocks[start:end] for s in b.spans if s.emphasis and s.source.startswith("phrase:")
             and b.kind == "paragraph"]
    assert heads, [b.text for b in blocks[start:end]]
    for head in heads:
        assert matters.carried(hm, strip_enumerator(head)), head


def test_a_point_the_phrasebank_knows_nothing_of_gets_a_head_the_drafter_writes():
    config = _config("zuotan_outline")
    point = "推动无人机植保合作社规范运营"
    draft = compose(_with(config, points=["组织建设", point], problems=[]))
    text = "\n".join(draft.paragraphs)
    assert f"〔待补：围绕“{point}”的具体要求〕" in text or "无人机" in text
