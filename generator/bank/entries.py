"""Phrasebank entries: load and validate the YAML folders (mined, curated, the user's), merge and query them."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from collections.abc import Iterable


from generator.errors import InputError
from generator.bank.themes import load_themes
from generator.loader import load_yaml
from generator.resources import phrasebank_dir

CATEGORIES = ("opening", "evaluation", "achievement", "problem_intro", "problem", "situation", "transition",
              "section_heading", "point", "requirement", "closing", "adjourn", "parallel", "formula",
              "slogan", "idiom")
#: One Chinese name per category, accepted wherever a category is named (templates, ``phrases -c``).
CATEGORY_ZH = {"opening": "开头", "evaluation": "评价", "achievement": "成绩", "problem_intro": "问题引语",
               "problem": "问题", "situation": "形势", "transition": "过渡", "section_heading": "部分标题",
               "point": "要点", "requirement": "要求", "closing": "结尾", "adjourn": "散会", "parallel": "排比",
               "formula": "提法", "slogan": "口号", "idiom": "熟语"}
_CATEGORY_BY_ZH = {zh: c for c, zh in CATEGORY_ZH.items()}


def category_id(name: str) -> str:
    """The category id for an id or its Chinese name (开头 → opening); InputError naming both lists otherwise."""
    key = str(name).strip()
    if key in CATEGORY_ZH:
        return key
    if key in _CATEGORY_BY_ZH:
        return _CATEGORY_BY_ZH[key]
    names = "、".join(f"{zh}（{c}）" for c, zh in CATEGORY_ZH.items())
    raise InputError(f"未知的类别“{key}”，可用：{names}", key="category")


SLOTS = frozenset({"place", "scope", "our", "committee", "year", "review_year", "count", "n", "name",
                   "reporter"})
#: YAML files in a phrasebank folder that are data of another kind, not entry lists.
RESERVED_FILES = frozenset({"era_rules.yaml", "themes.yaml", "years.yaml", "checker_words.yaml", "matters.yaml",
                            "units.yaml"})
SLOT_RE = re.compile(r"\{([a-z_]+)\}")
_ID_RE = re.compile(r"^[a-z0-9_]+(?:\.[a-z0-9_]+)+$")
_TYPE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_LABEL_RE = re.compile(r"^[\u4e00-\u9fff]{2,8}$")
_ENTRY_KEYS = ("id", "category", "text", "themes", "meeting_types", "era", "sources", "count")


def era_covers(era: dict | None, year: int) -> bool:
    """True when an entry's or unit's ``era`` ({from, until}, either optional) includes ``year``; no era: always."""
    if not era:
        return True
    return era.get("from", year) <= year <= era.get("until", year)


@dataclass(frozen=True)
class Entry:
    """One phrase: its text (with slots such as {scope}), tags and where it came from."""

    id: str
    category: str
    text: str
    themes: tuple[str, ...] = ()
    meeting_types: tuple[str, ...] = ()
    era: dict | None = None
    sources: tuple[str, ...] = ()
    count: int = 1
    origin: str = "curated"

    def current_in(self, year: int) -> bool:
        """True when the wording is current in ``year`` (no era means always current)."""
        return era_covers(self.era, year)

    def slots(self) -> frozenset[str]:
        return frozenset(SLOT_RE.findall(self.text))

    def fits(self, meeting_type: str) -> bool:
        return not self.meeting_types or meeting_type in self.meeting_types

    def to_dict(self) -> dict:
        data: dict = {"id": self.id, "category": self.category, "text": self.text,
                      "themes": list(self.themes), "meeting_types": list(self.meeting_types)}
        if self.era:
            data["era"] = {k: self.era[k] for k in ("from", "until") if k in self.era}
        data["sources"] = list(self.sources)
        data["count"] = self.count
        return data


@dataclass(frozen=True)
class Phrasebank:
    entries: tuple[Entry, ...]
    units: tuple = ()  # generator.bank.units.Unit, user folders' first
    vocabulary: dict = field(default_factory=dict)  # word → units it occurs in, over every mined folder

    def query(self, category=None, theme=None, search=None) -> list[Entry]:
        """Entries matching every filter given, sorted by id."""
        if category is not None:
            category = category_id(category)
        out = [e for e in self.entries
               if (category is None or e.category == category)
               and (theme is None or theme in e.themes)
               and (search is None or search in e.text)]
        return sorted(out, key=lambda e: e.id)

    def get(self, entry_id: str) -> Entry | None:
        return self._ids.get(entry_id)

    def unit(self, unit_id: str):
        """The mined unit (generator.bank.units.Unit) of this id, or None."""
        return self._unit_ids.get(unit_id)

    @cached_property
    def _ids(self) -> dict[str, Entry]:
        return {e.id: e for e in reversed(self.entries)}  # the first of an id wins, as a scan would

    @cached_property
    def _unit_ids(self) -> dict:
        return {u.id: u for u in reversed(self.units)}

    @cached_property
    def bigram_idf(self) -> dict[str, float]:
        """log(N / df) of each character bigram over every entry (N = entries + 1): how distinctive a
        bigram is, for ranking phrases by shared wording. Stored with the phrasebank in the cache."""
        import math

        from generator.zh import bigrams

        df: dict[str, int] = {}
        for e in self.entries:
            for g in bigrams(e.text):
                df[g] = df.get(g, 0) + 1
        total = len(self.entries) + 1
        return {g: math.log(total / c) for g, c in df.items()}

    def __getstate__(self):
        """What the cache stores: entries and units as rows of field values (half the time to load back
        of pickled objects); the look-up tables are rebuilt on demand, not stored."""
        from dataclasses import fields

        from generator.bank.units import Unit

        state = {k: v for k, v in self.__dict__.items() if k not in ("_ids", "_unit_ids", "entries", "units")}
        state["entry_rows"] = [tuple(getattr(e, f.name) for f in fields(Entry)) for e in self.entries]
        state["unit_rows"] = [tuple(getattr(u, f.name) for f in fields(Unit)) for u in self.units]
        return state

    def __setstate__(self, state):
        from generator.bank.units import Unit

        state = dict(state)
        state["entries"] = tuple(Entry(*row) for row in state.pop("entry_rows"))
        state["units"] = tuple(Unit(*row) for row in state.pop("unit_rows"))
        self.__dict__.update(state)


# ---------------------------------------------------------------- loading
_MEMO: dict[str, Phrasebank] = {}


def load_phrasebank(extra_dirs: Iterable = (), include_builtin: bool = True) -> Phrasebank:
    """Entries of the user's folders, then the built-in ones (see ``parse_phrasebank``).

    The parsed phrasebank is kept in the user's cache (generator/cache.py) under the SHA-256 of every
    file of the folders and of the code that reads them, and within a process the same object is
    returned for the same files: a second render, the checker and ``render --each`` parse nothing."""
    from generator import cache

    dirs = list(extra_dirs)
    key = _bank_key(dirs, include_builtin)
    if key is None:
        return parse_phrasebank(dirs, include_builtin)
    digest = key.hexdigest()
    hit = _MEMO.get(digest)
    if hit is None:
        hit = cache.load(key)
        if not isinstance(hit, Phrasebank):
            hit = parse_phrasebank(dirs, include_builtin)
            hit.bigram_idf  # noqa: B018  (worked out once, kept in the cache with the entries)
            cache.store(key, hit)
        if len(_MEMO) >= 4:
            _MEMO.clear()
        _MEMO[digest] = hit
    return hit


def content_key(bank: Phrasebank) -> str | None:
    """The cache key (hex) of the files and code ``bank`` was loaded from, when ``load_phrasebank`` served
    it from or into the cache in this process; None for any other phrasebank (one parsed every time, or
    made in code), whose derived forms are therefore never cached."""
    return next((digest for digest, hit in _MEMO.items() if hit is bank), None)


#: A folder with more than this in it is parsed every time rather than hashed for the cache.
_KEY_MAX_BYTES = 512 * 1024 * 1024


def _bank_key(dirs: list, include_builtin: bool):
    """The cache key of a load, or None when the folders hold anything but plain regular files (a link,
    a FIFO …) or too much: those are left to the parse, which reports them."""
    import os
    import stat

    from generator import cache, loader
    from generator.bank import themes, units

    key = cache.Key("phrasebank").code(sys.modules[__name__], units, themes, loader)
    key.text(f"builtin={include_builtin}")
    folders = [Path(d) for d in dirs]
    spaces = namespaces(folders)
    base = phrasebank_dir()
    groups = [(f, spaces.get(f, "")) for f in folders]
    groups.append((base / "curated", "curated" if include_builtin else "themes"))
    if include_builtin:
        groups.append((base / "mined", "mined"))
    total = 0
    for folder, space in groups:
        key.text(f"{folder.resolve()}\0{space}")
        if not folder.is_dir():
            key.text("<none>")
            continue
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder)
            if any(part.startswith(".") for part in rel.parts):
                continue
            try:
                st = os.lstat(path)
            except OSError:
                return None
            if stat.S_ISDIR(st.st_mode):
                continue
            if not stat.S_ISREG(st.st_mode):
                return None
            if space == "themes" and path.name != "themes.yaml":
                continue
            total += st.st_size
            if total > _KEY_MAX_BYTES:
                return None
            try:
                key.text(rel.as_posix()).data(path.read_bytes())
            except OSError:
                return None
    return key


def parse_phrasebank(extra_dirs: Iterable = (), include_builtin: bool = True) -> Phrasebank:
    """Entries of the user's folders, then the built-in ones.

    Ids are namespaced by their folder: a user folder's entries are known as ``NAME:id`` (NAME the
    folder's name, made unique among the folders given), so a user's ``point.0007`` never shadows the
    built-in ``point.0007`` and ``--sources`` tells which corpus a sentence came from; the built-in
    folders keep bare ids. Two entries with one id in one folder are an error.

    A folder written by ``speechgen mine`` (it holds manifest.json, the fingerprint index or a pending
    list) is used only when complete: its manifest lists every entry file with its SHA-256, so a set
    left half-replaced by an interrupted mine, or edited by hand, is refused, naming the folder."""
    import hashlib
    import json

    from generator.loader import read_bytes

    # The names generator.mining.miner writes (not imported: drafting never loads the miner).
    manifest_name, mined_format = "manifest.json", "speechgen-mined/1"
    markers = (manifest_name, ".manifest.pending.json", "fingerprints.json.gz", "units.yaml", "vocabulary.json")

    def refuse(folder: Path, why: str) -> InputError:
        return InputError(f"短语库文件夹不完整：{why}。可能是上次 speechgen mine 中途被打断，或其中的文件被手工改过；"
                          f"请重新运行 speechgen mine 语料 -o {folder} --force", path=folder)

    def check_mined(folder: Path, root: Path) -> None:
        try:
            doc = json.loads(read_bytes(root / manifest_name, "manifest").decode("utf-8"))
            if not isinstance(doc, dict) or doc.get("format") != mined_format:
                raise ValueError("format")
            listed = {str(k): str(v) for k, v in doc["files"].items()}
        except InputError:
            raise refuse(root, f"缺少 {manifest_name}") from None
        except (ValueError, KeyError, TypeError, AttributeError):
            raise refuse(root, f"{manifest_name} 不是 speechgen mine 写的清单，或已损坏") from None
        for name, digest in sorted(listed.items()):
            if not (root / name).is_file():
                raise refuse(root, f"{manifest_name} 列出的 {name} 不存在")
            try:
                data = read_bytes(root / name, "phrasebank", empty_ok=True)
            except InputError as err:
                raise refuse(root, f"{name} 无法读取（{err.message}）") from None
            # A checkout that turned LF into CRLF (git's autocrlf on Windows) has the same content.
            lf = data.replace(b"\r\n", b"\n")
            if digest not in (hashlib.sha256(data).hexdigest(), hashlib.sha256(lf).hexdigest()):
                raise refuse(root, f"{name} 与 {manifest_name} 记录的不符")
        for path in entry_files(folder):
            if path.parent == root and path.name not in listed:
                raise refuse(root, f"{path.name} 不在 {manifest_name} 中")

    from generator.bank.units import UNITS_FILE, VOCABULARY_FILE, load_units, load_vocabulary

    chosen: dict[str, Entry] = {}
    units: list = []
    vocabulary: dict[str, int] = {}
    groups = [(Path(d), str(d)) for d in extra_dirs]
    spaces = namespaces([folder for folder, _ in groups])
    if include_builtin:
        base = phrasebank_dir()
        groups += [(base / "curated", "curated"), (base / "mined", "mined")]
    for folder, origin in groups:
        if not folder.is_dir():
            if origin in ("curated", "mined"):
                continue
            raise InputError("短语库文件夹不存在", path=folder)
        roots = {p.parent for name in markers for p in folder.rglob(name)
                 if not any(part.startswith(".") for part in p.parent.relative_to(folder).parts)}
        for root in sorted(roots):
            check_mined(folder, root)
        group: dict[str, Entry] = {}
        for path in entry_files(folder):
            for entry in load_entry_file(path, origin=origin):
                if entry.id in group:
                    raise InputError(f"条目编号“{entry.id}”重复", path=path, key="id")
                group[entry.id] = entry
        space = spaces.get(folder)
        for entry_id, entry in group.items():
            if space:
                entry = replace(entry, id=f"{space}:{entry_id}")
            chosen.setdefault(entry.id, entry)
        for path in _data_files(folder, UNITS_FILE):
            for unit in load_units(path, origin=origin):
                units.append(replace(unit, id=f"{space}:{unit.id}") if space else unit)
        for path in _data_files(folder, VOCABULARY_FILE):
            for word, n in load_vocabulary(path).items():
                vocabulary[word] = vocabulary.get(word, 0) + n
    return Phrasebank(tuple(sorted(chosen.values(), key=lambda e: e.id)), tuple(units), vocabulary)


def _data_files(folder: Path, name: str) -> list[Path]:
    return sorted(p for p in folder.rglob(name) if not any(part.startswith(".") for part in p.relative_to(folder).parts))


def namespaces(folders) -> dict[Path, str]:
    """The namespace of each user phrasebank folder: its name (no colon, no spaces), with ~2, ~3 … for
    a second folder of the same name; the same folder given twice keeps one."""
    out: dict[Path, str] = {}
    taken: set[str] = set()
    for folder in folders:
        if folder in out:
            continue
        base = re.sub(r"[:\s]+", "_", Path(folder).resolve().name or "phrases").strip("_") or "phrases"
        name, k = base, 1
        while name in taken or name in ("mined", "curated"):
            k += 1
            name = f"{base}~{k}"
        taken.add(name)
        out[folder] = name
    return out


def entry_files(folder: Path) -> list[Path]:
    """The entry YAML files under ``folder`` (recursive, sorted), reserved data files left out."""
    return sorted(p for p in folder.rglob("*.yaml")
                  if p.name not in RESERVED_FILES
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def load_entry_file(path: Path, origin: str = "curated") -> list[Entry]:
    """Entries of one YAML file; InputError with file and line for anything malformed."""
    doc = load_yaml(path)
    if doc.value is None:
        return []
    items = doc.seq()
    known_themes = set(load_themes())
    entries = [_entry(item, path, origin, known_themes) for item in items]
    return entries


def _entry(item, path: Path, origin: str, known_themes: set[str]) -> Entry:
    m = item.mapping(allowed=_ENTRY_KEYS, required=("id", "category", "text"))
    entry_id = m["id"].str()
    if not _ID_RE.match(entry_id):
        m["id"].fail(f"条目编号“{entry_id}”格式不对，应形如 point.0007 或 lexicon.formula.012")
    category = m["category"].str()
    if category not in CATEGORIES:
        m["category"].fail(f"未知的类别“{category}”，可用：{'、'.join(CATEGORIES)}")
    text = phrase_text(m["text"])
    themes = tuple(t.str() for t in m["themes"].seq()) if "themes" in m else ()
    for i, theme in enumerate(themes):
        # Canonical themes, or a pack's own grouping (认识/重点任务/保障): short Chinese labels.
        if theme not in known_themes and not _LABEL_RE.match(theme):
            m["themes"].seq()[i].fail(f"主题“{theme}”不像主题名；规范主题：{'、'.join(load_themes())}")
    types = tuple(t.str() for t in m["meeting_types"].seq()) if "meeting_types" in m else ()
    for i, t in enumerate(types):
        if not _TYPE_RE.match(t):
            m["meeting_types"].seq()[i].fail(f"会议类型“{t}”格式不对，应为英文标识，如 shuzhi_speech")
    era = read_era(m)
    sources = tuple(s.str() for s in m["sources"].seq()) if "sources" in m else ()
    count = m["count"].int(1, 10**9) if "count" in m else 1
    return Entry(entry_id, category, text, themes, types, era or None, sources, count, origin)


def phrase_text(node, what: str = "条目") -> str:
    """The text of an entry or unit: one line, no control characters, only known slots; else the node fails
    (file, line and key named)."""
    text = node.str()
    if re.search("[\r\n\u2028\u2029\x85]", text):
        node.fail(f"{what}文字只能是一行（一段话里不能换行）")
    if re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]", text):
        node.fail(f"{what}文字里有控制字符或无效字符（可能来自 YAML 的 \\x 转义），请删去")
    for slot in SLOT_RE.findall(text):
        if slot not in SLOTS:
            node.fail(f"未知的占位槽{{{slot}}}，可用：{'、'.join(sorted(SLOTS))}")
    return text


def read_era(m) -> dict | None:
    """The optional ``era`` of an entry or unit mapping: {from, until} years, from not after until."""
    if "era" not in m or m["era"].value is None:
        return None
    em = m["era"].mapping(allowed=("from", "until"))
    era = {k: em[k].int(1900, 2200) for k in ("from", "until") if k in em}
    if "from" in era and "until" in era and era["from"] > era["until"]:
        m["era"].fail("era 的 from 晚于 until")
    return era or None
