"""Safe file output: atomic writes that never clobber an existing file unless forced, replace only
regular files, and report every failed write, flush or fsync as an InputError with a Chinese reason."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from generator.errors import InputError, OutputExistsError


_ERRNO_NAMES_ZH = {"ENOENT": "文件夹不存在", "EACCES": "没有写入权限", "EPERM": "没有写入权限",
                   "ENOSPC": "磁盘空间不足", "EDQUOT": "磁盘配额已用完", "EROFS": "只读的文件系统",
                   "EFBIG": "文件太大，超出了系统允许的单个文件大小（如 ulimit -f 的限制）",
                   "ENOTDIR": "路径中有一段不是文件夹", "EISDIR": "这是一个文件夹", "ENAMETOOLONG": "文件名太长",
                   "EIO": "读写出错（磁盘或设备故障）", "EEXIST": "已经存在", "ENOTEMPTY": "文件夹不是空的",
                   "EBUSY": "正被占用", "EXDEV": "不在同一个磁盘分区上", "EMLINK": "文件夹中的条目太多",
                   "EMFILE": "打开的文件太多", "ENFILE": "打开的文件太多", "ETXTBSY": "文件正被占用",
                   "EINVAL": "文件名或路径无效", "ELOOP": "符号链接层数太多（可能成环）"}
#: Chinese reasons by errno (names missing on a platform, such as EDQUOT on Windows, are left out).
ERRNO_ZH = {getattr(errno, name): text for name, text in _ERRNO_NAMES_ZH.items() if hasattr(errno, name)}


def os_reason(exc: OSError) -> str:
    """An OS error's cause in Chinese (the C library's strerror is English)."""
    code = exc.errno
    if code is None:
        return "系统错误"
    if code in ERRNO_ZH:
        return ERRNO_ZH[code]
    return f"系统错误（{errno.errorcode[code]}）" if code in errno.errorcode else "系统错误"


def _not_regular(p: Path) -> str | None:
    """What ``p`` is when it exists and is not a regular file (a symlink counts as what it points to)."""
    try:
        mode = os.stat(p).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"无法访问输出路径：{os_reason(exc)}", path=p) from None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "文件夹"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    if stat.S_ISFIFO(mode):
        return "命名管道（FIFO）"
    if stat.S_ISSOCK(mode):
        return "套接字"
    return "特殊文件"


def check_writable(path: str | Path, force: bool) -> Path:
    """Return ``path`` as a Path, raising OutputExistsError when it exists and ``force`` is off, and
    InputError when it is anything but a regular file (a folder, device, FIFO or socket is never replaced,
    not even with ``force``)."""
    p = Path(path)
    kind = _not_regular(p)
    if kind == "文件夹":
        raise InputError("输出路径是一个文件夹，请给出文件名", path=p)
    if kind:
        raise InputError(f"输出路径是一个{kind}，不是普通文件；只会写入或替换普通文件，请换一个输出文件名", path=p)
    if os.path.lexists(p) and not force:
        raise OutputExistsError("文件已存在，未覆盖；如需覆盖请加 --force", path=p)
    return p


def _identity(p: Path) -> str:
    return os.path.normcase(os.path.realpath(p))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)  # also a hard link, or another spelling on a case-blind disk
    except OSError:
        return False


def check_outputs(outputs, force: bool, *, inputs: dict | None = None) -> list[Path]:
    """Check every output of a command before any is written: none is one of ``inputs`` (a mapping of
    input path → what it is called, e.g. 配置文件), no two are the same file, and each passes
    ``check_writable``. Returns the outputs as Paths."""
    ins = [(Path(p), _identity(Path(p)), what) for p, what in (inputs or {}).items() if p is not None]
    seen: dict[str, Path] = {}
    checked = []
    for out in outputs:
        p = Path(out)
        key = _identity(p)
        for src, src_key, what in ins:
            if key == src_key or _same_file(p, src):
                raise InputError(f"输出文件就是{what}本身（{src}），不会覆盖；请换一个输出文件名", path=p)
        if key in seen:
            raise InputError(f"两个输出是同一个文件（{seen[key]}），请换一个输出文件名", path=p)
        seen[key] = p
        checked.append(check_writable(p, force))
    return checked


def fsync_dir(folder: str | Path) -> None:
    """Make a rename inside ``folder`` durable (POSIX); a no-op where folders cannot be opened (Windows)."""
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _missing_parents(folder: Path) -> list[Path]:
    """``folder`` and its ancestors that do not exist yet, deepest first (what a mkdir(parents=True) makes)."""
    out = []
    while not os.path.lexists(folder) and folder != folder.parent:
        out.append(folder)
        folder = folder.parent
    return out


def _write_temp(p: Path, data: bytes) -> str:
    """Write ``data`` into a new temporary file beside ``p`` (created folders included), flushed and
    fsynced; its path. InputError (naming ``p``) when any step fails; nothing is left behind then."""
    parent = p.parent if str(p.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        if len(p.name.encode("utf-8", "surrogateescape")) > 255:  # most file systems' limit, in bytes
            raise OSError(errno.ENAMETOOLONG, "File name too long")
        # A short prefix, so a long (but valid) target name still leaves room for the temporary suffix.
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name[:24]}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise InputError(f"无法写入：{os_reason(exc)}", path=p) from None
    try:
        with os.fdopen(fd, "wb") as fh:  # write, flush, fsync and close are each checked
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except OSError as exc:
        _unlink(tmp)
        raise InputError(f"无法写入：{os_reason(exc)}", path=p) from None
    except BaseException:
        _unlink(tmp)
        raise
    return tmp


def _unlink(path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _move_into_place(tmp: str, p: Path) -> None:
    kind = _not_regular(p)  # checked again just before the rename: it may have changed meanwhile
    if kind:
        raise InputError(f"输出路径是一个{kind}，不是普通文件；只会写入或替换普通文件", path=p)
    try:
        os.replace(tmp, p)
    except OSError as exc:
        raise InputError(f"无法写入：{os_reason(exc)}", path=p) from None


def atomic_write(path: str | Path, data: bytes | str, *, force: bool = False) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and an atomic rename.

    A reader never sees a half-written file, and a crash leaves the old file intact.
    """
    p = check_writable(path, force)
    if isinstance(data, str):
        data = data.encode("utf-8")
    tmp = _write_temp(p, data)
    try:
        _move_into_place(tmp, p)
    except BaseException:
        _unlink(tmp)
        raise
    fsync_dir(p.parent if str(p.parent) else Path("."))
    return p


