"""Mining: corpus files → generalised, categorised phrasebank entries with provenance (map per file, reduce)."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from generator.errors import InputError
from generator.fsutil import atomic_write
from generator.phrasebank import CATEGORIES, Entry, load_themes
from generator.segment import tag, tokens
from generator.structure import find_placeholders

MANIFEST = "manifest.json"
MANIFEST_FORMAT = "speechgen-mined/1"
HEADER = "# 由 speechgen mine 生成，请勿手工修改；手写条目请放在 curated/ 或自己的文件夹。\n"
_LEVELS = ("区", "县", "市", "镇", "乡", "街道")
_PLACE_SUFFIX = ("街道", "市", "区", "县", "镇", "乡", "州")
_JUNK_RE = re.compile(r"[A-Za-z]|https?|www|…|\.{3}|[*＊]|\d|版权|链接|本文标题|微信|客服|订阅|责任编辑|"
                      r"来源[：:]|转载|扫一扫|分享到|点击|上一篇|下一篇|\s")
_PAIRS = (("“", "”"), ("（", "）"), ("《", "》"), ("(", ")"))
_NOT_JUNK_RE = re.compile(r"\{[a-z_]+\}|(?<!\d)\d{2,3}周年")
_HAN_RE = re.compile(r"[\u4e00-\u9fff]")
_BAD_START = frozenset("，、。；：！？”）》")


# ---------------------------------------------------------------- generalisation
@dataclass(frozen=True)
class Context:
    """What a speech says about itself: its jurisdiction level (区/县/市…) and the meeting year."""

    level: str | None
    year: int | None

    @classmethod
    def of(cls, speech) -> "Context":
        head = speech.title + "".join(p.text for p in speech.paragraphs[:40])
        counts = {lv: head.count(f"全{lv}") + head.count(f"我{lv}") + 3 * speech.title.count(f"{lv}委书记")
                  for lv in _LEVELS}
        level = max(_LEVELS, key=lambda lv: (counts[lv], -_LEVELS.index(lv)))
        years = [int(y) for y in _YEAR_RE.findall(head)]
        return cls(level if counts[level] else None, max(years) if years else None)


def generalise(text: str, ctx: Context, count_slot: bool = False) -> str | None:
    """``text`` with the specific turned into slots ({place} {scope} {year} {n} …); None when it can't be."""
    for start, end, kind in reversed(find_placeholders(text)):
        after = text[end:end + 2]
        if kind == "year" or kind == "unknown" and text[start] in "X" and after[:1] not in "的不发，。、在":
            return None
        if kind == "place" or kind == "unknown" and text[start] == "X":
            suffix = next((s for s in _PLACE_SUFFIX if after.startswith(s)), None)
            if suffix is None and after[:1] not in "的不发，。、在":
                return None
            text = text[:start] + "{place}" + text[end + len(suffix or ""):]
        elif kind == "number":
            text = text[:start] + "{n}" + text[end:]
        else:
            text = text[:start] + "{name}" + text[end:]
    text = _generalise_years(text, ctx)
    if text is None:
        return None
    text = _NUMBER_RE.sub("{n}", text)
    text = _generalise_places(text)
    if ctx.level:
        scope_re, our, committee_re = _level_res(ctx.level)
        text = committee_re.sub("{committee}", scope_re.sub("{scope}", text).replace(our, "{our}"))
    if count_slot:
        text = _COUNT_RE.sub(r"\1{count}\2", text)
    if text.count("{place}") > 1:
        return None
    return text


_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)年")
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?(?!\d*周年)(?=\D|$)")
_COUNT_RE = re.compile(r"([讲谈提])[一二三四五六七八九十]{1,2}((?:点|个方面的?)意见)")


@lru_cache(maxsize=None)
def _level_res(lv: str) -> tuple[re.Pattern, str, re.Pattern]:
    """全区 → {scope}, 我区 → {our}, 区委 → {committee} for a jurisdiction level (compiled once)."""
    committee = "镇党委" if lv == "镇" else "乡党委" if lv == "乡" else f"{lv}委"
    return (re.compile(f"全{lv}(?!域)"), f"我{lv}",
            re.compile(f"(?<![社城园辖地街山景小]){committee}(?!员)"))


def _generalise_years(text: str, ctx: Context) -> str | None:
    def repl(m: re.Match) -> str:
        y = int(m.group(1))
        if ctx.year and y == ctx.year:
            return "{year}年"
        if ctx.year and y == ctx.year - 1:
            return "{review_year}年"
        if y >= 2035:
            return m.group(0)
        raise ValueError
    try:
        return _YEAR_RE.sub(repl, text)
    except ValueError:
        return None  # a stale literal year would date the entry wrongly


_SUFFIX_RE = re.compile(r"(?<=[\u4e00-\u9fff])(?:街道|市|区|县|州|镇|乡)(?![场民长委政级域内外直属情况])")


def _generalise_places(text: str) -> str:
    """Real place names (江北区, 北京市: a jieba ns word before 市/区/县…) become {place}.

    Only a few characters around each suffix are segmented, never the whole text, to keep mining fast.
    """
    for m in reversed(list(_SUFFIX_RE.finditer(text))):
        window = text[max(0, m.start() - 5):m.end()]
        words = tokens(window)
        last = words[-1]
        if last == m.group(0) and len(words) >= 2 and tag(words[-2]) == "ns" and len(words[-2]) >= 2:
            size = len(words[-2]) + len(last)
        elif tag(last) == "ns" and 3 <= len(last) <= 6 and last.endswith(m.group(0)):
            size = len(last)
        else:
            continue
        text = text[:m.end() - size] + "{place}" + text[m.end():]
    return text


def is_junk(text: str) -> bool:
    """True for text no entry may hold: pinyin, URLs, footers, …… filler, raw masks, unbalanced marks."""
    bare = _NOT_JUNK_RE.sub("", text)  # 建党105周年 is dated by an era rule, not junk
    if _JUNK_RE.search(bare) or "XX" in text or not _HAN_RE.search(bare):
        return True
    if any(text.count(a) != text.count(b) for a, b in _PAIRS):
        return True
    return text[:1] in _BAD_START


# ---------------------------------------------------------------- map: one file
def mine_file(path: str) -> tuple[str, list | None, object, str | None]:
    """(file name, candidates, fingerprint, error message): pure per file, runs in worker processes."""
    from generator.corpus import read_speech
    from generator.extract import extract_speech
    from generator.fingerprint import fingerprint_speech

    try:
        speech = read_speech(path)
    except InputError as err:
        return Path(path).name, None, None, err.message
    return speech.name, extract_speech(speech), fingerprint_speech(speech), None


# ---------------------------------------------------------------- reduce: merge into entries
def merge(candidates) -> list[Entry]:
    """Entries from all candidates: duplicates merged (sources, count, tags), ids stable per category."""
    from generator.era import era_of, load_era_rules

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
    from generator.corpus import corpus_files
    from generator.fingerprint import build_index

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
    from generator import segment

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
