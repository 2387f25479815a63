"""Drafts that argue (issue 12): heads own their matter, problems are answered, the 点评 speaks to the
person, level words fit; bodies composed from mined units copy nothing (issue 13)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.bank.entries import Phrasebank, load_phrasebank
from generator.bank.fingerprint import COPY_REPORTED
from generator.drafting.compose import compose
from generator.drafting.config import parse_config
from generator.drafting.packs import resolve_type

BANK = load_phrasebank()
PROBLEMS = ["快递物流、网约配送等行业党员管理不够到位", "部分村级集体经济增收渠道单一",
            "少数党组织书记抓党建的主业意识不强，压力传导层层递减"]


def draft(bank=BANK, **data):
    import yaml

    data = {"type": "shuzhi_speech", "place": "云溪区", "level": "区", "year": 2026,
            "points": ["政治建设", "组织建设", "队伍建设", "责任落实"], **data}
    config = parse_config(yaml.safe_dump(data, allow_unicode=True), "t.yaml", type_resolver=resolve_type)
    return config, compose(config, bank=bank)


def deployment(d) -> str:
    """The text after the first section heading."""
    start = next(i for i, b in enumerate(d.blocks) if b.kind == "heading")
    return "\n".join(b.text for b in d.blocks[start:])


def test_every_problem_is_taken_up_in_the_deployment():
    config, d = draft(problems=PROBLEMS)
    body = deployment(d)
    for core in ("快递物流、网约配送等行业党员管理不够到位", "村级集体经济增收渠道单一", "压力传导层层递减"):
        m = re.search(rf"针对[^，。]*{re.escape(core)}的问题，([^。]+)。", body)
        assert m, core
    # the measure after 针对…的问题 is on the problem's matter, not on a word it happens to share
    assert re.search(r"针对[^，。]*集体经济[^，。]*的问题，[^。]*集体经济", body)


def test_no_head_is_restated_and_no_two_heads_share_a_matter():
    from generator.bank.matter import Matters, restates

    matters = Matters(BANK.vocabulary)
    for seed in range(4):
        config, d = draft(seed=seed, problems=PROBLEMS)
        heads = [b for b in d.blocks if b.kind == "paragraph" and b.spans and b.spans[0].emphasis]
        texts = [b.spans[1].text for b in heads]
        for i, a in enumerate(texts):
            for b in texts[:i]:
                assert not matters.overlap(a, b), (a, b)
        for b, head in zip(heads, texts):
            rest = b.text.split("。", 1)[1]
            first = re.split(r"[，；]", head)[0]
            assert not any(restates(first, s) for s in re.findall(r"[^。]+。", rest)[:2]), b.text


def test_composed_sentences_copy_no_corpus_run_and_are_deterministic():
    config, d1 = draft(seed=3)
    _, d2 = draft(seed=3)
    assert d1.blocks == d2.blocks
    units = {u.id: u for u in BANK.units}
    composed = 0
    for b in d1.blocks:
        ids = [s.source.split(":", 1)[1] for s in b.spans if s.source.startswith("phrase:")]
        used = [units[i] for i in ids if i in units]
        if used:
            composed += 1
            # no unit longer than the copy threshold, and no two units of one sentence side by side from one line
            assert all(len(u.text) < COPY_REPORTED for u in used)
    assert composed
    from generator.checking.registry import check_lines

    found = check_lines(list(d1.paragraphs), year=2026)
    # short whole sentences of the corpus may recur (an "info"); a copied run of COPY_REPORTED never does
    assert not [f for f in found if f.rule == "overlap" and f.severity != "info"]


def test_a_users_folder_comes_first(seeds_dir, tmp_path):
    """Seeds mined as the user's own corpus, against the built-in phrasebank stripped of its mined part."""
    from generator.mining.miner import mine

    mine([seeds_dir], tmp_path / "ours")
    user = load_phrasebank([tmp_path / "ours"], include_builtin=False)
    curated = [e for e in BANK.entries if e.origin == "curated"]
    bank = Phrasebank(tuple(sorted([*user.entries, *curated], key=lambda e: e.id)), user.units,
                      {**BANK.vocabulary, **user.vocabulary})
    config, d = draft(bank=bank, problems=PROBLEMS)
    ids = {s.source.split(":", 1)[1] for b in d.blocks for s in b.spans if s.source.startswith("phrase:")}
    ours = {i for i in ids if i.startswith("ours:")}
    # measured 2026-12-01: 17–19% of the units a 讲话 uses; the target of half needs a corpus of a
    # dozen speeches or more (bench/bench_variety.py reports the share)
    assert len(ours) >= 0.1 * len(ids)


