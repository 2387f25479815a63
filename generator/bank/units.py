"""Mined units (``units.yaml``) and a folder's vocabulary (``vocabulary.json``): load and validate.

A unit is a piece below the sentence that drafting may reuse without copying a whole sentence (see
generator.mining.units for how they are mined). The schema, as the loader accepts it:

```yaml
- id: head.1ab3991a            # kind.<digest of the text>: stable across re-mining
  kind: head                   # head | measure | purpose | judgement
  text: 严明政治纪律，在净化政治生态上持续用力   # slots as in entries: {scope} {place} {year} …
  body: [必须教育引导……。, 要加强……。]   # head only: the sentences written under it, in order
  matter: [政治纪律, 政治生态]  # content words taken with jieba at mining time
  themes: [政治建设]
  meeting_types: [shuzhi_speech]   # optional
  era: {from: 2022}             # optional
  local: ["“红色领航”"]          # optional: what ties it to its place (local names, {n}, {name})
  sources: ["000_0fa2a7f282b22982.txt:9"]
  count: 1
```
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from generator.errors import InputError

UNIT_KINDS = ("head", "measure", "purpose", "judgement")
UNITS_FILE = "units.yaml"
VOCABULARY_FILE = "vocabulary.json"
VOCABULARY_FORMAT = "speechgen-vocabulary/1"
_UNIT_KEYS = ("id", "kind", "text", "body", "matter", "themes", "meeting_types", "era", "local", "sources", "count")
_ID_RE = re.compile(r"^[a-z]+\.[0-9a-f]{8,40}$")


@dataclass(frozen=True)
class Unit:
    id: str
    kind: str
    text: str
    body: tuple[str, ...] = ()
    matter: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    meeting_types: tuple[str, ...] = ()
    era: dict | None = None
    local: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    count: int = 1
    origin: str = "mined"

    def current_in(self, year: int) -> bool:
        from generator.bank.entries import era_covers

        return era_covers(self.era, year)

    @property
    def portable(self) -> bool:
        """Usable in another place's draft: nothing local (a quoted project name, a number, a name)."""
        return not self.local


def load_units(path: Path, origin: str = "mined") -> list[Unit]:
    """The units of one ``units.yaml``; InputError naming file, line and key for anything malformed."""
    from generator.loader import load_yaml
    from generator.bank.entries import phrase_text, read_era

    doc = load_yaml(path, what="单元文件")
    if doc.value is None:
        return []
    out, seen = [], set()
    for item in doc.seq():
        m = item.mapping(allowed=_UNIT_KEYS, required=("id", "kind", "text"))
        uid = m["id"].str()
        if not _ID_RE.match(uid):
            m["id"].fail(f"单元编号“{uid}”格式不对，应形如 head.1ab3991a（种类.内容摘要）")
        if uid in seen:
            m["id"].fail(f"单元编号“{uid}”重复")
        seen.add(uid)
        kind = m["kind"].str()
        if kind not in UNIT_KINDS:
            m["kind"].fail(f"未知的单元种类“{kind}”，可用：{'、'.join(UNIT_KINDS)}")

        text = phrase_text(m["text"], "单元")
        body = tuple(phrase_text(n, "单元") for n in m["body"].seq()) if "body" in m else ()
        if body and kind != "head":
            m["body"].fail("只有 head（小标题）单元才有 body")
        strs = _strs(m)
        era = read_era(m)
        count = m["count"].int(1, 10**9) if "count" in m else 1
        out.append(Unit(uid, kind, text, body, strs("matter"), strs("themes"), strs("meeting_types"), era,
                        strs("local"), strs("sources"), count, origin))
    return out


def _strs(m):
    """A reader of the mapping's optional string lists (absent → ())."""
    return lambda key: tuple(n.str() for n in m[key].seq()) if key in m else ()


def load_vocabulary(path: Path) -> dict[str, int]:
    """word → number of units it occurs in, from a mined folder's vocabulary.json."""
    from generator.loader import read_bytes

    try:
        doc = json.loads(read_bytes(path, "phrasebank").decode("utf-8"))
        if not isinstance(doc, dict) or doc.get("format") != VOCABULARY_FORMAT:
            raise ValueError("format")
        words = doc["words"]
        if not isinstance(words, dict):
            raise ValueError("words")
        return {str(w): int(n) for w, n in words.items() if isinstance(w, str) and 2 <= len(w) <= 20}
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise InputError("词表文件不是 speechgen mine 写的，或已损坏；请重新运行 speechgen mine", path=path) from None
