"""Drafting: structure of each meeting type, determinism, facts verbatim, no invention, length fitting."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from generator.drafting.compose import compose
from generator.drafting.config import parse_config
from generator.bank.era import load_era_rules, outdated
from generator.drafting.packs import resolve_type
from generator.bank.entries import load_phrasebank
from generator.bank.themes import load_themes
from generator.bank.years import year_facts
from generator.zh import clauses as sentences, cn, count_word, enumerator, strip_enumerator

BANK = load_phrasebank()
THEMES = list(load_themes())
RULES = load_era_rules()
_DIGITS = re.compile(r"^(\d+)(\.)")
_ENUM = re.compile(r"([一二三四五六七八九十]+)(要|是)")


def make(type_="shuzhi_speech", **extra) -> str:
    import yaml

    data = {"type": type_, "place": "云溪区", "level": "区", "year": 2026, **extra}
    return yaml.safe_dump(data, allow_unicode=True)


def draft_of(text: str, **kw):
    config = parse_config(text, "t.yaml", type_resolver=resolve_type)
    return config, compose(config, bank=BANK, **kw)


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:\.\d+)?", text))


def assert_sound(config, draft):
    """The invariants every draft of the built-in packs must hold."""
    body = "\n".join(draft.paragraphs)
    # no leftover markup or masks
    for junk in ("{{", "}}", "{%", "None", "XX", "***", "\x01", "\x02", "\x03", "{place}", "{scope}"):
        assert junk not in body, junk
    assert not re.search(r"\{\w+\}", body)
    # announced count agrees with the level-1 sections
    h1 = [b for b in draft.blocks if b.kind == "heading" and b.level == 1]
    if config.type == "shuzhi_speech":
        announced = re.findall(r"(?:讲|谈|强调)([一二两三四五六七八九十]+)(?:点|个方面)", body)
        assert announced == [count_word(len(h1))], announced
    # level-1 and level-2 headings numbered in sequence
    assert [b.text[: len(enumerator(i, "h1"))] for i, b in enumerate(h1, 1)] == [enumerator(i, "h1") for i in range(1, len(h1) + 1)]
    # sub-point enumerators sequential within a section and never mixed within one list
    seq: list[tuple[str, str]] = []
    for b in draft.blocks:
        if b.kind == "heading" and b.level <= 2:
            seq = []
        if b.kind == "paragraph" and b.spans and b.spans[0].source == "template:enumerator" and b.spans[0].emphasis:
            m = _ENUM.match(b.text) or _DIGITS.match(b.text)  # 一要… or, under a （一） heading, 1.…
            seq.append((m.group(1), m.group(2)))
            assert [x[0] for x in seq] in ([cn(i) for i in range(1, len(seq) + 1)],
                                           [str(i) for i in range(1, len(seq) + 1)]), b.text[:20]
            assert len({x[1] for x in seq}) == 1
        for para_list in re.findall(r"(一是.*?)(?:。|$)", b.text):
            found = [m.group(1) for m in re.finditer(r"([一二三四五六七八九十]+)是", para_list)]
            assert found == [cn(i) for i in range(1, len(found) + 1)], (para_list, b.text)
    # no sentence twice (the user's own facts may repeat: two reporters can share a problem)
    facts = [*config.achievements, *config.problems, *(x for r in config.reporters for x in (*r.highlights, *r.problems))]
    seen = set()
    for p in draft.paragraphs:
        for s in sentences(p):
            if any(f in s for f in facts):
                continue
            key = re.sub(r"\W", "", s)
            if len(key) >= 8:
                assert key not in seen, s
                seen.add(key)
    # no era-wrong wording for the speech's year
    for p in draft.paragraphs:
        assert not outdated(p, config.year, RULES), p
    # no invented numbers: every number comes from the config, the years, or the year's known facts
    allowed = _numbers(" ".join([str(config.year), str(config.review_year), *config.achievements,
                                 *config.problems, *config.visits, *config.speakers, config.date or "",
                                 config.title or "", config.place, *year_facts(config.year),
                                 *(x for r in config.reporters for x in (r.name, r.post, *r.highlights, *r.problems))]))
    unnumbered = "\n".join(re.sub(r"^(\d+\.|（\d+）)", "", p) for p in draft.paragraphs)  # 1. / （1） enumerators
    assert _numbers(unnumbered) <= allowed, _numbers(unnumbered) - allowed
    # every span says where it came from
    assert all(s.source for b in draft.blocks for s in b.spans)


def test_shuzhi_structure_and_facts_verbatim():
    ach = ["新建“两新”党组织36个", "整顿软弱涣散村党组织9个"]
    config, d = draft_of(make(achievements=ach, problems=["新兴领域覆盖还有盲区"], points=["政治建设", "组织建设", "责任落实"],
                              reporters=[{"name": "周建国"}, {"name": "李红梅"}], length=4000, seed=3,
                              superior="市委"))  # every fact given: no 〔待补〕 (上级党委 is the superior)
    assert_sound(config, d)
    assert d.title == "在云溪区2025年度党组织书记抓基层党建工作述职评议会议上的讲话"
    assert d.blocks[0].kind == "salutation" and d.blocks[0].text == "同志们："
    body = "\n".join(d.paragraphs)
    for fact in ach + ["新兴领域覆盖还有盲区", "周建国", "李红梅"]:
        assert fact in body
    assert re.search("(讲|强调)三(点|个方面)", body)
    assert [b.text[:2] for b in d.blocks if b.kind == "heading"] == ["一、", "二、", "三、"]
    assert "2026年，是中国共产党成立105周年" in body
    assert sum(1 for b in d.blocks if b.spans and b.spans[0].source == "template:enumerator") >= 6
    assert d.placeholders() == []


def test_bare_minimum_is_complete_with_placeholders():
    config, d = draft_of(make())
    assert_sound(config, d)
    gaps = d.placeholders()
    assert any("achievements" in g for g in gaps) and any("problems" in g for g in gaps)
    assert len([b for b in d.blocks if b.kind == "heading"]) == 4  # the usual four themes


def test_same_seed_same_draft_other_seed_other_draft():
    text = make(seed=11)
    _, a = draft_of(text)
    _, b = draft_of(text)
    _, c = draft_of(text, seed=12)
    assert a == b and a.paragraphs == b.paragraphs
    assert a.paragraphs != c.paragraphs


def test_era_is_respected_for_old_years():
    config, d = draft_of(make(year=2019))
    assert_sound(config, d)
    assert "二十大" not in "".join(d.paragraphs)


def test_free_text_point_becomes_its_own_heading():
    config, d = draft_of(make(points=["深化党建引领基层治理", "政治建设"]))
    assert_sound(config, d)
    h1 = [b.text for b in d.blocks if b.kind == "heading" and b.level == 1]
    assert h1[0] == "一、深化党建引领基层治理"
    assert d.blocks[[b.text for b in d.blocks].index(h1[0])].spans[-1].source == "config:points[0]"


def test_dianping_covers_each_reporter():
    reporters = [{"name": "刘志强", "post": "石桥镇党委书记", "highlights": ["推行“支部+合作社”模式"], "problems": ["巩固提升抓得不够紧"]},
                 {"name": "孙丽", "post": "城关街道党工委书记"}]
    config, d = draft_of(make("dianping", reporters=reporters, length=3000))
    assert_sound(config, d)
    h2 = [b.text for b in d.blocks if b.kind == "heading" and b.level == 2]
    assert h2 == ["（一）刘志强同志（石桥镇党委书记）", "（二）孙丽同志（城关街道党工委书记）"]
    body = "\n".join(d.paragraphs)
    assert "推行“支部+合作社”模式" in body and "巩固提升抓得不够紧" in body
    assert any("孙丽同志的工作亮点" in g for g in d.placeholders())


def test_dianping_each_renders_one_reporter():
    reporters = [{"name": "刘志强"}, {"name": "孙丽"}]
    config, d = draft_of(make("dianping", reporters=reporters), reporters=[1])
    assert d.title == "对孙丽同志抓基层党建工作述职的点评"
    assert "刘志强" not in "".join(d.paragraphs[1:])


def test_dianping_requires_reporters():
    from generator.errors import InputError

    with pytest.raises(InputError, match="reporters"):
        draft_of(make("dianping"))


def test_zuotan_outline_shape():
    config, d = draft_of(make("zuotan_outline", visits=["河湾村"], speakers=["刘志强"], points=["组织建设", "基层治理"]))
    assert_sound(config, d)
    h1 = [b.text[:2] for b in d.blocks if b.kind == "heading" and b.level == 1]
    assert h1 == ["一、", "二、", "三、"]
    # the tasks part has one （一） a point, the support part （一） and （二）: a part with only （一） is no
    # division (readers found one in every reading)
    assert [b.text[:3] for b in d.blocks if b.kind == "heading" and b.level == 2] == ["（一）", "（二）", "（一）", "（二）"]
    assert "河湾村" in d.paragraphs[3] or any("河湾村" in p for p in d.paragraphs)
    # places without what was seen there: the block that answers the visits says what to fill, invents nothing
    assert any("〔待补：在各调研点看到的情况" in p for p in d.paragraphs)


def test_zuotan_outline_answers_what_was_seen_and_said():
    visits = [{"place": "河湾村", "seen": "村党群服务中心把便民服务、议事协商放在一起"}]
    speakers = [{"name": "刘志强", "post": "石桥镇党委书记", "said": "外出务工党员管理难"}]
    config, d = draft_of(make("zuotan_outline", visits=visits, speakers=speakers, points=["组织建设"],
                              problems=["部分社区党组织统筹辖区资源的能力不强"]))
    text = "\n".join(d.paragraphs)
    assert "在河湾村，村党群服务中心把便民服务、议事协商放在一起。" in text
    assert "刘志强同志谈到，外出务工党员管理难。" in text
    assert "〔待补" not in text and "追责问责" not in text.split("三、")[-1]


def test_zuotan_takes_up_each_request_by_name_where_its_problem_is_answered():
    """听到的怎么办: a speaker's request (建议…、希望…、如果…愿意…) follows the measure for the problem on its matter,
    by name and in the speaker's words; the close says who follows the requests up; part 一 promises nothing twice
    (a reader's finding: 六件现成的事，正文一件没有; 点三漏一)."""
    speakers = [{"name": "许秋萍", "post": "农贸市场党支部书记", "said": "建议主题党日改在晚上或收市后，分早晚两场"},
                {"name": "常昊", "post": "快递网点负责人",
                 "said": "担心开会占用分拣时间；如果活动能放在网点、时间不长，愿意支持"},
                {"name": "宋立民", "post": "个体户党员", "said": "组织关系转过来手续不清楚，老家支部也舍不得放人；希望街道出个明白纸"}]
    problems = ["农贸市场党支部每月主题党日参加的党员不到一半",
                "物流园快递网点分拣员流动大，党员身份难摸清",
                "商业街个体户党员组织关系转入街道的只有9人"]
    config, d = draft_of(make("zuotan_outline", level="街道", place="柳渡街道", visits=["柳渡农贸市场"],
                              speakers=speakers, points=["两新组织", "党员教育管理"], problems=problems))
    assert_sound(config, d)
    paragraphs = d.paragraphs
    for name, words, problem in [("许秋萍", "许秋萍同志建议主题党日改在晚上或收市后，分早晚两场。", "主题党日"),
                                 ("常昊", "常昊同志说，如果活动能放在网点、时间不长，愿意支持。", "分拣员"),
                                 ("宋立民", "宋立民同志希望街道出个明白纸。", "组织关系")]:
        where = [p for p in paragraphs if words in p]
        assert len(where) == 1, name
        assert "针对" in where[0] and problem in where[0].split(words)[0], where[0]
    for b in d.blocks:
        for s in b.spans:
            if s.text == "建议主题党日改在晚上或收市后，分早晚两场":
                assert s.source == "config:speakers[0].said"
    text = "\n".join(paragraphs)
    assert "建议很实在" not in text.split("二、")[0]  # answered later, not promised in part 一
    assert text.count("会后，") == 1 and "给提建议的同志回话" in text.split("三、")[-1]


@pytest.mark.parametrize("target", [1500, 2500, 3000, 4000, 6000])
def test_length_lands_within_15_percent(target):
    """A four-point 讲话 of 1,500–6,000 characters is within reach without padding."""
    config, d = draft_of(make(length=target, seed=target))
    assert abs(d.char_count() - target) <= 0.15 * target, (d.char_count(), d.meta)
    assert d.meta["length_ok"]


@pytest.mark.parametrize("type_", ["shuzhi_speech", "dianping", "zuotan_outline", "dangjian_meeting"])
def test_a_plan_that_answers_alike_gets_the_same_draft(type_):
    """Length fitting reuses a render for a ladder step that answers every question the render asked of its plan
    the same way (RecordedPlan): on every built-in pack, rendering such a step afresh gives the same draft; and
    a pack that never reads ``intro`` is told apart from a step that differs only there by nothing."""
    from dataclasses import replace

    from generator.drafting.chooser import pools_for
    from generator.drafting.compose import _render_once
    from generator.drafting.packs import environment, find_packs
    from generator.drafting.plan import LADDER, THIN, RecordedPlan, same_answers

    extra = {"reporters": [{"name": "周建国", "post": "东城街道党工委书记"}, {"name": "李红梅"}]} if type_ == "dianping" else {}
    config = parse_config(make(type_, points=THEMES[:3], seed=5, **extra), "t.yaml", type_resolver=resolve_type)
    pack = find_packs()[config.type]
    env, pools = environment(pack), pools_for(BANK, config.year, {config.type}, config.level)
    plans = [replace(p, thin=t) for p in LADDER[::3] for t in (0.0, THIN[3])]
    reused = 0
    for i, plan in enumerate(plans):
        questions: list = []
        draft = _render_once(config, pack, env, pools, plan, 5, pack.template, questions=questions)
        assert questions and draft == _render_once(config, pack, env, pools, plan, 5, pack.template)
        for other in plans[i + 1:]:
            if same_answers(other, questions):
                reused += 1
                assert _render_once(config, pack, env, pools, other, 5, pack.template) == draft, (plan, other)
    assert type_ != "dianping" or reused  # 点评 reads neither subpoints nor intro
    recorded = RecordedPlan(LADDER[4], asked := [])
    assert recorded.body == 2 and recorded.thinned(3, 0) == 3 and repr(recorded) == repr(LADDER[4])
    assert asked[:2] == [("body", (), 2), ("thinned", (3, 0, 1), 3)]
    assert same_answers(replace(LADDER[4], intro=9), asked[:2]) and not same_answers(LADDER[6], asked[:2])


def test_a_target_past_what_the_matter_holds_is_not_padded():
    """8,000 characters of four points would need bodies off their heads' matter: the draft stops at what it
    can argue, and says so."""
    config, d = draft_of(make(length=8000, seed=8000))
    lo, hi = d.meta["reachable"]
    assert not d.meta["length_ok"] and d.char_count() == hi < 8000 * 0.85


def test_target_outside_the_pack_range_is_refused():
    from generator.errors import InputError

    with pytest.raises(InputError, match="座谈会讲话提纲的目标字数应在 1000–5000 之间"):
        draft_of(make("zuotan_outline", length=8000))


def test_minutes_become_characters():
    config, d = draft_of(make(minutes=16))
    assert abs(d.char_count() - 4000) <= 600


def test_helpers():
    assert [cn(i) for i in (1, 4, 10, 12, 20, 21)] == ["一", "四", "十", "十二", "二十", "二十一"]
    assert count_word(2) == "两" and count_word(3) == "三"
    assert enumerator(3, "yao") == "三要" and enumerator(2, "h2") == "（二）" and enumerator(4, "h4") == "（4）"
    assert strip_enumerator("一要深化理论武装，在学懂弄通做实上持续用力") == "深化理论武装，在学懂弄通做实上持续用力"
    assert strip_enumerator("第一坚持把政治建设摆在首位") == "坚持把政治建设摆在首位"


reporter_st = st.fixed_dictionaries({"name": st.sampled_from(["周建国", "李红梅", "王立新", "陈晓峰", "赵敏", "刘洋", "孙丽", "马文斌", "何燕"])},
                                    optional={"post": st.sampled_from(["东城街道党工委书记", "西岭镇党委书记"]),
                                              "highlights": st.lists(st.sampled_from(["建立坐班值班制度", "推行网格化服务"]), max_size=2, unique=True),
                                              "problems": st.lists(st.sampled_from(["党员教育管理方式单一", "覆盖还有盲区"]), max_size=2, unique=True)})


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(type_=st.sampled_from(["shuzhi_speech", "dianping", "zuotan_outline", "dangjian_meeting"]),
       points=st.lists(st.sampled_from(THEMES), min_size=1, max_size=6, unique=True),
       reporters=st.lists(reporter_st, min_size=0, max_size=8, unique_by=lambda r: r["name"]),
       length=st.integers(1500, 8000), year=st.integers(2019, 2027), seed=st.integers(0, 10_000),
       level=st.sampled_from(["区", "县", "市", "镇", "街道"]),
       achievements=st.lists(st.sampled_from(["新建党组织36个", "轮训书记112人次", "建成站点48个"]), max_size=3, unique=True))
def test_property_drafts_are_sound(type_, points, reporters, length, year, seed, level, achievements):
    if type_ == "dianping" and not reporters:
        reporters = [{"name": "周建国"}]
    if type_ == "zuotan_outline":
        length = min(length, 5000)  # an outline's range (its manifest); longer targets are refused
    text = make(type_, points=points, reporters=reporters, length=length, year=year, seed=seed, level=level,
                achievements=achievements)
    config, d = draft_of(text)
    assert_sound(config, d)
    lo, hi = d.meta["reachable"]
    if lo * 0.85 <= length <= hi * 1.15 and lo <= length <= hi:
        assert abs(d.char_count() - length) <= 0.15 * length, (d.char_count(), length, d.meta)


@pytest.mark.slow
@settings(max_examples=50, deadline=None)
@given(points=st.lists(st.sampled_from(THEMES), min_size=4, max_size=6, unique=True),
       length=st.integers(1500, 8000), year=st.integers(2019, 2027), seed=st.integers(0, 10_000))
def test_property_speech_length_on_target(points, length, year, seed):
    """With four or more points (the default is four) a 述职评议会讲话 lands within ±15% of any target from
    1,500 to 4,500 characters; past what the points' matters hold (about 5,000–6,000 characters for four,
    less for thin themes such as 纪律建设) it stops there, never padding off the matter, and says so."""
    config, d = draft_of(make(points=points, length=length, year=year, seed=seed))
    lo, hi = d.meta["reachable"]
    assert hi >= 4500 * 0.85, d.meta
    if length <= hi:
        assert abs(d.char_count() - length) <= 0.15 * length, (d.char_count(), length, d.meta)
    else:
        assert d.char_count() == hi and d.meta["length_ok"] == (length - hi <= 0.15 * length)
