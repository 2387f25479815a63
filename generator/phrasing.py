"""Phrase choice and the genre's small words: Chinese numerals, enumerators, slot filling, no repeats."""

from __future__ import annotations

import random
import re

from generator.config import Config
from generator.phrasebank import Entry, Phrasebank, load_themes

_DIGITS = "零一二三四五六七八九"
_ENUM_HEAD = re.compile(
    r"^(?:第[一二三四五六七八九十]+[，,、：:]?|[一二三四五六七八九十]+[要是][，,：:]?|[一二三四五六七八九十]+[、．.]"
    r"|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．])\s*")
_SLOT = re.compile(r"\{(\w+)\}")
_QUOTED = re.compile(r"“([^”]{1,20})”")
_SENTENCE_END = re.compile(r"(?<=[。！？；])")
#: Slots a draft can never fill from the config: entries needing them are not used.
UNFILLABLE = {"n", "name"}


def cn(n: int) -> str:
    """Chinese numeral for 1–99 (一, 十, 十二, 二十, 二十一)."""
    if not 0 < n < 100:
        raise ValueError(f"numeral out of range: {n}")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    return f"{'' if tens == 1 else _DIGITS[tens]}十{_DIGITS[ones] if ones else ''}"


def enumerator(i: int, kind: str) -> str:
    """The i-th enumerator of a kind: yao 一要, shi 一是, di 第一, h1 一、, h2 （一）, h3 1., h4 （1）."""
    forms = {"yao": "{c}要", "shi": "{c}是", "di": "第{c}", "h1": "{c}、", "h2": "（{c}）", "h3": "{i}.", "h4": "（{i}）"}
    if kind not in forms:
        raise ValueError(f"unknown enumerator kind {kind!r}")
    return forms[kind].format(c=cn(i), i=i)


def strip_enumerator(text: str) -> str:
    return _ENUM_HEAD.sub("", text, count=1).strip()


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


def _norm(sentence: str) -> str:
    return re.sub(r"[\s，。；！？、：“”]", "", sentence)


class Chooser:
    """Chooses phrasebank entries deterministically from a seeded RNG, never the same sentence twice."""

    def __init__(self, bank: Phrasebank, config: Config, pack_id: str, rng: random.Random,
                 type_ids: tuple[str, ...] = ()):
        self.bank, self.config, self.rng = bank, config, rng
        self.types = {pack_id, *type_ids, config.type}
        self.words = config.words
        self.used_ids: list[str] = []
        self._used_sentences: set[str] = set()
        self.themes = tuple(load_themes())
        known = {e.text for e in bank.entries if e.origin != "mined" and e.category in ("formula", "slogan")}
        self._known_terms = {t.strip("“”") for t in known}
        self._by_category: dict[str, list[Entry]] = {}

    def _base(self, category: str) -> list[Entry]:
        if category not in self._by_category:
            year = self.config.year
            self._by_category[category] = [
                e for e in self.bank.query(category=category)
                if (not e.meeting_types or self.types & set(e.meeting_types)) and e.current_in(year)
                and self._portable(e)
            ]
        return self._by_category[category]

    def _portable(self, e: Entry) -> bool:
        """Mined text may name another place's local projects in quotes; only known terms travel."""
        if e.origin != "mined":
            return True
        return all(term in self._known_terms for term in _QUOTED.findall(e.text))

    def pick(self, category: str, n: int, *, theme: str | None = None, slots: dict | None = None,
             head: bool = False, only: str | None = None) -> list[tuple[str, str]]:
        """Up to ``n`` (entry id, filled text) pairs; theme-specific entries first, then general ones."""
        if n <= 0:
            return []
        values = {**self.words, **{k: str(v) for k, v in (slots or {}).items()}}
        base = self._base(category)
        if only:
            base = [e for e in base if e.origin == only]
        if theme:
            tiers = [[e for e in base if theme in e.themes], [e for e in base if not e.themes]]
        else:
            tiers = [base]
        out: list[tuple[str, str]] = []
        for tier in tiers:
            # specific to this meeting type first, then entries fit for any meeting
            for group in ([e for e in tier if e.meeting_types], [e for e in tier if not e.meeting_types]):
                pool = sorted(group, key=lambda e: e.id)
                self.rng.shuffle(pool)
                for e in pool:
                    if len(out) >= n:
                        return out
                    text = self._fill(e, values, head)
                    if text is None:
                        continue
                    keys = [_norm(s) for s in sentences(text)] or [_norm(text)]
                    if any(k in self._used_sentences for k in keys):
                        continue
                    self._used_sentences.update(keys)
                    self.used_ids.append(e.id)
                    out.append((e.id, text))
        return out

    def _fill(self, e: Entry, values: dict, head: bool) -> str | None:
        needed = set(_SLOT.findall(e.text))
        if needed & UNFILLABLE or not needed <= set(values):
            return None
        text = _SLOT.sub(lambda m: values[m.group(1)], e.text)
        if head:
            text = strip_enumerator(text).rstrip("。；;，,：:")
            if not 4 <= len(text) <= 40 or "。" in text:
                return None
        return text
