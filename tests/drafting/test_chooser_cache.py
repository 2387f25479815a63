"""What a Pools works out, kept in the user's cache between processes (chooser.save_pools / Pools.load_saved)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import cache
from generator.bank import entries, matter
from generator.bank.entries import load_phrasebank, parse_phrasebank
from generator.drafting import chooser
from generator.drafting.compose import compose
from generator.drafting.packs import extends_chain, find_packs
from generator.jobs import load

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "examples" / "dianping.yaml"


def _forget() -> None:
    """A new process, as far as the in-process memos go (the user's cache stays)."""
    chooser._POOLS.clear()
    matter._BY_BANK.clear()
    entries._MEMO.clear()


@pytest.fixture
def cache_root(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV, str(folder))
    cache._dir_checked.clear()
    _forget()
    yield folder
    cache._dir_checked.clear()
    _forget()


def _types(config) -> set[str]:
    """The meeting types compose asks a Pools for: the config's and those of the packs its pack extends."""
    packs = find_packs()
    return {config.type, *(p.id for p in extends_chain(packs[config.type], packs))}


def _pools(config, bank):
    return chooser.pools_for(bank, config.year, _types(config), config.level)


def _composed(config, phrase_dirs=()):
    """(draft, its Pools) of a compose as a render makes it, then what the render keeps."""
    bank = load_phrasebank(phrase_dirs)
    draft = compose(config, bank=bank)
    pools = _pools(config, bank)
    chooser.save_pools()
    return draft, pools


def test_a_saved_pools_is_read_back_as_it_was_worked_out(cache_root):
    config = load(CONFIG)
    draft, worked = _composed(config)
    assert len(list(cache_root.glob("pools-*.pickle"))) == 1
    state = worked._state()
    _forget()
    bank = load_phrasebank()
    loaded = _pools(config, bank)
    assert loaded._saved_size == worked._size() > 0
    assert loaded._state() == state
    # the candidates are the phrasebank's own entries, not copies
    own = {id(e) for e in bank.entries}
    base = [e for pool in loaded._by_category.values() for e in pool]
    assert base and all(id(e) in own for e in base)
    assert compose(config, bank=bank) == draft


def test_the_same_draft_with_a_saved_pools_without_one_and_with_no_cache(cache_root, monkeypatch):
    config = load(CONFIG)
    first, _ = _composed(config)
    _forget()
    second, pools = _composed(config)
    assert pools._saved_size > 0  # it started from the saved state
    _forget()
    monkeypatch.setenv(cache.ENV, "off")
    cache._dir_checked.clear()
    third, pools = _composed(config)
    assert pools._saved_size == 0
    assert first == second == third


def test_a_changed_phrasebank_is_never_served_a_stale_pools(cache_root, tmp_path):
    user = tmp_path / "我的短语"
    user.mkdir()
    path = user / "mine.yaml"
    path.write_text("- id: point.0001\n  category: point\n  text: 一要加强流动党员管理\n", encoding="utf-8")
    config = load(CONFIG)
    _composed(config, [user])
    _forget()
    path.write_text(path.read_text(encoding="utf-8").replace("流动党员", "村级组织"), encoding="utf-8")
    bank = load_phrasebank([user])
    pools = _pools(config, bank)
    assert pools._saved_size == 0  # another phrasebank content: worked out afresh
    assert [e.text for e in pools._base("point") if e.id == "我的短语:point.0001"] == ["一要加强村级组织管理"]


def test_the_key_covers_year_types_level_and_code(cache_root, monkeypatch):
    config = load(CONFIG)
    bank = load_phrasebank()
    key = _pools(config, bank)._saved_key().hexdigest()
    types = _types(config)
    others = [chooser.Pools(bank, config.year + 1, types, config.level),
              chooser.Pools(bank, config.year, types | {"zuotan_outline"}, config.level),
              chooser.Pools(bank, config.year, types, "乡镇" if config.level != "乡镇" else "县")]
    assert len({key, *(p._saved_key().hexdigest() for p in others)}) == 4
    real_code = cache.Key.code

    def other_code(self, *modules):
        real_code(self, *modules)
        return self.text("edited")

    monkeypatch.setattr(cache.Key, "code", other_code)
    assert _pools(config, bank)._saved_key().hexdigest() != key


def test_a_damaged_or_foreign_entry_is_ignored(cache_root):
    config = load(CONFIG)
    want, _ = _composed(config)
    (stored,) = cache_root.glob("pools-*.pickle")
    good = stored.read_bytes()
    bank = load_phrasebank()
    key = _pools(config, bank)._saved_key()
    foreign = [(9, 9, 9), b"not a pickle"]
    for value in [(tuple(map(len, _pools(config, bank)._tables())), cache.pickled({"groups": []})),
                  (tuple(map(len, _pools(config, bank)._tables())), b"\x80\x05garbage"), tuple(foreign)]:
        cache.store(key, value)
        _forget()
        bank = load_phrasebank()
        assert _pools(config, bank)._saved_size == 0
        assert compose(config, bank=bank) == want
    stored.write_bytes(good[: len(good) // 2])  # a truncated file
    _forget()
    bank = load_phrasebank()
    assert _pools(config, bank)._saved_size == 0
    assert compose(config, bank=bank) == want


def test_nothing_is_kept_for_a_phrasebank_without_a_content_key(cache_root):
    config = load(CONFIG)
    bank = parse_phrasebank()  # not served by load_phrasebank: no content key
    assert entries.content_key(bank) is None
    compose(config, bank=bank)
    chooser.save_pools()
    assert not list(cache_root.glob("pools-*.pickle"))


def test_a_state_past_the_cap_is_not_stored(cache_root, monkeypatch):
    monkeypatch.setattr(chooser, "SAVED_MAX", 10)
    _composed(load(CONFIG))
    assert not list(cache_root.glob("pools-*.pickle"))
