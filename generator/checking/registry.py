"""The draft checker: runs every rule over a draft's lines and reports findings a careful reviewer would.

Severity, and why: a slip that would embarrass the office if read aloud — a leftover placeholder
(``placeholder``), an announced count that disagrees (``count_mismatch``), broken numbering
(``enumeration``), a term dated for the speech's year (``outdated_term``) — is an ``error`` and makes
``speechgen check`` exit 1. Matters of judgement — repeats (``repetition``), verbatim runs from the
corpus (``overlap``), length (``length``, an error only beyond ±50 % of the target) and punctuation
(``punctuation``) — are ``warning``s. ``info`` says what was not checked (no year known, no fingerprint
index) and the share of sentences found verbatim in the corpus. Paragraph numbers are 1-based indexes
into the draft's lines (title = 1); 0 means the whole draft.
"""


import re
from typing import Callable

from generator.checking.base import SEVERITIES, Doc, Finding, heading_of, headings_of
from generator.checking.length import check_length
from generator.checking.numbering import check_count_mismatch, check_enumeration
from generator.checking.outdated import check_outdated, read_year
from generator.checking.overlap import check_overlap, corpus_index, shipped_index
from generator.checking.placeholder import check_placeholder
from generator.checking.punctuation import check_punctuation
from generator.checking.repetition import check_repetition
from generator.bank.fingerprint import FingerprintIndex

# ------------------------------------------------------------------ registry and API
RULES: dict[str, tuple[str, Callable]] = {
    "placeholder": ("error", lambda doc, ctx: check_placeholder(doc)),
    "count_mismatch": ("error", lambda doc, ctx: check_count_mismatch(doc)),
    "enumeration": ("error", lambda doc, ctx: check_enumeration(doc)),
    "repetition": ("warning", lambda doc, ctx: check_repetition(doc)),
    "outdated_term": ("error", lambda doc, ctx: check_outdated(doc, ctx["year"])),
    "overlap": ("warning", lambda doc, ctx: check_overlap(doc, ctx["indexes"])),
    "length": ("warning", lambda doc, ctx: check_length(doc, ctx["target_length"])),
    "punctuation": ("warning", lambda doc, ctx: check_punctuation(doc)),
}


def make_doc(lines: list[str], title: str | None = None) -> Doc:
    """Doc for ``lines`` (title first, as ``Draft.paragraphs``); short undotted lines under it are the byline."""
    lines = [line.strip() for line in lines if line.strip()]
    start = 0 if title is not None and (not lines or lines[0] != title) else 1
    while start < min(len(lines), 4) and start >= 1 and len(lines[start]) <= 30 and \
            not re.search(r"[。：:，,]", lines[start]) and heading_of(lines[start]) is None:
        start += 1  # speaker and date lines under the title are not part of the speech
    return Doc(tuple(lines), min(start, len(lines)), headings_of(lines))


def check_lines(lines: list[str], *, year: int | None = None, target_length: int | None = None,
                corpus_dirs=(), title: str | None = None, indexes: list[FingerprintIndex] | None = None,
                rules=None) -> list[Finding]:
    """Findings for a draft's paragraph lines in reading order (title first), sorted by paragraph.

    ``title``, when given and different from ``lines[0]``, means the lines hold the body only. ``indexes``
    replaces the shipped fingerprint index (tests); ``rules`` limits the rules run (ids).
    """
    doc = make_doc(lines, title)
    if indexes is None:
        shipped = shipped_index()
        indexes = [shipped] if shipped is not None else []
    if corpus_dirs:
        indexes = [*indexes, corpus_index(corpus_dirs)]
    head = [title] if title is not None and doc.body_start == 0 else []
    ctx = {"year": year if year is not None else read_year(head + list(doc.lines)),
           "target_length": target_length, "indexes": indexes}
    findings: list[Finding] = []
    for rule_id, (_, run) in RULES.items():
        if rules is None or rule_id in rules:
            findings.extend(run(doc, ctx))
    order = {s: k for k, s in enumerate(SEVERITIES)}
    return sorted(findings, key=lambda f: (f.paragraph == 0, f.paragraph, order[f.severity], f.rule, f.excerpt, f.message))


def check_file(path, *, year: int | None = None, target_length: int | None = None, corpus_dirs=()) -> list[Finding]:
    """Findings for a .txt, .md or .docx draft; InputError when the file cannot be read."""
    from generator.checking.draft_reader import read_draft

    return check_lines(read_draft(path), year=year, target_length=target_length, corpus_dirs=corpus_dirs)


def format_findings(findings: list[Finding], name: str) -> str:
    """A Chinese report grouped by severity, ending with a summary line (共 3 处：错误 1，警告 2，提示 0)."""
    labels = {"error": "错误", "warning": "警告", "info": "提示"}
    lines = [f"检查 {name}："]
    if not findings:
        lines.append("未发现问题。")
    for sev in SEVERITIES:
        group = [f for f in findings if f.severity == sev]
        if group:
            lines.append(f"\n{labels[sev]}（{len(group)}）")
            for f in group:
                where = f"第{f.paragraph}段" if f.paragraph else "全文"
                lines.append(f"  {where} [{f.rule}] {f.message}")
                if f.excerpt:
                    lines.append(f"      摘录：{f.excerpt}")
    counts = "，".join(f"{labels[s]} {sum(f.severity == s for f in findings)}" for s in SEVERITIES)
    lines.append(f"\n共 {len(findings)} 处：{counts}")
    return "\n".join(lines)
