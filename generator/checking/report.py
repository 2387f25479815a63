"""The checker's findings said in Chinese: one formatter for ``check`` and for ``render``'s summary."""

from __future__ import annotations

from generator.checking.base import SEVERITIES, Finding

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
#: Each rule's name as users read it (the id stays in --json and in brackets, for searching the README).
RULE_ZH = {
    "placeholder": "占位符", "count_mismatch": "数目不符", "enumeration": "序号", "repetition": "重复",
    "outdated_term": "过时提法", "overlap": "与语料雷同", "length": "字数", "punctuation": "标点",
    "head_echo": "首句复述标题", "off_matter": "文不对题", "twin_heads": "标题同义", "list_count": "列举数目",
    "level_voice": "层级用语", "address": "点评称谓", "unanswered_problem": "问题无回应", "crux_missed": "措施不对症", "backbone": "指导思想",
    "tics": "口头禅",
}
_ORDER = {s: k for k, s in enumerate(SEVERITIES)}


def rule_zh(rule: str) -> str:
    return RULE_ZH.get(rule, rule)


def finding_line(f: Finding) -> str:
    """One finding on one line: 第3段 错误 过时提法[outdated_term]：message（摘录）."""
    where = f"第{f.paragraph}段" if f.paragraph else "全文"
    excerpt = f"（摘录：{f.excerpt}）" if f.excerpt else ""
    return f"{where} {SEVERITY_ZH[f.severity]} {rule_zh(f.rule)}[{f.rule}]：{f.message}{excerpt}"


def counts_line(findings: list[Finding]) -> str:
    counts = "，".join(f"{SEVERITY_ZH[s]} {sum(f.severity == s for f in findings)}" for s in SEVERITIES)
    return f"共 {len(findings)} 处：{counts}"


def format_findings(findings: list[Finding], name: str) -> str:
    """A Chinese report grouped by rule (the most severe rules first), ending with the counts."""
    lines = [f"检查 {name}："]
    if not findings:
        lines.append("未发现问题。")
    by_rule: dict[str, list[Finding]] = {}
    for f in findings:
        by_rule.setdefault(f.rule, []).append(f)
    order = sorted(by_rule, key=lambda r: (min(_ORDER[f.severity] for f in by_rule[r]), r))
    for rule in order:
        group = by_rule[rule]
        lines.append(f"\n{rule_zh(rule)}[{rule}]（{len(group)}）")
        for f in sorted(group, key=lambda f: (_ORDER[f.severity], f.paragraph == 0, f.paragraph)):
            where = f"第{f.paragraph}段" if f.paragraph else "全文"
            lines.append(f"  {where} {SEVERITY_ZH[f.severity]}：{f.message}")
            if f.excerpt:
                lines.append(f"      摘录：{f.excerpt}")
    lines.append(f"\n{counts_line(findings)}")
    return "\n".join(lines)
