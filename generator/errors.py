"""Domain exceptions: each carries a Chinese message for the user and the exit code the CLI uses."""

from __future__ import annotations

from pathlib import Path


class SpeechgenError(Exception):
    """Raised for any failure the user can act on; never shown as a traceback."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None,
                 key: str | None = None, source_line: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line  # 1-based
        self.key = key
        self.source_line = source_line

    def format(self) -> str:
        """The message as shown to users: file, line and key first, like Jinja's template errors."""
        where = []
        if self.path:
            where.append(self.path)
        if self.line is not None:
            where.append(f"第{self.line}行")
        head = "：".join(["，".join(where), ""]) if where else ""
        text = f"{head}{self.key + '：' if self.key else ''}{self.message}"
        if self.source_line is not None:
            text += f"\n    {self.source_line.rstrip()}"
        return text

    def __str__(self) -> str:
        return self.format()


class InputError(SpeechgenError):
    """Raised when a file, config value or option given by the user is unusable (exit code 2)."""


class ConfigError(InputError):
    """Raised when a config file fails validation; holds every problem found, not just the first."""

    def __init__(self, problems: list[SpeechgenError], path: str | Path | None = None):
        self.problems = problems
        self.config_path = str(path) if path is not None else None
        rows = []
        for p in problems:
            where = f"第{p.line}行 " if p.line else ""
            rows.append(f"  {where}{p.key + ': ' if p.key else ''}{p.message}")
            if p.source_line is not None and p.source_line.strip():
                rows.append(f"      | {p.source_line.rstrip()}")
        head = f"{self.config_path}：" if self.config_path else ""
        super().__init__(f"{head}配置有 {len(problems)} 处问题：\n" + "\n".join(rows))

    def format(self) -> str:
        return self.message


class OutputExistsError(InputError):
    """Raised when an output file exists and --force was not given."""


# PyYAML's problems, said in Chinese with the usual fix; anything else is shown as PyYAML says it.
_YAML_ZH = [
    (r"expected ',' or '\]'", "方括号 [ ] 里的列表没有正确结束，检查是否少了 ] 或逗号"),
    (r"expected ',' or '\}'", "花括号 {{ }} 没有正确结束，检查是否少了 }} 或逗号"),
    (r"mapping values are not allowed here", "这里不能出现“键: 值”：检查缩进，或给含冒号的文字加引号"),
    (r"found character '\\t' that cannot start any token", "YAML 不能用 Tab 缩进，请改用空格"),
    (r"could not find expected ':'", "缺少冒号“:”"),
    (r"found unexpected end of stream", "文件意外结束：引号或括号没有闭合"),
    (r"found undefined alias", "引用了未定义的别名（*…）"),
    (r"expected <block end>, but found (.+)", "缩进不一致（遇到 {0}）"),
    (r"found unknown escape character", "双引号里有无效的转义字符（\\），可改用单引号"),
    (r"did not find expected key", "缩进不一致，或少了“键:”"),
    (r"did not find expected '-' indicator", "列表项缩进不一致，每项应以“- ”开头"),
    (r"found duplicate anchor", "锚点（&…）重复"),
]


def yaml_error(exc: Exception, path, text: str | None = None, what: str = "YAML 语法错误") -> InputError:
    """An InputError for a YAML file that does not parse: file, line, the offending line, the cause in Chinese.

    PyYAML marks where it gave up; when that is after an unclosed bracket or quote, the line where
    the construct began (its context mark) is named too.
    """
    import re

    problem = str(getattr(exc, "problem", None) or exc)
    unclosed = bool(re.search(r"expected ',' or|end of stream|while scanning a quoted", problem + str(exc)))
    for pattern, zh in _YAML_ZH:
        m = re.search(pattern, problem)
        if m:
            problem = zh.format(*m.groups())
            break
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    context = getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    if context is not None and line is not None and context.line + 1 < line:
        if unclosed:  # the bracket or quote left open is on the line where it began
            problem += f"（第{line}行才发现）"
            line = context.line + 1
        else:
            problem += f"（从第{context.line + 1}行开始）"
    lines = text.splitlines() if text is not None else []
    src = lines[line - 1] if line and line <= len(lines) else None
    return InputError(f"{what}：{problem}", path=path, line=line, source_line=src)
