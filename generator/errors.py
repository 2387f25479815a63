"""Domain exceptions: each carries a Chinese message for the user and the exit code the CLI uses."""

from __future__ import annotations

import re
from pathlib import Path


def translated(text: str, table) -> str | None:
    """A library's English message in Chinese: the first ``(pattern, Chinese)`` of ``table`` whose pattern
    ``text`` matches, with the match's groups filled in (``{0}``, ``{1}`` …; ``{0:.20}`` cuts a long one);
    None when none matches."""
    for pattern, zh in table:
        m = re.search(pattern, text)
        if m:
            return zh.format(*m.groups())
    return None


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

    def __init__(self, problems: list[SpeechgenError], path: str | Path | None = None, what: str = "配置"):
        self.problems = problems
        self.config_path = str(path) if path is not None else None
        rows = []
        for p in problems:
            where = f"第{p.line}行 " if p.line else ""
            rows.append(f"  {where}{p.key + ': ' if p.key else ''}{p.message}")
            if p.source_line is not None and p.source_line.strip():
                rows.append(f"      | {p.source_line.rstrip()}")
        head = f"{self.config_path}：" if self.config_path else ""
        super().__init__(f"{head}{what}有 {len(problems)} 处问题：\n" + "\n".join(rows))
        if problems:  # the first problem's place, for callers that look at one
            self.path, self.line, self.key = self.config_path, problems[0].line, problems[0].key

    def format(self) -> str:
        return self.message


class OutputExistsError(InputError):
    """Raised when an output file exists and --force was not given."""