@pytest.mark.parametrize("level, foreign", [("镇", "各乡镇|县直部门|机关、国企、学校、医院|报酬待遇正常增长机制"),
                                            ("县", "各县（市、区）|市直部门")])
def test_level_words_fit_the_speech(level, foreign):
    for seed in range(3):
        config, d = draft(place="东湖" + level, level=level, seed=seed, problems=PROBLEMS)
        assert not re.search(foreign, "\n".join(d.paragraphs))


def test_a_dianping_speaks_to_each_person():
    import yaml

    data = {"type": "dianping", "place": "青榆县", "level": "县", "year": 2026, "points": ["组织建设"],
            "reporters": [{"name": "刘志强", "post": "石桥镇党委书记", "highlights": ["推行“支部+合作社”模式"],
                           "problems": ["对软弱涣散村整顿后的巩固提升抓得不够紧"]},
                          {"name": "孙丽", "post": "城关街道党工委书记", "highlights": ["建立网格党小组"],
                           "problems": ["小区党组织覆盖还不够全面"]}]}
    config = parse_config(yaml.safe_dump(data, allow_unicode=True), "t.yaml", type_resolver=resolve_type)
    d = compose(config, bank=BANK)
    text = "\n".join(d.paragraphs)
    part = text.split("刘志强同志（石桥镇党委书记）")[1].split("孙丽同志（")[0]
    assert "刘志强" not in part and "志强同志" in part  # the full name once, in the heading
    assert not re.search(r"各级党委（党组）|各级党组织要|所在单位", part)
    assert "软弱涣散" in part.split("下一步")[1]  # his 下一步 answers his own problem
    assert "一要" not in text  # no deployment-style section in a 点评


@pytest.mark.parametrize("problem, wrong", [
    ("社区工作者流失较多", "资产流失"),  # one weak word shared (流失) is no answer
    ("社区养老托育服务点位多、运营弱", "企业运营"),
])
def test_a_problem_is_not_answered_by_a_measure_sharing_one_weak_word(problem, wrong):
    text = ("type: dianping\nplace: 嵘江市\nlevel: 市\nyear: 2026\n"
            "reporters:\n  - name: 韩立军\n    post: 城东区委书记\n    highlights: [推行社区服务清单]\n"
            f"    problems: [{problem}]\n")
    draft = compose(parse_config(text, "c.yaml"))
    body = "\n".join(draft.paragraphs)
    assert problem.split("，")[0][:6] in body
    assert wrong not in body


@pytest.mark.parametrize("problem, wanted, wrong", [
    # 发现 and 村级 were the words shared with 加强村级后备力量储备…从优秀青年中发现培养 (a reader's finding)
    ("村级财务代理记账中仍有白条入账，去年审计发现问题资金12万元", "村级财务|白条|财务公开|票据", "后备力量"),
    # 时间、项目、落地 are filler of the problem sentence: 项目化推进 is no answer to 研究党建少
    ("项目落地过程中征地拆迁矛盾多，镇党委研究基层党建的时间被大量挤占，全年只专题研究过两次",
     "研究党建|研究基层党建|书记抓党建|主体责任", "项目化推进"),
    ("有2名驻村第一书记长期不在岗，工作队“驻村不住村”", "考勤|召回|不在岗|驻村不住村", None),
])
def test_a_problem_is_answered_on_its_own_words(problem, wanted, wrong):
    text = ("type: dianping\nplace: 漾河县\nlevel: 县\nyear: 2026\n"
            "reporters:\n  - name: 鲁海峰\n    post: 漾河镇党委书记\n    highlights: [建立镇村干部“周一夜学”制度]\n"
            f"    problems: [\"{problem}\"]\n")
    for seed in (1, 2, 3):
        draft = compose(parse_config(text, "c.yaml"), seed=seed)
        after = "\n".join(draft.paragraphs).split("下一步")[1].split("\n")[0]
        assert re.search(wanted, after), after
        assert wrong is None or wrong not in after


