"""Variety and provenance bench (issues 12 and 13): how alike two drafts are, how their sentences run, where
their characters come from. Figures and ratios only; the targets are printed beside them (OK / MISS).

Usage (from the repository root):  python bench/bench_variety.py [--quick] [--corpus DIR] [--no-gwr]

Only the public API is used to draft (``generator.load_config``, ``compose``, ``read_speech``, ``mine``); the
phrasebank folders are read as plain YAML to tell a span's entry apart (curated / mined / which folder).
Every draft is deterministic (fixed seeds, fixed made-up variants), so two runs on one tree print the same.

Definitions (the functions below, at module level so that tests can import them):
- Sentences of a draft: every block but the salutation (headings included; title and byline are not blocks),
  split after 。！？；!?;. A sentence's *key* is its text with config facts removed — the characters of spans
  whose source is ``config:…``, and the config's words wherever they occur inside other spans (place, 全区 /
  区委 / 我区 of the level, and any config span's text of up to 12 characters such as a reporter's name) —
  and then every character that is not a letter or digit (punctuation, spaces) dropped.
- Exempt (fixed formulas): sentences with a ``curated:`` span (the year line "2026年，是…"), with 散会, or with
  以习近平新时代中国特色社会主义思想为指导 (the year's guiding-thought line); the salutation is not a sentence.
- shared_sentence_share(a, b): of the smaller draft's eligible sentences (not exempt, key of 15+ characters;
  smaller = fewer eligible sentences), the share whose key is also a key of the other draft.
- run_share(a, b, n=12): per block, the keys of its non-exempt sentences joined; of the smaller draft's n-char
  windows (smaller = fewer windows), the share that also occur somewhere in the other draft (what 查重 sees).
- Sentence length: characters of a sentence without punctuation or spaces, config facts included; shares of
  sentences of 30–60, over 80 and under 15 characters. Seeds: the paragraphs (salutation left out) of
  every file in the seeds corpus, read with generator.read_speech.
- Tic openers: sentences whose first words, after any enumerator (一是 / 二要 / （三） / 1. / 第一，) and
  leading punctuation, are 注重, 防止, 检验 or 衡量 (one group), 必须, 强化, 着力; rate per 1,000
  characters (non-whitespace characters of the draft's blocks, the seeds' paragraphs).
- Provenance: a draft's block characters (whitespace not counted, as Draft.char_count) by span source:
  template (``template:…`` or none), config (``config:…``), year facts (``curated:…``), placeholder, and
  phrasebank entries, curated (no corpus lines, "手写条目" in --sources) or mined (an entry with corpus
  lines). Mined share of phrasebank characters = mined / (curated + mined).
- User-corpus precedence: the seeds mined (generator.mine) into a temporary folder and given as
  phrase_dirs; share of the distinct entry ids a draft uses that come from that folder. A span names its
  folder when its id carries the folder's namespace (``phrase:NAME:id``); a bare id counts as the folder's
  when that folder's YAML has it (and its text matches the span best), the loader letting a user entry
  shadow a built-in one of the same id. The same with five files of the gwr corpus (2014–2018, government
  work reports: off-genre), whose units should be kept out.
"""

from __future__ import annotations

import argparse
import copy
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from benchlib import commit  # noqa: E402  (bench/ is on sys.path when run as a script)

from generator import compose, load_config, mine, read_speech  # noqa: E402

# ---------------------------------------------------------------- targets (issues 12, 13)
TARGET_SEED_SHARE = 0.20  # two seeds of one config: shared sentences at most 20 %
TARGET_PLACE_SHARE = 0.10  # two configs of one type, different places: at most 10 %
TARGET_TIC_RATE = 1.0  # no opener more than once per 1,000 characters
TARGET_MINED_SHARE = 1 / 3  # mined / (curated + mined) phrasebank characters
TARGET_USER_SHARE = 0.5  # units from the user's corpus folder
TARGET_GWR_SHARE = 0.10  # units from an off-genre (gwr) folder: this bench's reading of "kept out"
LENGTH_SLACK = 0.10  # sentence lengths: 30–60 share at most the seeds' + 10 points; >80 and <15 at least half theirs

