"""Validates the hand-written drafting phrasebank (phrasebank/curated/drafting_*.yaml, years.yaml)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CURATED = ROOT / "phrasebank" / "curated"

# file stem -> the meeting_types every entry of that file must carry
FILES = {
    "drafting_shuzhi": ["shuzhi_speech"],
    "drafting_dianping": ["dianping"],
    "drafting_zuotan": ["zuotan_outline"],
    "drafting_common": [],
    "drafting_bodies": [],
}
# Files whose entries fit every meeting type (empty meeting_types): they meet each meeting's own file.
SHARED = ("drafting_common", "drafting_bodies")
CATEGORIES = {
    "opening", "evaluation", "achievement", "problem_intro", "problem", "situation", "transition",
    "section_heading", "point", "requirement", "closing", "adjourn", "parallel", "formula", "slogan",
    "idiom",
}
THEMES = ("政治建设", "思想建设", "组织建设", "队伍建设", "作风建设", "纪律建设", "责任落实",
          "基层治理", "党员教育管理", "两新组织", "乡村振兴")
ZUOTAN_PARTS = ("认识", "重点任务", "保障")
SLOTS = {"place", "scope", "our", "committee", "year", "review_year", "count", "reporter"}
FIELDS = {"id", "category", "text", "themes", "meeting_types", "era", "sources", "count"}
HEADS = {"section_heading", "point"}

# Terms whose currency does not span the whole 2017–2030 range: (pattern, first year, last year).
# An entry containing one must carry an era inside that span.  Kept in step with era_rules.yaml.
ERA_TERMS = [
    (r"二十大|二十届", 2023, 2027),
    (r"十九大|十九届", 2018, 2022),
    (r"十四五", 2021, 2025),
    (r"十五五", 2026, 2030),
    (r"新时代", 2018, None),
    (r"习近平新时代中国特色社会主义思想", 2018, None),
    (r"新时代党的建设总要求", 2018, None),
    (r"新时代党的组织路线", 2019, None),
    (r"两个确立", 2022, None),
    (r"两个维护", 2018, None),
    (r"党支部标准化规范化建设", 2018, None),
    (r"中国式现代化|强国建设、民族复兴", 2023, None),
    (r"以学铸魂|以学增智|以学正风|以学促干", 2023, None),
    (r"主题教育", 2023, 2024),
    (r"党纪学习教育", 2024, 2025),
    (r"乡村振兴|农业农村优先发展", 2018, None),
    (r"全面推进乡村振兴", 2021, None),
    (r"高质量发展", 2018, None),
    (r"新征程", 2021, None),
    (r"第一议题", 2019, None),
    (r"政治领悟力", 2021, None),
    (r"急难愁盼", 2021, None),
    (r"统筹发展和安全", 2021, None),
    (r"一体推进不敢腐", 2020, None),
    (r"减负", 2019, None),
    (r"新就业群体", 2022, None),
    (r"新型农村集体经济|和美乡村", 2023, None),
    (r"规模性返贫|防止返贫", 2021, None),
    (r"脱贫攻坚|全面建成小康社会", None, 2020),
]

# Fixed formulas whose numerals are part of the name, not invented quantities.
FORMULAS = ("两个维护", "两个确立", "四个意识", "四个自信", "两个覆盖", "三会一课", "四种形态",
            "四风", "八项规定", "五级书记", "四议两公开", "三资", "两委", "两新", "一岗双责",
            "两手抓", "两手硬", "两张皮", "千家万户")
NUMERAL_QTY = re.compile(r"[二三四五六七八九十百千万亿两零]+[个名位家次项条元人支所村镇户件年天届批种点]")
SCOPE_WORDS = re.compile(r"(?<![健完齐安])全[区县市镇乡]|我[区县市镇乡]|[区县市]委|(?<!乡)镇党委|乡党委|街道党工委|本[区县市]")
MASKS = re.compile(r"XX|ＸＸ|\*|＊|某某|〔待补")
PROVINCES = ("北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏",
             "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南",
             "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏",
             "宁夏", "新疆", "香港", "澳门")
END_PUNCT = "。！？；：，、…"
ENUMERATOR = re.compile(r"^(一|二|三|四|五|六|七|八|九|十)[、是要]|^第[一二三四五六七八九十]|^（|^\(|^\d")

# Minimum number of entries: (file stem, category, theme or None for "any") -> count
MINIMA = {
    ("drafting_shuzhi", "opening"): 6, ("drafting_shuzhi", "evaluation"): 6,
    ("drafting_shuzhi", "achievement"): 6, ("drafting_shuzhi", "problem_intro"): 6,
    ("drafting_shuzhi", "problem"): 4, ("drafting_shuzhi", "situation"): 8,
    ("drafting_shuzhi", "transition"): 4, ("drafting_shuzhi", "closing"): 8,
    ("drafting_shuzhi", "adjourn"): 3,
    ("drafting_dianping", "opening"): 6, ("drafting_dianping", "evaluation"): 10,
    ("drafting_dianping", "achievement"): 8, ("drafting_dianping", "problem_intro"): 8,
    ("drafting_dianping", "requirement"): 20, ("drafting_dianping", "transition"): 4,
    ("drafting_dianping", "closing"): 6, ("drafting_dianping", "adjourn"): 3,
    ("drafting_dianping", "section_heading"): 9,
    ("drafting_zuotan", "opening"): 6, ("drafting_zuotan", "transition"): 4,
    ("drafting_zuotan", "point"): 12, ("drafting_zuotan", "closing"): 6,
}
PER_THEME_MINIMA = {"section_heading": 3, "point": 6, "requirement": 20, "situation": 3}


def _load(stem: str) -> list[dict]:
    path = CURATED / f"{stem}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, list), f"{path.name}: top level must be a list"
    return data


@pytest.fixture(scope="module")
def entries() -> dict[str, list[dict]]:
    return {stem: _load(stem) for stem in FILES}


def _all(entries):
    for stem, items in entries.items():
        for item in items:
            yield stem, item


def _has_theme(entry: dict, theme: str | None) -> bool:
    return theme is None or theme in entry["themes"]


def _count(entries, stem, category, theme=None) -> int:
    return sum(1 for e in entries[stem] if e["category"] == category and _has_theme(e, theme))


def test_fields_and_types(entries):
    for stem, e in _all(entries):
        assert isinstance(e, dict), f"{stem}: entry is not a mapping: {e!r}"
        assert set(e) <= FIELDS, f"{e.get('id')}: unknown fields {set(e) - FIELDS}"
        assert FIELDS - {"era"} <= set(e), f"{e.get('id')}: missing {FIELDS - {'era'} - set(e)}"
        assert isinstance(e["text"], str) and e["text"].strip() == e["text"] != ""
        assert isinstance(e["themes"], list) and isinstance(e["meeting_types"], list)
        assert e["sources"] == [] and e["count"] == 1, e["id"]
        assert e["meeting_types"] == FILES[stem], e["id"]


def test_ids_unique_and_prefixed(entries):
    ids = [e["id"] for _, e in _all(entries)]
    dupes = [i for i, n in Counter(ids).items() if n > 1]
    assert not dupes
    for stem, e in _all(entries):
        assert re.fullmatch(rf"{stem}\.{e['category']}\.\d{{3}}", e["id"]), e["id"]


def test_categories_and_themes(entries):
    for stem, e in _all(entries):
        assert e["category"] in CATEGORIES, e["id"]
        if stem == "drafting_zuotan" and e["category"] == "section_heading":
            assert len(e["themes"]) == 1 and e["themes"][0] in ZUOTAN_PARTS, e["id"]
        else:
            assert all(t in THEMES for t in e["themes"]), e["id"]
            assert len(set(e["themes"])) == len(e["themes"]), e["id"]


def test_slots_only_allowed(entries):
    for stem, e in _all(entries):
        text = e["text"]
        slots = set(re.findall(r"\{([^{}]*)\}", text))
        assert slots <= SLOTS, f"{e['id']}: slots {slots - SLOTS}"
        assert "{" not in re.sub(r"\{[a-z_]+\}", "", text) and "}" not in re.sub(r"\{[a-z_]+\}", "", text)
        if "{reporter}" in text:
            assert stem == "drafting_dianping", e["id"]


def test_no_duplicate_texts(entries):
    texts = Counter(e["text"] for _, e in _all(entries))
    assert [t for t, n in texts.items() if n > 1] == []


def test_nothing_invented(entries):
    for _, e in _all(entries):
        text = e["text"]
        assert not re.search(r"[0-9０-９%％]", text), f"{e['id']}: digits in {text}"
        assert not MASKS.search(text), f"{e['id']}: placeholder mask in {text}"
        assert not SCOPE_WORDS.search(text), f"{e['id']}: write the scope as a slot: {text}"
        assert not any(p in text for p in PROVINCES), f"{e['id']}: place name in {text}"
        bare = text
        for formula in FORMULAS:
            bare = bare.replace(formula, "")
        assert not NUMERAL_QTY.search(bare), f"{e['id']}: a quantity in {text}"


def _required_span(text: str) -> tuple[int | None, int | None]:
    lo, hi = None, None
    for pattern, first, last in ERA_TERMS:
        if re.search(pattern, text):
            if first is not None:
                lo = first if lo is None else max(lo, first)
            if last is not None:
                hi = last if hi is None else min(hi, last)
    return lo, hi


def test_era_dated_terms_carry_an_era(entries):
    for _, e in _all(entries):
        era = e.get("era")
        if era is not None:
            assert isinstance(era, dict) and set(era) <= {"from", "until"} and era, e["id"]
            assert all(isinstance(v, int) for v in era.values()), e["id"]
            assert era.get("from", 0) <= era.get("until", 9999), e["id"]
        lo, hi = _required_span(e["text"])
        if lo is None and hi is None:
            continue
        assert era is not None, f"{e['id']}: dated term without era: {e['text']}"
        if lo is not None:
            assert era.get("from", 0) >= lo, e["id"]
        if hi is not None:
            assert era.get("until", 9999) <= hi, e["id"]


def test_eras_agree_with_era_rules(entries):
    """The shared era rules (era_rules.yaml) must not find a term outside an entry's era."""
    era = pytest.importorskip("generator.bank.era")
    rules = era.load_era_rules()
    for _, e in _all(entries):
        need = era.era_of(e["text"], rules)
        if not need:
            continue
        have = e.get("era") or {}
        assert have, f"{e['id']}: era rules date this text: {need}"
        if "from" in need:
            assert have.get("from", 0) >= need["from"], e["id"]
        if "until" in need:
            assert have.get("until", 9999) <= need["until"], e["id"]


