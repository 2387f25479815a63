"""YAML read with its line numbers: key paths → lines, and a collector of every problem at once."""

from __future__ import annotations

import re

import yaml

from generator.errors import SpeechgenError


def line_map(node, path: str = "", out: dict | None = None, dupes: list | None = None) -> dict:
    """Map each key path (``reporters[0].name``) to the 1-based line of its value in the YAML source.

    Keys given twice in one mapping are collected in ``dupes`` as (path, first line, second line):
    YAML keeps the last silently, which would lose what the user wrote first.
    """
    out = {} if out is None else out
    dupes = [] if dupes is None else dupes
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            sub = f"{path}.{key}" if path else key
            if sub in out and sub != path:
                dupes.append((sub, out[sub], key_node.start_mark.line + 1))
            out[sub] = key_node.start_mark.line + 1
            line_map(value_node, sub, out, dupes)
            out[sub] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            line_map(item, f"{path}[{i}]", out, dupes)
    return out


class Collector:
    """Collects every problem before failing, each tagged with key path and YAML line."""

    def __init__(self, path: str, text: str, lines: dict):
        self.path, self.lines, self.problems = path, lines, []
        self.source = text.splitlines()

    def add(self, key: str, message: str) -> None:
        probe = key
        while probe and probe not in self.lines:
            probe = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", probe) if re.search(r"[.\[]", probe) else ""
        line = self.lines.get(probe)
        src = self.source[line - 1] if line and line <= len(self.source) else None
        self.problems.append(SpeechgenError(message, line=line, key=key, source_line=src))


class Prefixed:
    """A view of the collector that prefixes key paths (for nested reporter fields)."""

    def __init__(self, c: Collector, prefix: str):
        self.c, self.prefix = c, prefix

    def add(self, key: str, message: str) -> None:
        self.c.add(f"{self.prefix}.{key}", message)