SENTENCE_END = "。！？；!?;"
MIN_SENTENCE = 15
RUN = 12
_NON_WORD = re.compile(r"[\W_]+")
_GUIDING = re.compile(r"以习近平新时代中国特色社会主义思想为指导")
_ENUM = (r"(?:[（(][一二三四五六七八九十百\d]+[）)]|[一二三四五六七八九十百\d]+[、.．]|第[一二三四五六七八九十]+[，,、]?"
         r"|[一二三四五六七八九十]+[是要来][，,：:]?)")
_LEAD = re.compile(rf"^[\W_]*(?:{_ENUM}[\W_]*)*")
TICS = {"注重": ("注重",), "防止": ("防止",), "检验/衡量": ("检验", "衡量"), "必须": ("必须",),
        "强化": ("强化",), "着力": ("着力",)}
ISSUE_TICS = ("注重", "防止", "检验/衡量", "必须")  # the issue's own list (the seeds: 5 in 236 sentences)
SHORT_FACT = 12  # config spans up to this long are also masked where they recur inside phrases


def plain(text: str) -> str:
    """Letters and digits only: punctuation and whitespace dropped."""
    return _NON_WORD.sub("", text)


def split_sentences(text: str) -> list[str]:
    """``text`` cut after every 。！？；!?; (the mark stays with its sentence); empty pieces dropped."""
    out, cur = [], []
    for ch in text:
        cur.append(ch)
        if ch in SENTENCE_END:
            out.append("".join(cur))
            cur = []
    out.append("".join(cur))
    return [s for s in out if s.strip()]


# ---------------------------------------------------------------- a draft's sentences
@dataclass(frozen=True)
class Sentence:
    text: str  # as the reader sees it, config facts included
    key: str  # config facts and config words removed, letters and digits only
    exempt: bool  # a fixed formula: year line, guiding-thought line, 散会


@dataclass(frozen=True)
class Prepared:
    blocks: tuple[tuple[Sentence, ...], ...]  # the sentences of each block but the salutation

    @property
    def sentences(self) -> list[Sentence]:
        return [s for b in self.blocks for s in b]

    def eligible(self) -> list[str]:
        return [s.key for s in self.sentences if not s.exempt and len(s.key) >= MIN_SENTENCE]

    def windows(self, n: int = RUN) -> list[str]:
        out = []
        for block in self.blocks:
            text = "".join(s.key for s in block if not s.exempt)
            out.extend(text[i:i + n] for i in range(len(text) - n + 1))
        return out


def config_words(config) -> set[str]:
    """The config's words that templates and phrase slots put into running text: place, 全区, 区委, 我区, names."""
    words = {w for k, w in (getattr(config, "words", None) or {}).items() if k in ("place", "scope", "committee", "our")}
    for r in getattr(config, "reporters", ()) or ():
        words.add(getattr(r, "name", ""))
    return {w for w in words if w}


def prepare(draft, words=()) -> Prepared:
    """The draft's sentences with their keys (see the module docstring); ``words`` are masked too."""
    if isinstance(draft, Prepared):
        return draft
    spans = [s for b in draft.blocks for s in b.spans]
    mask = set(words) | {s.text.strip() for s in spans if s.source.startswith("config:")
                         and 0 < len(s.text.strip()) <= SHORT_FACT}
    mask_re = re.compile("|".join(map(re.escape, sorted(mask, key=len, reverse=True)))) if mask else None
    blocks = []
    for block in draft.blocks:
        if block.kind == "salutation":
            continue
        pieces: list[list[tuple[str, str]]] = [[]]  # per sentence: (text, source) pieces
        for span in block.spans:
            start = 0
            for i, ch in enumerate(span.text):
                if ch in SENTENCE_END:
                    pieces[-1].append((span.text[start:i + 1], span.source))
                    pieces.append([])
                    start = i + 1
            if start < len(span.text):
                pieces[-1].append((span.text[start:], span.source))
        out = []
        for sent in pieces:
            text = "".join(t for t, _ in sent)
            if not text.strip():
                continue
            kept = "".join(t for t, src in sent if not src.startswith("config:"))
            if mask_re:
                kept = mask_re.sub("", kept)
            exempt = (any(src.startswith("curated:") for _, src in sent) or "散会" in text
                      or bool(_GUIDING.search(text)))
            out.append(Sentence(text, plain(kept), exempt))
        blocks.append(tuple(out))
    return Prepared(tuple(blocks))


