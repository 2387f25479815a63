"""The ``unanswered_problem`` rule (issue 11): a problem named in the problems paragraph that the deployment
never takes up; in a 点评, a reporter's problem that his own 下一步 never takes up. Faults injected into a real
seed speech, clean real text, and the reviews' canonical cases in drafts of ours (tests/checking/drafts/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.checking.problems import ANSWER_MIN, DEPLOY_MIN
from generator.checking.registry import check_file, check_lines
from generator.corpus.reader import read_speech

DRAFTS = Path(__file__).parent / "drafts"


def found(lines, **kw):
    kw.setdefault("indexes", [])
    return [f for f in check_lines(lines, **kw) if f.rule == "unanswered_problem"]


def found_in(name, **kw):
    return [f for f in check_file(DRAFTS / name, **kw) if f.rule == "unanswered_problem"]


def seed_lines(seeds_dir: Path, prefix: str) -> list[str]:
    s = read_speech(next(seeds_dir.glob(f"{prefix}_*.txt")))
    return [s.title, *(p.text for p in s.paragraphs)]


def _find(lines, start):
    return next(i for i, line in enumerate(lines) if line.startswith(start))


# ------------------------------------------------------------------ clean real text
def test_seeds_raise_nothing(seeds_dir):
    """Measured: 0 findings on the 5 seeds (12,348 characters; the target is at most one per 2,000). Only
    001 is judged: 000, 003 and 004 are cut off and 002 names no problems."""
    chars = hits = 0
    for prefix in ("000", "001", "002", "003", "004"):
        lines = seed_lines(seeds_dir, prefix)
        chars += sum(map(len, lines))
        hits += len(found(lines))
    assert hits * 2000 <= chars and hits == 0


def test_a_cut_off_speech_is_not_judged(seeds_dir):
    """003 names five problems and is cut off after one paragraph of its 二、: nothing there answers them,
    and nothing is said, because the deployment is a fragment. Given a deployment of full length that still
    does not take them up, the rule speaks."""
    lines = seed_lines(seeds_dir, "003")
    assert lines[_find(lines, "但也要清醒看到")].count("有的") == 5
    assert found(lines) == []
    filler = "要严格落实“三会一课”制度，推动组织生活经常、认真、严肃。"
    whole = lines + [filler * (DEPLOY_MIN // len(filler) + 1), "同志们，让我们共同努力，推动全县基层党建工作全面进步！"]
    hits = found(whole)
    assert hits and all(f.paragraph == _find(lines, "但也要清醒看到") + 1 for f in hits)
    assert not [f for f in hits if "三会一课" in f.excerpt]  # that one the filler answers


def test_001_answers_its_problems_in_other_words(seeds_dir):
    """001's three 方面 of problems are answered by 压实党建责任, 七项制度/党建品牌 and 扩大党的组织覆盖."""
    lines = seed_lines(seeds_dir, "001")
    assert "比如：在责任落实方面" in lines[_find(lines, "一年来我区基层党建工作")]
    assert found(lines) == []


# ------------------------------------------------------------------ injected into a seed
def test_injected_problem_in_001(seeds_dir):
    lines = seed_lines(seeds_dir, "001")
    i = _find(lines, "一年来我区基层党建工作")
    lines[i] = lines[i].replace("党员活动不经常等。", "党员活动不经常等；快递物流、网约配送等行业党员管理不够到位。")
    hits = found(lines)
    assert [f.paragraph for f in hits] == [i + 1]
    assert hits[0].excerpt == "快递物流、网约配送等行业党员管理不够到位" and hits[0].severity == "warning"
    assert "后面的部署没有一段回应" in hits[0].message
    # answered as soon as the deployment takes it up
    j = _find(lines, "七是扩大党的组织覆盖")
    lines[j] += "要聚焦快递物流、网约配送等新业态，建立行业党组织，把从业党员纳入管理。"
    assert found(lines) == []


def test_injected_answer_in_a_seed_needs_the_matter_not_the_theme(seeds_dir):
    """A deployment that shares only generic and theme words (党员、管理、加强) answers nothing."""
    lines = seed_lines(seeds_dir, "001")
    i = _find(lines, "一年来我区基层党建工作")
    lines[i] = lines[i].replace("党员活动不经常等。", "党员活动不经常等；部分村级集体经济增收渠道单一。")
    j = _find(lines, "七是扩大党的组织覆盖")
    lines[j] += "要加强党员管理，切实把基层党建各项工作抓实抓好。"
    assert [f.excerpt for f in found(lines)] == ["部分村级集体经济增收渠道单一"]
    lines[j] += "要因村施策发展壮大村级集体经济，拓宽集体增收渠道。"
    assert found(lines) == []


def test_a_problems_list_deep_in_the_deployment_is_not_judged(seeds_dir):
    lines = seed_lines(seeds_dir, "001")
    j = _find(lines, "三是强化考核评议")  # in the third section: answered where it stands, if anywhere
    lines[j] += "当前还存在一些问题：部分村级集体经济增收渠道单一。"
    assert found(lines) == []


