"""The ``overlap`` rule: long verbatim runs shared with the corpus, by the fingerprint index mining ships
(or one built from ``check --corpus`` folders through the corpus reader's public API)."""

from __future__ import annotations

from functools import lru_cache

from generator.bank.fingerprint import COPY_REPORTED, FILENAME, FingerprintIndex, build_index, fingerprint_speech
from generator.zh import split_at_marks as sentences
from generator.checking.base import Doc, Finding, excerpt
from generator.errors import InputError



def check_overlap(doc: Doc, indexes: list[FingerprintIndex]) -> list[Finding]:
    if not indexes:
        return [Finding("overlap", "info", 0, "", "未找到查重指纹索引，也未给出 --corpus，未做查重")]
    out = []
    total = found = 0
    per_source: dict[str, int] = {}
    for i, line in doc.body():
        reported = set()
        for index in indexes:
            for run in index.runs(line, min_length=COPY_REPORTED):
                if run.source in reported:
                    continue
                reported.add(run.source)
                out.append(Finding("overlap", "warning", i + 1, excerpt(line, run.start, run.end),
                                   f"约 {run.length} 字与语料《{run.source}》逐字相同，请改写或注明出处"))
        for s in sentences(line):
            results = [index.sentence_sources(s) for index in indexes]
            if results[0] is None:
                continue  # too short to say anything about copying
            total += 1
            hits = sorted({src for r in results if r is not None for src in r})  # none is None here
            found += bool(hits)
            for src in hits:
                per_source[src] = per_source.get(src, 0) + 1
    if found:
        top = sorted(per_source.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        out.append(Finding("overlap", "info", 0, "",
                           f"全文 {total} 句中有 {found} 句（{found * 100 // total}%）与语料逐句相同，最多来自《{top}》"))
    return out


def shipped_index() -> FingerprintIndex | None:
    """The fingerprint index shipped with the phrasebank (written by ``mine``), if there is one."""
    from generator.resources import phrasebank_dir

    path = phrasebank_dir() / "mined" / FILENAME
    return _load_index(str(path), path.stat().st_mtime_ns) if path.is_file() else None


@lru_cache(maxsize=4)
def _load_index(path: str, _mtime: int) -> FingerprintIndex:
    return FingerprintIndex.load(path)


def corpus_index(dirs) -> FingerprintIndex:
    """An index of the corpus folders given with --corpus, read through the corpus reader."""
    from generator.corpus import read_corpus

    return build_index((path.name, fingerprint_speech(speech)) for path, speech in read_corpus(list(dirs))
                       if not isinstance(speech, InputError))