def shared_sentence_share(a, b, words=()) -> tuple[float, int, int]:
    """(share, shared, sentences of the smaller draft): see the module docstring."""
    pa, pb = prepare(a, words), prepare(b, words)
    ea, eb = pa.eligible(), pb.eligible()
    small, other = (ea, pb) if len(ea) <= len(eb) else (eb, pa)
    keys = {s.key for s in other.sentences if not s.exempt}
    shared = sum(1 for k in small if k in keys)
    return (shared / len(small) if small else 0.0), shared, len(small)


def run_share(a, b, n: int = RUN, words=()) -> float:
    """Share of the smaller draft's n-character windows (normalised text) that occur in the other."""
    wa, wb = prepare(a, words).windows(n), prepare(b, words).windows(n)
    small, other = (wa, set(wb)) if len(wa) <= len(wb) else (wb, set(wa))
    return sum(1 for w in small if w in other) / len(small) if small else 0.0


def pairwise(prepared: list[Prepared]) -> tuple[list[float], list[float]]:
    """Shared-sentence and 12-char-run shares of every pair."""
    sent, runs = [], []
    for a, b in combinations(prepared, 2):
        sent.append(shared_sentence_share(a, b)[0])
        runs.append(run_share(a, b))
    return sent, runs


# ---------------------------------------------------------------- lengths and tics
def draft_paragraphs(draft) -> list[str]:
    return [b.text for b in draft.blocks if b.kind != "salutation"]


def speech_paragraphs(speech) -> list[str]:
    return [p.text for p in speech.paragraphs if p.role != "salutation"]


def sentence_lengths(paragraphs) -> list[int]:
    return [n for p in paragraphs for s in split_sentences(p) if (n := len(plain(s)))]


def length_profile(lengths: list[int]) -> dict[str, float]:
    """Shares of sentences of 30–60, over 80 and under 15 characters, and their count."""
    n = len(lengths) or 1
    return {"n": len(lengths), "30-60": sum(30 <= x <= 60 for x in lengths) / n,
            ">80": sum(x > 80 for x in lengths) / n, "<15": sum(x < 15 for x in lengths) / n}


def opener(sentence: str) -> str | None:
    """The tic group a sentence opens with, after enumerators and leading punctuation; None if none."""
    rest = _LEAD.sub("", sentence.strip(), count=1)
    for group, words in TICS.items():
        if rest.startswith(words):
            return group
    return None


def tic_counts(paragraphs) -> tuple[Counter, int, int]:
    """(openers by group, sentences, characters without whitespace)."""
    sents = [s for p in paragraphs for s in split_sentences(p)]
    found = Counter(g for s in sents if (g := opener(s)))
    return found, len(sents), sum(len(re.sub(r"\s", "", p)) for p in paragraphs)


# ---------------------------------------------------------------- provenance
def _ns(folder: Path) -> str:
    return re.sub(r"[:\s]+", "_", folder.resolve().name or "phrases").strip("_") or "phrases"


def _bigrams(text: str) -> set[str]:
    t = plain(re.sub(r"\{[a-z_]+\}", "", text))
    return {t[i:i + 2] for i in range(len(t) - 1)}