def test_the_answer_is_weighed_by_the_clause_the_draft_names():
    """针对后备力量储备不足的问题 is answered on 后备力量, not on 换届 of the clause before it."""
    problem = "今年村“两委”换届在即，一些乡镇村级后备力量储备不足，有的村找不到合适的书记人选"
    text = ("type: dianping\nplace: 漾河县\nlevel: 县\nyear: 2026\npoints: [组织建设]\n"
            f"problems: [\"{problem}\"]\n"
            "reporters:\n  - name: 鲁海峰\n    post: 漾河镇党委书记\n    highlights: [建立“周一夜学”制度]\n"
            "    problems: [流入党员底数不清]\n")
    for seed in (1, 2, 3):
        body = "\n".join(compose(parse_config(text, "c.yaml"), seed=seed).paragraphs)
        m = re.search(r"针对([^，]*)的问题，([^。]*)", body)
        assert m and "后备力量" in m.group(1), body
        assert re.search("后备|储备|人选|物色", m.group(2)), m.group(0)


@pytest.mark.parametrize("problem, wrong", [
    # an outflow county's 外出党员 are not answered with 摸清流入党员、房东登记 (the contrary table)
    ("全县外出务工党员3000多名，有的村党支部与在外党员长期失联", "流入党员|外来党员|房东"),
    # 托管 of 土地托管 is not 社区托管 of an old housing estate: a weak own word weighs as a weak word
    ("土地托管合同不规范，一年一签、口头约定的较多", "物业|老旧小区"),
])
def test_a_problem_is_not_answered_the_wrong_way_round(problem, wrong):
    text = ("type: dianping\nplace: 棠阜县\nlevel: 县\nyear: 2026\n"
            "reporters:\n  - name: 鲁海峰\n    post: 漾河镇党委书记\n    highlights: [建立镇村干部“周一夜学”制度]\n"
            f"    problems: [\"{problem}\"]\n")
    for seed in (1, 2, 3, 4):
        draft = compose(parse_config(text, "c.yaml"), seed=seed)
        after = "\n".join(draft.paragraphs).split("下一步")[1].split("\n")[0]
        assert not re.search(wrong, after), after


# --- the problem's crux (checker_words.yaml ``crux``): a measure that only shares a word with a problem is no answer

CRUX_CASES = [
    # (problem, what the measure must not be, reporter) — each a reader's finding: the measure shared 驻村, 合作社,
    # 乡镇党委书记, 农村党员 with the problem and answered another matter
    ("有的驻村干部白天在乡政府坐班、晚上到村里拍照打卡，走访记录有代签现象", "选派"),
    ("有4个村党组织领办的合作社账目由村会计一人经管，2个村的合作社分红没有经过村民代表会议表决", "推广党组织领办合作社"),
    ("一些乡镇党委书记抓党建“重部署、轻督导”，对村党组织“三会一课”只看记录不看实效，有的村会议记录由一人代写",
     "五级书记抓乡村振兴"),
    ("农村党员老化严重，全县农村党员中60岁以上的占46%，近三年有23个村没有发展党员", "当好致富带头人"),
    # the session-6 readings: 无人值守 answered by 为民办实事 and 摸清底数; 监委会不列席 by 支部标准化 (through
    # 组织生活); 指导员人少、不懂产业 by 应建尽建; 有阵地无活动 by 建设党群服务站
    ("村干部坐班制度执行不严，镇纪委三次暗访有两次便民服务室无人值守", "为民办实事"),
    ("村务监督委员会作用发挥不充分，有的村监委会主任一年没有列席过一次村“两委”会议", "标准化"),
    ("党建指导员数量少、懂产业的少，平均每人联系企业9家以上", "应建尽建"),
    ("楼宇党群服务站“有阵地无活动”，有5个站全年组织活动不足4次", "建设党群服务站"),
]


def _answer_to(d, problem: str) -> str:
    """The measure the draft gives ``problem`` (the text after 针对/对……的问题，), wherever it is."""
    for b in d.blocks:
        spans = b.spans
        for n, s in enumerate(spans):
            if s.source.startswith("config:") and "problems[" in s.source and s.text in problem \
                    and n + 1 < len(spans) and "的问题" in spans[n + 1].text:
                rest = "".join(t.text for t in spans[n + 1:])
                return rest.split("。")[0]
    raise AssertionError(f"no sentence takes up {problem}")