# ------------------------------------------------------------------ the reviews' canonical cases
def test_shuzhi_speech_seed1():
    """The review: 快递物流、网约配送 never mentioned again, and 主业意识不强, 集体经济增收渠道单一 have no
    measure either (../shared/reviews/drafts-2026-12.md §1)."""
    hits = found_in("shuzhi_speech_seed1.txt", meeting_type="shuzhi_speech")
    assert sorted(f.excerpt[:8] for f in hits) == ["少数党组织书记抓", "新兴领域党组织覆", "部分村级集体经济"]
    assert len({f.paragraph for f in hits}) == 1
    first = next(f for f in hits if "快递物流、网约配送" in f.excerpt)
    assert "最接近的一段也只说到“覆盖”" in first.message


def test_zuotan_outline_seed2_and_seed1():
    """Seed 1's 深化区域化党建工作机制 answers 统筹辖区资源; seed 2 dropped it (review §5, §6)."""
    hits = found_in("zuotan_outline_seed2.txt")
    assert [f.excerpt for f in hits] == ["部分社区党组织统筹辖区资源的能力不强"]
    assert found_in("zuotan_outline_seed1.txt") == []


def test_dianping_per_reporter():
    """孙丽's 在职党员进社区报到后作用发挥不够明显 gets no answer in her 下一步 (review §3); her 小区覆盖, and
    刘志强's and 马文斌's problems are answered in their own parts."""
    hits = found_in("dianping_seed1.txt", meeting_type="dianping")
    mine = [f for f in hits if "孙丽同志" in f.message]
    assert "这里给孙丽同志点出的问题，对孙丽同志的“下一步”要求里没有一段回应" in mine[0].message
    assert [f.excerpt for f in mine] == ["在职党员进社区报到后作用发挥不够明显"]
    assert "一处也没有用到它的实际字眼" in mine[0].message
    assert not [f for f in hits if "刘志强" in f.message or "马文斌" in f.message or "小区" in f.excerpt]


def test_dianping_answer_in_another_part_does_not_count():
    lines = [line for line in (DRAFTS / "dianping_seed1.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    i = _find(lines, "（三）马文斌同志")
    lines[i + 2] += "要推动在职党员进社区报到后亮身份、领岗位、办实事。"  # in 马文斌's part, not 孙丽's
    assert any("孙丽同志" in f.message for f in found(lines))
    j = _find(lines, "下一步，希望孙丽同志")
    lines[j] += "要推动在职党员进社区报到后亮身份、领岗位、办实事。"
    assert not any("孙丽同志" in f.message for f in found(lines))


def test_untuned_drafts_of_the_before_reading():
    """Drafts read after the rule's thresholds were set (docs/reviews/2026-12-01-before.md): the review's
    unanswered problems, reporter by reporter, and 网格员 in the 提纲."""
    hits = found_in("linjiang_dianping.txt")
    assert [(f.paragraph, f.excerpt) for f in hits] == [
        (12, "社区党组织书记后备力量不足"), (12, "老旧小区党组织覆盖不全"),
        (16, "党员发展偏重数量，青年农民入党积极分子培养不够"), (20, "党建工作与医疗业务结合不够紧密")]
    assert [f.excerpt for f in found_in("donghu_zuotan.txt")] == ["网格员队伍流动性大，专职网格员待遇偏低"]


def test_placeholders_and_generic_problems_are_not_judged():
    lines = ["区委书记在2026年述职评议会上的讲话", "区委书记", "同志们：",
             "我们也要看到，还有不少差距，突出表现在：一是〔待补：存在的主要问题〕；二是基层党建工作还不够扎实；三是部分党组织工作不够有力。",
             "下面，我讲一点意见。", "一、加强党的建设",
             "要加强党的建设，推动基层党建工作全面进步、全面过硬。" * 30, "同志们，让我们共同努力！"]
    assert found(lines) == []


@pytest.mark.parametrize("answer, ok", [
    ("要健全区域化党建工作机制，推动驻区单位与社区资源共享、事务共商。", True),  # 社区、区资、资源 in one paragraph
    ("要统筹各部门下沉资源，由基层党组织统一调配使用。", False),  # only 资源: 统筹 is a generic verb
])
def test_answer_threshold(answer, ok):
    lines = ["在青榆县基层党建工作调研座谈会上的讲话提纲", "县委书记", "同志们：",
             "同时也要清醒看到，还存在一些短板弱项：一是部分社区党组织统筹辖区资源的能力不强。", "下面，我讲一点意见。",
             "一、推动基层党建提质增效", answer, "要严格落实“三会一课”制度，推动组织生活经常、认真、严肃。" * 20,
             "以上讲的几点，请大家结合实际抓好贯彻落实。"]
    assert (found(lines) == []) is ok
    assert ANSWER_MIN == 3