class PhraseIndex:
    """Entry id → (folder label, curated | mined), from the YAML of the user's folders and the built-in ones.

    Labels: "curated" and "mined" for the built-in folders, the folder's path for a user's. Precedence as the
    loader's: user folders first (in order), then curated, then mined."""

    def __init__(self, user_dirs=()):
        try:
            from generator.resources import phrasebank_dir
            base = phrasebank_dir()
        except ImportError:  # pragma: no cover - layout fallback
            base = ROOT / "phrasebank"
        self.user = [str(Path(d)) for d in user_dirs]
        self.folders: list[tuple[str, dict[str, tuple[str, set[str]]]]] = []
        self.namespaces: dict[str, str] = {}
        taken: set[str] = set()
        for d in self.user:
            name, k = _ns(Path(d)), 1
            while f"{name}~{k}" in taken or (k == 1 and name in taken) or name in ("mined", "curated"):
                k += 1
                name = f"{_ns(Path(d))}~{k}"
            taken.add(name)
            self.namespaces[name] = d
        for label, folder in [(d, Path(d)) for d in self.user] + [("curated", base / "curated"),
                                                                  ("mined", base / "mined")]:
            self.folders.append((label, self._read(folder)))
        self.namespaced_seen = False  # a span carried a user folder's namespace: bare ids are built-in ones

    @staticmethod
    def _read(folder: Path) -> dict[str, tuple[str, set[str]]]:
        ids: dict[str, tuple[str, set[str]]] = {}
        for path in sorted(folder.rglob("*.yaml")):
            if any(part.startswith(".") for part in path.relative_to(folder).parts):
                continue
            try:
                doc = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            except (OSError, yaml.YAMLError):
                continue
            for item in doc if isinstance(doc, list) else ():
                if isinstance(item, dict) and {"id", "category", "text"} <= set(item):
                    kind = "mined" if item.get("sources") else "curated"
                    ids.setdefault(str(item["id"]), (kind, _bigrams(str(item["text"]))))
        return ids

    def lookup(self, ref: str, text: str = "") -> tuple[str | None, str | None, str]:
        """(folder label, curated | mined, how: "namespace" | "id" | "") of the entry ``ref`` of a span."""
        if ":" in ref:
            space, _, bare = ref.partition(":")
            folder = self.namespaces.get(space) or next((d for d in self.user if Path(d).name == space), None)
            if folder is None and space in ("curated", "mined"):
                folder = space
            if folder is not None:
                self.namespaced_seen = self.namespaced_seen or folder in self.user
                ids = dict(self.folders)[folder]
                return folder, (ids[bare][0] if bare in ids else "mined"), "namespace"
        candidates = [(label, ids[ref]) for label, ids in self.folders if ref in ids]
        if self.namespaced_seen:
            candidates = [c for c in candidates if c[0] not in self.user] or candidates
        if not candidates:
            return None, None, ""
        if len(candidates) > 1 and text:
            grams = _bigrams(text)
            score = [len(grams & g) / (len(grams | g) or 1) for _, (_, g) in candidates]
            best = max(score)
            candidates = [c for c, s in zip(candidates, score) if s == best]
        label, (kind, _) = candidates[0]
        return label, kind, "id"


def _chars(text: str) -> int:
    return len(re.sub(r"\s", "", text))


def provenance_shares(draft, index: PhraseIndex) -> dict[str, float]:
    """Characters of the draft's blocks by origin, as shares of all (keys below), plus ``total`` (count)
    and ``mined/phrasebank`` = mined / (curated + mined)."""
    chars = Counter()
    for block in draft.blocks:
        for span in block.spans:
            kind, _, ref = span.source.partition(":")
            n = _chars(span.text)
            if kind == "phrase":
                _label, origin, _how = index.lookup(ref, span.text)
                chars[origin or "unknown"] += n
            elif kind in ("config", "placeholder"):
                chars[kind] += n
            elif kind == "curated":
                chars["year"] += n
            else:
                chars["template"] += n
    total = sum(chars.values()) or 1
    out = {k: chars[k] / total for k in ("template", "config", "year", "placeholder", "curated", "mined", "unknown")}
    out["total"] = sum(chars.values())
    bank = chars["curated"] + chars["mined"]
    out["mined/phrasebank"] = chars["mined"] / bank if bank else 0.0
    return out


def folder_units(draft, index: PhraseIndex, folder: str) -> tuple[int, int, str, list[str]]:
    """(distinct entry ids used, of them from ``folder``, how they were told apart, texts of those units)."""
    seen: dict[str, tuple[str | None, str, str]] = {}
    for block in draft.blocks:
        for span in block.spans:
            kind, _, ref = span.source.partition(":")
            if kind == "phrase" and ref not in seen:
                label, _origin, how = index.lookup(ref, span.text)
                seen[ref] = (label, how, span.text)
    ours = [(how, text) for label, how, text in seen.values() if label == folder]
    hows = sorted({h for h, _ in ours}) or ["-"]
    return len(seen), len(ours), "/".join(hows), [t for _, t in ours]


