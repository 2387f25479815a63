"""Safe file output: atomic writes that never clobber an existing file unless forced."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from generator.errors import InputError, OutputExistsError


ERRNO_ZH = {errno.ENOENT: "文件夹不存在", errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限",
             errno.ENOSPC: "磁盘空间不足", errno.EROFS: "只读的文件系统", errno.ENOTDIR: "路径中有一段不是文件夹",
             errno.EISDIR: "这是一个文件夹", errno.ENAMETOOLONG: "文件名太长"}


def os_reason(exc: OSError) -> str:
    """An OS error's cause in Chinese (the C library's strerror is English)."""
    return ERRNO_ZH.get(exc.errno, exc.strerror or str(exc))


def check_writable(path: str | Path, force: bool) -> Path:
    """Return ``path`` as a Path, raising OutputExistsError when it exists and ``force`` is off."""
    p = Path(path)
    if p.is_dir():
        raise InputError("输出路径是一个文件夹，请给出文件名", path=p)
    if p.exists() and not force:
        raise OutputExistsError("文件已存在，未覆盖；如需覆盖请加 --force", path=p)
    return p


def atomic_write(path: str | Path, data: bytes | str, *, force: bool = False) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and an atomic rename.

    A reader never sees a half-written file, and a crash leaves the old file intact.
    """
    p = check_writable(path, force)
    if isinstance(data, str):
        data = data.encode("utf-8")
    parent = p.parent if str(p.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise InputError(f"无法写入：{os_reason(exc)}", path=p) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return p
