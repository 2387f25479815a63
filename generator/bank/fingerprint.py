"""Compact corpus fingerprints (winnowed character shingles + sentence hashes) for the checker's copy check.

Text is normalised (NFKC, lower case, only letters/digits/CJK kept) so that punctuation, width and
whitespace differences do not hide a copy. Each source keeps the winnowed minima of its 13-character
shingle hashes: any shared run of ``K + W - 1`` normalised characters or more is guaranteed to hit at
least one kept hash, and runs are measured on the draft side, where every shingle is looked up.
Sentence hashes give the share of a draft's sentences found verbatim. Hashes come from blake2b, so the
saved index is the same on every machine and run (gzip with mtime 0, sorted, delta-encoded lists).
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from dataclasses import dataclass
from hashlib import blake2b
from pathlib import Path
from collections.abc import Iterable, Mapping

from generator.errors import InputError
from generator.atomic import atomic_write

FILENAME = "fingerprints.json.gz"
FORMAT = "speechgen-fingerprints/1"
K = 13  # shingle length in normalised characters
W = 6  # winnowing window: guarantees detection of shared runs of K + W - 1 = 18 characters
#: Normalised characters of one verbatim run from a corpus that counts as a copy (the overlap rule's
#: threshold). Run lengths are estimated from winnowed hashes and may fall short of the true run by up
#: to 2(W-1) characters, so runs estimated at COPY_RUN - (W-1) or more are reported (the midpoint).
COPY_RUN = 50
#: The shortest estimated run the overlap rule reports, and so the longest text drafting may reuse whole.
COPY_REPORTED = COPY_RUN - (W - 1)
MIN_SENTENCE = 10  # shorter sentences (同志们、现在散会) recur everywhere and say nothing about copying
_SEPARATORS = "。！？；!?;\n"
_SENTENCE_SPLIT = re.compile(f"[{_SEPARATORS}]+")


def normalise(text: str) -> tuple[str, list[int]]:
    """Normalised text and, for each of its characters, the index of the original character."""
    table = _table_for(text)
    norm = text.translate(table)
    sizes = {len(table[ord(ch)]) for ch in set(text)}
    if sizes <= {1}:  # every character kept as one: the common case for clean prose
        return norm, list(range(len(text)))
    if sizes <= {0, 1}:
        return norm, [i for i, ch in enumerate(text) if table[ord(ch)]]
    return norm, [i for i, ch in enumerate(text) for _ in table[ord(ch)]]


def normalised(text: str, keep: str = "") -> str:
    """``normalise(text)[0]`` without the position map (all that fingerprinting needs), except that the
    characters of ``keep`` stay as they are.

    Clean prose has few characters that normalise to something else (punctuation, a few letters or
    full-width digits): they are deleted with one regex, the rare replaced ones swapped one by one, which
    is several times faster than ``str.translate`` over every character of a large text.
    """
    table = _table_for(text)
    drop: list[str] = []
    swap: list[str] = []
    for ch in set(text):
        out = table[ord(ch)]
        if out != ch and ch not in keep:
            (swap if out else drop).append(ch)
    if drop:
        text = re.sub(_char_class(drop) + "+", "", text)
    if swap:
        text = re.sub(_char_class(swap), lambda m: table[ord(m.group())], text)
    return text


def _char_class(chars: list[str]) -> str:
    return "[" + "".join(map(re.escape, sorted(chars))) + "]"  # sorted: the same pattern, cached by re


# Code point -> normalised form, filled as characters are met. Normalising character by character (not
# NFKC of the whole text) keeps the position map exact; str.translate then applies it at C speed.
_TABLE: dict[int, str] = {}
_SEEN: set[str] = set()


def _table_for(text: str) -> dict[int, str]:
    missing = set(text).difference(_SEEN)
    for ch in missing:
        _TABLE[ord(ch)] = "".join(c for c in unicodedata.normalize("NFKC", ch).lower() if c.isalnum())
    _SEEN.update(missing)
    return _TABLE


def _hash(s: str, size: int = 5) -> int:
    return int.from_bytes(blake2b(s.encode("utf-8"), digest_size=size).digest(), "big")


def shingle_hashes(norm: str) -> list[int]:
    """Hash of every K-character shingle of a normalised text, in order (``_hash`` inlined: ~1M calls a
    corpus; copying a prepared hasher is cheaper than constructing one with its digest size each time)."""
    fresh = blake2b(digest_size=5).copy
    frombytes = int.from_bytes
    out: list[int] = []
    append = out.append
    for i in range(len(norm) - K + 1):
        h = fresh()
        h.update(norm[i:i + K].encode("utf-8"))
        append(frombytes(h.digest(), "big"))
    return out


def winnow(hashes: list[int]) -> set[int]:
    """The minimum of every window of W consecutive hashes (all of them when the text is short).

    Window minima by doubling (minima of 2, 4 … consecutive hashes, then two overlapping spans): a few
    linear passes instead of a slice and a ``min`` call per window.
    """
    if len(hashes) <= W:
        return set(hashes)
    mins, span = hashes, 1
    while span * 2 <= W:
        mins, span = [a if a < b else b for a, b in zip(mins, mins[span:])], span * 2
    if span < W:
        mins = [a if a < b else b for a, b in zip(mins, mins[W - span:])]
    return set(mins)


def sentence_hash(sentence: str) -> int | None:
    """Hash of a sentence's normalised text, or None when it is too short to count."""
    norm = normalised(sentence)
    return _hash(norm, 8) if len(norm) >= MIN_SENTENCE else None