# ---------------------------------------------------------------- made-up variants of a config
_PLACES = [("松岩县", "县"), ("柳江区", "区"), ("桐山市", "市"), ("石门镇", "镇"), ("南浦街道", "街道"), ("白鹭乡", "乡")]
_SPEAKER = {"县": "县委书记", "区": "区委书记", "市": "市委书记", "镇": "镇党委书记", "乡": "乡党委书记",
            "街道": "街道党工委书记"}
_ACHIEVEMENTS = ["新建村级党群服务中心14个，实现村（社区）阵地全覆盖", "选派第一书记32名，整顿转化后进党组织7个",
                 "村级集体经济收入20万元以上的村占比达到64%", "发展党员318名，其中35岁以下占比71%",
                 "建成“红色物业”示范小区26个", "开展党组织书记专题轮训6期，培训1200余人次",
                 "组建行业党委4个，快递、外卖等新就业群体党组织覆盖率达到88%", "推行“四议两公开”，村级重大事项全部按程序决策",
                 "建立党员积分管理制度，覆盖全部农村党支部", "整合资金3800万元用于村级组织运转和服务群众"]
_PROBLEMS = ["个别党组织书记抓党建的精力投入不够，存在“重业务、轻党建”的倾向", "农村党员老龄化问题突出，60岁以上党员占比超过四成",
             "部分村集体经济仍以资源租赁为主，增收后劲不足", "流动党员底数不清，外出党员参加组织生活难以保证",
             "少数党支部“三会一课”记录多、质量低，组织生活流于形式", "社区工作者队伍流动性大，待遇保障还不到位",
             "非公企业党组织作用发挥不明显，有的“有组织无活动”", "村务监督委员会监督作用发挥不充分",
             "党建述职评议结果运用不够，考核“指挥棒”作用不明显", "个别软弱涣散村整顿后出现反弹"]
_HIGHLIGHTS = ["推行“党建+网格”治理模式，划分网格120个", "建立村干部坐班值守制度，群众办事“最多跑一次”",
               "成立产业党建联盟，带动8个村集体经济增收", "打造“初心课堂”，全年开展党员教育120场",
               "开展“双报到”，在职党员认领微心愿600余个", "建成老党员工作室5个，发挥“传帮带”作用"]
_REP_PROBLEMS = ["对村级后备干部培养抓得不够紧", "党员教育方式比较单一，吸引力不强", "支部书记履职能力参差不齐",
                 "小区党组织覆盖还有空白", "党建与业务结合不够紧密，存在“两张皮”现象", "发展党员把关不够严"]
_NAMES = ["杨春林", "韩晓梅", "邓志远", "许丽华", "钱国栋", "冯雪梅", "曹建军", "彭小燕", "蒋文涛", "沈丽娜",
          "邹海波", "谢秀英", "曾庆丰", "袁红霞", "潘俊杰", "杜晓东", "罗玉兰", "苏长青"]
_SUB = ["桂花", "龙泉", "清溪", "枫林", "云台", "金竹", "凤鸣", "荷塘", "杏坛", "梅岭", "古城", "新华"]


def _take(pool: list, start: int, n: int) -> list:
    return [pool[(start + k) % len(pool)] for k in range(n)]


def variant(base: dict, i: int) -> dict:
    """Config ``i`` made from ``base``: another place and level, other achievements, problems, reporters,
    visits and speakers (as many as the base has); type, points, length and year kept."""
    cfg = copy.deepcopy(base)
    place, level = _PLACES[i % len(_PLACES)]
    cfg.update(place=place, level=level, speaker=_SPEAKER[level])
    cfg.pop("title", None)
    upper = level in ("县", "区", "市")
    for key, pool in (("achievements", _ACHIEVEMENTS), ("problems", _PROBLEMS)):
        if key in cfg:
            cfg[key] = _take(pool, 3 * i + 1, max(2, len(cfg[key] or ())))
    if cfg.get("reporters"):
        reps = []
        for j, r in enumerate(cfg["reporters"]):
            k = i * 7 + j
            sub = _SUB[k % len(_SUB)]
            post = (f"{sub}镇党委书记" if j % 3 != 1 else f"{sub}街道党工委书记") if upper else \
                   (f"{sub}村党支部书记" if j % 2 == 0 else f"{sub}社区党委书记")
            new = {"name": _NAMES[k % len(_NAMES)], "post": post}
            if isinstance(r, dict) and r.get("highlights"):
                new["highlights"] = _take(_HIGHLIGHTS, 2 * k, len(r["highlights"]))
            if isinstance(r, dict) and r.get("problems"):
                new["problems"] = _take(_REP_PROBLEMS, 2 * k + 1, len(r["problems"]))
            reps.append(new)
        cfg["reporters"] = reps
    if cfg.get("visits"):
        cfg["visits"] = [f"{_SUB[(i * 5 + j) % len(_SUB)]}{'村' if j % 2 == 0 else '社区'}党群服务中心"
                         for j in range(len(cfg["visits"]))]
    if cfg.get("speakers"):
        cfg["speakers"] = [f"{_SUB[(i * 5 + j) % len(_SUB)]}{'村党支部书记' if j % 2 == 0 else '社区党委书记'}"
                           f"{_NAMES[(i * 3 + j + 9) % len(_NAMES)]}" for j in range(len(cfg["speakers"]))]
    return cfg


