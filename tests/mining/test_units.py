"""Units below the sentence, mined in the same pass as the entries (generator.mining.units)."""

from __future__ import annotations

import re

import pytest

from generator.bank.units import UNIT_KINDS, load_units, load_vocabulary
from generator.corpus import read_speech
from generator.mining.extract import extract_speech
from generator.mining.miner import content_ids, mine
from generator.mining.units import Units, clause_units


@pytest.fixture(scope="module")
def seed_units(seeds_dir):
    units = Units()
    for path in sorted(seeds_dir.iterdir()):
        extract_speech(read_speech(path), units)
    return units


def test_a_head_keeps_the_body_written_under_it(seed_units):
    heads = {text: body for kind, text, body, *_ in seed_units.items if kind == "head"}
    body = heads["深化理论武装，在学懂弄通做实上持续用力"]
    assert body[0].startswith("必须坚持不懈用习近平新时代中国特色社会主义思想凝心铸魂")
    assert body[1].startswith("要健全常态化学习机制")
    # a heading's body stops at the next head: 严明政治纪律 has its own
    assert not any("政治纪律这根弦" in s for s in body)
    assert any("政治纪律这根弦" in s for s in heads["严明政治纪律，在净化政治生态上持续用力"])


def test_clauses_split_where_the_corpus_splits_them():
    got = clause_units("要健全常态化学习机制，依托党委（党组）理论学习中心组、党支部“三会一课”、主题党日等载体，"
                       "组织党员干部读原著、学原文、悟原理，确保学深悟透。")
    assert got == [("measure", "健全常态化学习机制"),
                   ("measure", "依托党委（党组）理论学习中心组、党支部“三会一课”、主题党日等载体"),
                   ("measure", "组织党员干部读原著、学原文、悟原理"), ("purpose", "确保学深悟透")]
    # a quotation is never cut at its inner comma; a judgement is told from a measure
    assert clause_units("抓好党建是最大的政绩，“基础不牢，地动山摇”。") == [("judgement", "抓好党建是最大的政绩")]
    assert ("judgement", "责任落实是推动工作的关键") in clause_units("责任落实是推动工作的关键，要压紧压实。")


def test_units_carry_matter_level_slots_and_local_marks(seed_units):
    items = seed_units.items
    assert {kind for kind, *_ in items} <= set(UNIT_KINDS)
    by_text = {text: (matter, local) for _k, text, _b, matter, _t, local, _s, _types in items}
    matter, _ = by_text["健全常态化学习机制"]
    assert "学习" in matter and all(re.fullmatch(r"[\u4e00-\u9fff]{2,}", w) for w in matter)
    # 全区 / 区委 were generalised to slots, as in entries
    assert any("{place}" in text or "{scope}" in text or "{committee}" in text for text in by_text)
    assert all("全区" not in text and "全县" not in text for text in by_text)
    # numbers and quoted local names are marked, not dropped
    local = [(text, loc) for text, (_m, loc) in by_text.items() if loc]
    assert all(("{n}" in text) == ("{n}" in loc) for text, loc in local)
    assert seed_units.words and all(n >= 1 for n in seed_units.words.values())


def test_content_ids_do_not_move_when_texts_are_added():
    before = content_ids("point", ["甲", "乙", "丙"])
    after = content_ids("point", ["丁", "甲", "乙", "戊", "丙"])
    assert all(after[t] == before[t] for t in before)
    assert all(re.fullmatch(r"point\.[0-9a-f]{8}", i) for i in after.values())


def test_digest_clashes_get_longer_ids_for_all_their_texts(monkeypatch):
    import generator.mining.miner as miner

    monkeypatch.setattr(miner, "_digest", lambda prefix, text: ("abcdef12" + ("0" if text == "甲" else "1")) * 4)
    ids = miner.content_ids("point", ["甲", "乙"])
    assert ids["甲"] != ids["乙"] and all(len(i.split(".")[1]) == 12 for i in ids.values())


def test_mined_folder_has_units_and_vocabulary_the_loader_accepts(seeds_dir, tmp_path):
    out = tmp_path / "pb"
    report = mine([seeds_dir], out)
    assert report.units > 50 and "另有单元" in report.summary()
    units = load_units(out / "units.yaml")
    assert len(units) == report.units and len({u.id for u in units}) == len(units)
    heads = [u for u in units if u.kind == "head"]
    assert heads and all(u.id.startswith("head.") for u in heads)
    assert sum(bool(u.body) for u in heads) >= 0.7 * len(heads)  # a few heads only announce their section
    assert all(u.sources and re.fullmatch(r".+\.txt:\d+", u.sources[0]) for u in units)
    vocabulary = load_vocabulary(out / "vocabulary.json")
    assert vocabulary["理论武装"] >= 1
    # the words of the built-in curated texts are there too (0 when the corpus lacks them)
    assert "第一议题" in vocabulary


@pytest.mark.parametrize("text, words", [
    ("- id: head.1ab3991a\n  kind: nonsense\n  text: 甲乙\n", "种类"),
    ("- id: Head-1\n  kind: head\n  text: 甲乙\n", "编号"),
    ("- id: measure.1ab3991a\n  kind: measure\n  text: 甲乙\n  body: [丙]\n", "body"),
    ("- id: head.1ab3991a\n  kind: head\n  text: 甲{town}\n", "town"),
    ("- id: head.1ab3991a\n  kind: head\n  text: 甲\n- id: head.1ab3991a\n  kind: head\n  text: 乙\n", "重复"),
    ("- id: head.1ab3991a\n  kind: head\n  text: 甲\n  colour: red\n", "colour"),
])
def test_bad_units_are_refused_naming_file_and_line(tmp_path, text, words):
    from generator.errors import InputError

    path = tmp_path / "units.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_units(path)
    assert words in str(info.value) and "units.yaml" in str(info.value)


def test_a_broken_vocabulary_is_refused(tmp_path):
    from generator.errors import InputError

    path = tmp_path / "vocabulary.json"
    path.write_text('{"format": "other"}', encoding="utf-8")
    with pytest.raises(InputError, match="词表"):
        load_vocabulary(path)
