"""Phrasebank entries: load and validate the YAML folders (mined, curated, the user's), merge and query them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable


from generator.errors import InputError
from generator.loader import load_yaml
from generator.resources import phrasebank_dir

CATEGORIES = ("opening", "evaluation", "achievement", "problem_intro", "problem", "situation", "transition",
              "section_heading", "point", "requirement", "closing", "adjourn", "parallel", "formula",
              "slogan", "idiom")
SLOTS = frozenset({"place", "scope", "our", "committee", "year", "review_year", "count", "n", "name",
                   "reporter"})
#: YAML files in a phrasebank folder that are data of another kind, not entry lists.
RESERVED_FILES = frozenset({"era_rules.yaml", "themes.yaml", "years.yaml"})
SLOT_RE = re.compile(r"\{([a-z_]+)\}")
_ID_RE = re.compile(r"^[a-z0-9_]+(?:\.[a-z0-9_]+)+$")
_TYPE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_LABEL_RE = re.compile(r"^[\u4e00-\u9fff]{2,8}$")
_ENTRY_KEYS = ("id", "category", "text", "themes", "meeting_types", "era", "sources", "count")


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
        if not self.era:
            return True
        return self.era.get("from", year) <= year <= self.era.get("until", year)

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

    def query(self, category=None, theme=None, search=None, meeting_type=None, year=None) -> list[Entry]:
        """Entries matching every filter given, sorted by id."""
        if category is not None and category not in CATEGORIES:
            raise InputError(f"未知的类别“{category}”，可用：{'、'.join(CATEGORIES)}", key="category")
        out = [e for e in self.entries
               if (category is None or e.category == category)
               and (theme is None or theme in e.themes)
               and (search is None or search in e.text)
               and (meeting_type is None or e.fits(meeting_type))
               and (year is None or e.current_in(year))]
        return sorted(out, key=lambda e: e.id)

    def get(self, entry_id: str) -> Entry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def categories(self) -> dict[str, int]:
        counts = {c: 0 for c in CATEGORIES}
        for e in self.entries:
            counts[e.category] += 1
        return {c: n for c, n in counts.items() if n}


# ---------------------------------------------------------------- loading
def load_phrasebank(extra_dirs: Iterable = (), include_builtin: bool = True) -> Phrasebank:
    """Entries of the user's folders, then the built-in ones; a user entry overrides a built-in one by id."""
    chosen: dict[str, Entry] = {}
    groups = [(Path(d), str(d)) for d in extra_dirs]
    if include_builtin:
        base = phrasebank_dir()
        groups += [(base / "curated", "curated"), (base / "mined", "mined")]
    for folder, origin in groups:
        if not folder.is_dir():
            if origin in ("curated", "mined"):
                continue
            raise InputError("短语库文件夹不存在", path=folder)
        group: dict[str, Entry] = {}
        for path in entry_files(folder):
            for entry in load_entry_file(path, origin=origin):
                if entry.id in group:
                    raise InputError(f"条目编号“{entry.id}”重复", path=path, key="id")
                group[entry.id] = entry
        for entry_id, entry in group.items():
            chosen.setdefault(entry_id, entry)
    return Phrasebank(tuple(sorted(chosen.values(), key=lambda e: e.id)))


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
    text = m["text"].str()
    for slot in SLOT_RE.findall(text):
        if slot not in SLOTS:
            m["text"].fail(f"未知的占位槽{{{slot}}}，可用：{'、'.join(sorted(SLOTS))}")
    themes = tuple(t.str() for t in m["themes"].seq()) if "themes" in m else ()
    for i, theme in enumerate(themes):
        # Canonical themes, or a pack's own grouping (认识/重点任务/保障): short Chinese labels.
        if theme not in known_themes and not _LABEL_RE.match(theme):
            m["themes"].seq()[i].fail(f"主题“{theme}”不像主题名；规范主题：{'、'.join(load_themes())}")
    types = tuple(t.str() for t in m["meeting_types"].seq()) if "meeting_types" in m else ()
    for i, t in enumerate(types):
        if not _TYPE_RE.match(t):
            m["meeting_types"].seq()[i].fail(f"会议类型“{t}”格式不对，应为英文标识，如 shuzhi_speech")
    era = None
    if "era" in m and m["era"].value is not None:
        em = m["era"].mapping(allowed=("from", "until"))
        era = {k: em[k].int(1900, 2200) for k in ("from", "until") if k in em}
        if "from" in era and "until" in era and era["from"] > era["until"]:
            m["era"].fail("era 的 from 晚于 until")
    sources = tuple(s.str() for s in m["sources"].seq()) if "sources" in m else ()
    count = m["count"].int(1, 10**9) if "count" in m else 1
    return Entry(entry_id, category, text, themes, types, era or None, sources, count, origin)


# ---------------------------------------------------------------- themes and year facts
@lru_cache(maxsize=None)
def _themes_at(path: Path) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for item in load_yaml(path).seq():
        m = item.mapping(allowed=("theme", "keywords"), required=("theme", "keywords"))
        name = m["theme"].str()
        if name in out:
            m["theme"].fail(f"主题“{name}”重复")
        out[name] = tuple(k.str() for k in m["keywords"].seq())
    return out


@lru_cache(maxsize=None)
def _builtin_themes() -> dict[str, tuple[str, ...]]:
    return _themes_at(phrasebank_dir() / "curated" / "themes.yaml")


@lru_cache(maxsize=None)
def _keyword_re() -> tuple[re.Pattern, dict[str, frozenset[str]]]:
    owners: dict[str, set[str]] = {}
    for theme, words in _builtin_themes().items():
        for w in words:
            owners.setdefault(w, set()).add(theme)
    pattern = re.compile("|".join(map(re.escape, sorted(owners, key=lambda w: (-len(w), w)))))
    # A longer keyword hides the shorter ones it contains at the same start: give it their themes too.
    return pattern, {w: frozenset(t for v, ts in owners.items() if v in w for t in ts) for w in owners}


def load_themes() -> dict[str, tuple[str, ...]]:
    """Canonical themes, in their canonical order, each with its keywords."""
    return dict(_builtin_themes())


def themes_of(text: str) -> tuple[str, ...]:
    """Themes whose keywords occur in ``text``, in canonical order."""
    pattern, owners = _keyword_re()
    hits: set[str] = set()
    pos = 0
    # Overlapping keywords (组织生活 inside 党内政治生活) must all count: rescan from each hit's next char.
    while (m := pattern.search(text, pos)) is not None:
        hits |= owners[m.group(0)]
        pos = m.start() + 1
    return tuple(t for t in _builtin_themes() if t in hits)


@lru_cache(maxsize=None)
def _year_facts_at(path: Path) -> dict[int, tuple[str, ...]]:
    if not path.is_file():
        return {}
    doc = load_yaml(path)
    out: dict[int, tuple[str, ...]] = {}
    for item in (doc.seq() if doc.value is not None else []):
        m = item.mapping(allowed=None, required=("year", "facts"))  # extra keys (notes) are the author's
        year = m["year"].int(1900, 2200)
        if year in out:
            m["year"].fail(f"年份 {year} 重复")
        out[year] = tuple(f.str() for f in m["facts"].seq())
    return out


def year_facts(year: int) -> tuple[str, ...]:
    """What the year is known for (e.g. 中国共产党成立105周年); empty when the year is not listed."""
    return _year_facts_at(phrasebank_dir() / "curated" / "years.yaml").get(year, ())
