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

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from generator.corpus.cleaning import GLOSS_RE
from generator.errors import InputError, SpeechgenError
from generator.bank.fingerprint import FILENAME, W, FingerprintIndex, build_index, fingerprint_speech, normalise, sentences
from generator.checking.numbering import check_count_mismatch, check_enumeration
from generator.checking.base import (Doc, Finding, SEVERITIES, check_length, check_placeholder, check_punctuation, excerpt,
                             has_placeholder, heading_of, headings_of)

# Normalised characters of one verbatim run worth a warning. Run lengths are estimated from winnowed
# hashes and may fall short of the true run by up to 2(W-1) characters, so runs estimated at
# OVERLAP_RUN - (W-1) or more are reported (the midpoint of the uncertainty).
OVERLAP_RUN = 50
PHRASE_MIN = 12  # normalised characters of a repeated phrase worth a warning
SENTENCE_MIN = 8
#: Formulas that legitimately recur in a speech; quoted terms (“两个维护”) are skipped as well.
FORMULAS = ("习近平新时代中国特色社会主义思想", "以习近平同志为核心的党中央", "习近平总书记关于党的建设的重要思想",
            "新时代党的建设总要求", "新时代党的组织路线", "全面从严治党", "基层党组织", "全面进步、全面过硬",
            "中国特色社会主义", "党的二十大精神", "党的二十届三中全会精神", "抓基层党建工作述职评议")
_QUOTED = re.compile(r"“[^”]{0,30}”|《[^》]{0,40}》|「[^」]{0,30}」")
_CLAUSE_END = re.compile(r"[；;：:。！？!?]")
_YEAR = re.compile(r"((?:19|20)\d\d)年")
_DATE = re.compile(r"((?:19|20)\d\d)年\d{1,2}月\d{1,2}日")


# ------------------------------------------------------------------ repetition
@lru_cache(maxsize=1)
def formulas() -> tuple[str, ...]:
    """FORMULAS plus the curated formula and slogan entries of the phrasebank, longest first."""
    found = set(FORMULAS)
    try:
        from generator.bank.entries import load_phrasebank

        bank = load_phrasebank()
        found.update(e.text for cat in ("formula", "slogan") for e in bank.query(category=cat)
                     if e.origin == "curated" and not e.slots() and len(e.text) >= 4)
    except SpeechgenError:
        pass  # a broken phrasebank is reported by the commands that load it; checking goes on without it
    return tuple(sorted(found, key=lambda f: (-len(f), f)))


def check_repetition(doc: Doc) -> list[Finding]:
    out: list[Finding] = []
    seen: dict[str, int] = {}
    masked: dict[int, list[tuple[int, int]]] = {}
    for i, line in doc.body():
        pos = 0
        for s in sentences(line):
            start = line.find(s, pos)
            pos = start + len(s)
            key = normalise(s)[0]
            if len(key) < SENTENCE_MIN or has_placeholder(s):
                continue  # "请***同志述职" twice names two people once filled in
            if key in seen:
                masked.setdefault(i, []).append((start, pos))
                out.append(Finding("repetition", "warning", i + 1, excerpt(line, start, pos),
                                   f"这句话与第{seen[key] + 1}段重复，请删去一处或换个说法"))
            else:
                seen[key] = i
    return out + _phrase_repeats(doc, masked)


