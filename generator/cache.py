"""The user's cache: compiled forms of what a render reads (the phrasebank, the packs' templates).

A render parses every phrasebank YAML file (about a quarter of a second for the built-in one, several
seconds for a large mined archive) and compiles its pack's templates; neither changes between renders.
The compiled forms are kept in one folder of the user's, keyed by the SHA-256 of everything they were made
from — the bytes of every input file, and the source of the code that reads them — so an entry is
never stale: change a file or the code and the key changes; an unused entry is simply not found.

Rules that keep it safe and out of the way:

- The folder is ``$SPEECHGEN_CACHE`` when set (``off``, ``0`` or empty turn caching off), else the
  platform's cache folder (``%LOCALAPPDATA%\\speechgen\\Cache``, ``~/Library/Caches/speechgen``,
  ``$XDG_CACHE_HOME/speechgen`` or ``~/.cache/speechgen``). It is created private (0700); on POSIX a
  folder that is not the user's own or that others may write is not used (its files are unpickled,
  and only the user's own files may be).
- Nothing is ever required of it: a folder that cannot be made or written, a damaged or foreign
  entry, a full disk — each just means the input is parsed as if there were no cache. Input errors
  are never cached: only what loaded cleanly is stored, so a broken file is always reported by its
  own parse, with its line.
- Entries are written whole (a temporary file moved into place) and the folder keeps at most
  ``MAX_ENTRIES`` of each kind, the least recently used removed first.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path

#: Bumped when the layout of what is stored changes in a way the code hash would not catch.
FORMAT = "speechgen-cache/1"
ENV = "SPEECHGEN_CACHE"
MAX_ENTRIES = 16  # per kind (a few phrasebank combinations and template sets) …
MAX_BY_KIND = {"yaml": 512}  # … but every data file and pack manifest of a few phrasebanks and packs
MAX_ENTRY_BYTES = 256 * 1024 * 1024  # a stored entry larger than this is not read back
_OFF = ("", "0", "off", "no", "false")

_dir_checked: dict[str, Path | None] = {}


def cache_dir(environ=None) -> Path | None:
    """The cache folder to use, created when missing; None when caching is off or the folder is unfit."""
    environ = os.environ if environ is None else environ
    given = environ.get(ENV)
    if given is not None:
        if given.strip().lower() in _OFF:
            return None
        folder = Path(given).expanduser()
    elif sys.platform == "win32":
        base = environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        folder = Path(base) / "speechgen" / "Cache"
    elif sys.platform == "darwin":
        folder = Path.home() / "Library" / "Caches" / "speechgen"
    else:
        base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        folder = Path(base) / "speechgen"
    key = str(folder)
    if key not in _dir_checked:
        _dir_checked[key] = folder if _usable(folder) else None
    return _dir_checked[key]


def _usable(folder: Path) -> bool:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.lstat(folder)
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode):
        return False
    if os.name == "posix" and (st.st_uid != os.getuid() or st.st_mode & 0o022):
        return False
    return os.access(folder, os.W_OK | os.X_OK)


class Key:
    """A SHA-256 over what a compiled form was made from, fed piece by piece."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._h = hashlib.sha256(f"{FORMAT}\0{kind}\0{sys.version_info[:2]}\0".encode())

    def text(self, value: str) -> Key:
        data = value.encode("utf-8", "surrogatepass")
        self._h.update(len(data).to_bytes(8, "little") + data)
        return self

    def data(self, value: bytes) -> Key:
        self._h.update(len(value).to_bytes(8, "little") + value)
        return self

    def code(self, *modules) -> Key:
        """The source of the modules that read the inputs and define what is stored."""
        for module in modules:
            path = getattr(module, "__file__", None)
            self.text(module.__name__)
            try:
                self.data(Path(path).read_bytes() if path else b"")
            except OSError:
                self.data(b"?")
        return self

    def file(self, path: Path) -> Key:
        """The name and bytes of a data file read along with the inputs (a marker when it cannot be read)."""
        self.text(str(path))
        try:
            return self.data(Path(path).read_bytes())
        except OSError:
            return self.data(b"?")

    def hexdigest(self) -> str:
        return self._h.hexdigest()


def _path(key: Key) -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / f"{key.kind}-{key.hexdigest()[:40]}.pickle"


