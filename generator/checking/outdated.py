"""The ``outdated_term`` rule: wording dated for the speech's year (era rules are data), and reading the
year off the draft itself."""

from __future__ import annotations

import regex as re  # type: ignore[import-untyped]  # compiles CJK classes ~4× faster than the re module

from generator.checking.base import Doc, Finding, excerpt

_YEAR = re.compile(r"((?:19|20)\d\d)年")
_DATE = re.compile(r"((?:19|20)\d\d)年\d{1,2}月\d{1,2}日")


def check_outdated(doc: Doc, year: int | None) -> list[Finding]:
    if year is None:
        return [Finding("outdated_term", "info", 0, "", "未能从标题或落款读出讲话年份，未检查过时提法；可用 --year 指定")]
    from generator.bank.era import load_era_rules, outdated

    rules = load_era_rules()
    out = []
    for i, line in doc.body():
        by_rule: dict[str, list] = {}  # one finding per paragraph and rule: the fix is the same each time
        for rule, m in outdated(line, year, rules):
            by_rule.setdefault(rule.id, []).append((rule, m))
        for hits in by_rule.values():
            rule, m = hits[0]
            times = f"（本段 {len(hits)} 处）" if len(hits) > 1 else ""
            out.append(Finding("outdated_term", "error", i + 1, excerpt(line, m.start(), m.end()),
                               f"“{m.group(0).strip('“”')}”在{year}年已不合时宜{times}：{rule.reason_zh}；{rule.suggestion_zh}"))
    return out


def read_year(lines: list[str]) -> int | None:
    """The speech's year: a date line under the title, else the title, else the latest year in the opening.

    A title's "2025年度……述职评议" names the year reviewed; the meeting is held the year after.
    """
    if not lines:
        return None
    for line in lines[1:6]:
        m = _DATE.search(line)
        if m and len(line) <= 40:
            return int(m.group(1))
    m = _YEAR.search(lines[0])
    if m:
        reviewed = lines[0][m.end():].startswith("度") and "述职" in lines[0]
        return int(m.group(1)) + reviewed
    years = [int(m.group(1)) for line in lines[1:5] for m in _YEAR.finditer(line)
             if not re.search(r"[到至]$", line[:m.start()]) and not line[m.end():].startswith(("底", "前"))]
    return max(years) if years else None
