"""Mining: corpus files → generalised, categorised phrasebank entries with provenance (map per file, reduce)."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import InputError
from generator.atomic import atomic_write
from generator.bank.entries import CATEGORIES, Entry, load_themes

MANIFEST = "manifest.json"
MANIFEST_FORMAT = "speechgen-mined/1"
HEADER = "# 由 speechgen mine 生成，请勿手工修改；手写条目请放在 curated/ 或自己的文件夹。\n"

# ---------------------------------------------------------------- map: one file
def mine_file(path: str) -> tuple[str, list | None, object, str | None]:
    """(file name, candidates, fingerprint, error message): pure per file, runs in worker processes."""
    from generator.corpus.reader import read_speech
    from generator.mining.extract import extract_speech
    from generator.bank.fingerprint import fingerprint_speech

    try:
        speech = read_speech(path)
    except InputError as err:
        return Path(path).name, None, None, err.message
    return speech.name, extract_speech(speech), fingerprint_speech(speech), None


# ---------------------------------------------------------------- reduce: merge into entries
def merge(candidates) -> list[Entry]:
    """Entries from all candidates: duplicates merged (sources, count, tags), ids stable per category."""
    from generator.bank.era import era_of, load_era_rules

    rules = load_era_rules()
    order = {t: i for i, t in enumerate(load_themes())}
    groups: dict[tuple[str, str], dict] = {}
    for category, text, themes, types, source in candidates:
        g = groups.setdefault((category, text), {"themes": set(), "types": set(), "general": False,
                                                 "sources": set(), "count": 0})
        g["themes"].update(themes)
        g["types"].update(types)
        g["general"] |= not types
        g["sources"].add(source)
        g["count"] += 1
    entries = []
    for category in CATEGORIES:
        keys = sorted((k for k in groups if k[0] == category), key=lambda k: _digest(*k))
        width = max(4, len(str(len(keys))))
        for seq, key in enumerate(keys, 1):
            g = groups[key]
            entries.append(Entry(
                id=f"{category}.{seq:0{width}d}", category=category, text=key[1],
                themes=tuple(sorted(g["themes"], key=order.__getitem__)),
                meeting_types=() if g["general"] else tuple(sorted(g["types"])),
                era=era_of(key[1], rules), sources=tuple(sorted(g["sources"], key=_source_key)),
                count=g["count"], origin="mined"))
    return entries


def _digest(category: str, text: str) -> str:
    return hashlib.sha1(f"{category}\0{text}".encode("utf-8")).hexdigest()


def _source_key(source: str) -> tuple[str, int]:
    name, _, line = source.rpartition(":")
    return name, int(line) if line.isdigit() else 0


# ---------------------------------------------------------------- the command
@dataclass
class MineReport:
    files: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    def summary(self) -> str:
        parts = "，".join(f"{c} {n}" for c, n in self.counts.items())
        return f"已挖掘 {self.files} 个文件，共 {sum(self.counts.values())} 条（{parts}）；跳过 {len(self.skipped)} 个。"


def mine(paths, out_dir, *, jobs: int = 1, progress: bool = False, force: bool = False) -> MineReport:
    """Mine ``paths`` (files and folders) into ``out_dir``: one YAML file a category, a fingerprint index,
    a manifest. Refuses to touch a folder holding files it did not write, or any file without ``force``."""
    from generator.corpus.reader import corpus_files
    from generator.bank.fingerprint import build_index

    files = [str(f) for f in corpus_files(paths)]
    if not files:
        raise InputError("没有找到语料文件", path=", ".join(map(str, paths)))
    out = Path(out_dir)
    ours = _check_output(out, force)
    report = MineReport()
    candidates: list = []
    prints: list = []
    for name, cands, fp, error in _run(files, jobs, progress):
        if error is not None:
            report.skipped.append((name, error))
            continue
        report.files += 1
        candidates.extend(cands)
        prints.append((name, fp))
    entries = merge(candidates)
    del candidates
    written: dict[str, bytes] = {}
    for category in CATEGORIES:
        chosen = [e.to_dict() for e in entries if e.category == category]
        if chosen:
            written[f"{category}.yaml"] = _dump(chosen)
            report.counts[category] = len(chosen)
    for name, data in written.items():
        report.written.append(atomic_write(out / name, data, force=True))
    index_path = build_index(prints).save(out)
    written[index_path.name] = index_path.read_bytes()
    for stale in ours - set(written):
        (out / stale).unlink()
    manifest = {"format": MANIFEST_FORMAT, "sources": sorted(n for n, _ in prints),
                "files": {n: hashlib.sha256(d).hexdigest() for n, d in sorted(written.items())}}
    atomic_write(out / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                 force=True)
    return report


def _run(files: list[str], jobs: int, progress: bool):
    """Results of ``mine_file`` in the order of ``files`` (so the merge never depends on ``jobs``)."""
    import click

    def bar(results):
        if not progress:
            yield from results
            return
        with click.progressbar(results, length=len(files), label="挖掘", file=click.get_text_stream("stderr")) as b:
            yield from b

    if jobs <= 1 or len(files) == 1:
        yield from bar(map(mine_file, files))
        return
    # Largest files first (longest-processing-time order), so no worker is left with a big file at the
    # end while the others idle; results still come back in the order of ``files``.
    order = sorted(range(len(files)), key=lambda i: (-_size(files[i]), i))
    # Where processes fork, load jieba once here and let the workers inherit it (copy-on-write): loading
    # it in every worker would cost each of them the start-up that --jobs is meant to spread.
    fork = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    if fork is not None:
        _warm_up()
    with ProcessPoolExecutor(max_workers=min(jobs, len(files)), mp_context=fork,
                             initializer=None if fork else _warm_up) as pool:
        futures = {i: pool.submit(mine_file, files[i]) for i in order}
        yield from bar(futures.pop(i).result() for i in range(len(files)))


def _size(path: str) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0  # mine_file reports it


def _warm_up() -> None:
    """Load jieba, its POS tags and the idiom list (in the parent, or once per worker without fork)."""
    from generator.mining import segment

    segment.warm_up()


def _dump(entries: list[dict]) -> bytes:
    """YAML by hand: JSON-quoted scalars are valid YAML, identical on every machine, and 20× faster
    than PyYAML's pure-Python emitter (which dominated the run time on large corpora)."""
    def q(value) -> str:
        return json.dumps(value, ensure_ascii=False)

    out = [HEADER]
    for e in entries:
        out.append(f"- id: {e['id']}\n  category: {e['category']}\n  text: {q(e['text'])}\n"
                   f"  themes: {q(e['themes'])}\n  meeting_types: {q(e['meeting_types'])}\n")
        if e.get("era"):
            out.append("  era: {" + ", ".join(f"{k}: {v}" for k, v in e["era"].items()) + "}\n")
        out.append(f"  sources: {q(e['sources'])}\n  count: {e['count']}\n")
    return "".join(out).encode("utf-8")


def _check_output(out: Path, force: bool) -> set[str]:
    """Names of the files in ``out`` that an earlier mine wrote; InputError for anything else there."""
    if out.exists() and not out.is_dir():
        raise InputError("输出路径已存在且不是文件夹", path=out)
    present = sorted(p for p in out.iterdir() if not p.name.startswith(".")) if out.is_dir() else []
    if not present:
        return set()
    known: dict[str, str] = {}
    try:
        known = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    foreign = [p.name for p in present if p.name != MANIFEST and
               (p.is_dir() or known.get(p.name) != hashlib.sha256(p.read_bytes()).hexdigest())]
    if foreign:
        raise InputError("输出文件夹中有不是挖掘生成、或生成后被手工改过的文件，为免覆盖手写内容已停止："
                         + "、".join(foreign), path=out)
    if not force:
        raise InputError("输出文件夹中已有挖掘结果；确认要重新生成请加 --force", path=out)
    return {p.name for p in present if p.name != MANIFEST}
