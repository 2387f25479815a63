"""The user's cache (generator/cache.py): compiled phrasebanks, parsed data files and Jinja bytecode."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest

from generator import cache
from generator.bank import entries
from generator.bank.entries import load_phrasebank, parse_phrasebank
from generator.errors import InputError

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cache_root(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV, str(folder))
    cache._dir_checked.clear()
    entries._MEMO.clear()
    yield folder
    cache._dir_checked.clear()
    entries._MEMO.clear()


def _entry_file(folder: Path, text: str, entry_id: str = "point.0001") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "mine.yaml"
    path.write_text(f"- id: {entry_id}\n  category: point\n  text: {text}\n", encoding="utf-8")
    return path


def test_a_loaded_phrasebank_equals_a_parsed_one_and_is_stored(cache_root):
    bank = load_phrasebank()
    assert bank == parse_phrasebank()
    stored = list(cache_root.glob("phrasebank-*.pickle"))
    assert len(stored) == 1
    assert oct(cache_root.stat().st_mode & 0o777) == oct(0o700)
    entries._MEMO.clear()
    again = load_phrasebank()  # from the stored entry, not parsed
    assert again == bank and again is not bank
    assert again.get(bank.entries[0].id) == bank.entries[0]


def test_a_changed_file_is_never_served_stale(cache_root, tmp_path):
    user = tmp_path / "我的短语"
    path = _entry_file(user, "加强流动党员管理")
    first = load_phrasebank([user])
    assert first.get("我的短语:point.0001").text == "加强流动党员管理"
    path.write_text(path.read_text(encoding="utf-8").replace("流动党员", "村级组织"), encoding="utf-8")
    second = load_phrasebank([user])
    assert second.get("我的短语:point.0001").text == "加强村级组织管理"


def test_a_broken_file_is_reported_every_time_never_cached(cache_root, tmp_path):
    user = tmp_path / "u"
    path = _entry_file(user, "加强流动党员管理")
    path.write_text("- id: point.0001\n  category: nope\n  text: x\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(InputError) as err:
            load_phrasebank([user])
        assert err.value.line == 2
    assert not list(cache_root.glob("phrasebank-*.pickle"))


def test_a_damaged_or_foreign_entry_is_ignored(cache_root):
    bank = load_phrasebank()
    (stored,) = cache_root.glob("phrasebank-*.pickle")
    for junk in (b"", b"not a pickle", pickle.dumps(("another key", "x")), pickle.dumps([1, 2])):
        stored.write_bytes(junk)
        entries._MEMO.clear()
        assert load_phrasebank() == bank


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_folder_others_may_write_is_not_used(tmp_path, monkeypatch):
    folder = tmp_path / "shared-cache"
    folder.mkdir()
    folder.chmod(0o777)
    monkeypatch.setenv(cache.ENV, str(folder))
    cache._dir_checked.clear()
    assert cache.cache_dir() is None
    cache._dir_checked.clear()


@pytest.mark.parametrize("value", ["off", "0", ""])
def test_caching_can_be_turned_off(value, tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV, value)
    cache._dir_checked.clear()
    assert cache.cache_dir() is None
    entries._MEMO.clear()
    assert load_phrasebank() == parse_phrasebank()


def test_an_unwritable_place_only_means_no_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv(cache.ENV, str(blocker / "cache"))  # under a regular file: cannot be made
    cache._dir_checked.clear()
    entries._MEMO.clear()
    assert cache.cache_dir() is None
    assert load_phrasebank() == parse_phrasebank()
    cache._dir_checked.clear()


def test_a_folder_with_a_link_or_fifo_is_parsed_not_keyed(cache_root, tmp_path):
    user = tmp_path / "u"
    _entry_file(user, "加强流动党员管理")
    assert entries._bank_key([user], True) is not None
    os.symlink(user / "mine.yaml", user / "link.yaml")
    assert entries._bank_key([user], True) is None
    (user / "link.yaml").unlink()
    if hasattr(os, "mkfifo"):
        os.mkfifo(user / "pipe.yaml")
        assert entries._bank_key([user], True) is None


def test_entries_beyond_the_limit_are_pruned_least_recent_first(cache_root):
    for i in range(cache.MAX_ENTRIES + 5):
        cache.store(cache.Key("test").text(str(i)), i)
    kept = list(cache_root.glob("test-*.pickle"))
    assert len(kept) == cache.MAX_ENTRIES
    assert cache.load(cache.Key("test").text(str(cache.MAX_ENTRIES + 4))) == cache.MAX_ENTRIES + 4
    assert cache.load(cache.Key("test").text("0")) is None


def test_the_key_covers_the_code_that_reads(cache_root, tmp_path):
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text("x = 1\n")
    b.write_text("x = 2\n")

    class M:
        __name__ = "m"

    ma, mb = M(), M()
    ma.__file__, mb.__file__ = str(a), str(b)
    assert cache.Key("k").code(ma).hexdigest() != cache.Key("k").code(mb).hexdigest()


def test_yaml_data_files_are_served_from_the_cache_as_fresh_copies(cache_root, tmp_path):
    from generator.loader import load_yaml

    path = tmp_path / "data.yaml"
    path.write_text("- a: 1\n- b: [2, 3]\n", encoding="utf-8")
    first = load_yaml(path)
    first.value.append("changed by a caller")
    second = load_yaml(path)
    assert second.value == [{"a": 1}, {"b": [2, 3]}]
    assert second.seq()[1].line == 2
    path.write_text("- a: 9\n", encoding="utf-8")
    assert load_yaml(path).value == [{"a": 9}]


def test_jinja_bytecode_is_kept_and_a_render_survives_an_unwritable_cache(cache_root, tmp_path, monkeypatch):
    from generator.drafting.compose import compose
    from generator.drafting.config import load_config

    config = load_config(ROOT / "examples" / "zuotan_outline.yaml")
    first = compose(config).paragraphs
    assert list(cache_root.glob("jinja-*/__jinja2_*.cache"))
    for sub in cache_root.glob("jinja-*"):
        shutil.rmtree(sub)
        sub.write_text("now a file")  # the bytecode folder cannot be used any more
    cache._jinja.clear()
    assert compose(config).paragraphs == first