def test_punctuation_and_shape(entries):
    for _stem, e in _all(entries):
        text, cat = e["text"], e["category"]
        if cat in HEADS:
            assert text[-1] not in END_PUNCT, f"{e['id']}: a head ends without punctuation"
            assert not ENUMERATOR.search(text), f"{e['id']}: a head carries no enumerator"
            assert "。" not in text
        elif cat == "problem_intro":
            assert text.endswith("："), f"{e['id']}: problem_intro leads into a list with ："
        else:
            assert text.endswith("。"), f"{e['id']}: must end with 。"


def test_lengths(entries):
    for stem, e in _all(entries):
        n = len(re.sub(r"\{[a-z_]+\}", "", e["text"]))
        if stem == "drafting_common" and e["category"] == "point":
            assert 12 <= n <= 30, f"{e['id']}: head of {n} characters"
        if stem == "drafting_common" and e["category"] == "requirement":
            assert 40 <= n <= 110, f"{e['id']}: requirement of {n} characters"
        if stem == "drafting_bodies":
            assert e["category"] == "requirement", e["id"]
            assert 40 <= n <= 100, f"{e['id']}: body sentence of {n} characters"
        if stem == "drafting_zuotan" and e["category"] == "point":
            assert 8 <= n <= 20, f"{e['id']}: key point of {n} characters"
        if e["category"] == "section_heading":
            assert 12 <= n <= 40, f"{e['id']}: heading of {n} characters"


