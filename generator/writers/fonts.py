"""Which of the fonts a GB/T 9704 document names this machine has, and what Word shows when one is missing.

Family names are read from the font files themselves (the ``name`` table, every platform and language,
so the Chinese-language records of 仿宋_GB2312 or SimHei's "黑体" count) with fontTools, and compared
exactly. Scanning is bounded: only font suffixes, files above :data:`MAX_FONT_BYTES` skipped, at most
:data:`MAX_FILES` files, only the ``name`` table read (lazily), every broken file skipped and counted,
and each file read once per run (a cache keyed by path, size and modification time)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from generator.writers.house_style import FONT_FALLBACKS

#: The fonts the default house style names, then the fallbacks the writer declares for them.
CHECKED_FONTS = ("方正小标宋简体", "仿宋_GB2312", "楷体_GB2312", "黑体", "仿宋", "楷体", "宋体")

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
MAX_FONT_BYTES = 128 * 1024 * 1024  # the largest CJK collections are about 60 MB
MAX_FILES = 20_000  # a font folder larger than this is read only up to here
_FAMILY_NAME_IDS = (1, 16)  # family, typographic (preferred) family

#: Where the rule for a missing font comes from, shown with every missing font.
SUBSTITUTION_RULE = ("Word 打开文档时，若本机没有文档指定的字体，先找本文档 fontTable.xml 中该字体的 w:altName"
                     "（speechgen 写入的替代名，见 generator/writers/house_style.py 的 FONT_FALLBACKS）；替代名也没有时，由 Word 自己的字体替换决定"
                     "（依据 fontTable.xml 记录的字符集 GB2312 与字体族，中文 Windows 上通常是宋体；"
                     "可在 Word“选项 → 高级 → 字体替换”中查看和修改）")


def font_dirs(environ=None, home: Path | None = None) -> list[Path]:
    """The Windows, macOS and Linux font folders (whichever exist on this machine), system ones first."""
    environ = os.environ if environ is None else environ
    home = Path.home() if home is None else home
    dirs: list[Path] = []
    if environ.get("WINDIR"):
        dirs.append(Path(environ["WINDIR"]) / "Fonts")
    if environ.get("LOCALAPPDATA"):
        dirs.append(Path(environ["LOCALAPPDATA"]) / "Microsoft" / "Windows" / "Fonts")
    dirs += [Path("/Library/Fonts"), Path("/System/Library/Fonts"), home / "Library" / "Fonts"]
    dirs += [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".fonts",
             home / ".local" / "share" / "fonts"]
    out: list[Path] = []
    for d in dirs:
        if d not in out and d.is_dir():
            out.append(d)
    return out


_NAME_CACHE: dict[tuple[str, int, int], frozenset[str] | None] = {}


def family_names(path: Path) -> frozenset[str] | None:
    """Every family name in the font file (each font of a .ttc/.otc collection); None when unreadable."""
    try:
        st = path.stat()
    except OSError:
        return None
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _NAME_CACHE:
        _NAME_CACHE[key] = None if st.st_size > MAX_FONT_BYTES else _read_names(path)
    return _NAME_CACHE[key]


def _read_names(path: Path) -> frozenset[str] | None:
    from fontTools.ttLib import TTCollection, TTFont

    names: set[str] = set()
    try:
        with open(path, "rb") as f:
            collection = f.read(4) == b"ttcf"
        reader = TTCollection(str(path), lazy=True) if collection else TTFont(str(path), lazy=True)
        fonts = reader.fonts if collection else [reader]
        for font in fonts:
            if "name" not in font:
                continue
            for rec in font["name"].names:
                if rec.nameID not in _FAMILY_NAME_IDS:
                    continue
                try:
                    text = rec.toUnicode(errors="strict").strip()
                except (UnicodeError, LookupError, TypeError, ValueError):
                    continue
                if text and "\x00" not in text:
                    names.add(text)
        reader.close()
    except Exception:  # a broken or truncated font file: fontTools raises many kinds; skip it, never crash
        return None
    return frozenset(names)


@dataclass
class FontScan:
    """Family name → the files that carry it, from the folders searched."""

    folders: list[Path]
    families: dict[str, list[Path]] = field(default_factory=dict)
    files: int = 0
    skipped: list[Path] = field(default_factory=list)  # unreadable, broken or too large
    truncated: bool = False  # more than MAX_FILES font files


def _font_files(folders: list[Path]):
    seen: set[Path] = set()
    for folder in folders:
        for root, dirnames, filenames in os.walk(folder, onerror=lambda _e: None):
            dirnames.sort()
            for name in sorted(filenames):
                if name.lower().endswith(FONT_SUFFIXES):
                    path = Path(root) / name
                    if path not in seen:
                        seen.add(path)
                        yield path


def scan_fonts(folders: list[Path] | None = None, max_files: int = MAX_FILES) -> FontScan:
    """Read the family names of every font file under ``folders`` (default: :func:`font_dirs`)."""
    folders = font_dirs() if folders is None else [Path(f) for f in folders]
    scan = FontScan(folders=[f for f in folders if f.is_dir()])
    for path in _font_files(scan.folders):
        if scan.files >= max_files:
            scan.truncated = True
            break
        scan.files += 1
        names = family_names(path)
        if names is None:
            scan.skipped.append(path)
            continue
        for name in names:
            scan.families.setdefault(name, []).append(path)
    return scan


@dataclass
class FontStatus:
    name: str
    files: list[Path]
    fallback: str | None  # the w:altName speechgen writes for this font
    fallback_files: list[Path]
    word_uses: str  # what Word shows: the font itself, the fallback, or its own substitution

    @property
    def found(self) -> bool:
        return bool(self.files)

    def line(self) -> str:
        if self.found:
            return f"{self.name}：有（{self.files[0]}{' 等' if len(self.files) > 1 else ''}）"
        if self.fallback and self.fallback_files:
            return f"{self.name}：没有 → Word 用 {self.fallback}（本文档 fontTable.xml 的 w:altName；本机有）"
        if self.fallback:
            return f"{self.name}：没有 → 替代名 {self.fallback} 本机也没有，由 Word 自己的字体替换决定"
        return f"{self.name}：没有 → 由 Word 自己的字体替换决定"

    def to_dict(self) -> dict:
        return {"name": self.name, "found": self.found, "files": [str(p) for p in self.files],
                "fallback": self.fallback, "fallback_found": bool(self.fallback_files),
                "word_uses": self.word_uses}


def font_report(names=CHECKED_FONTS, scan: FontScan | None = None) -> list[FontStatus]:
    """For each font name: the files that carry it, and what Word shows when there are none."""
    scan = scan_fonts() if scan is None else scan
    out = []
    for name in names:
        files = scan.families.get(name, [])
        alt = FONT_FALLBACKS.get(name)
        alt_files = scan.families.get(alt, []) if alt else []
        if files:
            uses = name
        elif alt and alt_files:
            uses = alt
        else:
            uses = "（Word 自己的字体替换）"
        out.append(FontStatus(name, files, alt, alt_files, uses))
    return out


def report_dict(statuses: list[FontStatus], scan: FontScan) -> dict:
    return {"folders": [str(f) for f in scan.folders], "files": scan.files,
            "skipped": [str(p) for p in scan.skipped], "truncated": scan.truncated,
            "fonts": [s.to_dict() for s in statuses], "rule": SUBSTITUTION_RULE}
