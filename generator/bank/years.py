"""Curated year facts: what a year is known for (中国共产党成立105周年, “十五五”开局之年 …), the guiding-thought
line speeches use that year, and the year's main party-building tasks (phrasebank/curated/years.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from generator.loader import load_yaml
from generator.resources import phrasebank_dir


@dataclass(frozen=True)
class Year:
    facts: tuple[str, ...] = ()
    guiding: str = ""  # 以习近平新时代中国特色社会主义思想为指导，深入贯彻党的二十大和二十届历次全会精神
    tasks: tuple[str, ...] = ()  # 抓好村（社区）“两委”换届 …
    starts: tuple[tuple[int, int] | None, ...] = ()  # (year, month) each task starts, where its date says

    def tasks_by(self, when: tuple[int, int] | None) -> tuple[str, ...]:
        """The tasks already under way at ``when`` (year, month); all of them when ``when`` is unknown:
        a 述职评议会 in January does not deploy a 学习教育 launched in February."""
        if when is None:
            return self.tasks
        return tuple(t for t, start in zip(self.tasks, self.starts or (None,) * len(self.tasks))
                     if start is None or start <= when)


@cache
def _years_at(path: Path) -> dict[int, Year]:
    if not path.is_file():
        return {}
    doc = load_yaml(path)
    out: dict[int, Year] = {}
    for item in (doc.seq() if doc.value is not None else []):
        m = item.mapping(allowed=None, required=("year", "facts"))  # extra keys (notes, sources) are the author's
        year = m["year"].int(1900, 2200)
        if year in out:
            m["year"].fail(f"年份 {year} 重复")
        guiding = m["guiding"].str() if "guiding" in m else ""
        if guiding and "guiding_checked" not in m:
            m["guiding"].fail("指导思想表述要写明出处（guiding_checked）")
        tasks, starts = [], []
        for t in (m["tasks"].seq() if "tasks" in m else []):
            tm = t.mapping(allowed=("text", "date", "checked"), required=("text", "checked"))
            tasks.append(tm["text"].str())
            starts.append(_start(tm["date"].str()) if "date" in tm else None)
        out[year] = Year(tuple(f.str() for f in m["facts"].seq()), guiding, tuple(tasks), tuple(starts))
    return out


def _start(date: str) -> tuple[int, int] | None:
    """(year, month) a task's ``date`` starts at: "2026-02/2026-07" → (2026, 2); a bare year → None."""
    m = re.match(r"^(\d{4})-(\d{2})", date.strip())
    return (int(m.group(1)), int(m.group(2))) if m else None


def year_info(year: int) -> Year:
    """What ``years.yaml`` holds for ``year`` (empty when the year is not listed)."""
    return _years_at(phrasebank_dir() / "curated" / "years.yaml").get(year, Year())


def year_facts(year: int) -> tuple[str, ...]:
    """What the year is known for (e.g. 中国共产党成立105周年); empty when the year is not listed."""
    return year_info(year).facts
