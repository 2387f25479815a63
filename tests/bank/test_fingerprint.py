"""Tests for the corpus fingerprint index: determinism, round trip, run and sentence queries, scale."""

from __future__ import annotations

import gzip
import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.corpus.reader import parse_text, read_corpus
from generator.errors import InputError
from generator.bank.fingerprint import (FILENAME, K, W, FingerprintIndex, build_index, fingerprint_speech, normalise,
                                   normalised, sentence_hash, shingle_hashes, winnow)
from generator.zh import split_at_marks as sentences

CHARS = "党建工作基层组织责任落实推动全面进步过硬政治思想队伍作风纪律乡村振兴治理教育管理"


def _index_of(texts: dict[str, str]) -> FingerprintIndex:
    return build_index((name, fingerprint_speech(text)) for name, text in texts.items())


def test_normalise_drops_punctuation_width_and_case_and_maps_back():
    norm, where = normalise("党建，ＡＢ 1２。")
    assert norm == "党建ab12"
    assert [ "党建，ＡＢ 1２。"[i] for i in where] == ["党", "建", "Ａ", "Ｂ", "1", "２"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("党建工作，。！？；!?;：、ＡＢab１2①½㎡ﬁ\u3000\u2028 \n\t“”XX*")
               | st.characters(), max_size=60))
def test_fast_paths_agree_with_the_character_by_character_definition(text):
    """normalised, the doubling winnow and the one-pass fingerprint equal their plain definitions."""
    import unicodedata

    plain = "".join(c for ch in text for c in unicodedata.normalize("NFKC", ch).lower() if c.isalnum())
    assert normalised(text) == normalise(text)[0] == plain
    hashes = shingle_hashes(plain)
    windows = [min(hashes[i:i + W]) for i in range(len(hashes) - W + 1)]
    assert winnow(hashes) == (set(hashes) if len(hashes) <= W else set(windows))
    sent = {h for line in text.splitlines() for s in sentences(line) if (h := sentence_hash(s)) is not None}
    assert fingerprint_speech(text) == {"shingles": sorted(winnow(hashes)), "sentences": sorted(sent)}


def test_save_is_deterministic_and_round_trips(tmp_path, seeds_dir):
    parts = [(p.name, fingerprint_speech(p.read_text(encoding="utf-8"))) for p in sorted(seeds_dir.glob("*.txt"))]
    a = build_index(parts).save(tmp_path / "a")
    b = build_index(reversed(parts)).save(tmp_path / "b")  # worker order must not matter
    assert a.name == FILENAME and a.read_bytes() == b.read_bytes()
    assert a.read_bytes()[4:8] == b"\0\0\0\0"  # gzip mtime 0
    loaded = FingerprintIndex.load(a)
    assert loaded.to_dict() == build_index(parts).to_dict()
    assert loaded.sources == tuple(sorted(p for p, _ in parts))


def test_fingerprint_of_speech_and_text_agree():
    text = "标题\n第一段文字，要持续深化党建引领基层治理。\n第二段。"
    assert fingerprint_speech(text) == fingerprint_speech(text)
    speech = parse_text(text, "x.txt")
    fp = fingerprint_speech(speech)
    assert fp["shingles"] == sorted(fp["shingles"]) and fp["sentences"]


def test_runs_find_copied_stretch_and_its_source():
    rng = random.Random(1)
    a = "".join(rng.choice(CHARS) for _ in range(400))
    b = "".join(rng.choice(CHARS) for _ in range(400))
    index = _index_of({"a.txt": a, "b.txt": b})
    draft = "这是开头的新话。" + a[100:180] + "。这是结尾的新话"
    runs = index.runs(draft, min_length=50)
    assert runs and runs[0].source == "a.txt" and runs[0].length >= 80 - 2 * (W - 1)
    assert a[100:180].startswith(draft[runs[0].start:runs[0].start + 5]) or runs[0].start >= 8
    assert index.runs("完全不同的一句话，和语料没有关系。", min_length=1) == []


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 300), st.integers(K + W - 1, 60), st.integers(0, 10_000))
def test_any_shared_run_of_guaranteed_length_is_found(start, length, seed):
    rng = random.Random(seed)
    source = "".join(rng.choice(CHARS) for _ in range(400))
    index = _index_of({"s.txt": source})
    assert index.runs("甲乙丙" + source[start:start + length] + "丁戊己")


def test_sentence_sources():
    index = _index_of({"a.txt": "同志们：\n我们要持续深化党建引领基层治理，推动全面进步。\n散会。",
                       "b.txt": "我们要持续深化党建引领基层治理,推动全面进步!"})
    assert index.sentence_sources("我们要持续深化党建引领基层治理，推动全面进步") == ("a.txt", "b.txt")
    assert index.sentence_sources("同志们") is None  # too short to count
    assert index.sentence_sources("完全不同的一句很长的话在这里") == ()
    assert sentence_hash("短句") is None


def test_load_errors(tmp_path):
    with pytest.raises(InputError):
        FingerprintIndex.load(tmp_path / "missing.json.gz")
    bad = tmp_path / "bad.json.gz"
    bad.write_bytes(gzip.compress(b'{"format": "other"}'))
    with pytest.raises(InputError):
        FingerprintIndex.load(bad)
    bad.write_bytes(b"not gzip")
    with pytest.raises(InputError):
        FingerprintIndex.load(bad)


@pytest.mark.slow
def test_gwr_index_builds_in_reasonable_time(gwr_dir, tmp_path):
    start = time.perf_counter()
    parts = [(p.name, fingerprint_speech(s)) for p, s in read_corpus([gwr_dir]) if not isinstance(s, InputError)]
    index = build_index(parts)
    path = index.save(tmp_path)
    elapsed = time.perf_counter() - start
    assert len(index) >= 40 and elapsed < 300
    assert path.stat().st_size < 20_000_000