def load(key: Key):
    """What was stored under ``key``, or None (not stored, caching off, or the entry unreadable)."""
    path = _path(key)
    if path is None:
        return None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if (not stat.S_ISREG(st.st_mode) or st.st_size > MAX_ENTRY_BYTES
                or (os.name == "posix" and st.st_uid != os.getuid())):
            return None
        with os.fdopen(fd, "rb") as f:
            fd = -1
            stored = pickle.load(f)
    except Exception:  # a damaged, truncated or foreign entry is no entry
        return None
    finally:
        if fd >= 0:
            os.close(fd)
    if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == key.hexdigest()):
        return None
    try:
        os.utime(path)  # most recently used
    except OSError:
        pass
    return stored[1]


def store(key: Key, value) -> None:
    """Keep ``value`` under ``key`` (silently nothing when caching is off or the folder refuses)."""
    path = _path(key)
    if path is None:
        return
    tmp = None
    try:
        data = pickle.dumps((key.hexdigest(), value), protocol=pickle.HIGHEST_PROTOCOL)
        fd, tmp = tempfile.mkstemp(prefix=f".{key.kind}-", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        tmp = None
        _prune(path.parent, key.kind)
    except Exception:  # a full disk or a read-only folder: the next render parses again
        pass
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def pickled(value, *tables) -> bytes:
    """``value`` pickled with every object of ``tables`` (sequences the reader has as well, such as a
    phrasebank's entries) written as its place in them: smaller, quicker to read, and read back as the
    very objects of the reader's tables (see ``unpickled``)."""
    places = {id(obj): (t, i) for t, table in enumerate(tables) for i, obj in enumerate(table)}

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            return places.get(id(obj))

    out = io.BytesIO()
    Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return out.getvalue()


def unpickled(data: bytes, *tables):
    """What ``pickled(value, *tables)`` wrote, its table objects taken from ``tables`` (IndexError, or
    any error of a damaged blob, when they do not fit)."""

    class Unpickler(pickle.Unpickler):
        def persistent_load(self, pid):
            t, i = pid
            if t < 0 or i < 0:
                raise IndexError(pid)
            return tables[t][i]

    return Unpickler(io.BytesIO(data)).load()


def _prune(folder: Path, kind: str) -> None:
    entries = []
    for p in folder.glob(f"{kind}-*.pickle"):
        try:
            entries.append((p.stat().st_mtime_ns, p.name, p))
        except OSError:
            continue
    entries.sort(reverse=True)
    for _, _, p in entries[MAX_BY_KIND.get(kind, MAX_ENTRIES):]:
        try:
            p.unlink()
        except OSError:
            pass


_jinja: dict[str, object] = {}


def jinja_bytecode_cache(*modules):
    """Jinja's own bytecode cache in a subfolder keyed by Jinja's version and the code that sets up the
    environment (lexer options change the compiled code, not the template's checksum); None when off."""
    folder = cache_dir()
    if folder is None:
        return None
    import jinja2

    key = Key("jinja").text(jinja2.__version__).code(*modules)
    sub = folder / f"jinja-{key.hexdigest()[:24]}"
    hit = _jinja.get(str(sub))
    if hit is None:
        try:
            sub.mkdir(mode=0o700, exist_ok=True)
            if not _usable(sub):
                return None
        except OSError:
            return None
        old = sorted((p for p in folder.glob("jinja-*") if p != sub), key=_mtime, reverse=True)
        for stale in old[MAX_ENTRIES // 4:]:
            _remove_tree(stale)
        hit = _jinja[str(sub)] = _quiet_cache_class()(str(sub))
    return hit


def _quiet_cache_class():
    from jinja2 import FileSystemBytecodeCache

    class QuietBytecodeCache(FileSystemBytecodeCache):
        """Jinja's file cache, but a file it cannot read or write (a full disk, ``ulimit -f``, a damaged
        entry) only means the template is compiled again, never an error of the render."""

        def load_bytecode(self, bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:
                bucket.reset()

        def dump_bytecode(self, bucket) -> None:
            try:
                super().dump_bytecode(bucket)
            except Exception:
                pass

    return QuietBytecodeCache



def _mtime(p: Path) -> int:
    try:
        return p.stat().st_mtime_ns
    except OSError:
        return 0


def _remove_tree(folder: Path) -> None:
    try:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()
    except OSError:
        pass
