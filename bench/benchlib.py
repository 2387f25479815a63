"""What the bench scripts share (only the project's dependencies; run them as ``python bench/NAME.py``)."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def commit() -> str:
    """The short commit measured, and whether generator/, templates/ or phrasebank/ had uncommitted changes."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "generator", "templates", "phrasebank"],
                               cwd=ROOT, capture_output=True, text=True).stdout.strip()
        return head + (" (+ uncommitted changes under generator/ templates/ phrasebank/)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
