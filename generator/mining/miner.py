"""Mining: corpus files → generalised, categorised phrasebank entries with provenance (map per file, reduce).

The map (``mine_file``) turns one file into a record of what it gave (generator.mining.store) and its
fingerprint; the reduce (``_outputs``) builds every file of the folder from the records alone, in the
order of their names. So a ``mine --update`` that keeps the records of unchanged files and maps only the
new and changed ones writes exactly what a full mine writes.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from itertools import accumulate
from pathlib import Path
from collections.abc import Callable

from generator.errors import InputError
from generator.atomic import atomic_write, fsync_dir, os_reason
from generator.bank.entries import CATEGORIES, Entry
from generator.bank.themes import load_themes
from generator.bank.fingerprint import FILENAME as FINGERPRINTS, FingerprintIndex
from generator.bank.units import UNIT_KINDS, UNITS_FILE, VOCABULARY_FILE, VOCABULARY_FORMAT
from generator.mining.extract import OFF_GENRE
from generator.mining.store import FILENAME as STORE, FileRecord, dump as dump_records, load as load_records

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
def mine_file(path: str, key: str | None = None) -> tuple[FileRecord, dict | None]:
    """(what the file gave, its fingerprint): pure per file, runs in worker processes.

    ``key`` is the file's name in sources (its path below the corpus folder; the file name by default).
    A file that cannot be read, or fails in a way nobody foresaw, is a record saying why — one bad
    file in an archive never stops the others being mined."""
    from generator.bank.fingerprint import fingerprint_speech
    from generator.corpus.reader import EmptySpeech, UnsupportedFile, speech_from_bytes, vet_kind
    from generator.loader import read_bytes
    from generator.mining.extract import extract_speech, meeting_types
    from generator.mining.units import Units

    p = Path(path)
    key = key or p.name
    sha: str | None = None
    try:
        vet_kind(p)
        data = read_bytes(p, "corpus", empty_ok=True)
        sha = hashlib.sha256(data).hexdigest()
        if not data.strip():
            raise EmptySpeech("文件是空的", path=p)
        speech = replace(speech_from_bytes(data, p), name=key)
        units = Units()
        candidates = extract_speech(speech, units)
        types = meeting_types(speech)
        fingerprint = fingerprint_speech(speech)
    except UnsupportedFile as err:
        return FileRecord(key, None, "unsupported", err.message), None
    except EmptySpeech as err:
        return FileRecord(key, sha, "empty", err.message), None
    except InputError as err:
        return FileRecord(key, sha, "unreadable", err.message), None
    except Exception as exc:  # reported with the file, never a traceback
        return FileRecord(key, sha, "unreadable", f"读取或挖掘时出了意外的错误（{type(exc).__name__}），已跳过"), None
    record = FileRecord(
        key, sha, "ok", text=hashlib.sha256(speech.clean_text().encode("utf-8")).hexdigest(), types=types,
        entries=[(c, t, th, _line(src)) for c, t, th, _, src in candidates],
        units=[(k, t, b, m, th, lo, _line(src)) for k, t, b, m, th, lo, src, _ in units.items])
    return record, fingerprint


def _line(source: str) -> int:
    return int(source.rpartition(":")[2])


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
#: The unit kinds, as the summary names them.
UNIT_KIND_ZH = {"head": "小标题", "measure": "措施", "purpose": "目的", "judgement": "判断"}


@dataclass
class MineReport:
    files: int = 0  # files that gave entries or units
    counts: dict[str, int] = field(default_factory=dict)  # entries by category
    units: int = 0  # units below the sentence (units.yaml), beside the entries counted by category
    unit_counts: dict[str, int] = field(default_factory=dict)  # units by kind
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why it gave nothing), in file order
    off_genre: list[tuple[str, int, int]] = field(default_factory=list)  # (file, entries, units) of another genre
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    update: bool = False  # mine --update: the four lists below say what changed
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)  # unchanged files whose earlier record was kept

    def summary(self) -> str:
        """The report in Chinese: totals, what each category and unit kind got, the files that gave nothing and why."""
        from generator.bank.entries import CATEGORY_ZH

        lines = [f"已挖掘 {self.files} 个文件：条目 {sum(self.counts.values())} 条，另有单元 {self.units} 个；"
                 f"跳过 {len(self.skipped)} 个。"]
        if self.update:
            lines.append(f"增量更新：新增 {len(self.added)} 个、改动 {len(self.changed)} 个、删除 {len(self.removed)} 个文件，"
                         f"其余 {len(self.reused)} 个未变，沿用上次的挖掘结果。")
        if self.counts:
            lines.append("条目：" + "，".join(f"{CATEGORY_ZH.get(c, c)}（{c}）{n}" for c, n in self.counts.items()))
        if self.unit_counts:
            lines.append("单元：" + "，".join(f"{UNIT_KIND_ZH.get(k, k)}（{k}）{n}" for k, n in self.unit_counts.items()))
        if self.skipped:
            lines.append(f"没有挖到内容的文件（{len(self.skipped)} 个）：")
            lines += [f"  {name}：{why}" for name, why in self.skipped]
        if self.off_genre:
            lines.append(f"不像党建讲话的文件（{len(self.off_genre)} 个，挖到的内容只标为 {OFF_GENRE}，"
                         "起草党建讲话时不会用到）：")
            lines += [f"  {name}：条目 {n} 条、单元 {u} 个" for name, n, u in self.off_genre]
        return "\n".join(lines)


#: Why a file gave nothing, by its record's status.
_STATUS_ZH = {"unsupported": "格式不支持", "unreadable": "无法读取", "empty": "没有正文"}


def mine(paths, out_dir, *, jobs: int = 1, progress: Progress | None = None, force: bool = False,
         update: bool = False) -> MineReport:
    """Mine ``paths`` (files and folders) into ``out_dir``: one YAML file a category, units, vocabulary, a
    fingerprint index, what each file gave (generator.mining.store) and a manifest. Refuses to touch a
    folder holding files it did not write, or any file without ``force``.

    ``update``: ``out_dir`` must be a folder an earlier mine (of this version) wrote; only the files that
    are new or changed since are mined, files gone from the corpus are dropped, and the folder written
    is exactly what a full mine of ``paths`` writes.

    Files inside ``out_dir`` are never mined (an output folder inside the corpus is skipped, with a note).
    The new set is written into a temporary sibling folder and made current last, so a failure (a full
    disk, an interruption) never leaves the old set changed: a new folder is renamed into place whole;
    into an existing one the files are moved and the manifest, which lists every file's hash, comes last
    (loaders refuse a mined folder whose files disagree with its manifest). Nothing readable to mine is
    an InputError, and the old set stays as it was."""
    from generator.corpus.reader import corpus_files

    out = Path(out_dir)
    all_files = corpus_files(paths)
    files = [f for f in all_files if not _inside(f, out)]
    excluded = len(all_files) - len(files)
    if excluded and not files:
        raise InputError("语料都在输出文件夹之内，没有别的语料文件可挖掘；请换一个输出文件夹", path=out)
    if not files:
        raise InputError("没有找到语料文件", path=", ".join(map(str, paths)))
    keys = corpus_keys(paths, files)
    if update:
        ours, previous, old_prints = _open_for_update(out)
    else:
        ours, previous, old_prints = _check_output(out, force), None, {}
    report = MineReport(update=update)
    if excluded:
        report.notes.append(f"输出文件夹 {out} 在语料之中，其中的 {excluded} 个文件不作为语料")
    tmp = _make_temp_folder(out)  # before the (long) mining: an unwritable place is found at once
    try:
        records, prints = _collect(list(zip(map(str, files), keys)), jobs, progress, previous, old_prints, report)
        written, index = _outputs(records, prints, report, bool(ours), paths)
        for name, data in written.items():
            atomic_write(tmp / name, data, force=True)
        written[FINGERPRINTS] = index.save(tmp).read_bytes()
        digests = {n: hashlib.sha256(d).hexdigest() for n, d in sorted(written.items())}
        manifest = {"format": MANIFEST_FORMAT, "sources": sorted(prints), "files": digests}
        atomic_write(tmp / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                     force=True)
        _make_current(tmp, out, digests, ours)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report.written = [out / name for name in written]
    return report


def corpus_keys(paths, files: list[Path]) -> list[str]:
    """The name each of ``files`` goes by in sources, fingerprints and the extraction record: its path
    below the corpus folder given (``2024/书记讲话.docx``; just the file name for a flat folder), so two
    speeches both called 讲话.docx in different years' folders stay two. With several paths given, below
    the folder they share."""
    given = [Path(os.path.abspath(p)) for p in paths]
    base: Path | None
    if len(given) == 1:
        base = given[0] if given[0].is_dir() else given[0].parent
    else:
        try:
            base = Path(os.path.commonpath(given))
        except ValueError:  # different drives
            base = None
        if base is not None and not base.is_dir():
            base = base.parent
    keys = []
    for f in files:
        try:
            keys.append(Path(os.path.abspath(f)).relative_to(base).as_posix() if base else f.name)
        except ValueError:
            keys.append(f.name)
    if len(set(keys)) < len(keys):  # only where nothing is shared: the full paths
        keys = [Path(os.path.abspath(f)).as_posix() for f in files]
    return keys


def _collect(pairs: list[tuple[str, str]], jobs: int, progress: Progress | None, previous: list[FileRecord] | None,
             old_prints: dict[str, dict], report: MineReport) -> tuple[list[FileRecord], dict[str, dict]]:
    """Every file's record and the fingerprints of the readable ones. With ``previous`` (mine --update),
    a file whose bytes an earlier record was made from keeps that record (and its fingerprint) unread."""
    records: dict[str, FileRecord] = {}
    prints: dict[str, dict] = {}
    todo = pairs
    done = 0
    if previous is not None:
        before = {r.key: r for r in previous}
        reusable: dict[tuple[str, str], FileRecord] = {}
        for r in previous:
            if r.sha256 and (r.status != "ok" or r.key in old_prints):
                reusable.setdefault((r.sha256, Path(r.key).suffix.lower()), r)
        todo = []
        for path, key in pairs:
            sha = _sha_of(path)
            old = reusable.get((sha, Path(key).suffix.lower())) if sha else None
            was = before.get(key)
            (report.added if was is None else report.reused if was.sha256 == sha else report.changed).append(key)
            if old is None:
                todo.append((path, key))
                continue
            records[key] = old.rekeyed(key)
            if old.status == "ok":
                prints[key] = old_prints[old.key]
            done += 1
            if progress is not None:
                progress(done, len(pairs), key)
        current = {key for _, key in pairs}
        report.removed = sorted(k for k in before if k not in current)
    for record, fingerprint in _run(todo, jobs, progress, done, len(pairs)):
        records[record.key] = record
        if fingerprint is not None:
            prints[record.key] = fingerprint
    return [records[key] for _, key in pairs], prints


def _sha_of(path: str) -> str | None:
    """SHA-256 of a corpus file's bytes, as mine_file reads them; None when it would not read them."""
    from generator.corpus.reader import vet_kind
    from generator.loader import read_bytes

    try:
        vet_kind(path)
        return hashlib.sha256(read_bytes(path, "corpus", empty_ok=True)).hexdigest()
    except InputError:
        return None


