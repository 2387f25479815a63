"""Template errors said in Chinese, with the nearest name a template author probably meant.

Jinja's messages are English and name Python types ('dict object' has no attribute 'achievments');
a secretary editing a pack needs the file, the line, and "是否想写 cfg.achievements？". Every message
this module returns is Chinese: what Jinja says that no rule knows becomes a generic Chinese sentence,
never the English text, and no provenance mark or control character is ever echoed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from jinja2 import TemplateError, TemplateSyntaxError

#: Jinja's names for its tokens, as an author writes them.
_TOKENS = {"end of statement block": "%}", "end of print statement": "}}", "begin of statement block": "{%",
           "begin of print statement": "{{", "end of template": "模板结尾", "name": "名字", "integer": "整数",
           "float": "数字", "string": "文字"}


def _token(name: str) -> str:
    return f"“{_TOKENS.get(name, name)}”"


def _tags(text: str) -> str:
    return "或".join(f"{{% {t} %}}" for t in re.findall(r"'([^']+)'", text)) or "结束标签"


_SANDBOX = "（模板只能用 cfg、plan、s 提供的内容）"
# (pattern, Chinese, whether the first group names something the author may have misspelt)
_RULES: list[tuple[re.Pattern, Callable[[re.Match], str], bool]] = [
    (re.compile(r"'[^']*' (?:object )?has no attribute '([^']+)'"), lambda m: f"没有 {m[1]} 这一项", True),
    (re.compile(r"(\w+) object'? has no element (.+)"),
     lambda m: (f"列表里没有下标为 {m[2][:20]} 的一项（下标超出了列表的范围）" if m[1] in ("list", "tuple")
                else f"没有 {m[2][:20]} 这一项"), False),
    (re.compile(r"'([^']+)' is undefined"), lambda m: f"未定义的名字 {m[1]}", True),
    (re.compile(r"access to attribute '([^']+)' of '([^']+)' object is unsafe"),
     lambda m: f"沙箱不允许访问 {m[1]}{_SANDBOX}", False),
    (re.compile(r"unsafe|not safely callable"), lambda m: f"沙箱不允许这样调用{_SANDBOX}", False),
    (re.compile(r"Encountered unknown tag '([^']+)'\.\s*Jinja was looking for the following tags: (.+?)\."),
     lambda m: f"这里不应出现 {{% {m[1]} %}}：前面的块还没有结束，应先写 {_tags(m[2])}", False),
    (re.compile(r"Encountered unknown tag '([^']+)'"),
     lambda m: f"未知的模板标签 {m[1]}（常见原因：endif/endfor 拼错，或少了 {{% if %}} / {{% for %}}）", False),
    (re.compile(r"Unexpected end of template\.\s*Jinja was looking for the following tags: (.+?)\."),
     lambda m: f"模板意外结束：缺少 {_tags(m[1])}（有 {{% if %}} 或 {{% for %}} 没有对应的结束标签）", False),
    (re.compile(r"unexpected end of template, expected '([^']+)'"), lambda m: f"模板意外结束：缺少{_token(m[1])}", False),
    (re.compile(r"unexpected end of template"), lambda m: "模板意外结束：有 {% if %} 或 {% for %} 没有对应的结束标签", False),
    (re.compile(r"Expected an expression, got '([^']+)'"), lambda m: f"这里缺少表达式（在{_token(m[1])}之前）", False),
    (re.compile(r"expected token '([^']+)', got '([^']+)'"), lambda m: f"这里应为{_token(m[1])}，却是{_token(m[2])}", False),
    (re.compile(r"unexpected '([^']+)', expected '([^']+)'"), lambda m: f"这里不应出现{_token(m[1])}，应为{_token(m[2])}", False),
    (re.compile(r"unexpected '([^']+)'"), lambda m: f"这里不应出现{_token(m[1])}", False),
    (re.compile(r"unexpected char (?:'(.)'|\"(.)\")"),
     lambda m: f"这里有无法识别的字符“{m[1] or m[2]}”（常见原因：引号没有闭合）", False),
    (re.compile(r"Missing end of comment tag"), lambda m: "注释 {# 没有对应的 #}", False),
    (re.compile(r"Missing end of raw directive"), lambda m: "{% raw %} 没有对应的 {% endraw %}", False),
    (re.compile(r"tag name expected"), lambda m: "{% 后面缺少标签名（如 if、for、set）", False),
    (re.compile(r"block '([^']+)' defined twice"), lambda m: f"block {m[1]} 定义了两次", False),
    (re.compile(r"no filter named '([^']+)'", re.I), lambda m: f"没有名为 {m[1]} 的过滤器", False),
    (re.compile(r"no test named '([^']+)'", re.I), lambda m: f"没有名为 {m[1]} 的测试", False),
    (re.compile(r"(?:template|Template) '([^']+)' not found"),
     lambda m: "找不到要引用的模板文件（模板只能引用本包、它继承的包或 _lib/ 里的文件）", False),
    (re.compile(r"maximum recursion depth"), lambda m: "模板递归过深（宏或 include 互相调用）", False),
]

#: Marks and control characters: never echoed (a value's provenance, a file's text).
_HIDDEN = re.compile("\x01[^\x02]*\x02|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def explain(exc: TemplateError, names: dict[str, list[str]] | None = None) -> str:
    """``exc`` in Chinese; ``names`` (e.g. {"cfg": [...keys], "s": [...methods]}) feeds the 是否想写 hint."""
    from jinja2 import TemplateNotFound

    from generator.drafting.sandbox import TemplateProblem

    raw = _HIDDEN.sub("", str(getattr(exc, "message", None) or exc))
    if isinstance(exc, TemplateProblem):  # the sandbox's own messages are Chinese already
        return raw
    if isinstance(exc, TemplateNotFound):
        return "找不到要引用的模板文件（模板只能引用本包、它继承的包或 _lib/ 里的文件）"
    for pattern, zh, hint in _RULES:
        m = pattern.search(raw)
        if m:
            text = zh(m)
            if hint and names:
                text += _did_you_mean(m.group(1), names)
            return text
    if isinstance(exc, TemplateSyntaxError):
        return "模板写法有误，无法解析这一行（检查 {{ }} 与 {% %} 是否成对、写法是否正确）"
    return "模板运行出错（检查这一行用到的名字、参数和写法）"


def _did_you_mean(missing: str, names: dict[str, list[str]]) -> str:
    candidates = [f"{prefix}.{n}" if prefix else n for prefix, ns in names.items() for n in ns]
    near = difflib.get_close_matches(missing, [c.rsplit(".", 1)[-1] for c in candidates], n=1, cutoff=0.6)
    if not near:
        return ""
    full = next(c for c in candidates if c.rsplit(".", 1)[-1] == near[0])
    return f"，是否想写 {full}？"
