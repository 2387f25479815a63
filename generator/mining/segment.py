"""jieba, loaded once per process with the project's user dictionary: tokens, POS tags, idioms, formulas."""

from __future__ import annotations

import logging
import re
from functools import cache

from generator.loader import load_yaml
from generator.resources import phrasebank_dir


@cache
def _jieba():
    import jieba

    jieba.setLogLevel(logging.CRITICAL)  # no chatter, nor a traceback when its cache cannot be written
    jieba.dt.tmp_dir = _cache_dir()  # jieba's dictionary cache, where the user can write
    jieba.initialize()
    jieba.load_userdict(str(phrasebank_dir() / "curated" / "userdict.txt"))
    return jieba, _tag_table(jieba)


def _cache_dir() -> str | None:
    """A folder for jieba's cache the user can write: $XDG_CACHE_HOME/speechgen, ~/.cache/speechgen, or the
    system's temporary folder (None: jieba's own default)."""
    import os
    import tempfile
    from pathlib import Path

    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    for folder in (Path(base) / "speechgen", Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder):
                return str(folder)
        except OSError:
            continue
    return None


def _tag_table(jieba) -> dict[str, str]:
    """word -> POS tag of jieba's dictionary: what ``jieba.posseg`` builds on import, read in one pass.

    Importing jieba.posseg parses the 350,000-line dictionary line by line (about half of jieba's
    start-up); only the tags are needed here, never posseg's HMM tagger. Same rules as posseg's
    ``load_word_tag``: lines split at b"\n", stripped of ASCII whitespace, blank lines skipped, last wins.
    """
    with jieba.dt.get_dict_file() as f:
        text = f.read().decode("utf-8")
    fields = text.split()
    lines = text.count("\n") + (not text.endswith("\n"))
    if len(fields) == 3 * lines:  # the shipped file: "word freq tag" on every line, nothing else
        return dict(zip(fields[0::3], fields[2::3]))
    table: dict[str, str] = {}
    for line in text.split("\n"):
        line = line.strip(_ASCII_SPACE)
        if line:
            word, _, pos = line.split(" ")
            table[word] = pos
    return table


_ASCII_SPACE = " \t\n\r\x0b\x0c"  # what bytes.strip() strips


def warm_up() -> None:
    """Load everything lazily loaded here (jieba, POS tags, idiom list, lexicon)."""
    _idiom_heads()
    _lexicon_re()


def tokens(text: str) -> list[str]:
    jieba, _ = _jieba()
    return jieba.lcut(text, HMM=False)


def tag(word: str) -> str | None:
    jieba, table = _jieba()
    return jieba.dt.user_word_tag_tab.get(word) or table.get(word)


def _set_phrase(word: str, t: str | None) -> bool:
    """Chengyu (tag i), or a set phrase (tag l) of our user dictionary or of the 亲力亲为 shape."""
    jieba, _ = _jieba()
    if word in jieba.dt.user_word_tag_tab:
        return t == "l"
    if t == "i":
        # jieba tags many plain verb-object phrases as i (全面落实, 取得实效): two common words glued
        freq = jieba.dt.FREQ
        halves = min(freq.get(word[:2]) or 0, freq.get(word[2:]) or 0)
        plain = halves >= 1000 or (freq.get(word, 0) <= 3 and (halves >= 200 or len(word) != 4))
        return not plain and word[-1] not in "上下中"
    return t == "l" and len(word) == 4 and word[0] == word[2]


@cache
def _idiom_words() -> frozenset[str]:
    jieba, table = _jieba()
    words = {w: t for w, t in table.items() if t in ("i", "l")}
    words.update(jieba.dt.user_word_tag_tab)  # user tags win, as in tag()
    return frozenset(w for w, t in words.items() if t in ("i", "l") and 4 <= len(w) <= 8 and _set_phrase(w, t))


@cache
def _idiom_heads() -> frozenset[str]:
    return frozenset(w[:4] for w in _idiom_words())


_CLAUSE_RE = re.compile(r"[，、。！？；：]")


def idioms(sentence: str) -> list[str]:
    """Set phrases: idioms of 4+ characters, and 4+4 couplets (基础不牢，地动山摇) holding one.

    Idioms are looked up by n-gram in the dictionary's idiom list, then confirmed by segmenting a small
    window around the hit, so a sentence is never segmented whole (mining must stay near lcut speed).
    """
    found = []
    clauses = _CLAUSE_RE.split(sentence.rstrip("。！？；"))
    for i, (a, b) in enumerate(zip(clauses, clauses[1:])):
        if len(a) == 4 == len(b) and tag(a) in ("i", "l", None) and tag(b) in ("i", "l", None):
            both = tag(a) in ("i", "l") and tag(b) in ("i", "l")
            edge = (i == 0 or i == len(clauses) - 2) and (tag(a) or tag(b))
            if both or edge:
                found.append(f"{a}，{b}")
    words, heads = _idiom_words(), _idiom_heads()
    for start in range(len(sentence) - 3):
        if sentence[start:start + 4] not in heads:
            continue
        for size in (8, 7, 6, 5, 4):
            word = sentence[start:start + size]
            if len(word) == size and word in words:
                window = sentence[max(0, start - 2):start + size + 2]
                if word in tokens(window):
                    found.append(word)
                break
    return found


@cache
def _lexicon_re() -> re.Pattern:
    # The lexicon is read as plain YAML, not through the phrasebank loader: segmenting needs only its texts.
    items = load_yaml(phrasebank_dir() / "curated" / "lexicon.yaml", what="词表").seq()
    texts = {m["text"].str() for m in (item.mapping() for item in items) if m["category"].value == "formula"}
    terms = sorted((t for t in texts if "“" not in t), key=lambda t: (-len(t), t))
    return re.compile("|".join(map(re.escape, terms)))


def lexicon_terms(text: str) -> list[str]:
    """Numbered formulas of the curated lexicon that occur in ``text``."""
    return _lexicon_re().findall(text)


@cache
def known_terms() -> frozenset[str]:
    """The curated lexicon's formulas and slogans, quotes stripped: terms any place may use (两个维护)."""
    items = load_yaml(phrasebank_dir() / "curated" / "lexicon.yaml", what="词表").seq()
    texts = {m["text"].str() for m in (item.mapping() for item in items)
             if m["category"].value in ("formula", "slogan")}
    return frozenset(t.strip("“”") for t in texts)
