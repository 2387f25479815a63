"""What each corpus file gave (``extraction.json.gz`` in a mined folder): the record ``mine --update`` merges from.

Mining is a map per file and a reduce over all of them; the reduce is cheap, the map is not. So ``mine``
keeps, beside the merged entries and units, the map's output for every file it was given, and
``mine --update`` maps only the files that are new or changed, drops those gone from the corpus, and
runs the same reduce over the kept and the new records: the folder it writes is byte for byte the one a
full ``mine`` of the same corpus writes (the fingerprints of unchanged files are taken from the folder's
own ``fingerprints.json.gz``, which holds every readable file's).

The file is gzip (mtime 0) of one JSON document, keys sorted, no spaces — identical on every machine::

    {"format": "speechgen-extraction/1",
     "speechgen": "0.1.0",            # the version of speechgen that mined it
     "extractor": 1,                  # EXTRACTOR_VERSION: what a file's record means
     "inputs": "<sha256>",            # of the built-in data extraction reads (user dictionary, lexicon, themes)
     "files": [                       # every corpus file given, sorted by key
       {"key": "2024/书记讲话.docx",   # its path below the corpus folder, / separated: the name in sources
        "sha256": "<of its bytes>",   # null when its bytes could not be read at all
        "status": "ok",               # ok | empty (nothing once cleaned) | unreadable | unsupported
        "reason": "…",                # not ok: why, as the user is told
        "text": "<sha256>",           # ok: of its cleaned text (two files with one text: the later a duplicate)
        "types": ["shuzhi_speech"],   # ok: the meeting types of its candidates and units
        "entries": [[category, text, [themes], line], …],                     # ok: entry candidates
        "units": [[kind, text, [body], [matter], [themes], [local], line], …]}]}  # ok: unit candidates

``mine --update`` refuses a folder whose record has another format, speechgen version, extractor
version or inputs digest: its records would not be what this version mines from the same files.
EXTRACTOR_VERSION is raised whenever a change to reading or extraction can change a file's record.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import InputError

FILENAME = "extraction.json.gz"
FORMAT = "speechgen-extraction/1"
#: Raise when reading, cleaning or extraction can give another record for the same file.
EXTRACTOR_VERSION = 1
#: The built-in data files extraction reads (below phrasebank/curated/).
INPUTS = ("userdict.txt", "lexicon.yaml", "themes.yaml")
STATUSES = ("ok", "empty", "unreadable", "unsupported")


@dataclass
class FileRecord:
    """What one corpus file gave: the map step's output, as stored."""

    key: str
    sha256: str | None
    status: str = "ok"
    reason: str = ""
    text: str = ""
    types: tuple[str, ...] = ()
    entries: list[tuple] = field(default_factory=list)  # (category, text, themes, line)
    units: list[tuple] = field(default_factory=list)  # (kind, text, body, matter, themes, local, line)

    @property
    def empty_handed(self) -> bool:
        """Read, but no entry or unit came of it."""
        return self.status == "ok" and not self.entries and not self.units

    def to_json(self) -> dict:
        doc: dict = {"key": self.key, "sha256": self.sha256, "status": self.status}
        if self.status != "ok":
            doc["reason"] = self.reason
            return doc
        doc.update(text=self.text, types=list(self.types),
                   entries=[[c, t, list(th), line] for c, t, th, line in self.entries],
                   units=[[k, t, list(b), list(m), list(th), list(lo), line] for k, t, b, m, th, lo, line in self.units])
        return doc

    @classmethod
    def from_json(cls, doc: dict) -> FileRecord:
        status = doc["status"]
        if status not in STATUSES or not isinstance(doc["key"], str):
            raise ValueError("status")
        sha = doc["sha256"]
        if sha is not None and not isinstance(sha, str):
            raise ValueError("sha256")
        if status != "ok":
            return cls(doc["key"], sha, status, str(doc["reason"]))
        return cls(doc["key"], sha, status, "", str(doc["text"]), _strs(doc["types"]),
                   [(str(c), str(t), _strs(th), int(line)) for c, t, th, line in doc["entries"]],
                   [(str(k), str(t), _strs(b), _strs(m), _strs(th), _strs(lo), int(line))
                    for k, t, b, m, th, lo, line in doc["units"]])

    def rekeyed(self, key: str) -> FileRecord:
        """The same record for the same bytes under another name (a file moved within the corpus)."""
        return FileRecord(key, self.sha256, self.status, self.reason, self.text, self.types, self.entries, self.units)