def _texts_of(speech) -> list[str]:
    if isinstance(speech, str):
        return speech.splitlines()
    return [getattr(speech, "title", "") or "", *(p.text for p in speech.paragraphs)]


def fingerprint_speech(speech) -> dict:
    """Per-document fingerprint (pure and picklable): sorted kept shingle hashes and sentence hashes.

    Accepts a corpus ``Speech`` (title + paragraphs) or plain text; paragraphs are joined, so copies
    that run across a paragraph break in the source are still found.
    """
    # One normalising pass serves both: sentence separators are dropped by normalisation anyway, so the
    # normalised text is the concatenation of the normalised sentences (the ones of ``sentences``).
    pieces = _SENTENCE_SPLIT.split(normalised("\n".join(_texts_of(speech)), keep=_SEPARATORS))
    sent = {_hash(p, 8) for p in pieces if len(p) >= MIN_SENTENCE}
    return {"shingles": sorted(winnow(shingle_hashes("".join(pieces)))), "sentences": sorted(sent)}


def _delta(values: list[int]) -> list[int]:
    return [b - a for a, b in zip([0, *values], values)]


def _undelta(deltas: list[int]) -> list[int]:
    out, total = [], 0
    for d in deltas:
        total += d
        out.append(total)
    return out


@dataclass(frozen=True)
class Run:
    """A stretch of a draft line shared with one source (lengths in normalised characters)."""

    source: str
    start: int  # index into the original line
    end: int  # exclusive index into the original line
    length: int  # estimated shared normalised characters (a lower bound, up to W-1 short at each end)