def write_all(items, *, force: bool = False) -> list[Path]:
    """Write several files all or nothing: ``items`` is a list of (path, data).

    Every file is first written in full to a temporary file beside its target; only when all of them
    are written are they renamed into place, one after the other. A failure while writing (a full disk,
    ``ulimit -f``) removes every temporary file and the folders this call made, so no output is written;
    a failure while renaming (rare: the folder changed meanwhile) removes the outputs this call created
    and says exactly which files it has already replaced."""
    checked = [(check_writable(path, force), data.encode("utf-8") if isinstance(data, str) else data)
               for path, data in items]
    made: list[Path] = []
    for p, _ in checked:
        for folder in _missing_parents(p.parent if str(p.parent) else Path(".")):
            if folder not in made:
                made.append(folder)
    temps: list[tuple[str, Path]] = []
    try:
        for p, data in checked:
            temps.append((_write_temp(p, data), p))
    except BaseException as exc:
        for tmp, _ in temps:
            _unlink(tmp)
        for folder in sorted(made, key=lambda f: len(f.parts), reverse=True):
            try:
                os.rmdir(folder)
            except OSError:
                pass
        if isinstance(exc, InputError) and len(checked) > 1:
            exc.message += f"；{len(checked)} 个输出文件一个都没有写入"
        raise
    done: list[tuple[Path, bool]] = []
    try:
        for tmp, p in temps:
            existed = os.path.lexists(p)
            _move_into_place(tmp, p)
            done.append((p, existed))
    except InputError as exc:
        for tmp, _ in temps:
            _unlink(tmp)
        for p, existed in done:
            if not existed:
                _unlink(p)
        replaced = [str(p) for p, existed in done if existed]
        if replaced:
            exc.message += f"；已被替换成新内容的文件：{'、'.join(replaced)}"
        elif done:
            exc.message += "；已写好的其他输出文件已删除，没有留下任何输出"
        raise
    for folder in {p.parent if str(p.parent) else Path(".") for p, _ in checked}:
        fsync_dir(folder)
    return [p for p, _ in checked]
