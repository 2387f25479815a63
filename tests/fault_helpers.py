"""Faults the tests inject: a disk that fills up while files are written."""

from __future__ import annotations

import errno
import os
import stat


def fill_disk_at(monkeypatch, n: int) -> None:
    """Make the ``n``-th fsync of a regular file fail with ENOSPC (the disk fills up while a set is written)."""
    calls = {"n": 0}
    real_fsync = os.fsync

    def fsync(fd):
        calls["n"] += stat.S_ISREG(os.fstat(fd).st_mode)
        if calls["n"] == n:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
