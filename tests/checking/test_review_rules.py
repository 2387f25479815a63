"""The review rules of issue 11 (head_echo, off_matter, twin_heads, list_count, level_voice, address,
backbone, tics, outdated phrasings): faults injected into real seed paragraphs, the review's canonical
cases, and clean real text that must stay clean."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.checking.registry import check_lines
from generator.cli import cli
from generator.corpus.reader import read_speech

NEW = ("head_echo", "off_matter", "twin_heads", "list_count", "level_voice", "address", "backbone", "tics")


def run(lines, **kw):
    kw.setdefault("indexes", [])
    return check_lines(lines, **kw)


def of(findings, rule):
    return [f for f in findings if f.rule == rule]


def seed_lines(seeds_dir: Path, prefix: str) -> list[str]:
    s = read_speech(next(seeds_dir.glob(f"{prefix}_*.txt")))
    return [s.title, *(p.text for p in s.paragraphs)]


# ------------------------------------------------------------------ clean real text
def test_seeds_raise_no_new_finding(seeds_dir):
    """Measured: 0 findings of the new rules on the 5 seeds (12,348 characters); the target is at most
    one per 2,000 characters."""
    chars = found = 0
    for prefix in ("000", "001", "002", "003", "004"):
        lines = seed_lines(seeds_dir, prefix)
        chars += sum(map(len, lines))
        found += len([f for f in run(lines) if f.rule in NEW])
    assert found * 2000 <= chars
    assert found == 0


# ------------------------------------------------------------------ injected into a seed
def _inject(lines, index, text):
    lines = list(lines)
    lines[index] = text
    return lines


def _find(lines, start):
    return next(i for i, line in enumerate(lines) if line.startswith(start))


def test_head_echo_injected(seeds_dir):
    lines = seed_lines(seeds_dir, "000")
    i = _find(lines, "二要严明政治纪律")
    body = lines[i].split("。", 1)[1]
    lines = _inject(lines, i, "二要严明政治纪律，在净化政治生态上持续用力。要严明政治纪律，" + body)
    found = of(run(lines), "head_echo")
    assert [f.paragraph for f in found] == [i + 1]
    assert found[0].excerpt.startswith("要严明政治纪律") and "照抄了小标题" in found[0].message


def test_off_matter_injected(seeds_dir):
    lines = seed_lines(seeds_dir, "000")
    i = _find(lines, "二要严明政治纪律")
    stray = "要严明财经纪律，严格执行财务报销制度，规范公务接待和公车使用，防止铺张浪费。"
    lines = _inject(lines, i, lines[i] + stray)
    assert of(run(lines), "off_matter") == []  # shares 纪律 with its head: on matter
    stray = "要持续用力推进垃圾分类，完善投放、收运、处置体系，提高群众的参与率。"
    lines = _inject(lines, i, lines[i] + stray)
    found = of(run(lines), "off_matter")
    assert len(found) == 1 and found[0].paragraph == i + 1 and "严明政治纪律" in found[0].message


def test_twin_heads_injected(seeds_dir):
    lines = seed_lines(seeds_dir, "002")
    i = _find(lines, "四要强化督查考核")
    lines = _inject(lines, i, "四要强化责任担当。" + lines[i].split("。", 1)[1])
    found = of(run(lines), "twin_heads")
    assert [f.paragraph for f in found] == [i + 1] and "一要强化责任担当" in found[0].message


def test_list_count_injected(seeds_dir):
    lines = seed_lines(seeds_dir, "003")
    i = _find(lines, "从我县情况来看")
    lines = _inject(lines, i, lines[i] + "我们有几项工作做得比较扎实：在全县推行村干部坐班值班制度。")
    found = of(run(lines), "list_count")
    assert [f.paragraph for f in found] == [i + 1] and "只有一项" in found[0].message


def test_level_voice_injected(seeds_dir):
    lines = seed_lines(seeds_dir, "003")  # 县委书记……讲话提纲: a county's speech
    i = _find(lines, "从我县情况来看")
    assert of(run(lines), "level_voice") == []
    lines = _inject(lines, i, lines[i] + "各县（市、区）要对照抓好落实。")
    found = of(run(lines), "level_voice")
    assert [f.paragraph for f in found] == [i + 1] and "各县（市、区）" in found[0].message
    town = ["在石桥镇2026年基层党建工作会议上的讲话", "同志们：", "各乡镇、县直部门要抓好落实。"]
    assert [f.excerpt for f in of(run(town), "level_voice")] == ["各乡镇、县直部门要抓好落实。"]
    assert of(run(town, level="县"), "level_voice") == []  # a level given wins over the title

    # the config's own words, quoted: a 市委书记 quoting a 区委书记's problem speaks of that district
    city = ["在沣城市2025年度基层党建工作述职评议会上的点评", "同志们：",
            "一是区直部门党组织书记抓党建的责任传导不够；二是省直部门要抓好落实。"]
    quoted = ["区直部门党组织书记抓党建的责任传导不够"]
    assert [f.excerpt for f in of(run(city), "level_voice")] != []
    found = of(run(city, quoted=quoted), "level_voice")
    assert len(found) == 1 and "省直部门" in found[0].message  # what is not quoted is still judged
    assert of(run(city[:2] + ["一是区直部门党组织书记抓党建的责任传导不够。"], quoted=quoted), "level_voice") == []


def test_backbone_injected(seeds_dir):
    lines = seed_lines(seeds_dir, "003")
    assert of(run(lines), "backbone") == []
    i = _find(lines, "今天，我们召开")
    lines = _inject(lines, i, "今天，我们召开这次基层党建工作调研座谈会，主要目的是了解情况、研究问题。")
    found = of(run(lines), "backbone")
    assert len(found) == 1 and found[0].severity == "warning"


def test_tics_injected(seeds_dir):
    lines = seed_lines(seeds_dir, "003")
    i = _find(lines, "从我县情况来看")
    lines = _inject(lines, i, lines[i] + "注重抓好学习。注重抓好宣传。注重抓好落实。")
    found = of(run(lines), "tics")
    assert len(found) == 1 and "3 句以“注重”开头" in found[0].message


def test_address_on_a_dianping(seeds_dir):
    lines = seed_lines(seeds_dir, "004")  # a real 点评 of the whole district: nobody's part, nothing to say
    assert of(run(lines), "address") == []


# ------------------------------------------------------------------ the review's canonical cases
DIANPING = [
    "在青榆县2025年度基层党建工作述职评议会上的点评", "县委书记", "同志们：",
    "刚才，刘志强同志作了述职。下面，我作简要点评。",
    "一、逐一点评",
    "（一）刘志强同志（石桥镇党委书记）",
    "听了刘志强同志的述职，感到抓党建的主体责任意识比较强。",
    "对照上级要求，刘志强同志所在单位的党建工作还有一些需要改进的地方。",
    "下一步，希望刘志强同志进一步提高政治站位。各级党委（党组）要定期研究基层党建工作。",
    "二、明确任务",
    "二要加强流动党员管理，确保流动不流失。要加强农村集体“三资”监管，规范集体资产管理和收益分配，防止集体资产流失，维护农民群众合法权益。",
    "三要扩大党的组织覆盖。注重扩大述职评议的参与面，邀请党员群众代表参加评议，提高考核评价的公信力和认可度。",
]


def test_review_canonical_off_matter():
    found = of(run(DIANPING), "off_matter")
    assert [f.excerpt[:8] for f in found] == ["要加强农村集体“", "注重扩大述职评议"]
    assert "扩大党的组织覆盖" in found[1].message and "“扩大”" in found[1].message


def test_review_canonical_address():
    found = of(run(DIANPING), "address")
    msgs = " ".join(f.message for f in found)
    assert "各级党委（党组）" in msgs and "所在单位" in msgs and "出现 3 次" in msgs
    assert of(run(DIANPING, meeting_type="shuzhi_speech"), "address") == []


def test_review_canonical_twin_heads_and_echo():
    lines = ["在青榆县基层党建工作调研座谈会上的讲话提纲", "县委书记", "同志们：", "一、加强新兴领域党建",
             "2.抓好新就业群体党建。要依托行业主管部门和平台企业建立党组织。",
             "4.抓好新业态新就业群体党建，把新兴群体团结凝聚在党的周围。必须坚持以服务聚人心。"]
    found = of(run(lines), "twin_heads")
    assert [f.paragraph for f in found] == [6]
    echo = ["区委书记在2026年党建工作会议上的讲话", "同志们：", "一、建强队伍",
            "一要加强流动党员管理。要加强流动党员管理，确保每名党员都纳入组织管理、参加组织生活。"]
    assert [f.rule for f in run(echo) if f.rule == "head_echo"] == ["head_echo"]


def test_review_canonical_list_count():
    lines = ["区委书记在2026年党建工作会议上的讲话", "同志们：",
             "工作中有一些好的做法值得肯定：建立“网格党小组+楼栋党员”服务机制。",
             "今年重点抓好三个方面：一是抓班子；二是抓队伍。",
             "对照要求，还存在一些不足：党建与业务工作融合不够紧密。"]
    findings = run(lines)
    assert [f.paragraph for f in of(findings, "list_count")] == [3]  # 一些不足：one fault is a hedge, let stand
    assert [f.paragraph for f in of(findings, "count_mismatch")] == [4]  # reported once, by count_mismatch


@pytest.mark.parametrize("text, year", [
    ("2026年，全区基层党建工作要以学习贯彻党的二十大精神为主线，坚持以党的政治建设为统领。", 2026),
    ("今年是建党100周年，各级党组织要精心组织好庆祝活动。", 2026),
    ("今年是“十四五”开局之年，做好各项工作意义重大。", 2023),
])
def test_outdated_phrasings(text, year):
    found = of(run(["区委书记在党建工作会议上的讲话", "同志们：", text], year=year), "outdated_term")
    assert len(found) == 1 and found[0].paragraph == 3


def test_outdated_phrasings_in_their_year():
    lines = ["区委书记在党建工作会议上的讲话", "同志们：", "今年是“十四五”开局之年，也是建党100周年。"]
    assert of(run(lines, year=2021), "outdated_term") == []


def test_cli_level_and_type(runner, tmp_path):
    draft = tmp_path / "稿.txt"
    draft.write_text("\n".join(["党建工作会议上的讲话", "同志们：", "各乡镇要抓好落实。"]), encoding="utf-8")
    result = runner.invoke(cli, ["check", str(draft), "--json", "--level", "镇"])
    data = json.loads(result.output)
    hit = [d for d in data if d["rule"] == "level_voice"]
    assert hit and hit[0]["severity"] == "warning" and hit[0]["paragraph"] == 3 and hit[0]["excerpt"]
    assert result.exit_code == 0
    result = runner.invoke(cli, ["check", str(draft), "--json"])
    assert not [d for d in json.loads(result.output) if d["rule"] == "level_voice"]
    draft.write_text("\n".join(DIANPING[:1] + DIANPING[2:]), encoding="utf-8")
    result = runner.invoke(cli, ["check", str(draft), "--json", "--type", "shuzhi_speech"])
    assert not [d for d in json.loads(result.output) if d["rule"] == "address"]


def test_list_count_ignores_an_article_number():
    from generator.checking.registry import check_lines

    lines = ["关于宪法草案的报告", "同志们：", "宪法第四条又规定：“国家依靠国家机关和社会力量，逐步实现社会主义工业化。”这是总的要求。"]
    assert not [f for f in check_lines(lines, year=2026) if f.rule == "list_count"]


# --- crux_missed: a 针对…的问题 sentence whose measure does not meet the problem's crux (checker_words.yaml crux)

CRUX_MISSED = [
    # the readers' findings in the last three readings: each measure shares one word with its problem
    "针对有的驻村干部白天在乡政府坐班、晚上到村里拍照打卡，走访记录有代签现象的问题，要精准选派驻村第一书记和工作队，把政治素质好的干部派到最需要的村。",
    "要在解决去年县审计发现2个村的合作社分红没有经过村民代表会议表决的问题上下功夫，积极推广党组织领办合作社等做法，把产业发展起来。",
    "对农村党员老化严重、近三年有23个村没有发展党员的问题，要引导农村党员当好致富带头人、社区党员当好服务排头兵。",
    "针对有的学校党组织会议和校长办公会议议事范围分不清的问题，要认真查找原因，拿出有针对性的整改措施，明确时限、逐项销号。",
]
CRUX_MET = [
    "针对有的驻村干部拍照打卡、走访记录代签的问题，要加强对驻村干部走访情况的回访核查，对弄虚作假的严肃处理。",
    "针对合作社分红没有经过村民代表会议表决的问题，要推行“四议两公开”，收益分配方案经村民代表会议表决后公开。",
    "对农村党员老化、23个村没有发展党员的问题，要把发展党员计划向农村青年倾斜，逐村定计划。",
    "针对议事范围分不清的问题，要〔待补：具体措施，写清按什么程序办、谁来监督、怎么公开〕。",  # asked for, not missed
    "针对部分村级集体经济增收渠道单一的问题，要盘活闲置资源、发展特色产业。",
]


def _with(paragraph):
    return ["在全县基层党建工作述职评议会上的讲话", "同志们：", "一、压实责任", paragraph]


@pytest.mark.parametrize("text", CRUX_MISSED)
def test_crux_missed_reports_a_measure_that_only_shares_a_word(text):
    found = of(run(_with(text)), "crux_missed")
    assert len(found) == 1 and found[0].severity == "warning" and found[0].paragraph == 4
    assert "要害" in found[0].message and "〔待补〕" in found[0].message


@pytest.mark.parametrize("text", CRUX_MET)
def test_crux_missed_stays_quiet_on_a_measure_that_meets_it(text):
    assert of(run(_with(text)), "crux_missed") == []


def test_crux_missed_names_each_crux_left_open():
    text = ("针对一些乡镇党委书记“重部署、轻督导”、村里“三会一课”记录由一人代写的问题，"
            "要落实五级书记抓乡村振兴要求，乡镇党委书记要当好一线总指挥。")
    found = of(run(_with(text)), "crux_missed")
    assert len(found) == 1
    assert "记录造假、留痕应付" in found[0].message and "书记抓党建责任不实" in found[0].message


def test_crux_missed_on_the_real_seeds_is_quiet(seeds_dir):
    for path in sorted(seeds_dir.glob("*.txt")):
        s = read_speech(path)
        assert of(run([s.title, *(p.text for p in s.paragraphs)]), "crux_missed") == [], path.name


def test_unanswered_problem_counts_a_problem_taken_up_by_name():
    """A problem named in a 针对 sentence is answered for unanswered_problem even when its measure repeats few
    of its bigrams (the rule warned on 发展党员程序不规范 answered with 严格落实发展党员工作程序: “只说到程序”),
    and when the draft leaves the measure to be written (〔待补〕)."""
    lines = ["在全县2025年度党组织书记抓基层党建工作述职评议会议上的点评", "同志们：",
             "刚才，周丽萍同志作了述职。下面，我逐一作个点评。", "一、逐一点评", "（一）周丽萍同志（枧头乡党委书记）",
             "丽萍同志的述职报告结构完整、条理清楚。过去一年，你在抓基层党建工作上下了功夫：一是为全乡186名外出党员"
             "建立“一人一档”；二是建成村级互助养老服务点7个。",
             "同时也要看到，你抓党建工作还存在一些不足：一是发展党员程序不规范，有2名发展对象政审材料缺失，被县委组织部"
             "通报；二是乡易地扶贫搬迁安置点430户还没有建立党组织，搬迁党员组织关系仍在原村。",
             "下一步，要在解决发展党员程序不规范的问题上下功夫，坚持把政治标准放在首位，严格落实发展党员工作程序，严把"
             "政治关、素质关、程序关，确保新发展党员质量。对搬迁党员组织关系仍在原村的问题，要〔待补：具体措施，写清什么"
             "时候建起来、怎么组建、书记人选从哪里来〕。希望你保持抓党建的劲头不松，多解决具体问题。"]
    assert of(run(lines, meeting_type="dianping"), "unanswered_problem") == []
    # the same part without the 针对 sentences is what the rule is for
    bare = lines[:-1] + ["下一步，希望你保持抓党建的劲头不松，把精力更多放到基层一线，多到后进的地方去、多解决具体问题，"
                         "把各项工作抓实抓好，推动全乡基层党建工作再上新台阶、取得新成效。"]
    assert [f.excerpt[:9] for f in of(run(bare, meeting_type="dianping"), "unanswered_problem")] == ["发展党员程序不规范"]