# ---------------------------------------------------------------- the bench
def builtin_types() -> list[str]:
    """Pack ids that ``speechgen templates list`` marks 内置 (built in)."""
    out = subprocess.run([sys.executable, "-m", "generator", "templates", "list"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    return [cols[0] for line in out.splitlines() if len(cols := line.split("\t")) >= 3 and cols[2].strip() == "内置"]


def folder_table(types, bases, folder: Path, index, label: str, good, example: bool) -> None:
    """One row a type: of the units its example draft uses with ``folder`` as phrase_dirs, how many come
    from it (``good(share)`` gives the verdict); ``example`` adds the first such text."""
    print(f"{'draft':16}{'units':>6}{'from it':>8}{'share':>7}{'chars':>7}  told by  verdict" + ("  e.g." if example else ""))
    for t in types:
        path, _raw, config = bases[t]
        draft = draft_of(config, 1, f"{path.name} with {label}", [folder])
        units, ours, how, texts = folder_units(draft, index, str(folder))
        chars = sum(_chars(x) for x in texts)
        share = ours / units if units else 0.0
        verdict = ok(good(share))
        tail = f"{verdict:7}  {(texts[0][:24] + '…') if texts else ''}" if example else verdict
        print(f"{t:16}{units:6d}{ours:8d}{pct(share):>7}{chars:7d}  {how:7}  {tail}")


def draft_of(config, seed: int, label: str, phrase_dirs=()):
    try:
        return compose(config, seed=seed, phrase_dirs=list(phrase_dirs))
    except Exception as err:  # a bench stops with the cause, naming the draft
        sys.exit(f"bench_variety: drafting {label} (seed {seed}) failed: {type(err).__name__}: {err}")


def ok(met: bool) -> str:
    return "OK" if met else "MISS"


def pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def mmm(values: list[float]) -> str:
    return "/".join(pct(v) for v in (min(values), statistics.median(values), max(values))) if values else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="seeds 1..3 and 3 variants a type (default 1..5, 5)")
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"),
                        help="folder holding seeds/ and gwr/ (default ../shared/corpus)")
    parser.add_argument("--no-gwr", action="store_true", help="skip the gwr (off-genre) phrasebank measure")
    args = parser.parse_args()
    start = time.perf_counter()
    seeds = range(1, 4 if args.quick else 6)
    n_variants = 3 if args.quick else 5
    corpus = Path(args.corpus)
    print(f"bench_variety: commit {commit()}, Python {sys.version.split()[0]}, "
          f"{'quick' if args.quick else 'full'}: seeds {seeds.start}..{seeds.stop - 1}, {n_variants} variants a type")

    types = builtin_types()
    index = PhraseIndex()
    with tempfile.TemporaryDirectory(prefix="bench_variety_") as tmp_name:
        tmp = Path(tmp_name)
        bases: dict[str, tuple[Path, dict, object]] = {}
        for t in types:
            path = ROOT / "examples" / f"{t}.yaml"
            if not path.is_file():  # a built-in type without an example: its starter
                path = tmp / f"{t}.yaml"
                subprocess.run([sys.executable, "-m", "generator", "init", t, "-o", str(path)], cwd=ROOT,
                               check=True, capture_output=True)
            bases[t] = (path, yaml.safe_load(path.read_text(encoding="utf-8")), load_config(path))
        reviews: dict[str, list[tuple[str, object]]] = {}
        for path in sorted((ROOT / "docs" / "reviews" / "configs").glob("*.yaml")):
            config = load_config(path)
            reviews.setdefault(config.type, []).append((f"reviews/{path.name}", config))

        # ------------------------------------------------------------ 1. seeds
        print(f"\n1. seed variety: example config, seeds {seeds.start}..{seeds.stop - 1}, all pairs; "
              f"min/median/max (target: shared sentences <= {pct(TARGET_SEED_SHARE)} every pair)")
        print(f"{'type':16}{'pairs':>6}{'eligible':>9}{'shared sent.':>16}{'12-char runs':>16}  verdict")
        first: dict[str, object] = {}
        for t in types:
            path, _raw, config = bases[t]
            words = config_words(config)
            drafts = [draft_of(config, s, path.name) for s in seeds]
            first[t] = drafts[0]
            prepared = [prepare(d, words) for d in drafts]
            sent, runs = pairwise(prepared)
            n_sent = statistics.median(len(p.eligible()) for p in prepared)
            print(f"{t:16}{len(sent):6d}{n_sent:9.0f}{mmm(sent):>16}{mmm(runs):>16}  "
                  f"{ok(max(sent) <= TARGET_SEED_SHARE)}")

        # ------------------------------------------------------------ 2. places
        print(f"\n2. place variety: example + review configs + {n_variants} made-up variants (place, level, facts), "
              f"seed 1, all pairs (target: shared sentences <= {pct(TARGET_PLACE_SHARE)} every pair); ex-rev = "
              f"example against the review configs (other points, other author)")
        print(f"{'type':16}{'configs':>8}{'pairs':>6}{'shared sent.':>16}{'12-char runs':>16}{'ex-rev':>8}  verdict")
        for t in types:
            path, raw, config = bases[t]
            entries = [(path.name, config, first[t])]
            for label, rc in reviews.get(t, []):
                entries.append((label, rc, None))
            for i in range(n_variants):
                vpath = tmp / f"{t}.variant{i}.yaml"
                vpath.write_text(yaml.safe_dump(variant(raw, i), allow_unicode=True, sort_keys=False), encoding="utf-8")
                entries.append((f"variant {i}", load_config(vpath), None))
            words = set().union(*(config_words(c) for _, c, _ in entries))
            prepared = [prepare(d if d is not None else draft_of(c, 1, label), words) for label, c, d in entries]
            sent, runs = pairwise(prepared)
            ex_rev = [shared_sentence_share(prepared[0], prepared[1 + j])[0] for j in range(len(reviews.get(t, [])))]
            print(f"{t:16}{len(entries):8d}{len(sent):6d}{mmm(sent):>16}{mmm(runs):>16}"
                  f"{'/'.join(map(pct, ex_rev)) or '-':>8}  {ok(max(sent) <= TARGET_PLACE_SHARE)}")

        # ------------------------------------------------------------ 3, 4. lengths and tics
        seed_files = sorted((corpus / "seeds").glob("*.txt"))
        seed_paras = [p for f in seed_files for p in speech_paragraphs(read_speech(f))]
        ref = length_profile(sentence_lengths(seed_paras))
        print(f"\n3. sentence lengths (characters without punctuation), example config, seed 1; "
              f"seeds corpus: {len(seed_files)} files")
        print(f"{'draft':16}{'sentences':>10}{'30-60':>8}{'>80':>6}{'<15':>6}{'max':>6}  verdict "
              f"(30-60 <= seeds + {pct(LENGTH_SLACK)}; >80, <15 >= half the seeds')")
        seed_lengths = sentence_lengths(seed_paras)
        print(f"{'seeds':16}{ref['n']:10d}{pct(ref['30-60']):>8}{pct(ref['>80']):>6}{pct(ref['<15']):>6}"
              f"{max(seed_lengths):6d}")
        for t in types:
            lengths = sentence_lengths(draft_paragraphs(first[t]))
            prof = length_profile(lengths)
            met = (prof["30-60"] <= ref["30-60"] + LENGTH_SLACK and prof[">80"] >= ref[">80"] / 2
                   and prof["<15"] >= ref["<15"] / 2)
            print(f"{t:16}{prof['n']:10d}{pct(prof['30-60']):>8}{pct(prof['>80']):>6}{pct(prof['<15']):>6}"
                  f"{max(lengths):6d}  {ok(met)}")

        print(f"\n4. tic openers per 1,000 characters, same drafts (target: each opener <= {TARGET_TIC_RATE:g})")
        print(f"{'draft':16}{'chars':>6}{'sent.':>6}{'tics':>5}{'issue 4':>8}{'worst':>14}  by opener")
        for name, paras in [("seeds", seed_paras)] + [(t, draft_paragraphs(first[t])) for t in types]:
            found, n_sent, chars = tic_counts(paras)
            worst = max(found.values(), default=0) * 1000 / (chars or 1)
            top = found.most_common(1)[0][0] if found else "-"
            issue = sum(found[g] for g in ISSUE_TICS)
            detail = " ".join(f"{g}{n}" for g, n in found.most_common()) or "-"
            verdict = "" if name == "seeds" else ok(worst <= TARGET_TIC_RATE)
            print(f"{name:16}{chars:6d}{n_sent:6d}{sum(found.values()):5d}{issue:8d}{f'{worst:.2f} {top}':>14}  "
                  f"{detail}  {verdict}")

        # ------------------------------------------------------------ 5. provenance
        print(f"\n5. provenance of block characters, example config, seed 1 (target: mined / (curated + mined) >= "
              f"{pct(TARGET_MINED_SHARE)})")
        print(f"{'draft':16}{'chars':>6}{'templ.':>7}{'config':>7}{'year':>6}{'todo':>6}{'curated':>8}{'mined':>7}"
              f"{'unkn.':>6}{'mined/bank':>11}  verdict")
        for t in types:
            p = provenance_shares(first[t], index)
            print(f"{t:16}{p['total']:6d}" + "".join(f"{pct(p[k]):>{w}}" for k, w in
                  (("template", 7), ("config", 7), ("year", 6), ("placeholder", 6), ("curated", 8), ("mined", 7),
                   ("unknown", 6))) + f"{pct(p['mined/phrasebank']):>11}  {ok(p['mined/phrasebank'] >= TARGET_MINED_SHARE)}")

        # ------------------------------------------------------------ 6. user corpus
        user_dir = tmp / "seeds"
        t0 = time.perf_counter()
        report = mine([corpus / "seeds"], user_dir)
        mined_s = time.perf_counter() - t0
        user_index = PhraseIndex([user_dir])
        print(f"\n6. user corpus: the seeds mined to a temporary folder ({sum(report.counts.values())} entries, "
              f"{mined_s:.1f} s), phrase_dirs=[it], seed 1 (target: units from it >= {pct(TARGET_USER_SHARE)})")
        folder_table(types, bases, user_dir, user_index, "the seeds phrasebank",
                     lambda share: share >= TARGET_USER_SHARE, example=False)
        if not user_index.namespaced_seen:
            print("   note: no span carried the folder's namespace (phrase:NAME:id); told apart by ids in the folder's "
                  "YAML (a user entry shadows a built-in one of the same id)")

        if not args.no_gwr:
            gwr_files = sorted((corpus / "gwr").glob("*.txt"))[-5:]
            gwr_dir = tmp / "gwr"
            t0 = time.perf_counter()
            report = mine(gwr_files, gwr_dir)
            mined_s = time.perf_counter() - t0
            gwr_index = PhraseIndex([gwr_dir])
            names = ", ".join(f.stem for f in gwr_files)
            print(f"\n   off-genre: gwr {names} mined ({sum(report.counts.values())} entries, {mined_s:.1f} s), "
                  f"phrase_dirs=[it] (target, this bench's reading: units from it <= {pct(TARGET_GWR_SHARE)})")
            folder_table(types, bases, gwr_dir, gwr_index, "the gwr phrasebank",
                         lambda share: share <= TARGET_GWR_SHARE, example=True)
    print(f"\n{time.perf_counter() - start:.0f} s in all")


if __name__ == "__main__":
    main()