def test_minimum_counts(entries):
    for (stem, cat), need in MINIMA.items():
        assert _count(entries, stem, cat) >= need, (stem, cat)
    for theme in THEMES:
        for cat, need in PER_THEME_MINIMA.items():
            assert _count(entries, "drafting_common", cat, theme) >= need, (theme, cat)
    general = [e for e in entries["drafting_common"] if e["category"] == "requirement" and not e["themes"]]
    assert len(general) >= 10
    for part in ZUOTAN_PARTS:
        assert _count(entries, "drafting_zuotan", "section_heading", part) >= 3, part
    for part in ("肯定成绩", "正视问题", "明确任务"):
        heads = [e for e in entries["drafting_dianping"]
                 if e["category"] == "section_heading" and e["text"].startswith(part)]
        assert len(heads) >= 3, part


def test_transitions_announce_count(entries):
    for e in entries["drafting_shuzhi"]:
        if e["category"] == "transition":
            assert "{count}" in e["text"], e["id"]


def test_openings_are_varied(entries):
    """Not every requirement of a theme may start alike, or a draft reads mechanically."""
    for theme in THEMES:
        reqs = [e["text"] for stem in SHARED for e in entries[stem]
                if e["category"] == "requirement" and theme in e["themes"]]
        starts = Counter(t[0] for t in reqs)
        assert starts["要"] <= len(reqs) * 0.6, theme
        assert len({t[:2] for t in reqs}) >= len(reqs) // 3, theme