@pytest.mark.parametrize("problem,wrong", CRUX_CASES)
@pytest.mark.parametrize("type_", ["shuzhi_speech", "dianping"])
def test_a_measure_meets_the_problems_crux_or_the_draft_asks_for_one(problem, wrong, type_):
    from generator.bank.words import meets_crux

    extra = {"reporters": [{"name": "罗文斌", "post": "梅岭镇党委书记", "highlights": ["全镇18个村全部领办合作社"],
                            "problems": [problem]}]} if type_ == "dianping" else {"problems": [problem]}
    for seed in range(3):
        _, d = draft(type=type_, level="县", seed=seed, **extra)
        said = _answer_to(d, problem)
        assert wrong not in said, (seed, said)
        if "〔待补" in said:  # none in the phrasebank meets it: the draft says what to write, no stock formula
            assert "〔待补：具体措施，写清" in said and "查找原因" not in said
            # …and --sources says the drafter writes it: nothing is missing from the config
            assert any(s.source == "placeholder:writing" for b in d.blocks for s in b.spans)
        else:
            measure = re.split(r"的问题(?:上下功夫)?，", said, maxsplit=1)[1]
            assert meets_crux(problem, measure), (seed, said)


def test_a_measure_for_one_situation_goes_nowhere_else():
    """Measures written for one situation (没有物业服务的老旧小区, 驻村不住村的召回: ``measures`` of a crux) answer a
    problem with that crux and never fill another sub-point's body (a reader's finding: 物业, 登记 and 召回 pulled
    into drafts with no such problem by one shared word)."""
    from generator.bank.words import words

    w = words()
    assert w.situational, "the curated crux list names its situational measures"
    examples = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))
    for path in examples:
        if "style" in path.name:
            continue
        config, d = draft_of(path)
        problems = {f"problems[{k}]": p for k, p in enumerate(config.problems)}
        problems.update({f"reporters[{i}].problems[{j}]": p for i, r in enumerate(config.reporters)
                         for j, p in enumerate(r.problems)})
        for b in d.blocks:
            answering = None  # the config problem the sentences after it in this paragraph answer
            for s in b.spans:
                if s.source.removeprefix("config:") in problems:
                    answering = problems[s.source.removeprefix("config:")]
                crux = w.only_for(s.source.removeprefix("phrase:"))
                if crux is not None:
                    assert answering is not None, (path.name, s.text)
                    assert crux in {c.name for c in w.cruxes(answering)}, (path.name, s.text, answering)


def draft_of(path):
    from generator.drafting.config import load_config

    config = load_config(path)
    return config, compose(config, bank=BANK)


def test_words_refuse_a_broken_crux_pattern(tmp_path, monkeypatch):
    from generator.bank import words as words_module
    from generator.errors import InputError

    curated = tmp_path / "curated"
    curated.mkdir()
    (curated / "checker_words.yaml").write_text(
        "generic: [加强]\ntheme: [党建]\ncrux:\n  - name: 坏的\n    problem: '代写('\n    answer: 核查\n", encoding="utf-8")
    monkeypatch.setattr("generator.resources.phrasebank_dir", lambda: tmp_path)
    words_module.words.cache_clear()
    try:
        with pytest.raises(InputError, match="正则表达式"):
            words_module.words()
    finally:
        words_module.words.cache_clear()


def test_every_reporters_part_ends_in_what_the_secretary_hopes_of_them():
    """Each 点评 part closes on 希望你…… (readers found parts that stop after the last measure)."""
    config, d = draft_of(Path(__file__).resolve().parents[2] / "examples" / "dianping.yaml")
    nexts = [b.text for b in d.blocks if b.kind == "paragraph" and b.text.startswith("下一步，")]
    assert len(nexts) == len(config.reporters)
    for text in nexts:
        last = [s for s in text.split("。") if s][-1]
        assert last.startswith("希望你"), last


def test_an_outline_states_its_guiding_thought_in_the_opening_not_as_the_years_paragraph():
    """A 座谈 outline says what the visit serves in its opening sentence (as seed 003 does) and has no
    做好2026年的基层党建工作… paragraph of the 述职 speech (readers found it copied in)."""
    _, d = draft_of(Path(__file__).resolve().parents[2] / "examples" / "zuotan_outline.yaml")
    paragraphs = [b.text for b in d.blocks if b.kind == "paragraph"]
    assert "习近平总书记关于党的建设的重要思想" in paragraphs[0]
    assert not any(p.startswith("做好20") for p in paragraphs)


