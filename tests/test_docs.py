"""The README documents every command and every config key, and starts with the two set-up commands."""

from __future__ import annotations

import click
import pytest

from generator.cli import cli
from generator.drafting.config import KEYS, REPORTER_KEYS

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "speechgen"):
    for name, cmd in group.commands.items():
        yield f"{prefix} {name}", cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, f"{prefix} {name}")


@pytest.mark.parametrize("key", [*(k.name for k in KEYS), *REPORTER_KEYS])
def test_every_config_key_is_documented(key):
    assert f"`{key}`" in README


@pytest.mark.parametrize("command", [c for c, _ in _commands(cli)])
def test_every_command_is_documented(command):
    leaf = command.rsplit(" ", 1)
    assert command in README or (leaf[0] in README and leaf[1] in README), command


def test_every_option_is_documented():
    for command, cmd in _commands(cli):
        for param in cmd.params:
            if isinstance(param, click.Option):
                longest = max(param.opts, key=len)
                if longest in ("--help", "--version", "--name", "--from", "--output", "--json") :
                    continue
                assert longest in README, f"{command} {longest}"


def test_readme_starts_with_the_two_setup_commands():
    first = README.split("## ", 2)[1]
    assert "pip install . && speechgen render examples/shuzhi_speech.yaml -o 讲话.docx" in first
    assert 'pip install ".[test]" && python -m pytest' in first


def test_readme_key_table_is_generated_from_the_schema():
    from generator.drafting.schema import readme_table

    assert readme_table() in README, "README 的配置项表已过期：运行 python tests/golden/regen.py"
