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
from functools import lru_cache
from hashlib import blake2b
from pathlib import Path
from typing import Iterable

from generator.errors import InputError
from generator.fsutil import atomic_write

FILENAME = "fingerprints.json.gz"
FORMAT = "speechgen-fingerprints/1"
K = 13  # shingle length in normalised characters
W = 6  # winnowing window: guarantees detection of shared runs of K + W - 1 = 18 characters
MIN_SENTENCE = 10  # shorter sentences (同志们、现在散会) recur everywhere and say nothing about copying
_SENTENCE_SPLIT = re.compile(r"[。！？；!?;\n]+")


def normalise(text: str) -> tuple[str, list[int]]:
    """Normalised text and, for each of its characters, the index of the original character."""
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        kept = _keep(ch)
        if kept:
            chars.append(kept)
            where.extend([i] * len(kept))
    return "".join(chars), where


@lru_cache(maxsize=65536)
def _keep(ch: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", ch).lower() if c.isalnum())


def _hash(s: str, size: int = 5) -> int:
    return int.from_bytes(blake2b(s.encode("utf-8"), digest_size=size).digest(), "big")


def shingle_hashes(norm: str) -> list[int]:
    """Hash of every K-character shingle of a normalised text, in order."""
    return [_hash(norm[i:i + K]) for i in range(len(norm) - K + 1)]


def winnow(hashes: list[int]) -> set[int]:
    """The minimum of every window of W consecutive hashes (all of them when the text is short)."""
    if len(hashes) <= W:
        return set(hashes)
    return set(map(min, (hashes[i:i + W] for i in range(len(hashes) - W + 1))))


def sentences(text: str) -> list[str]:
    """Sentences of a line, split at 。！？； and line ends (original text, stripped)."""
    return [s.strip() for s in _SENTENCE_SPLIT.split(text) if s.strip()]


def sentence_hash(sentence: str) -> int | None:
    """Hash of a sentence's normalised text, or None when it is too short to count."""
    norm, _ = normalise(sentence)
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
    texts = _texts_of(speech)
    norm = "".join(normalise(t)[0] for t in texts)
    sent = {h for t in texts for s in sentences(t) if (h := sentence_hash(s)) is not None}
    return {"shingles": sorted(winnow(shingle_hashes(norm))), "sentences": sorted(sent)}


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
    """Kept shingle hashes and sentence hashes of a corpus, each mapped to the source files holding it."""

    def __init__(self, sources: tuple[str, ...], shingles: dict[int, tuple[int, ...]],
                 sentence_map: dict[int, tuple[int, ...]]):
        self.sources = sources
        self._shingles = shingles
        self._sentences = sentence_map

    def __len__(self) -> int:
        return len(self.sources)

    # -------------------------------------------------------------- persistence
    def to_dict(self) -> dict:
        per_source_sh: list[list[int]] = [[] for _ in self.sources]
        per_source_se: list[list[int]] = [[] for _ in self.sources]
        for h, ids in self._shingles.items():
            for i in ids:
                per_source_sh[i].append(h)
        for h, ids in self._sentences.items():
            for i in ids:
                per_source_se[i].append(h)
        return {"format": FORMAT, "k": K, "w": W, "min_sentence": MIN_SENTENCE,
                "sources": [{"name": name, "shingles": _delta(sorted(sh)), "sentences": _delta(sorted(se))}
                            for name, sh, se in zip(self.sources, per_source_sh, per_source_se)]}

    def save(self, out_dir, force: bool = True) -> Path:
        """Write ``out_dir/FILENAME`` (byte-identical for the same corpus). Overwrites by default: it is generated."""
        data = json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        return atomic_write(Path(out_dir) / FILENAME, gzip.compress(data.encode("utf-8"), mtime=0), force=force)

    @classmethod
    def load(cls, path) -> "FingerprintIndex":
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
        for pos, h in enumerate(shingle_hashes(norm)):
            for sid in self._shingles.get(h, ()):
                hits.setdefault(sid, []).append(pos)
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


def build_index(parts: Iterable[tuple[str, object]]) -> FingerprintIndex:
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
    shingles: dict[int, list[int]] = {}
    sentence_map: dict[int, list[int]] = {}
    for sid, name in enumerate(names):
        sh, se = by_name[name]
        for h in sh:
            shingles.setdefault(h, []).append(sid)
        for h in se:
            sentence_map.setdefault(h, []).append(sid)
    return FingerprintIndex(names, {h: tuple(v) for h, v in shingles.items()},
                            {h: tuple(v) for h, v in sentence_map.items()})
