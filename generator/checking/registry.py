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


import regex as re  # type: ignore[import-untyped]  # compiles CJK classes ~4× faster than the re module
from collections.abc import Callable

from generator.checking.base import SEVERITIES, Doc, Finding, heading_of, headings_of
from generator.checking.length import check_length
from generator.checking.numbering import check_count_mismatch, check_enumeration
from generator.checking.outdated import check_outdated, read_year
from generator.checking.overlap import check_overlap, corpus_index, shipped_index
from generator.checking.placeholder import check_placeholder
from generator.checking.punctuation import check_punctuation
from generator.checking.repetition import check_repetition
from generator.checking.lists import check_list_count
from generator.checking.matter import check_head_echo, check_off_matter, check_twin_heads
from generator.checking.problems import check_crux_missed, check_unanswered_problem
from generator.checking.tics import check_tics
from generator.checking.voice import check_address, check_backbone, check_level_voice
from generator.checking.report import format_findings

__all__ = ["RULES", "check_file", "check_lines", "format_findings", "make_doc", "read_year"]
from generator.bank.fingerprint import FingerprintIndex

# ------------------------------------------------------------------ registry and API
#: Rule id → the function that runs it on a Doc and the run's context; each finding carries its own
#: severity (see the module docstring), so the registry holds none.
RULES: dict[str, Callable[[Doc, dict], list[Finding]]] = {
    "placeholder": lambda doc, ctx: check_placeholder(doc),
    "count_mismatch": lambda doc, ctx: check_count_mismatch(doc),
    "enumeration": lambda doc, ctx: check_enumeration(doc),
    "repetition": lambda doc, ctx: check_repetition(doc),
    "outdated_term": lambda doc, ctx: check_outdated(doc, ctx["year"]),
    "overlap": lambda doc, ctx: check_overlap(doc, ctx["indexes"]),
    "length": lambda doc, ctx: check_length(doc, ctx["target_length"]),
    "punctuation": lambda doc, ctx: check_punctuation(doc),
    # what a reviewer marks in red (issue 11); all warnings, thresholds measured on the seeds
    "head_echo": lambda doc, ctx: check_head_echo(doc),
    "off_matter": lambda doc, ctx: check_off_matter(doc),
    "twin_heads": lambda doc, ctx: check_twin_heads(doc),
    "list_count": lambda doc, ctx: check_list_count(doc),
    "level_voice": lambda doc, ctx: check_level_voice(doc, ctx.get("level"), ctx.get("quoted", ())),
    "address": lambda doc, ctx: check_address(doc, ctx.get("meeting_type")),
    "unanswered_problem": lambda doc, ctx: check_unanswered_problem(doc, ctx.get("meeting_type")),
    "crux_missed": lambda doc, ctx: check_crux_missed(doc),
    "backbone": lambda doc, ctx: check_backbone(doc, ctx.get("meeting_type")),
    "tics": lambda doc, ctx: check_tics(doc),
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
                rules=None, level: str | None = None, meeting_type: str | None = None,
                quoted=()) -> list[Finding]:
    """Findings for a draft's paragraph lines in reading order (title first), sorted by paragraph.

    ``title``, when given and different from ``lines[0]``, means the lines hold the body only. ``indexes``
    replaces the shipped fingerprint index (tests); ``rules`` limits the rules run (ids). ``level`` (县, 镇 …)
    and ``meeting_type`` (a config type or 点评) are read off the title when not given. ``quoted``: texts the
    draft took verbatim from its config (the user's own words), which ``level_voice`` does not judge.
    """
    doc = make_doc(lines, title)
    if indexes is None:
        shipped = shipped_index()
        indexes = [shipped] if shipped is not None else []
    if corpus_dirs:
        indexes = [*indexes, corpus_index(corpus_dirs)]
    head = [title] if title is not None and doc.body_start == 0 else []
    ctx = {"year": year if year is not None else read_year(head + list(doc.lines)),
           "target_length": target_length, "indexes": indexes, "level": level, "meeting_type": meeting_type,
           "quoted": tuple(quoted)}
    findings: list[Finding] = []
    for rule_id, run in RULES.items():
        if rules is None or rule_id in rules:
            findings.extend(run(doc, ctx))
    order = {s: k for k, s in enumerate(SEVERITIES)}
    return sorted(findings, key=lambda f: (f.paragraph == 0, f.paragraph, order[f.severity], f.rule, f.excerpt, f.message))


def check_file(path, *, year: int | None = None, target_length: int | None = None, corpus_dirs=(),
               level: str | None = None, meeting_type: str | None = None) -> list[Finding]:
    """Findings for a .txt, .md or .docx draft; InputError when the file cannot be read."""
    from generator.checking.draft_reader import read_draft

    return check_lines(read_draft(path), year=year, target_length=target_length, corpus_dirs=corpus_dirs,
                       level=level, meeting_type=meeting_type)
