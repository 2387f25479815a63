"""Template errors said in Chinese, with the nearest name a template author probably meant.

Jinja's messages are English and name Python types ('dict object' has no attribute 'achievments');
a secretary editing a pack needs the file, the line, and "是否想写 cfg.achievements？".
"""

from __future__ import annotations

import difflib
import re

from jinja2 import TemplateError

_RULES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"'[^']*' (?:object )?has no attribute '([^']+)'"), "没有 {0} 这一项"),
    (re.compile(r"'([^']+)' is undefined"), "未定义的名字 {0}"),
    (re.compile(r"access to attribute '([^']+)' of '([^']+)' object is unsafe"), "沙箱不允许访问 {0}（模板只能用 cfg、plan、s 提供的内容）"),
    (re.compile(r"(?:unsafe|not safely callable)"), "沙箱不允许这样调用（模板只能用 cfg、plan、s 提供的内容）"),
    (re.compile(r"Encountered unknown tag '([^']+)'"), "未知的模板标签 {0}（常见原因：endif/endfor 拼错，或少了 {{% if %}}）"),
    (re.compile(r"unexpected end of template"), "模板意外结束：有 {{% if %}} 或 {{% for %}} 没有对应的 end"),
    (re.compile(r"unexpected '([^']+)'"), "这里不应出现“{0}”"),
    (re.compile(r"expected token '([^']+)', got '([^']+)'"), "这里应为“{0}”，却是“{1}”"),
    (re.compile(r"no filter named '([^']+)'"), "没有名为 {0} 的过滤器"),
    (re.compile(r"no test named '([^']+)'"), "没有名为 {0} 的测试"),
    (re.compile(r"(?:template|Template) '([^']+)' not found"), "找不到模板文件 {0}"),
    (re.compile(r"maximum recursion depth"), "模板递归过深（宏或 include 互相调用）"),
]


def explain(exc: TemplateError, names: dict[str, list[str]] | None = None) -> str:
    """``exc`` in Chinese; ``names`` (e.g. {"cfg": [...keys], "s": [...methods]}) feeds the 是否想写 hint."""
    from jinja2 import TemplateNotFound

    from generator.drafting.sandbox import BudgetExceeded

    # never echo marks or control characters (a value's provenance, a file's text) into a message
    raw = re.sub("\x01[^\x02]*\x02|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", str(getattr(exc, "message", None) or exc))
    if isinstance(exc, BudgetExceeded):
        return raw
    if isinstance(exc, TemplateNotFound):
        return "找不到要引用的模板文件（模板只能引用本包、它继承的包或 _lib/ 里的文件）"
    for pattern, zh in _RULES:
        m = pattern.search(raw)
        if m:
            text = zh.format(*m.groups())
            missing = m.group(1) if m.groups() and "{0}" in zh and "没有" in zh or "未定义" in zh else None
            if missing and names:
                candidates = [f"{prefix}.{n}" if prefix else n for prefix, ns in names.items() for n in ns]
                near = difflib.get_close_matches(missing, [c.rsplit(".", 1)[-1] for c in candidates], n=1, cutoff=0.6)
                if near:
                    full = next(c for c in candidates if c.rsplit(".", 1)[-1] == near[0])
                    text += f"，是否想写 {full}？"
            return text
    return f"模板出错（{raw}）"
