"""换一句 and 锁定 through Flask's test client: a slot's alternatives on the page, 换一句 and 锁定 as config
``pins`` the library composes with, pins the draft could not use listed until removed, and the saved YAML
rendering from the command line to the page's very .docx."""

from __future__ import annotations

import html as entities
import io
import json
import re

import pytest
import yaml

from generator.checking.registry import check_lines
from tests.conftest import EXAMPLES
from tests.web.helpers import assert_no_traceback, csrf, form_fields, replace, text_of

_TEMPLATE = re.compile(r'<template id="slot-(\d+)">\s*<div class="slot-box" data-slot="([^"]+)">(.*?)</template>', re.S)


def _open(client, name: str, extra: str = "") -> str:
    html = client.get("/").get_data(as_text=True)
    content = (EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8") + extra
    r = client.post("/open", data={"csrf_token": csrf(html), "upload": (io.BytesIO(content.encode("utf-8")), "配置.yaml")},
                    content_type="multipart/form-data")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and 'id="draft"' in page, page[:2000]
    return page


def _slots(page: str) -> dict[str, tuple[str, str]]:
    """slot id → (its index on the page, the HTML of its 换一句/锁定 box)."""
    return {entities.unescape(slot): (index, body) for index, slot, body in _TEMPLATE.findall(page)}


def _button(box: str, button_id: str) -> str | None:
    m = re.search(rf'value="([^"]+)" id="{button_id}"', box)
    return entities.unescape(m.group(1)) if m else None


def _press(client, page: str, value: str, **changes: str):
    fields = form_fields(page)
    for name, v in changes.items():
        fields = replace(fields, name, v)
    fields.add("pin", value)
    return client.post("/pin", data=fields)


def _slot_text(page: str, slot: str) -> str:
    """The text of the stretch(es) of the draft that fill ``slot``."""
    index = _slots(page)[slot][0]
    parts = re.findall(rf'<span class="sp [^"]*"[^>]*data-slot="{index}"[^>]*>(.*?)</span>', page, re.S)
    return "".join(text_of(p) for p in parts)


def _same_but_opener(a: str, b: str) -> bool:
    """``a`` and ``b`` are one sentence, but for the 注重…/要… opener the draft varies."""
    strip = lambda t: re.sub(r"^(?:注重|要)", "", t)
    return strip(a) == strip(b)


def _locked(page: str, slot: str) -> bool:
    index = _slots(page)[slot][0]
    return bool(re.search(rf'<span class="sp [^"]*\blocked\b[^"]*"[^>]*data-slot="{index}"', page))


def _pins(page: str) -> dict:
    raw = entities.unescape(re.search(r'name="f.pins" value="([^"]*)"', page).group(1))
    return json.loads(raw) if raw else {}


def _errors(page: str) -> int:
    return int(re.search(r'id="error-count">(\d+)<', page).group(1))


def _library_draft(config_text: str, tmp_path, seed=None):
    from generator import load_config
    from generator.drafting.compose import compose

    cfg = tmp_path / "lib.yaml"
    cfg.write_text(config_text, encoding="utf-8")
    config = load_config(cfg)
    return config, compose(config, seed=seed, alternatives=True)


def _swappable(page: str, n: int) -> list[tuple[str, str]]:
    """``n`` slots spread over the draft whose next sentence can be compared as it stands (no 上级党委
    filled in): (slot id, the 换一句 button's value)."""
    out = []
    for slot, (_index, box) in _slots(page).items():
        value = _button(box, "btn-swap")
        if value and "上级党委" not in json.loads(value)["value"] and "上级党委" not in box:
            out.append((slot, value))
    step = max(1, len(out) // n)
    return out[::step][:n]


# ---------------------------------------------------------------- the alternatives of a slot
def test_a_slots_alternatives_are_offered_with_their_place_in_the_ring(client, tmp_path):
    page = _open(client, "shuzhi_speech")
    _config, draft = _library_draft((EXAMPLES / "shuzhi_speech.yaml").read_text(encoding="utf-8"), tmp_path)
    slots = _slots(page)
    assert set(slots) == set(draft.meta["slots"])  # every slot of the draft has its box
    offered = 0
    for slot, info in draft.meta["slots"].items():
        box = slots[slot][1]
        ring = sorted({info["chosen"], *(a["id"] for a in info["alternatives"])})
        assert f"共 {len(ring)} 句，现用第 {ring.index(info['chosen']) + 1} 句" in text_of(box)
        assert json.loads(_button(box, "btn-lock")) == {"do": "lock", "slot": slot, "value": info["chosen"]}
        if not info["alternatives"]:
            assert _button(box, "btn-swap") is None and "没有别的合适说法" in box
            continue
        k = (ring.index(info["chosen"]) + 1) % len(ring)
        texts = {a["id"]: a["text"] for a in info["alternatives"]}
        assert json.loads(_button(box, "btn-swap"))["value"] == ring[k]
        assert f"第 {k + 1}/{len(ring)} 句" in text_of(box) and entities.escape(texts[ring[k]], quote=True) in box
        offered += 1
    assert offered >= 10
    # every phrasebank sentence with a slot opens its box; the rest say why they cannot be swapped
    in_draft = {s.slot for b in draft.blocks for s in b.spans if s.slot}
    assert {int(i) for i in re.findall(r'<span class="sp [^"]*"[^>]*data-slot="(\d+)"', page)} == \
        {int(slots[s][0]) for s in in_draft}
    for kind in ("template", "config", "unit"):
        assert f'<template id="fixed-{kind}">' in page
    assert "下一版" not in text_of(page)


# ---------------------------------------------------------------- 换一句
@pytest.mark.parametrize("name", ["shuzhi_speech", "zuotan_outline"])
def test_swap_pins_the_alternative_and_the_new_draft_has_it_and_passes_the_checker(client, tmp_path, name):
    page = _open(client, name)
    assert _errors(page) == 0
    swapped: set[str] = set()
    for _round in range(3):
        # a slot of the page as it is now: a swap may redraw unlocked sentences elsewhere (their slots can go)
        slot = next(s for s, _v in _swappable(page, 1000) if s not in swapped)
        swapped.add(slot)
        value = _button(_slots(page)[slot][1], "btn-swap")  # as the page shows it now, the earlier swaps made
        wanted = json.loads(value)["value"]
        alt_text = text_of(re.search(r'<q class="next-text">(.*?)</q>', _slots(page)[slot][1], re.S).group(1))
        before = _slot_text(page, slot)
        r = _press(client, page, value)
        new = r.get_data(as_text=True)
        assert r.status_code == 200, new[:2000]
        assert_no_traceback(new)
        assert _pins(new)[slot] == wanted
        assert _slot_text(new, slot) == alt_text != before
        assert _locked(new, slot) and "已换一句" in new
        assert f'data-selected="{_slots(new)[slot][0]}"' in new  # the same place shown again
        assert _errors(new) == 0
        page = new
    # the checker, run as the page runs it, on the library's draft of the saved config
    saved = client.post("/download/yaml", data=form_fields(page)).get_data(as_text=True)
    config, draft = _library_draft(saved, tmp_path)
    findings = check_lines(draft.paragraphs, year=config.year, target_length=draft.meta.get("target"),
                           level=config.level or None, meeting_type=config.type)
    assert [f for f in findings if f.severity == "error"] == []
    assert draft.meta["pins_unused"] == {}


def test_pressing_swap_again_and_again_goes_round_the_ring(client):
    page = _open(client, "shuzhi_speech")
    slot = next(s for s, (_i, box) in _slots(page).items()
                if _button(box, "btn-swap") and re.search(r"共 [4-7] 句", box) and "上级党委" not in box)
    seen = [_slot_text(page, slot)]
    for _ in range(3):
        page = _press(client, page, _button(_slots(page)[slot][1], "btn-swap")).get_data(as_text=True)
        seen.append(_slot_text(page, slot))
    assert len(set(seen)) == 4, seen  # each press a sentence not yet seen there


# ---------------------------------------------------------------- 锁定 and 解锁
def test_a_locked_sentence_is_kept_when_drafted_with_another_seed(client, tmp_path):
    text = (EXAMPLES / "shuzhi_speech.yaml").read_text(encoding="utf-8")
    _c, first = _library_draft(text, tmp_path)
    _c, other = _library_draft(text, tmp_path, seed=11)
    moved = [s for s, info in first.meta["slots"].items()
             if s in other.meta["slots"] and other.meta["slots"][s]["chosen"] != info["chosen"]]
    assert moved, "seed 11 changes no sentence"
    slot = moved[len(moved) // 2]
    page = _open(client, "shuzhi_speech")
    kept = _slot_text(page, slot)
    assert not _locked(page, slot)
    page = _press(client, page, _button(_slots(page)[slot][1], "btn-lock")).get_data(as_text=True)
    assert _pins(page) == {slot: first.meta["slots"][slot]["chosen"]}
    assert _locked(page, slot) and _button(_slots(page)[slot][1], "btn-unlock")
    assert 'id="pins-count">1<' in page and 'id="pins-used">1<' in page
    page = client.post("/generate", data=replace(form_fields(page), "f.seed", "11")).get_data(as_text=True)
    # the same sentence; the draft's own edit of a repeated opener (a second 注重… says 要…) applies to it as to
    # every sentence, so only the opener may differ with what came before it
    assert _same_but_opener(_slot_text(page, slot), kept) and _locked(page, slot)
    # 解锁: the pin goes, and the seed's own choice comes back
    page = _press(client, page, _button(_slots(page)[slot][1], "btn-unlock")).get_data(as_text=True)
    assert _pins(page) == {} and not _locked(page, slot)
    assert _slot_text(page, slot) != kept and "没有锁定的句子" in page


def test_the_users_own_sentence_locked_in_a_slot_is_shown_as_such(client):
    page = _open(client, "shuzhi_speech")
    slot = next(iter(_slots(page)))
    own = "同志们，今天的会议很重要，大家要认真听、认真记。"
    page = _open(client, "shuzhi_speech", f"pins:\n  '{slot}': {own}\n")
    assert _slot_text(page, slot) == own and _locked(page, slot)
    box = _slots(page)[slot][1]
    assert "现用自己写的句子" in box and _button(box, "btn-unlock")
    sources = json.loads(re.search(r'id="sources-data">(.*?)</script>', page, re.S).group(1))
    assert any(dict(rows).get("说明", "").startswith("自己写的句子，锁定在这个位置") for rows in sources.values())


# ---------------------------------------------------------------- pins the draft could not use
def test_an_unusable_pin_is_listed_with_its_reason_kept_and_removed_on_request(client, tmp_path, runner):
    from generator.cli import cli

    page = _open(client, "shuzhi_speech")
    fits_not = next(s for s in _slots(page) if s.startswith("评价@"))
    other = json.loads(_button(_slots(page)[next(s for s in _slots(page) if s.startswith("开头@"))][1], "btn-lock"))
    extra = f"pins:\n  要求@没有这个小标题#1: 一句原文。\n  '{fits_not}': {other['value']}\n"
    page = _open(client, "shuzhi_speech", extra)
    listed = re.search(r'<section class="panel" id="pins-unused".*?</section>', page, re.S)
    assert listed, "the unused pins are not listed"
    shown = text_of(listed.group(0))
    assert "没有用上的锁定（2 处）" in shown
    assert "要求@没有这个小标题#1" in shown and "稿中已没有这个位置" in shown
    assert fits_not in shown and "已不合适" in shown
    assert "2 处锁定的句子没有用上" in page and "2 处没有用上" in page
    # never dropped silently: the saved YAML keeps both, and render says so
    saved = client.post("/download/yaml", data=form_fields(page)).get_data(as_text=True)
    assert set(yaml.safe_load(saved)["pins"]) == {"要求@没有这个小标题#1", fits_not}
    cfg = tmp_path / "c.yaml"
    cfg.write_text(saved, encoding="utf-8")
    result = runner.invoke(cli, ["render", str(cfg), "-o", str(tmp_path / "a.md")])
    assert result.exit_code == 0 and result.output.count("没有用上") == 2, result.output
    # 移除 takes out that one pin only
    drop = entities.unescape(re.search(r'value="([^"]+)" class="small" id="drop-1"', listed.group(0)).group(1))
    page = _press(client, page, drop).get_data(as_text=True)
    assert "已移除没有用上的锁定" in page and len(_pins(page)) == 1
    assert "没有用上的锁定（1 处）" in text_of(page)
    saved = client.post("/download/yaml", data=form_fields(page)).get_data(as_text=True)
    assert len(yaml.safe_load(saved)["pins"]) == 1


# ---------------------------------------------------------------- the saved YAML and the command line
def test_the_yaml_with_pins_renders_from_the_command_line_to_the_pages_docx(client, tmp_path, runner):
    from generator.cli import cli

    page = _open(client, "dianping")
    (slot, value), (slot2, _v) = _swappable(page, 2)[:2]
    page = _press(client, page, value).get_data(as_text=True)
    page = _press(client, page, _button(_slots(page)[slot2][1], "btn-lock")).get_data(as_text=True)
    assert set(_pins(page)) == {slot, slot2}
    fields = form_fields(page)
    cfg = tmp_path / "配置.yaml"
    cfg.write_bytes(client.post("/download/yaml", data=fields).data)
    docx = client.post("/download/docx", data=fields)
    assert docx.status_code == 200
    out = tmp_path / "讲话.docx"
    result = runner.invoke(cli, ["render", str(cfg), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "没有用上" not in result.output
    assert out.read_bytes() == docx.data
    md = client.post("/download/md", data=fields).get_data(as_text=True)
    assert _slot_text(page, slot) in md


# ---------------------------------------------------------------- refused requests
@pytest.mark.parametrize("value", ["", "not json", "[1, 2]", '{"do": "format", "slot": "x"}', '{"do": "swap", "slot": "x"}',
                                   json.dumps({"do": "lock", "slot": "x" * 81, "value": "y"})])
def test_a_request_the_page_never_makes_is_refused_with_a_message(client, value):
    page = _open(client, "shuzhi_speech")
    r = _press(client, page, value)
    text = r.get_data(as_text=True)
    assert r.status_code == 400 and "无法识别要换或锁定的句子" in text
    assert_no_traceback(text)


def test_pins_that_are_not_a_mapping_are_not_edited(client):
    page = _open(client, "shuzhi_speech")
    fields = replace(form_fields(page), "f.pins", '["a", "b"]')
    fields.add("pin", json.dumps({"do": "lock", "slot": "评价@#1", "value": "x"}))
    r = client.post("/pin", data=fields)
    assert r.status_code == 400 and "页面无法修改" in r.get_data(as_text=True)


def test_a_pin_request_without_the_csrf_token_is_refused(client):
    page = _open(client, "shuzhi_speech")
    fields = replace(form_fields(page), "csrf_token")
    fields.add("pin", json.dumps({"do": "unlock", "slot": "评价@#1"}))
    r = client.post("/pin", data=fields)
    assert r.status_code == 400 and "安全校验未通过" in r.get_data(as_text=True)