def _outputs(records: list[FileRecord], prints: dict[str, dict], report: MineReport, ours: bool,
             paths) -> tuple[dict[str, bytes], FingerprintIndex]:
    """The reduce: every file of the folder but the index and manifest from the records (in key order,
    whatever the order they were mined in), and the fingerprint index."""
    from generator.bank.fingerprint import build_index

    ordered = sorted(records, key=lambda r: r.key)
    first_of: dict[str, str] = {}
    used: list[FileRecord] = []
    for r in ordered:
        if r.status != "ok":
            report.skipped.append((r.key, f"{_STATUS_ZH[r.status]}——{r.reason}"))
        elif r.text in first_of:
            report.skipped.append((r.key, f"与 {first_of[r.text]} 内容相同（清洗后一字不差），未重复计入"))
        elif r.empty_handed:
            first_of[r.text] = r.key
            report.skipped.append((r.key, "读到了正文，但没有挖到任何条目或单元（可能不是讲话稿）"))
        else:
            first_of[r.text] = r.key
            used.append(r)
            if r.types == (OFF_GENRE,):
                report.off_genre.append((r.key, len(r.entries), len(r.units)))
    report.files = len(used)
    kept = "原有的挖掘结果未改动" if ours else "未写入任何文件"
    if not used:
        reasons = "；".join(f"{n}：{m}" for n, m in report.skipped[:3]) + ("……" if len(report.skipped) > 3 else "")
        raise InputError(f"{len(report.skipped)} 个语料文件都无法读取或没有可挖掘的内容，没有挖掘到任何内容，{kept}（{reasons}）",
                         path=", ".join(map(str, paths)))
    candidates = [(c, t, th, r.types, f"{r.key}:{line}") for r in used for c, t, th, line in r.entries]
    entries = merge(candidates)
    del candidates
    if not entries:
        raise InputError(f"读取了 {report.files} 个语料文件，但没有挖掘出任何条目，{kept}", path=", ".join(map(str, paths)))
    written: dict[str, bytes] = {}
    for category in CATEGORIES:
        chosen = [e.to_dict() for e in entries if e.category == category]
        if chosen:
            written[f"{category}.yaml"] = _dump(chosen)
            report.counts[category] = len(chosen)
    del entries
    items = [(k, t, b, m, th, lo, f"{r.key}:{line}", r.types) for r in used for k, t, b, m, th, lo, line in r.units]
    words: dict[str, int] = {}
    for item in items:
        for w in set(item[3]):
            words[w] = words.get(w, 0) + 1
    merged_units = merge_units(items)
    del items
    written[UNITS] = dump_units(merged_units)
    report.units = len(merged_units)
    for kind in UNIT_KINDS:
        n = sum(1 for u in merged_units if u["kind"] == kind)
        if n:
            report.unit_counts[kind] = n
    written[VOCABULARY] = dump_vocabulary(words)
    written[STORE] = dump_records(ordered)
    return written, build_index(sorted(prints.items()))


