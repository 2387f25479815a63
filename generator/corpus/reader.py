"""Read corpus files into structured speeches: decode, clean, structure, de-duplicate."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Iterable, Iterator
from typing import TypeVar

from generator.zh import CJK, GLOSS_RE
from generator.corpus.cleaning import (clean_line, clean_lines, is_clutter, normalize_text, simplified_keys,
                                split_runaway, to_simplified)
from generator.errors import InputError
from generator.loader import read_bytes
from generator.corpus.structure import (heading_level, is_salutation, role_of, split_runin_heading, split_subpoints, split_title, title_like)
from generator.corpus.wraps import BODY_MARK_RE, continues, glue, rejoin_wraps, wrap_width

_Item = TypeVar("_Item")

ROLES = ("opening", "evaluation", "achievements", "problems", "situation", "transition", "section",
         "point", "closing", "adjourn", "agenda", "salutation", "other")

# Control characters other than tab, newline, carriage return, form feed: a sign of a binary file.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CONTROL_BYTES_RE = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_TEXTY_RE = re.compile(rf"[{CJK}\u3000-\u303f\uff00-\uffef\u2010-\u206f\u2460-\u24ff\x20-\x7e\xa0-\u02ff\s]")
_FOOTER_TITLE_RE = re.compile(r"^\s*本文[标標][题題]\s*[:：]\s*(.+)$", re.M)
_KEY_DROP_RE = re.compile(r"[\W_]+")
_LONG_KEY = 20  # paragraphs at least this long (letters only) are never legitimately repeated


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a speech; placeholders (XX, ***, *个) are kept as written, see PLACEHOLDER_RE."""

    text: str
    role: str  # one of ROLES
    level: int | None  # heading level 1–4, None for non-headings
    line: int  # 1-based line of the original file where the paragraph starts


@dataclass(frozen=True)
class Speech:
    """A cleaned speech: title ('' when the file has none) and the paragraphs after it."""

    name: str  # file name without folder, for provenance "name:line"
    title: str
    paragraphs: tuple[Paragraph, ...]

    def to_dict(self) -> dict:
        return {"title": self.title,
                "paragraphs": [{"text": p.text, "role": p.role, "level": p.level} for p in self.paragraphs]}

    def clean_text(self) -> str:
        return "".join(f"{line}\n" for line in (self.title, *(p.text for p in self.paragraphs)))


def _texty(text: str, ratio: float = 0.95) -> bool:
    """True when ``text`` has no control characters and reads as Chinese/ASCII text."""
    if _CONTROL_RE.search(text):
        return False
    if not ratio:
        return True
    sample = text[:20000]
    return not sample or len(_TEXTY_RE.findall(sample)) >= ratio * len(sample)