def _phrase_repeats(doc: Doc, masked: dict[int, list[tuple[int, int]]]) -> list[Finding]:
    """Runs of >= PHRASE_MIN normalised characters said twice, quotes, formulas and repeated sentences aside."""
    first: dict[str, tuple[int, int]] = {}  # gram -> (line, normalised position)
    hits: list[tuple[int, int, int]] = []  # (line, position, first line)
    chunks: list[tuple[int, str, list[int]]] = []
    for i, line in doc.body():
        if doc.headings[i]:
            continue  # headings echo their section's words by design
        blank = GLOSS_RE.sub(lambda m: "、" * len(m.group(0)), line)  # 加強(qiáng): a pinyin gloss is no wording
        for s, e in masked.get(i, []):
            blank = blank[:s] + "\n" * (e - s) + blank[e:]
        blank = _QUOTED.sub(lambda m: "\n" * len(m.group(0)), blank)
        # A phrase lives within a clause: "……还不够扎实；二是组织生活……" joins two items, it is not one.
        blank = _CLAUSE_END.sub("\n", blank)
        for f in formulas():
            blank = blank.replace(f, "\n" * len(f))
        norm, where = normalise(blank.replace("\n", "、"))
        # Split the normalised text where something was blanked, so no gram bridges a gap.
        gaps = [k for k in range(1, len(where)) if "\n" in blank[where[k - 1]:where[k]]]
        bounds = [0, *gaps, len(norm)]
        for a, b in zip(bounds, bounds[1:]):
            chunks.append((i, norm[a:b], where[a:b]))
    for i, text, where in chunks:
        for k in range(len(text) - PHRASE_MIN + 1):
            gram = text[k:k + PHRASE_MIN]
            prev = first.get(gram)
            if prev is None:
                first[gram] = (i, where[k])
            elif prev[0] != i or where[k] - prev[1] >= PHRASE_MIN:
                hits.append((i, where[k], prev[0]))
    out, said = [], set()
    hits.sort()
    k = 0
    while k < len(hits):
        i, start, src = hits[k]
        end = start
        while k + 1 < len(hits) and hits[k + 1][0] == i and hits[k + 1][1] <= end + 2:
            k += 1
            end = hits[k][1]
        line = doc.lines[i]
        stop = min(len(line), end + PHRASE_MIN)
        where_txt = "本段前文" if src == i else f"第{src + 1}段"
        message = f"“{line[start:stop][:20]}”一语与{where_txt}重复，请换个说法"
        if (i, message) not in said:  # the same phrase twice more in one paragraph: one finding
            said.add((i, message))
            out.append(Finding("repetition", "warning", i + 1, excerpt(line, start, stop), message))
        k += 1
    return out


# ------------------------------------------------------------------ outdated_term
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


# ------------------------------------------------------------------ overlap
def check_overlap(doc: Doc, indexes: list[FingerprintIndex]) -> list[Finding]:
    if not indexes:
        return [Finding("overlap", "info", 0, "", "未找到查重指纹索引，也未给出 --corpus，未做查重")]
    out = []
    total = found = 0
    per_source: dict[str, int] = {}
    for i, line in doc.body():
        reported = set()
        for index in indexes:
            for run in index.runs(line, min_length=OVERLAP_RUN - (W - 1)):
                if run.source in reported:
                    continue
                reported.add(run.source)
                out.append(Finding("overlap", "warning", i + 1, excerpt(line, run.start, run.end),
                                   f"约 {run.length} 字与语料《{run.source}》逐字相同，请改写或注明出处"))
        for s in sentences(line):
            results = [index.sentence_sources(s) for index in indexes]
            if results[0] is None:
                continue  # too short to say anything about copying
            total += 1
            hits = sorted({src for r in results for src in r})
            found += bool(hits)
            for src in hits:
                per_source[src] = per_source.get(src, 0) + 1
    if found:
        top = sorted(per_source.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        out.append(Finding("overlap", "info", 0, "",
                           f"全文 {total} 句中有 {found} 句（{found * 100 // total}%）与语料逐句相同，最多来自《{top}》"))
    return out


def shipped_index() -> FingerprintIndex | None:
    """The fingerprint index shipped with the phrasebank (written by ``mine``), if there is one."""
    from generator.resources import phrasebank_dir

    path = phrasebank_dir() / "mined" / FILENAME
    return _load_index(str(path), path.stat().st_mtime_ns) if path.is_file() else None


@lru_cache(maxsize=4)
def _load_index(path: str, _mtime: int) -> FingerprintIndex:
    return FingerprintIndex.load(path)


def corpus_index(dirs) -> FingerprintIndex:
    """An index of the corpus folders given with --corpus, read through the corpus reader."""
    from generator.corpus.reader import read_corpus

    return build_index((path.name, fingerprint_speech(speech)) for path, speech in read_corpus(list(dirs))
                       if not isinstance(speech, InputError))


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