def _open_for_update(out: Path) -> tuple[set[str], list[FileRecord], dict[str, dict]]:
    """What ``mine --update`` builds on: the names of the folder's files, its records and fingerprints.
    InputError (exit 2) for a folder that mine did not write, that is not as mine left it, or that
    another version of speechgen wrote."""
    from generator.loader import read_bytes

    redo = f"请去掉 --update，加 --force 重新挖掘全部语料：speechgen mine 语料 -o {out} --force"
    if not out.is_dir():
        raise InputError("要增量更新的短语库文件夹不存在；第一次挖掘请不加 --update：speechgen mine 语料 -o 文件夹",
                         path=out)
    try:
        doc = json.loads(read_bytes(out / MANIFEST, "manifest").decode("utf-8"))
        if not isinstance(doc, dict) or doc.get("format") != MANIFEST_FORMAT:
            raise ValueError("format")
        listed = {str(k): str(v) for k, v in doc["files"].items()}
    except (InputError, ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        raise InputError(f"这个文件夹不是 speechgen mine 生成的短语库（没有它写的 {MANIFEST}），不能增量更新；"
                         "第一次挖掘请不加 --update", path=out) from None
    if (out / PENDING).exists():
        raise InputError(f"上次挖掘在写入时被打断，短语库不完整，不能增量更新；{redo}", path=out)
    for name, digest in sorted(listed.items()):
        if "/" in name or "\\" in name or name in ("", ".", "..") or _hash(out / name) != digest:
            raise InputError(f"{name} 与 {MANIFEST} 记录的不符（缺失、被手工改过，或上次挖掘被打断），不能增量更新；{redo}",
                             path=out)
    ours = _check_output(out, force=True)  # anything else in the folder is refused, as for a full mine
    records = load_records(out / STORE, out)
    try:
        index = FingerprintIndex.load(out / FINGERPRINTS).to_dict()
    except InputError as err:
        raise InputError(f"{FINGERPRINTS} 无法读取（{err.message}），不能增量更新；{redo}", path=out) from None
    prints = {s["name"]: {"shingles": list(accumulate(s["shingles"])), "sentences": list(accumulate(s["sentences"]))}
              for s in index["sources"]}
    return ours, records, prints


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


def _run(pairs: list[tuple[str, str]], jobs: int, progress: Progress | None, done: int = 0, total: int | None = None):
    """``mine_file`` of each (path, key), results in the order of ``pairs`` (so nothing depends on ``jobs``).

    ``progress(done, total, file name)`` is called after each file, counting on from ``done`` (the files
    an update kept) to ``total``: the shell draws the bar (the library never imports click)."""
    total = len(pairs) + done if total is None else total

    def bar(results):
        for k, result in enumerate(results, done + 1):
            if progress is not None:
                progress(k, total, result[0].key)
            yield result

    if not pairs:
        return
    if jobs <= 1 or len(pairs) == 1:
        yield from bar(mine_file(path, key) for path, key in pairs)
        return
    # Largest files first (longest-processing-time order), so no worker is left with a big file at the
    # end while the others idle; results still come back in the order of ``pairs``.
    order = sorted(range(len(pairs)), key=lambda i: (-_size(pairs[i][0]), i))
    # Where processes fork, load jieba once here and let the workers inherit it (copy-on-write): loading
    # it in every worker would cost each of them the start-up that --jobs is meant to spread.
    fork = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    if fork is not None:
        _warm_up()
    with ProcessPoolExecutor(max_workers=min(jobs, len(pairs)), mp_context=fork,
                             initializer=None if fork else _warm_up) as pool:
        futures = {i: pool.submit(mine_file, *pairs[i]) for i in order}
        yield from bar(futures.pop(i).result() for i in range(len(pairs)))


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
