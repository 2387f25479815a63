"""The public API in generator/__init__.py: what the CLI and the workbench call."""

from __future__ import annotations

import subprocess
import sys

import generator
from conftest import EXAMPLES, ROOT


def test_all_names_the_api():
    assert sorted(generator.__all__) == ["check_file", "compose", "load_config", "mine", "read_speech", "render"]
    for name in generator.__all__:
        assert callable(getattr(generator, name)) and getattr(generator, name).__doc__


def test_api_drafts_checks_and_reads(tmp_path):
    config = generator.load_config(EXAMPLES / "zuotan_outline.yaml")
    draft = generator.compose(config, seed=3)
    assert draft.char_count() > 500 and draft.title
    result = generator.render(EXAMPLES / "zuotan_outline.yaml", tmp_path / "out.md")
    assert (tmp_path / "out.md").read_text(encoding="utf-8").startswith("#")
    assert result.outputs == [tmp_path / "out.md"]
    findings = generator.check_file(tmp_path / "out.md", year=config.year)
    assert all(f.severity != "error" for f in findings)
    speech = generator.read_speech(tmp_path / "out.md")
    assert speech.paragraphs


def test_importing_the_package_loads_no_room():
    code = ("import sys, generator; print(sorted(m for m in sys.modules if m.startswith('generator.')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
