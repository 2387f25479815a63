"""Mining: corpus files → generalised, categorised phrasebank entries with provenance (map per file, reduce)."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable

from generator.errors import InputError
from generator.atomic import atomic_write, fsync_dir, os_reason
from generator.bank.entries import CATEGORIES, Entry
from generator.bank.themes import load_themes
from generator.bank.units import UNIT_KINDS, UNITS_FILE, VOCABULARY_FILE, VOCABULARY_FORMAT

MANIFEST = "manifest.json"
MANIFEST_FORMAT = "speechgen-mined/1"
#: Written into an existing output folder before the new set is moved in and removed once the manifest
#: is current: it lists the new files' hashes (and those of the files already there), so that after an
#: interruption mid-swap ``mine --force`` still knows every file as its own. (Same name in
#: ``generator.bank.entries.load_phrasebank``, which refuses a mined folder its manifest does not match.)
PENDING = ".manifest.pending.json"
#: Prefix of the temporary sibling folder the new set is written into (``.NAME.mine-XXXX``).
_TMP_INFIX = ".mine-"
HEADER = "# 由 speechgen mine 生成，请勿手工修改；手写条目请放在 curated/ 或自己的文件夹。\n"

#: Called after each file: (files done, files in all, the file's name).
Progress = Callable[[int, int, str], None]


# ---------------------------------------------------------------- map: one file
def mine_file(path: str) -> tuple[str, tuple | None, object, str | None]:
    """(file name, (entry candidates, units), fingerprint, error message): pure per file, runs in worker processes."""
    from generator.corpus import read_speech
    from generator.mining.extract import extract_speech
    from generator.mining.units import Units
    from generator.bank.fingerprint import fingerprint_speech

    try:
        speech = read_speech(path)
    except InputError as err:
        return Path(path).name, None, None, err.message
    units = Units()
    candidates = extract_speech(speech, units)
    return speech.name, (candidates, units), fingerprint_speech(speech), None


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
        ids = content_ids(category, [k[1] for k in keys])
        for key in keys:
            g = groups[key]
            entries.append(Entry(
                id=ids[key[1]], category=category, text=key[1],
                themes=tuple(sorted(g["themes"], key=order.__getitem__)),
                meeting_types=() if g["general"] else tuple(sorted(g["types"])),
                era=era_of(key[1], rules), sources=tuple(sorted(g["sources"], key=_source_key)),
                count=g["count"], origin="mined"))
    return entries


def _digest(category: str, text: str) -> str:
    return hashlib.sha1(f"{category}\0{text}".encode()).hexdigest()


#: Hex digits of a content-derived id (point.3fa2c1d0); lengthened for the texts whose digests clash.
ID_DIGITS = 8


def content_ids(prefix: str, texts) -> dict[str, str]:
    """``prefix.<digest>`` for each text: derived from the text alone, so an id never changes when other
    texts are added or removed (re-mining, ``mine --update``). Texts whose first ``ID_DIGITS`` hex digits
    coincide get as many more digits as it takes to tell them apart, all of them, so no id depends on
    which texts happen to be mined with it — except in that (vanishingly rare) clash."""
    digests = {t: _digest(prefix, t) for t in texts}
    ids: dict[str, str] = {}
    width = ID_DIGITS
    pending = dict(digests)
    while pending:
        by_prefix: dict[str, list[str]] = {}
        for t, d in pending.items():
            by_prefix.setdefault(d[:width], []).append(t)
        pending = {}
        for head, group in by_prefix.items():
            if len(group) == 1:
                ids[group[0]] = f"{prefix}.{head}"
            else:
                pending.update({t: digests[t] for t in group})
        width += 4
    return ids


UNITS, VOCABULARY = UNITS_FILE, VOCABULARY_FILE


def merge_units(items) -> list[dict]:
    """Units of all files, duplicates merged (sources, count, themes, the longest body), content ids."""
    from generator.bank.era import era_of, load_era_rules

    rules = load_era_rules()
    order = {t: i for i, t in enumerate(load_themes())}
    groups: dict[tuple[str, str], dict] = {}
    for kind, text, body, matter, themes, local, source, types in items:
        g = groups.setdefault((kind, text), {"body": (), "matter": matter, "themes": set(), "local": local,
                                             "sources": set(), "count": 0, "types": set(), "general": False})
        g["types"].update(types)
        g["general"] |= not types
        if len(body) > len(g["body"]) or (len(body) == len(g["body"]) and body < g["body"]):
            g["body"] = body
        g["themes"].update(themes)
        g["sources"].add(source)
        g["count"] += 1
    out = []
    for kind in UNIT_KINDS:
        texts = sorted(t for k, t in groups if k == kind)
        ids = content_ids(kind, texts)
        for text in sorted(texts, key=lambda t: ids[t]):
            g = groups[kind, text]
            unit: dict = {"id": ids[text], "kind": kind, "text": text}
            if kind == "head":
                unit["body"] = list(g["body"])
            unit.update(matter=list(g["matter"]), themes=sorted(g["themes"], key=order.__getitem__),
                        meeting_types=[] if g["general"] else sorted(g["types"]))
            era = era_of(" ".join((text, *g["body"])), rules)
            if era:
                unit["era"] = era
            unit.update(local=list(g["local"]), sources=sorted(g["sources"], key=_source_key), count=g["count"])
            out.append(unit)
    return out


def dump_units(units: list[dict]) -> bytes:
    """units.yaml, written like the entry files (JSON-quoted scalars are YAML, identical everywhere)."""
    def q(value) -> str:
        return json.dumps(value, ensure_ascii=False)

    out = [HEADER.replace("手写条目", "手写条目和单元")]
    for u in units:
        out.append(f"- id: {u['id']}\n  kind: {u['kind']}\n  text: {q(u['text'])}\n")
        if "body" in u:
            out.append(f"  body: {q(u['body'])}\n")
        out.append(f"  matter: {q(u['matter'])}\n  themes: {q(u['themes'])}\n  meeting_types: {q(u['meeting_types'])}\n")
        if u.get("era"):
            out.append("  era: {" + ", ".join(f"{k}: {v}" for k, v in u["era"].items()) + "}\n")
        out.append(f"  local: {q(u['local'])}\n  sources: {q(u['sources'])}\n  count: {u['count']}\n")
    return "".join(out).encode("utf-8")


def dump_vocabulary(words: dict[str, int]) -> bytes:
    """vocabulary.json: every content word of the corpus's units with the number of units it occurs in,
    and the words of the built-in curated phrasebank texts (0 where the corpus lacks them), so drafting
    and the checker can find the words of any head, config fact or curated sentence without jieba."""
    from generator.mining.units import content_words

    merged = dict(words)
    for text in _curated_texts():
        for w in content_words(text):
            merged.setdefault(w, 0)
    doc = {"format": VOCABULARY_FORMAT, "words": dict(sorted(merged.items()))}
    return (json.dumps(doc, ensure_ascii=False, indent=0, sort_keys=True) + "\n").encode("utf-8")


def _curated_texts() -> list[str]:
    """The texts of the built-in curated entries (sorted, so the vocabulary never depends on file order)."""
    from generator.bank.entries import entry_files, load_entry_file
    from generator.resources import phrasebank_dir

    texts: set[str] = set()
    for path in entry_files(phrasebank_dir() / "curated"):
        texts.update(e.text for e in load_entry_file(path))
    return sorted(texts)


def _source_key(source: str) -> tuple[str, int]:
    name, _, line = source.rpartition(":")
    return name, int(line) if line.isdigit() else 0


# ---------------------------------------------------------------- the command
@dataclass
class MineReport:
    files: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    units: int = 0  # units below the sentence (units.yaml), beside the entries counted by category
    skipped: list[tuple[str, str]] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = "，".join(f"{c} {n}" for c, n in self.counts.items())
        return (f"已挖掘 {self.files} 个文件，共 {sum(self.counts.values())} 条（{parts}），另有单元 {self.units} 个；"
                f"跳过 {len(self.skipped)} 个。")


def mine(paths, out_dir, *, jobs: int = 1, progress: Progress | None = None, force: bool = False) -> MineReport:
    """Mine ``paths`` (files and folders) into ``out_dir``: one YAML file a category, a fingerprint index,
    a manifest. Refuses to touch a folder holding files it did not write, or any file without ``force``.

    Files inside ``out_dir`` are never mined (an output folder inside the corpus is skipped, with a note).
    The new set is written into a temporary sibling folder and made current last, so a failure (a full
    disk, an interruption) never leaves the old set changed: a new folder is renamed into place whole;
    into an existing one the files are moved and the manifest, which lists every file's hash, comes last
    (loaders refuse a mined folder whose files disagree with its manifest). Nothing readable to mine is
    an InputError, and the old set stays as it was."""
    from generator.corpus.reader import corpus_files
    from generator.bank.fingerprint import build_index

    out = Path(out_dir)
    all_files = corpus_files(paths)
    files = [str(f) for f in all_files if not _inside(f, out)]
    excluded = len(all_files) - len(files)
    if excluded and not files:
        raise InputError("语料都在输出文件夹之内，没有别的语料文件可挖掘；请换一个输出文件夹", path=out)
    if not files:
        raise InputError("没有找到语料文件", path=", ".join(map(str, paths)))
    ours = _check_output(out, force)
    report = MineReport()
    if excluded:
        report.notes.append(f"输出文件夹 {out} 在语料之中，其中的 {excluded} 个文件不作为语料")
    tmp = _make_temp_folder(out)  # before the (long) mining: an unwritable place is found at once
    try:
        candidates: list = []
        unit_items: list = []
        words: dict[str, int] = {}
        prints: list = []
        for name, found, fp, error in _run(files, jobs, progress):
            if error is not None:
                report.skipped.append((name, error))
                continue
            report.files += 1
            cands, units = found
            candidates.extend(cands)
            unit_items.extend(units.items)
            for w, n in units.words.items():
                words[w] = words.get(w, 0) + n
            prints.append((name, fp))
        if not report.files:
            reasons = "；".join(f"{n}：{m}" for n, m in report.skipped[:3]) + ("……" if len(report.skipped) > 3 else "")
            kept = "原有的挖掘结果未改动" if ours else "未写入任何文件"
            raise InputError(f"{len(report.skipped)} 个语料文件都无法读取，没有挖掘到任何内容，{kept}（{reasons}）",
                             path=", ".join(map(str, paths)))
        entries = merge(candidates)
        del candidates
        if not entries:
            kept = "原有的挖掘结果未改动" if ours else "未写入任何文件"
            raise InputError(f"读取了 {report.files} 个语料文件，但没有挖掘出任何条目，{kept}",
                             path=", ".join(map(str, paths)))
        written: dict[str, bytes] = {}
        for category in CATEGORIES:
            chosen = [e.to_dict() for e in entries if e.category == category]
            if chosen:
                written[f"{category}.yaml"] = _dump(chosen)
                report.counts[category] = len(chosen)
        merged_units = merge_units(unit_items)
        del unit_items
        written[UNITS] = dump_units(merged_units)
        report.units = len(merged_units)
        written[VOCABULARY] = dump_vocabulary(words)
        for name, data in written.items():
            atomic_write(tmp / name, data, force=True)
        index_path = build_index(prints).save(tmp)
        written[index_path.name] = index_path.read_bytes()
        digests = {n: hashlib.sha256(d).hexdigest() for n, d in sorted(written.items())}
        manifest = {"format": MANIFEST_FORMAT, "sources": sorted(n for n, _ in prints), "files": digests}
        atomic_write(tmp / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                     force=True)
        _make_current(tmp, out, digests, ours)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report.written = [out / name for name in written]
    return report


def _inside(path, folder: Path) -> bool:
    """True when ``path`` is ``folder`` or lies below it (symlinks resolved)."""
    try:
        return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(folder))
    except (OSError, ValueError):
        return False


def _make_temp_folder(out: Path) -> Path:
    """A fresh hidden folder beside ``out`` for the new set (leftovers of an interrupted run removed).

    When ``out`` is a mount point (another file system than its parent's), the folder goes inside it
    instead, hidden, so that moving the new files in stays a rename."""
    full = Path(os.path.abspath(out))
    parent, prefix = full.parent, f".{full.name}{_TMP_INFIX}"
    try:
        parent.mkdir(parents=True, exist_ok=True)
        if out.is_dir():
            if not os.access(out, os.W_OK | os.X_OK):
                raise PermissionError(13, "Permission denied", str(out))
            if os.stat(out).st_dev != os.stat(parent).st_dev:
                parent, prefix = full, _TMP_INFIX
        for old in parent.iterdir():
            if old.name.startswith(prefix) and old.is_dir() and not old.is_symlink():
                shutil.rmtree(old, ignore_errors=True)
        return Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    except OSError as exc:
        raise InputError(f"无法写入输出文件夹：{os_reason(exc)}", path=out) from None


def _make_current(tmp: Path, out: Path, files: dict[str, str], ours: set[str]) -> None:
    """Make the complete set in ``tmp`` the one in ``out``, the manifest last."""
    try:
        if not out.exists():
            os.chmod(tmp, 0o755)
            os.rename(tmp, out)  # one step: either no folder or the whole new set
            fsync_dir(out.parent if str(out.parent) else ".")
            return
        present = {name: _hash(out / name) for name in ours}
        pending = {"format": MANIFEST_FORMAT, "files": files,
                   "present": {n: h for n, h in sorted(present.items()) if h}}
        atomic_write(out / PENDING, json.dumps(pending, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                     force=True)
        for name in files:
            os.replace(tmp / name, out / name)
        for stale in sorted(ours - set(files)):
            (out / stale).unlink(missing_ok=True)
        fsync_dir(out)
        os.replace(tmp / MANIFEST, out / MANIFEST)
        fsync_dir(out)
        (out / PENDING).unlink(missing_ok=True)
    except OSError as exc:
        raise InputError(f"无法写入输出文件夹：{os_reason(exc)}", path=out) from None


def _hash(path: Path) -> str | None:
    """SHA-256 of the regular file ``path``; None when it is not one or cannot be read."""
    from generator.loader import read_bytes

    try:
        return hashlib.sha256(read_bytes(path, "phrasebank", empty_ok=True)).hexdigest()
    except InputError:
        return None


def _run(files: list[str], jobs: int, progress: Progress | None):
    """Results of ``mine_file`` in the order of ``files`` (so the merge never depends on ``jobs``).

    ``progress(done, total, file name)`` is called after each file: the shell draws the bar (the
    library never imports click)."""

    def bar(results):
        for done, result in enumerate(results, 1):
            if progress is not None:
                progress(done, len(files), result[0])
            yield result

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
    """Names of the files in ``out`` that an earlier mine wrote; InputError for anything else there.

    A file is an earlier mine's when its hash is the one the manifest lists for it, or (after a run
    interrupted while making its set current) one that run's pending list gave."""
    if (out.exists() or out.is_symlink()) and not out.is_dir():
        raise InputError("输出路径已存在且不是文件夹", path=out)
    try:
        present = sorted(p for p in out.iterdir() if not p.name.startswith(".")) if out.is_dir() else []
    except OSError as exc:
        raise InputError(f"无法读取输出文件夹：{os_reason(exc)}", path=out) from None
    if not present:
        return set()
    known: dict[str, set[str]] = {}
    for listing, keys in ((MANIFEST, ("files",)), (PENDING, ("files", "present"))):
        try:
            doc = json.loads((out / listing).read_text(encoding="utf-8"))
            for key in keys:
                for name, digest in doc[key].items():
                    known.setdefault(name, set()).add(digest)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
    foreign = [p.name for p in present if p.name != MANIFEST and
               (p.is_symlink() or not p.is_file() or _hash(p) not in known.get(p.name, ()))]
    if foreign:
        raise InputError("输出文件夹中有不是挖掘生成、或生成后被手工改过的文件，为免覆盖手写内容已停止："
                         + "、".join(foreign), path=out)
    if not force:
        raise InputError("输出文件夹中已有挖掘结果；确认要重新生成请加 --force", path=out)
    return {p.name for p in present if p.name != MANIFEST}