def test_more_problems_than_heads_are_all_taken_up():
    """A section owed more problems than it has heads gives a head two 针对 sentences; none is dropped (a
    problem owed to a section after its first was once left unanswered)."""
    problems = PROBLEMS + ["村级后备干部储备不足，平均每村不到1名", "党员教育管理方式比较单一"]
    config, d = draft(problems=problems, points=["组织建设"], length=1500)
    body = deployment(d)
    for problem in problems:
        spans = [s for b in d.blocks for s in b.spans if s.source.startswith("config:problems[")
                 and s.text in problem and s.text + "的问题" in body]
        assert spans, problem


def test_a_part_on_organs_says_nothing_of_villages():
    """Under a part on 机关党建 no head or body speaks of 村党组织, 农民增收 or 合作社 (readers found 带领群众增收
    致富 in a 县直机关 part and 村党组织领办合作社 in an industrial chain's outline)."""
    rural = re.compile(r"村党组织|村集体|农民|合作社|增收致富")
    for seed in range(3):
        _, d = draft(points=["推动机关党建与业务工作深度融合", "组织建设"], level="县", seed=seed,
                     problems=["一些县直部门党组织抓党建和业务“两张皮”，机关党支部主题党日多是读文件"])
        part = []
        inside = False
        for b in d.blocks:
            if b.kind == "heading" and b.level == 1:
                inside = "机关" in b.text
            elif inside:
                part.append(b.text)
        assert part and not rural.search("".join(part)), (seed, [t for t in part if rural.search(t)])


def test_no_adjourn_unless_asked_and_a_counted_occasion_is_not_counted_again():
    _, d = draft(reporters=[{"name": n} for n in ("周建国", "李红梅", "王磊", "赵敏")],
                 occasion="今天4位同志现场述职，其余12位书面述职。")
    text = "\n".join(d.paragraphs)
    assert "散会" not in text  # 散会 is the chair's word: only with adjourn: true
    assert "四位同志" not in text and "刚才，周建国、李红梅、王磊、赵敏同志" in text
    _, d = draft(adjourn=True)
    assert "散会" in d.paragraphs[-1]


def test_a_village_secretary_hears_no_committees_words():
    """A 村书记 reporter's 下一步 does not speak of 各村（社区）, 本单位 or 定期专题研究 (readers' finding)."""
    reporter = {"name": "冯春林", "post": "东坑村党支部书记", "highlights": ["建成村级议事厅"],
                "problems": ["党员大会表决走过场，会议记录有代签", "近三年没有发展35岁以下党员"]}
    for seed in range(3):
        _, d = draft(type="dianping", level="镇", seed=seed, reporters=[reporter])
        nexts = [b.text for b in d.blocks if b.text.startswith("下一步，")]
        assert nexts and not re.search(r"各村|村（社区）|本单位|专题研究", nexts[0]), nexts


def test_no_praise_the_problems_give_the_lie_to():
    """A reporter whose 常委会 studied 党建 twice is not told 主动性较强, and 11 tasks overdue is not preceded by
    各项重点任务较好落实 (the last reading's findings): a crux's ``praise`` is kept out of evaluations and
    achievements said of whoever has that problem."""
    from generator.bank.words import words

    mine = "县委常委会全年只专题研究党建工作2次，年初确定的4项党建重点任务逾期未完成"
    overall = "全市年初确定的党建重点任务有11项逾期未完成"
    pattern = re.compile(words().praise_avoid([mine]))
    assert pattern.search("你抓党建工作的主动性较强") and pattern.search("推动基层党建各项重点任务较好落实")
    other = {"name": "林书瑶", "post": "新城区委书记", "highlights": ["楼宇联合党委覆盖商务楼宇23栋"],
             "problems": ["楼宇党群服务站“有阵地无活动”"]}
    for seed in range(6):
        _, d = draft(type="dianping", level="市", place="蒲岭市", seed=seed, problems=[overall],
                     achievements=["全市新建两新组织党组织120个"],
                     reporters=[{"name": "韩振宇", "post": "丰安县委书记", "highlights": ["推行“阳光议事”"],
                                 "problems": [mine]}, other])
        text = "\n".join(d.paragraphs)
        his = text.split("韩振宇同志")[1].split("林书瑶同志")[0]
        said = [s for s in re.split(r"[。；]", his) if "针对" not in s and "问题" not in s]
        assert not any(pattern.search(s) for s in said), (seed, [s for s in said if pattern.search(s)])
        first = text.split("二、")[0]
        assert not re.search(words().praise_avoid([overall]), first.split(overall[:6])[0]), seed
