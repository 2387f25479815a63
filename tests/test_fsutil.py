"""Atomic writes never clobber without force and never leave partial files."""

from __future__ import annotations

import os

import pytest

from generator.errors import OutputExistsError
from generator.atomic import atomic_write


def test_writes_and_refuses_overwrite(tmp_path):
    p = tmp_path / "a" / "b.txt"
    atomic_write(p, "第一版")
    with pytest.raises(OutputExistsError):
        atomic_write(p, "第二版")
    assert p.read_text(encoding="utf-8") == "第一版"
    atomic_write(p, "第二版", force=True)
    assert p.read_text(encoding="utf-8") == "第二版"
    assert os.listdir(p.parent) == ["b.txt"]


def test_failure_mid_write_keeps_old_file(tmp_path, monkeypatch):
    p = tmp_path / "x.txt"
    p.write_text("旧", encoding="utf-8")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write(p, "新", force=True)
    assert p.read_text(encoding="utf-8") == "旧" and os.listdir(tmp_path) == ["x.txt"]