class FingerprintIndex:
    """Kept shingle hashes and sentence hashes of a corpus, each mapped to the source files holding it.

    Held per source (sorted hash lists, what ``save`` writes); the hash -> sources maps that queries need
    are built on first query, so mining, which only saves, never builds them.
    """

    def __init__(self, sources: tuple[str, ...], shingles: list[list[int]], sentence_lists: list[list[int]]):
        self.sources = sources
        self._per_shingles = shingles
        self._per_sentences = sentence_lists
        self._maps: tuple[dict[int, tuple[int, ...]], dict[int, tuple[int, ...]]] | None = None

    @property
    def _shingles(self) -> dict[int, tuple[int, ...]]:
        return self._lookup()[0]

    @property
    def _sentences(self) -> dict[int, tuple[int, ...]]:
        return self._lookup()[1]

    def _lookup(self) -> tuple[dict[int, tuple[int, ...]], dict[int, tuple[int, ...]]]:
        if self._maps is None:
            self._maps = (_invert(self._per_shingles), _invert(self._per_sentences))
        return self._maps

    def __len__(self) -> int:
        return len(self.sources)

    # -------------------------------------------------------------- persistence
    def to_dict(self) -> dict:
        return {"format": FORMAT, "k": K, "w": W, "min_sentence": MIN_SENTENCE,
                "sources": [{"name": name, "shingles": _delta(sh), "sentences": _delta(se)}
                            for name, sh, se in zip(self.sources, self._per_shingles, self._per_sentences)]}

    def save(self, out_dir, force: bool = True) -> Path:
        """Write ``out_dir/FILENAME`` (byte-identical for the same corpus). Overwrites by default: it is generated."""
        data = json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        return atomic_write(Path(out_dir) / FILENAME, gzip.compress(data.encode("utf-8"), mtime=0), force=force)

    @classmethod
    def load(cls, path) -> FingerprintIndex:
        """Read an index written by ``save``; InputError when the file is missing or not an index."""
        p = Path(path)
        try:
            data = json.loads(gzip.decompress(p.read_bytes()).decode("utf-8"))
            if data.get("format") != FORMAT or data.get("k") != K or data.get("w") != W:
                raise ValueError("format")
            return build_index((s["name"], {"shingles": _undelta(s["shingles"]),
                                             "sentences": _undelta(s["sentences"])})
                               for s in data["sources"])
        except FileNotFoundError:
            raise InputError("找不到查重指纹索引文件", path=p) from None
        except (OSError, ValueError, KeyError, TypeError, EOFError):
            raise InputError("查重指纹索引文件已损坏或版本不符，请重新运行 speechgen mine", path=p) from None

    # -------------------------------------------------------------- queries
    def runs(self, line: str, min_length: int = 1) -> list[Run]:
        """Stretches of ``line`` that share shingles with a source, longest first then by source/position.

        Matches of one source less than W shingles apart are bridged into one run: within a true shared
        run, the source keeps at least one hash in every W consecutive shingles.
        """
        norm, where = normalise(line)
        hits: dict[int, list[int]] = {}
        shingles = self._shingles
        for at, h in enumerate(shingle_hashes(norm)):
            for sid in shingles.get(h, ()):
                hits.setdefault(sid, []).append(at)
        out: list[Run] = []
        for sid, positions in hits.items():
            first = prev = positions[0]
            for pos in [*positions[1:], None]:
                if pos is not None and pos - prev <= W:
                    prev = pos
                    continue
                length = prev - first + K
                if length >= min_length:
                    out.append(Run(self.sources[sid], where[first], where[prev + K - 1] + 1, length))
                if pos is not None:
                    first = prev = pos
        return sorted(out, key=lambda r: (-r.length, r.source, r.start))

    def sentence_sources(self, sentence: str) -> tuple[str, ...] | None:
        """Sources holding ``sentence`` verbatim (after normalisation); None when it is too short to count."""
        h = sentence_hash(sentence)
        if h is None:
            return None
        return tuple(self.sources[i] for i in self._sentences.get(h, ()))


def build_index(parts: Iterable[tuple[str, Mapping[str, Iterable[int]]]]) -> FingerprintIndex:
    """Merge per-document fingerprints (file name, ``fingerprint_speech`` result) into one index.

    Sources are ordered by name so the index does not depend on the order mining workers finish in;
    two documents with the same name are merged.
    """
    by_name: dict[str, tuple[set[int], set[int]]] = {}
    for name, fp in parts:
        sh, se = by_name.setdefault(str(name), (set(), set()))
        sh.update(fp["shingles"])
        se.update(fp["sentences"])
    names = tuple(sorted(by_name))
    return FingerprintIndex(names, [sorted(by_name[n][0]) for n in names], [sorted(by_name[n][1]) for n in names])


def _invert(per_source: list[list[int]]) -> dict[int, tuple[int, ...]]:
    """hash -> ids of the sources holding it (ids ascending)."""
    out: dict[int, list[int]] = {}
    for sid, hashes in enumerate(per_source):
        for h in hashes:
            out.setdefault(h, []).append(sid)
    return {h: tuple(v) for h, v in out.items()}