def test_no_phrase_shared_by_entries_of_one_draft(entries):
    """Entries that can meet in one draft share no run of 12 characters (the checker's repetition rule)."""
    checks = pytest.importorskip("generator.checking.repetition")
    from generator.bank.fingerprint import normalise

    gram = checks.PHRASE_MIN
    for meeting in ("drafting_shuzhi", "drafting_dianping", "drafting_zuotan"):
        owner: dict[str, str] = {}
        for e in [e for stem in SHARED for e in entries[stem]] + entries[meeting]:
            if e["category"] == "section_heading":
                continue  # headings echo their section's words by design; the checker skips them
            text = checks._QUOTED.sub("\n", re.sub(r"\{[a-z_]+\}", "\n", e["text"]))
            for formula in checks.formulas():
                text = text.replace(formula, "\n")
            for chunk in text.split("\n"):
                norm = normalise(chunk)[0]
                for k in range(len(norm) - gram + 1):
                    first = owner.setdefault(norm[k:k + gram], e["id"])
                    assert first == e["id"], f"{e['id']} repeats {first}: {norm[k:k + gram]}"


def _normalise(text: str) -> str:
    return re.sub(r"[^\u4e00-\u9fff]", "", text)


def test_no_long_copies_of_the_seeds(entries, seeds_dir):
    from charset_normalizer import from_bytes
    import opencc

    t2s = opencc.OpenCC("t2s")
    corpus = "".join(_normalise(t2s.convert(str(from_bytes(p.read_bytes()).best())))
                     for p in sorted(seeds_dir.glob("*.txt")))
    window = 20
    for _, e in _all(entries):
        for piece in re.split(r"\{[a-z_]+\}", e["text"]):
            piece = _normalise(piece)
            for i in range(len(piece) - window + 1):
                assert piece[i:i + window] not in corpus, f"{e['id']}: copies the corpus: {piece[i:i + window]}"


def _runs(text: str, width: int = 4) -> set[str]:
    norm = _normalise(text)
    return {norm[i:i + width] for i in range(len(norm) - width + 1)}


def test_every_point_head_has_its_own_body(entries):
    """Each sub-point head in drafting_common is elaborated by at least two body sentences that share
    its wording (a run of 4 characters) and one of its themes, so the composer can pair them."""
    bodies = entries["drafting_bodies"]
    heads = [e for e in entries["drafting_common"] if e["category"] == "point"]
    assert len(heads) >= 70
    for head in heads:
        runs = _runs(head["text"])
        mine = [b for b in bodies if runs & _runs(b["text"]) and set(b["themes"]) & set(head["themes"])]
        assert len(mine) >= 2, f"{head['id']}: only {len(mine)} body sentences for {head['text']}"


def test_years_file():
    data = yaml.safe_load((CURATED / "years.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, list)
    years = [item["year"] for item in data]
    assert years == list(range(2017, 2031))
    for item in data:
        assert {"year", "facts"} <= set(item) <= {"year", "facts", "guiding", "guiding_checked", "tasks"}
        if 2019 <= item["year"] <= 2027:  # the researched years carry their political backbone, with sources
            assert item["guiding"].startswith("以习近平新时代中国特色社会主义思想为指导"), item["year"]
            assert item["guiding_checked"], item["year"]
            for task in item.get("tasks", []):
                assert set(task) <= {"text", "date", "checked"} and task["text"] and task["checked"], task
        facts = item["facts"]
        assert isinstance(facts, list) and facts and len(set(facts)) == len(facts), item["year"]
        for fact in facts:
            assert isinstance(fact, str) and fact and fact[-1] not in END_PUNCT, fact
    facts = {item["year"]: item["facts"] for item in data}
    assert "中国共产党成立105周年" in facts[2026]
    assert not any("长征" in f for f in facts[2026]), "only anniversaries that bear on party building"
    assert "新中国成立70周年" in facts[2019]


def test_year_tasks_follow_the_meetings_date():
    """A 述职评议会 on 2026年1月16日 does not deploy the 学习教育 the centre launched after the Spring Festival."""
    from generator.bank.years import year_info

    y = year_info(2026)
    assert "扎实开展树立和践行正确政绩观学习教育" in y.tasks
    assert "扎实开展树立和践行正确政绩观学习教育" not in y.tasks_by((2026, 1))
    assert "抓好村（社区）“两委”换届" in y.tasks_by((2026, 1))
    assert y.tasks_by((2026, 3)) == y.tasks and y.tasks_by(None) == y.tasks
