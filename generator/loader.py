"""The one loader of input files: regular files only, size-capped, decoded, and YAML parsed with line numbers.

Every file the tool reads on a user's behalf — configs, house styles, pack manifests, phrasebank and
era-rule YAML, corpus files, drafts to check — comes through here, so the limits hold everywhere:

- only regular files are read (a FIFO, a device such as ``/dev/zero`` or a socket would hang or never
  end), and at most ``limit`` bytes of them;
- YAML may not use anchors or aliases (a "billion laughs" file expands exponentially, and no config
  or data file of ours needs them), nor nest deeper than ``MAX_DEPTH``, nor hold more than
  ``MAX_NODES`` nodes; tags other than the standard ones are refused by the safe loader;
- every problem is an :class:`InputError` naming the file, the line and, where there is one, the key.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml

from generator.errors import InputError, SpeechgenError, translated

_T = TypeVar("_T")

KB = 1024
MB = 1024 * KB

#: Size limits by kind of input, in bytes. A config of a few dozen facts is a few KB.
LIMITS = {
    "config": 1 * MB,
    "style": 256 * KB,
    "manifest": 256 * KB,
    "template": 1 * MB,
    "phrasebank": 64 * MB,
    "corpus": 64 * MB,
    "draft": 4 * MB,  # a long speech is 150 KB; checking stays within seconds
}
#: What each kind of input is called in messages.
NAMES = {"config": "配置文件", "style": "版式文件", "manifest": "模板包清单", "template": "模板文件",
         "phrasebank": "短语库文件", "corpus": "文件", "draft": "文件"}
MAX_DEPTH = 64
MAX_NODES = 2_000_000
#: Characters of a source line a message repeats: enough to recognise it, never a 100,000-character line.
EXCERPT = 200

# libyaml's parser gives the same events, nodes and marks as the pure-Python one, about ten times faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_ERRNO_ZH = {2: "文件不存在", 13: "没有读取权限", 1: "没有读取权限", 21: "这是一个文件夹", 20: "路径中有一段不是文件夹",
             36: "文件名太长", 40: "符号链接层数过多"}


def os_reason(exc: OSError) -> str:
    """An OS error's cause in Chinese (the C library's strerror is English)."""
    from generator.atomic import ERRNO_ZH

    return _ERRNO_ZH.get(exc.errno or 0) or ERRNO_ZH.get(exc.errno or 0) or "操作系统拒绝了这次读取"


def _size_zh(n: int) -> str:
    return f"{n // MB} MB" if n >= MB and n % MB == 0 else f"{n // KB} KB"


def read_bytes(path: str | Path, kind: str = "config", *, empty_ok: bool = False) -> bytes:
    """The bytes of the regular file ``path``, at most ``LIMITS[kind]`` of them.

    Raises InputError (naming the file) when it is missing, a folder, not a regular file, unreadable,
    larger than the limit, or empty (unless ``empty_ok``).
    """
    p = Path(path)
    limit = LIMITS[kind]
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise InputError(f"{NAMES[kind]}不存在", path=p) from None
    except OSError as exc:
        raise InputError(os_reason(exc), path=p) from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError("这是一个文件夹，请给出文件", path=p)
    if not stat.S_ISREG(st.st_mode):
        raise InputError("不是普通文件（可能是管道、设备或套接字），不会读取", path=p)
    if st.st_size > limit:
        raise InputError(f"文件太大（{st.st_size // KB} KB），超过了 {_size_zh(limit)} 的上限", path=p)
    try:
        # O_NONBLOCK: should the path be swapped for a FIFO after the check, opening it does not hang.
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise InputError("不是普通文件（可能是管道、设备或套接字），不会读取", path=p)
            data = fh.read(limit + 1)
    except OSError as exc:
        raise InputError(f"无法读取：{os_reason(exc)}", path=p) from None
    if len(data) > limit:
        raise InputError(f"文件太大，超过了 {_size_zh(limit)} 的上限", path=p)
    if not empty_ok and not data.strip():
        raise InputError("文件是空的", path=p)
    return data


# ---------------------------------------------------------------- Word files
#: A .docx is a zip of a few XML parts: far below these, whatever the speech's length.
DOCX_UNPACKED_MAX = 200 * MB
DOCX_RATIO_MAX = 200  # unpacked / packed: a zip bomb packs a thousand times or more
DOCX_PART_MAX = 48 * MB  # one XML part unpacked (the document.xml of a 300-page book is about 10 MB)
DOCX_ENTRIES_MAX = 10_000
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: old .doc, or any password-protected Office file
_NOT_WORD = "这不是有效的 Word 文件（文件损坏或不是 .docx 格式）"


def read_docx(path: str | Path, kind: str, extract: Callable[[Any], _T], data: bytes | None = None) -> _T:
    """``extract(document)`` for the Word file ``path`` opened with python-docx, hardened like every input.

    The bytes are read once through :func:`read_bytes` (a regular file, at most ``LIMITS[kind]``), or are
    ``data`` when the caller has read them so. Refused with an InputError naming the file, before
    python-docx unpacks anything: a compound file (a password-protected document, an old .doc renamed),
    anything that is not a zip, a zip bomb (unpacked size, ratio, one oversized XML part, too many
    entries) and encrypted zip entries. Whatever python-docx or ``extract`` then raises for a broken
    package, malformed XML or a refused entity is an InputError too: never a traceback, never a hang."""
    import io

    p = Path(path)
    if data is None:
        data = read_bytes(p, kind)
    if data.startswith(_OLE_MAGIC):
        raise InputError("这是设了打开密码（加密）的 Word 文件，或改了扩展名的旧版 .doc 文件，无法读取；"
                         "请在 Word 或 WPS 中取消密码并“另存为” .docx 后再试", path=p)
    if not data.startswith(b"PK"):
        raise InputError("这不是有效的 Word 文件（.docx 应为 zip 压缩包）", path=p)
    buffer = io.BytesIO(data)
    _vet_docx(buffer, p)
    import docx
    from lxml import etree

    try:
        return extract(docx.Document(buffer))
    except (etree.LxmlError, zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, KeyError, ValueError, OSError,
            TypeError, AttributeError, IndexError, EOFError, RuntimeError, NotImplementedError):
        # python-docx raises these for a broken package, malformed XML, a refused entity (DOCTYPE), a
        # zip entry that does not inflate or is encrypted (RuntimeError), over-deep XML (RecursionError)
        raise InputError(_NOT_WORD, path=p) from None
    except Exception as exc:  # any other failure inside python-docx is a broken file too
        if "docx" not in type(exc).__module__:
            raise
        raise InputError(_NOT_WORD, path=p) from None


def _vet_docx(buffer, p: Path) -> None:
    """Refuse a zip bomb before python-docx unpacks it (sizes as the zip's directory declares them:
    zipfile never inflates an entry beyond its declared size), and encrypted entries."""
    try:
        with zipfile.ZipFile(buffer) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise InputError("这不是有效的 Word 文件（.docx 应为 zip 压缩包）", path=p) from None
    finally:
        buffer.seek(0)
    if any(i.flag_bits & 0x1 for i in infos):
        raise InputError("这是加密的压缩包，不是可以读取的 Word 文件；请在 Word 或 WPS 中取消密码后另存为 .docx", path=p)
    unpacked = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    biggest_xml = max((i.file_size for i in infos if not i.filename.lower().endswith(_MEDIA)), default=0)
    if (len(infos) > DOCX_ENTRIES_MAX or unpacked > DOCX_UNPACKED_MAX or biggest_xml > DOCX_PART_MAX
            or (unpacked > 10 * MB and unpacked / packed > DOCX_RATIO_MAX)):
        raise InputError("这不是有效的 Word 文件（解压后过大，可能是“压缩炸弹”），不会打开", path=p)


#: Parts of a .docx that python-docx keeps as bytes and never parses (pictures, embedded objects).
_MEDIA = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg", ".bin", ".wdp",
          ".mp3", ".mp4", ".wav", ".ttf", ".odttf", ".otf")


_UNICODE_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
#: Characters no text of ours may hold: C0/C1 controls other than tab and newlines, lone surrogates,
#: the non-characters U+FFFE/U+FFFF.
BAD_CHARS_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def decode_config_text(data: bytes, path: str | Path, what: str = "配置文件") -> str:
    """Text of a config-like file: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK.

    What does not decode cleanly as one of them is refused with a hint, never guessed at: a short
    Big5 file, for one, is misread by every detector.
    """
    for bom, enc in _UNICODE_BOMS:
        if data.startswith(bom):
            try:
                return _clean_text(data.decode(enc), path)
            except UnicodeDecodeError:
                break
    else:
        try:
            return _clean_text(data.decode("utf-8"), path)
        except UnicodeDecodeError:
            pass
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            pass
        else:
            # GB18030 decodes almost any byte string; accept it only when the result reads as Chinese text.
            han = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
            odd = sum(1 for ch in text if ord(ch) > 0x7F and not ("\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f"
                                                                  or "\uff00" <= ch <= "\uffef" or "\u2010" <= ch <= "\u2027"))
            if han and odd <= han // 20 and _common_share(text) >= 0.9:
                return _clean_text(text, path)
    raise InputError(f"无法确定{what}的编码（支持 UTF-8、带 BOM 的 UTF-16、GBK/GB18030）；"
                     "请用记事本等“另存为”UTF-8 编码后再试", path=path)


def _common_share(text: str) -> float:
    """Share of the ideographs that are among GB2312's 6,763 common characters. A config typed in
    GBK uses almost only those; Big5 bytes read as GB18030 give rare characters in numbers."""
    han = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    common = 0
    for ch in han:
        try:
            ch.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common / len(han) if han else 0.0


def _clean_text(text: str, path: str | Path) -> str:
    m = BAD_CHARS_RE.search(text)
    if m:
        line = text.count("\n", 0, m.start()) + 1
        raise InputError(f"含有不可见的控制字符或无效字符（U+{ord(m.group(0)):04X}），请删去", path=path, line=line)
    return text


def read_utf8(path: str | Path, kind: str, *, empty_ok: bool = True) -> str:
    """A data file of ours (phrasebank, template, manifest) as UTF-8 text."""
    data = read_bytes(path, kind, empty_ok=empty_ok)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError("不是 UTF-8 编码的文本，请另存为 UTF-8", path=path, line=line) from None
    return _clean_text(text, path)


# ---------------------------------------------------------------- YAML
# PyYAML's problems, said in Chinese with the usual fix; anything else is named generically.
_YAML_ZH = [
    (r"expected ',' or '\]'", "方括号 [ ] 里的列表没有正确结束，检查是否少了 ] 或逗号"),
    (r"expected ',' or '\}'", "花括号 {{ }} 没有正确结束，检查是否少了 }} 或逗号"),
    (r"mapping values are not allowed here", "这里不能出现“键: 值”：检查缩进，或给含冒号的文字加引号"),
    (r"found character '\\t' that cannot start any token", "YAML 不能用 Tab 缩进，请改用空格"),
    (r"could not find expected ':'", "缺少冒号“:”"),
    (r"found unexpected end of stream", "文件意外结束：引号或括号没有闭合"),
    (r"found undefined alias", "引用了未定义的别名（*…）"),
    (r"expected <block end>, but found (.+)", "缩进不一致（遇到 {0}）"),
    (r"found unknown escape character", "双引号里有无效的转义字符（\\），可改用单引号"),
    (r"did not find expected key", "缩进不一致，或少了“键:”"),
    (r"did not find expected '-' indicator", "列表项缩进不一致，每项应以“- ”开头"),
    (r"found duplicate anchor", "锚点（&…）重复"),
    (r"could not determine a constructor for the tag '?([^']*)'?", "不支持的 YAML 标签 {0}，请删去"),
    (r"found undefined tag handle", "未定义的 YAML 标签前缀，请删去 ! 开头的标签"),
    (r"found unacceptable character|special characters are not allowed", "含有 YAML 不允许的字符，请删去"),
    (r"expected a single document", "文件里有多个 YAML 文档（---），只能有一个"),
    (r"while scanning a quoted scalar|found unexpected end of stream", "引号没有闭合"),
    (r"while scanning a block scalar", "多行文字（| 或 >）的缩进有误"),
    (r"expected alphabetic or numeric character", "锚点或别名（& *）的名字有误；配置中不需要用锚点"),
    (r"while parsing a (?:block|flow) (?:mapping|sequence|collection|node)", "结构有误：检查缩进、冒号和括号"),
    (r"while scanning", "有无法识别的写法：检查引号、冒号和缩进"),
]


def yaml_error(exc: Exception, path, text: str | None = None, what: str = "YAML 语法错误") -> InputError:
    """An InputError for a YAML file that does not parse: file, line, the offending line, the cause in Chinese.

    PyYAML marks where it gave up; when that is after an unclosed bracket or quote, the line where
    the construct began (its context mark) is named too.
    """
    problem = str(getattr(exc, "problem", None) or exc)
    full = problem + " " + str(getattr(exc, "context", "") or "")
    unclosed = bool(re.search(r"expected ',' or|end of stream|while scanning a quoted", full + str(exc)))
    problem = translated(full, _YAML_ZH) or "无法解析：检查缩进、冒号、引号和括号"
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    context = getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    if context is not None and line is not None and context.line + 1 < line:
        if unclosed:  # the bracket or quote left open is on the line where it began
            problem += f"（第{line}行才发现）"
            line = context.line + 1
        else:
            problem += f"（从第{context.line + 1}行开始）"
    return InputError(f"{what}：{problem}", path=path, line=line, source_line=_line_of(text or "", line))


def _event_line(ev: yaml.Event) -> int:
    """The 1-based line where a parsed event starts (the parser gives every event a start mark)."""
    assert ev.start_mark is not None
    return ev.start_mark.line + 1


def _vet_events(text: str, path, what: str) -> None:
    """Refuse anchors, aliases, over-deep nesting and over-many nodes before anything is built."""
    depth = nodes = 0
    loader = _LOADER(text)
    try:
        while loader.check_event():
            ev = loader.get_event()
            if isinstance(ev, (yaml.CollectionStartEvent, yaml.ScalarEvent, yaml.AliasEvent)):
                nodes += 1
                if isinstance(ev, yaml.AliasEvent) or getattr(ev, "anchor", None):
                    line = _event_line(ev)
                    raise InputError(f"{what}不能使用 YAML 锚点和别名（& 与 *），请把内容直接写出", path=path, line=line,
                                     source_line=_line_of(text, line))
                if nodes > MAX_NODES:
                    raise InputError(f"{what}的内容过多（超过 {MAX_NODES} 项）", path=path,
                                     line=_event_line(ev))
            if isinstance(ev, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    line = _event_line(ev)
                    raise InputError(f"{what}嵌套过深（超过 {MAX_DEPTH} 层）", path=path, line=line,
                                     source_line=_line_of(text, line))
            elif isinstance(ev, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as exc:
        raise yaml_error(exc, path, text, f"{what} YAML 语法错误") from None
    finally:
        loader.dispose()


def excerpt(line: str | None, limit: int = EXCERPT) -> str | None:
    """``line`` as a message quotes it: at most ``limit`` characters, the cut marked with "……"."""
    if line is None or len(line) <= limit:
        return line
    return line[:limit] + f"……（此行共 {len(line)} 个字符，只显示前 {limit} 个）"


def _line_of(text: str, line: int | None) -> str | None:
    if not line:
        return None
    lines = text.splitlines()
    return excerpt(lines[line - 1]) if 0 < line <= len(lines) else None


@dataclass
class Node:
    """A composed YAML node with its constructed value, so every error can name the file and line."""

    node: yaml.Node | None
    value: object
    path: Path | str
    text: str = ""

    @property
    def line(self) -> int | None:
        return self.node.start_mark.line + 1 if self.node is not None else None

    def fail(self, message: str):
        raise InputError(message, path=self.path, line=self.line, source_line=_line_of(self.text, self.line))

    def seq(self) -> list[Node]:
        if not isinstance(self.node, yaml.SequenceNode) or not isinstance(self.value, list):
            self.fail("这里应为列表")
        assert isinstance(self.node, yaml.SequenceNode) and isinstance(self.value, list)
        return [Node(n, v, self.path, self.text) for n, v in zip(self.node.value, self.value)]

    def mapping(self, allowed=None, required=()) -> dict[str, Node]:
        if not isinstance(self.node, yaml.MappingNode) or not isinstance(self.value, dict):
            self.fail("这里应为“键: 值”的映射")
        assert isinstance(self.node, yaml.MappingNode) and isinstance(self.value, dict)
        values = {str(k): v for k, v in self.value.items()}
        out: dict[str, Node] = {}
        for key_node, value_node in self.node.value:
            key = str(key_node.value)
            if allowed is not None and key not in allowed:
                Node(key_node, key, self.path, self.text).fail(f"未知的键“{key}”，可用：{'、'.join(allowed)}")
            if key in out:
                Node(key_node, key, self.path, self.text).fail(f"键“{key}”重复")
            out[key] = Node(value_node, values.get(key), self.path, self.text)
        for key in required:
            if key not in out:
                self.fail(f"缺少必填的键“{key}”")
        return out

    def str(self) -> str:
        if not isinstance(self.value, str) or not self.value.strip():
            self.fail("这里应为非空文字")
        assert isinstance(self.value, str)
        return self.value.strip()

    def int(self, lo: int, hi: int) -> int:
        v = self.value
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            self.fail(f"这里应为 {lo}–{hi} 之间的整数")
        assert isinstance(v, int)
        return v


def parse_yaml(text: str, path: str | Path, what: str = "文件") -> Node:
    """Parse one YAML document: anchors, aliases, deep nesting and unknown tags refused; syntax errors
    become InputError with the line. The value is built from the same node tree, so lines always match."""
    _vet_events(text, path, what)
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        value = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise yaml_error(exc, path, text, f"{what} YAML 语法错误") from None
    except (ValueError, OverflowError) as exc:  # e.g. a timestamp 2026-13-45 the constructor cannot build
        mark = getattr(loader, "marks", None)
        raise InputError(f"{what}中有无法识别的值（{_value_reason(exc)}）", path=path,
                         line=mark.line + 1 if mark is not None else None) from None
    finally:
        loader.dispose()
    return Node(node, value, path, text)


def _value_reason(exc: Exception) -> str:
    s = str(exc)
    if "month" in s or "day" in s or "year" in s:
        return "日期不存在，如 2026-02-30；请写成真实的日期"
    if "digits" in s or "int" in s:
        return "数字过长"
    return "格式不对"


#: Larger data files are entry lists, read only when the phrasebank's own cache misses: not stored twice.
YAML_CACHE_MAX = 256 * KB


def load_yaml(path: str | Path, kind: str = "phrasebank", what: str = "文件") -> Node:
    """Read ``path`` (a UTF-8 data file) and parse it as one YAML document.

    Data files (every kind but configs, which are parsed fresh; up to YAML_CACHE_MAX) are kept parsed in the user's cache
    (generator/cache.py) under the SHA-256 of their path, text and this module's code: only a file that
    parsed cleanly is stored, so a broken one is always reported by its own parse."""
    text = read_utf8(path, kind)
    if kind == "config" or len(text) > YAML_CACHE_MAX:
        return parse_yaml(text, path, what)
    from generator import cache

    key = cache.Key("yaml").code(sys.modules[__name__]).text(str(path)).text(what).text(text)
    hit = cache.load(key)  # a fresh copy each time: callers may change what they are given
    if not isinstance(hit, Node):
        hit = parse_yaml(text, path, what)
        cache.store(key, hit)
    return hit


# ---------------------------------------------------------------- key paths → lines, every problem at once
def line_map(node, path: str = "", out: dict | None = None, dupes: list | None = None) -> dict:
    """Map each key path (``reporters[0].name``) to the 1-based line of its value in the YAML source.

    Keys given twice in one mapping are collected in ``dupes`` as (path, first line, second line):
    YAML keeps the last silently, which would lose what the user wrote first.
    """
    out = {} if out is None else out
    dupes = [] if dupes is None else dupes
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            sub = f"{path}.{key}" if path else key
            if sub in out and sub != path:
                dupes.append((sub, out[sub], key_node.start_mark.line + 1))
            out[sub] = key_node.start_mark.line + 1
            line_map(value_node, sub, out, dupes)
            out[sub] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            line_map(item, f"{path}[{i}]", out, dupes)
    return out


class Collector:
    """Collects every problem before failing, each tagged with key path and YAML line."""

    def __init__(self, path: str, text: str, lines: dict):
        self.path, self.lines = path, lines
        self.problems: list[SpeechgenError] = []
        self.source = [excerpt(line) or "" for line in text.splitlines()]  # as messages quote them
        self.key_lines: dict = {}  # top-level keys as YAML reads them (null → None) → their line

    def line_of(self, key: str) -> int | None:
        probe = key
        while probe and probe not in self.lines:
            probe = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", probe) if re.search(r"[.\[]", probe) else ""
        return self.lines.get(probe)

    def add(self, key: str, message: str, line: int | None = None) -> None:
        line = line or self.line_of(key)
        src = self.source[line - 1] if line and line <= len(self.source) else None
        self.problems.append(SpeechgenError(message, line=line, key=key, source_line=src))


class Prefixed:
    """A view of the collector that prefixes key paths (for nested reporter fields)."""

    def __init__(self, c: Collector, prefix: str):
        self.c, self.prefix = c, prefix

    def add(self, key: str, message: str) -> None:
        self.c.add(f"{self.prefix}.{key}", message)