def _strs(items) -> tuple[str, ...]:
    if not isinstance(items, list):
        raise ValueError("list")
    return tuple(str(x) for x in items)


def inputs_digest() -> str:
    """SHA-256 over the built-in data extraction reads (line ends normalised, as a checkout may change them)."""
    from generator.loader import read_bytes
    from generator.resources import phrasebank_dir

    h = hashlib.sha256()
    for name in INPUTS:
        data = read_bytes(phrasebank_dir() / "curated" / name, "phrasebank", empty_ok=True)
        h.update(name.encode() + b"\0" + data.replace(b"\r\n", b"\n") + b"\0")
    return h.hexdigest()


def _header() -> dict:
    from generator import __version__

    return {"format": FORMAT, "speechgen": __version__, "extractor": EXTRACTOR_VERSION, "inputs": inputs_digest()}


def dump(records: list[FileRecord]) -> bytes:
    """The bytes of ``extraction.json.gz`` for ``records`` (any order: written sorted by key)."""
    doc = {**_header(), "files": [r.to_json() for r in sorted(records, key=lambda r: r.key)]}
    data = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return gzip.compress(data, compresslevel=1, mtime=0)  # fast: mining must stay near lcut speed


def load(path: Path, folder: Path) -> list[FileRecord]:
    """The records of a mined folder's ``extraction.json.gz``; InputError (naming ``folder``) when it is
    missing, damaged, or written by another version of speechgen or of its extraction."""
    from generator.loader import read_bytes

    redo = f"请去掉 --update，加 --force 重新挖掘全部语料：speechgen mine 语料 -o {folder} --force"
    if not path.is_file():
        raise InputError(f"这个短语库是旧版 speechgen 挖掘的，没有逐个文件的挖掘记录（{FILENAME}），不能增量更新；{redo}",
                         path=folder)
    try:
        doc = json.loads(gzip.decompress(read_bytes(path, "phrasebank", empty_ok=True)).decode("utf-8"))
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ValueError("format")
    except InputError as err:
        raise InputError(f"{FILENAME} 无法读取（{err.message}）；{redo}", path=folder) from None
    except (OSError, EOFError, ValueError, UnicodeDecodeError):
        raise InputError(f"{FILENAME} 已损坏或格式不对，不能增量更新；{redo}", path=folder) from None
    here = _header()
    if (doc.get("speechgen"), doc.get("extractor"), doc.get("inputs")) != (here["speechgen"], here["extractor"],
                                                                            here["inputs"]):
        made = f"speechgen {doc.get('speechgen')}，挖掘规则第 {doc.get('extractor')} 版"
        now = f"speechgen {here['speechgen']}，挖掘规则第 {here['extractor']} 版"
        same = doc.get("speechgen") == here["speechgen"] and doc.get("extractor") == here["extractor"]
        why = "内置词表（用户词典、术语表、主题词）已经变了" if same else f"它由另一版本挖掘（{made}；现在是 {now}）"
        raise InputError(f"这个短语库不能增量更新：{why}，旧的挖掘记录与现在挖掘的结果不一致；{redo}", path=folder)
    try:
        records = [FileRecord.from_json(item) for item in doc["files"]]
    except (KeyError, TypeError, ValueError, AttributeError):
        raise InputError(f"{FILENAME} 已损坏或格式不对，不能增量更新；{redo}", path=folder) from None
    if len({r.key for r in records}) != len(records):
        raise InputError(f"{FILENAME} 已损坏（同一文件记了两次），不能增量更新；{redo}", path=folder)
    return records