def decode_bytes(data: bytes, name: str) -> str:
    """The text of a file's bytes: BOM first, then strict UTF-8 and GB18030, then charset-normalizer."""
    boms = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
            (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
    for bom, enc in boms:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                break
            if _CONTROL_RE.search(text):
                break
            return text
    else:
        if _CONTROL_BYTES_RE.search(data):
            # UTF-16 without a BOM puts a NUL beside every ASCII character; anything else is binary.
            for enc in ("utf-16-le", "utf-16-be"):
                try:
                    text = data.decode(enc)
                except UnicodeDecodeError:
                    continue
                if _texty(text, 0.98):
                    return text
            raise InputError("不是文本文件（含二进制内容），无法读取", path=name)
        # Strict UTF-8 almost never accepts other encodings' bytes; GB18030 accepts much, so check it reads.
        for enc, ratio in (("utf-8", 0.0), ("gb18030", 0.95)):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if _texty(text, ratio):
                return text
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None:
            text = str(best)
            if _texty(text):
                return text
    raise InputError("无法识别文件编码（支持 UTF-8、GBK/GB18030、UTF-16 等），无法读取", path=name)


def _keys(texts: list[str]) -> list[str]:
    """Comparison keys: letters only, in simplified script (a repeat must stay one once converted)."""
    return simplified_keys([_KEY_DROP_RE.sub("", t) for t in texts])


def _dedupe(items: list[_Item], keys: list[str], title_key: str) -> tuple[list[_Item], list[str]]:
    """Paragraphs a scraper repeated kept once, in first-occurrence order, with their keys.

    Long paragraphs are dropped when seen before (or equal to the title). A short one (各位代表！,
    a heading) is dropped only inside a repeated block, i.e. when a neighbouring long paragraph is
    itself a repeat, so a speech's own recurring short lines survive.
    """
    seen = {title_key} if title_key else set()
    repeat = []
    for k in keys:
        repeat.append(k in seen)
        seen.add(k)
    long_ = [len(k) >= _LONG_KEY for k in keys]
    n = len(items)
    prev_rep, next_rep = [False] * n, [False] * n
    state = False
    for i in range(n):
        prev_rep[i] = state
        if long_[i]:
            state = repeat[i]
    state = False
    for i in range(n - 1, -1, -1):
        next_rep[i] = state
        if long_[i]:
            state = repeat[i]
    keep = [not repeat[i] or (not long_[i] and not prev_rep[i] and not next_rep[i]) for i in range(n)]
    return [it for it, k in zip(items, keep) if k], [key for key, k in zip(keys, keep) if k]


def _split(blocks: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Blocks cut into paragraphs: runaway pages, run-in headings, inline sub-points."""
    pieces: list[tuple[int, str]] = []
    for no, long_block in blocks:
        for para in (p for block in split_runaway(long_block) for p in split_runin_heading(block)):
            parts = [para] if heading_level(para) is not None or is_salutation(para) else split_subpoints(para)
            # A piece cut from a line is judged again: bare punctuation or a footer must not stand alone.
            pieces.extend((no, p) for p in parts if not is_clutter(p))
    return pieces


def _join_broken(pieces: list[tuple[int, str]], segs: list[int]) -> tuple[list[tuple[int, str]], list[int]]:
    """Paragraphs broken mid-sentence joined (see wraps.continues), joined ones cleaned and cut again.

    ``segs`` holds each paragraph's last physical line length. Nothing before the body (the
    salutation or the first sentence mark) is joined, so a title stays alone.
    """
    units: list[list] = []  # [line, text, seg, joined]
    body = False
    for (no, text), seg in zip(pieces, segs):
        if units and body and continues(units[-1][1], text, units[-1][2]):
            units[-1][1:] = [units[-1][1] + glue(units[-1][1], text) + text, seg, True]
        else:
            units.append([no, text, seg, False])
        body = body or is_salutation(text) or bool(BODY_MARK_RE.search(text))
    out: list[tuple[int, str]] = []
    out_segs: list[int] = []
    for no, text, seg, joined in units:
        # A join can bring a gloss or a half-width mark next to Chinese text, or complete an inline run.
        parts = _split([(no, clean_line(text))]) if joined else [(no, text)]
        out.extend(parts)
        out_segs.extend(min(seg, len(t)) if i == len(parts) - 1 else len(t) for i, (_, t) in enumerate(parts))
    return out, out_segs


def _structure(text: str, force_t2s: bool) -> tuple[str, int, list[tuple[int, str]]]:
    """(title, its line, [(line, paragraph)]) of ``text``: cleaned, wraps rejoined, sub-points split, deduped."""
    lines = clean_lines(text, force_t2s)
    width = wrap_width([t for _, t in lines])
    blocks = rejoin_wraps(lines, width)
    if width:
        # A join can bring a gloss or a half-width mark next to Chinese text: clean the joined lines again.
        blocks = [(no, c) for no, c in ((no, clean_line(t)) for no, t in blocks) if c]
    pieces = _split(blocks)
    segs = [len(t) for _, t in pieces]
    # Repeats dropped and broken lines joined until neither changes anything, so that a re-read of the
    # clean text (one paragraph a line, no blank lines) finds nothing more to drop or join.
    for _ in range(8):
        kept, keys = _dedupe(list(zip(pieces, segs)), _keys([t for _, t in pieces]), "")
        pieces, segs = [p for p, _ in kept], [n for _, n in kept]
        joined, segs_joined = _join_broken(pieces, segs)
        if joined == pieces:
            break
        pieces, segs = joined, segs_joined
    else:
        pieces, keys = _dedupe(pieces, _keys([t for _, t in pieces]), "")
    # The title is looked for among the pieces, repeats dropped, not among the lines: a re-read of the
    # clean text sees only those pieces, each on a line of its own, and must choose the same title.
    title, title_no, rest = split_title(pieces)
    keys = keys[len(pieces) - len(rest):]
    title = clean_line(title) if title else ""
    if not title and "本文" in text:
        # A web page's footer "本文标题：…" names a speech whose own title line was lost. It is read from
        # the normalised text (tokens, widths, line ends) like every other line, or a re-read would differ.
        footer = _FOOTER_TITLE_RE.search(GLOSS_RE.sub("", normalize_text(text, force_t2s)))
        found = to_simplified(clean_line(footer.group(1)), force_t2s) if footer else ""
        title = found if found and title_like(found) else ""
    if title:
        rest, _ = _dedupe(rest, keys, _keys([title])[0])  # the title repeated further down
    return title, title_no, rest


def _read(text: str) -> tuple[str, int, list[tuple[int, str]]]:
    title, title_no, pieces = _structure(text, False)
    # Cleaning can drop enough simplified text (clutter, repeats) to leave a traditional one: then
    # read it again converted throughout, so that every rule sees simplified text.
    joined = "\n".join([title, *(p for _, p in pieces)])
    if to_simplified(joined) is not joined:
        title, title_no, pieces = _structure(text, True)
    return title, title_no, pieces


def parse_text(text: str, name: str = "<text>") -> Speech:
    """A Speech from already-decoded text: cleaned, structured, repeats removed."""
    title, title_no, pieces = _read(text)
    for _ in range(3):
        lines = [title, *(p for _, p in pieces)]
        if wrap_width(lines) is None:
            break
        # Rare: the cleaned text itself looks hard-wrapped (cut pieces of one width). Read it once more,
        # mapping lines back to the original file, so that cleaning the result changes nothing.
        origin = [title_no or 1, *(no for no, _ in pieces)]
        title, title_no, again = _read("\n".join(lines))
        title_no = origin[title_no - 1] if title_no else 0
        pieces = [(origin[no - 1], p) for no, p in again]
    total = len(pieces)
    paragraphs = []
    for i, (no, para) in enumerate(pieces):
        level = heading_level(para)
        paragraphs.append(Paragraph(para, role_of(para, level, i, total), level, no))
    return Speech(name, title, tuple(paragraphs))


class UnsupportedFile(InputError):
    """A file of a kind the reader does not read (an old .doc, a PDF, a picture …): said before reading it."""


class EmptySpeech(InputError):
    """A file that reads, but holds no speech text once cleaned."""


_SAVE_AS = "请在 Word 或 WPS 中“另存为” .docx（或 .txt）后再用"
#: What an archive of speeches also holds, by extension, and what to do about it.
UNSUPPORTED = {
    **dict.fromkeys((".doc", ".dot"), f"这是旧版 Word 文件（.doc），不能直接读取；{_SAVE_AS}"),
    **dict.fromkeys((".wps", ".wpt"), f"这是 WPS 文字文件（.wps），不能直接读取；{_SAVE_AS}"),
    **dict.fromkeys((".docm", ".dotx", ".dotm"), f"这是 Word 模板或带宏的文档，不能直接读取；{_SAVE_AS}"),
    **dict.fromkeys((".rtf", ".odt", ".wpd"), f"这种文档格式不能直接读取；{_SAVE_AS}"),
    ".pdf": "PDF 文件不能直接读取；请把文字复制出来存为 .txt，或用 Word、WPS 转为 .docx 后再用",
    ".ofd": "OFD 版式文件不能直接读取；请把文字复制出来存为 .txt 后再用",
    **dict.fromkeys((".xls", ".xlsx", ".et", ".csv", ".ppt", ".pptx", ".dps"), "这是表格或演示文稿，不是讲话稿"),
    **dict.fromkeys((".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".heic"),
                    "这是图片，不是讲话稿（扫描件请先识别成文字）"),
    **dict.fromkeys((".zip", ".rar", ".7z", ".gz", ".tar", ".tgz", ".bz2", ".xz"), "这是压缩包；请先解压，再用其中的讲话稿"),
    **dict.fromkeys((".mp3", ".wav", ".m4a", ".wma", ".mp4", ".avi", ".mov", ".wmv", ".mkv", ".flv"),
                    "这是音频或视频文件，不是讲话稿"),
    **dict.fromkeys((".exe", ".dll", ".lnk", ".db", ".ini", ".tmp", ".bak"), "这是程序或系统文件，不是讲话稿"),
}
_ZIP_MAGIC = b"PK\x03\x04"


def vet_kind(path) -> None:
    """Refuse, before reading, a file that is not a speech the reader reads (UnsupportedFile)."""
    p = Path(path)
    if p.name.startswith("~$"):
        raise UnsupportedFile("这是 Word 或 WPS 打开文档时留下的临时文件（~$ 开头），不是讲话稿", path=p)
    reason = UNSUPPORTED.get(p.suffix.lower())
    if reason:
        raise UnsupportedFile(reason, path=p)


def speech_from_bytes(data: bytes, path) -> Speech:
    """The Speech of a corpus file's bytes: a .docx through python-docx (see generator.corpus.docx),
    anything else decoded as text. Raises InputError (EmptySpeech when nothing is left once cleaned)."""
    p = Path(path)
    if p.suffix.lower() == ".docx":
        from generator.corpus.docx import docx_lines
        from generator.loader import read_docx

        text = "\n".join(read_docx(p, "corpus", docx_lines, data))
    elif data.startswith(_ZIP_MAGIC):
        raise InputError("这是 zip 压缩包，不是文本文件（若是改了扩展名的 Word 文件，请把扩展名改回 .docx）", path=p)
    else:
        text = decode_bytes(data, str(p))
    speech = parse_text(text, p.name)
    if not speech.title and not speech.paragraphs:
        raise EmptySpeech("文件中没有可用的讲话正文（清洗后为空）", path=p)
    return speech


def read_speech(path) -> Speech:
    """Read one corpus file (.txt in any encoding the reader knows, or .docx). Raises InputError when it
    is missing, empty, of an unsupported kind, binary, undecodable or a broken Word file."""
    vet_kind(path)
    return speech_from_bytes(read_bytes(path, "corpus"), path)


def text_paragraphs(text: str) -> list[str]:
    """One paragraph a line; blank lines dropped; full-width spaces used as indents stripped.

    A hard-wrapped text (lines cut at one width, as copied from a PDF) is read as a corpus file is:
    its physical lines joined into paragraphs, a title broken over two lines rejoined. Nothing else is
    cleaned: a draft to check is read as its author wrote it.
    """
    numbered = [(no, s) for no, s in enumerate((line.strip(" \t\u3000\ufeff\r") for line in text.splitlines()), 1) if s]
    width = wrap_width([s for _, s in numbered])
    if width is None:
        return [s for _, s in numbered]
    # split_title knows the salutation by its full-width colon; a wrapped text often has "同志们:".
    probe = [(no, s[:-1] + "：" if s.endswith(":") else s) for no, s in numbered]
    title, _, rest = split_title(probe)
    rest = numbered[len(numbered) - len(rest):]
    return ([title] if title else []) + [s for _, s in rejoin_wraps(rest, width)]


#: What ``speechgen mine`` writes beside its entries (generator.mining.miner.MANIFEST, MANIFEST_FORMAT):
#: a folder holding such a manifest is a phrasebank, not speeches.
MINED_MANIFEST = "manifest.json"
MINED_FORMAT_PREFIX = "speechgen-mined/"


def _is_mined_folder(folder: Path) -> bool:
    """True when ``folder`` holds the manifest of a phrasebank written by ``speechgen mine``."""
    import json

    manifest = folder / MINED_MANIFEST
    if not manifest.is_file():
        return False
    try:
        doc = json.loads(read_bytes(manifest, "phrasebank"))
    except (InputError, ValueError):
        return False
    return isinstance(doc, dict) and str(doc.get("format", "")).startswith(MINED_FORMAT_PREFIX)


def corpus_files(paths: Iterable, notes: list[str] | None = None) -> list[Path]:
    """Files named by ``paths``, folders expanded recursively (hidden files skipped), sorted.

    Inside a folder, everything that is not a folder is listed — a FIFO, a socket or a dangling link
    too, so that reading it reports it as skipped instead of passing over it in silence — except a
    phrasebank an earlier ``speechgen mine`` wrote there (its YAML files, manifest and fingerprints are
    not speeches): that folder is left out, with a note in ``notes`` when given. A phrasebank folder
    named itself in ``paths`` is not left out (the miner refuses it as its own output)."""
    out: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = [f for f in p.rglob("*") if not f.is_dir()
                     and not any(part.startswith(".") for part in f.relative_to(p).parts)]
            mined = sorted({f.parent for f in found if f.name == MINED_MANIFEST and f.parent != p
                            and _is_mined_folder(f.parent)})
            for folder in mined:
                inside = [f for f in found if f.is_relative_to(folder)]
                found = [f for f in found if not f.is_relative_to(folder)]
                if notes is not None:
                    notes.append(f"{folder} 是 speechgen mine 生成的短语库，在语料之中，其中的 {len(inside)} 个文件不作为语料")
            out.update(found)
        elif p.exists():
            out.add(p)
        else:
            raise InputError("文件或文件夹不存在", path=p)
    return sorted(out)


def read_corpus(paths: Iterable, notes: list[str] | None = None) -> Iterator[tuple[Path, Speech | InputError]]:
    """Each corpus file with its Speech, or the InputError that made it unreadable; one file at a time.
    ``notes`` collects what :func:`corpus_files` left out and why."""
    for f in corpus_files(paths, notes):
        try:
            yield f, read_speech(f)
        except InputError as err:
            yield f, err
