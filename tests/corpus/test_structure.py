"""Structure: heading levels, sub-point splitting, placeholders, hard wraps, title, roles."""

from __future__ import annotations

import pytest

from generator.corpus.structure import (PLACEHOLDER_RE, find_placeholders, heading_level, role_of,
                                 split_runin_heading, split_subpoints, split_title)
from generator.corpus.wraps import continues, rejoin_wraps, wrap_width


@pytest.mark.parametrize("line, level", [
    ("一、提高政治站位，准确把握基层党建工作新要求", 1),
    ("十二、关于外交工作", 1),
    ("第一坚持把政治建设摆在首位持续筑牢对党忠诚的政治根基", 1),
    ("第二，加快转变政府职能。", 1),
    ("（一）政治建设持续加强，引领作用更加凸显", 2),
    ("(三)党员教育管理严格规范", 2),
    ("1.加强党的政治建设", 3),
    ("2、压实责任", 3),
    ("（1）落实“三会一课”制度", 4),
    ("第一、提高政治站位", 1),
    ("第四，资本家必须遵守国家法律、接受改造的问题。", 1),  # names a topic, gives no order
    ("第二，进一步调整重工业结构，更好地适应国民经济发展的需要。", 1),  # 需要 is no directive
])
def test_heading_levels(line, level):
    assert heading_level(line) == level


@pytest.mark.parametrize("line", [
    "第一书记要扎根基层，做好帮扶工作",
    "第一项，进行述职点评。",
    "一要深化理论武装，在学懂弄通做实上持续用力。思想是行动的先导。",
    "一、2013年工作回顾。过去一年是本届政府依法履职的第一年，任务艰巨而繁重。",
    "2016年，确保村级组织运转经费不低于上一年度水平。",
    "1.5万人参加培训",
    # A whole sentence giving a directive, or a clause of a list, is a sub-point under a 第一 marker.
    "第一，要层层传导压力（街道）。",
    "第二，各级党组织必须把责任扛在肩上。",
    "第一，企业与国家的分配关系用法令的形式固定下来；",
    "一、提高政治站位，",  # a heading never ends with a comma
    "同志们：",
    "",
])
def test_not_headings(line):
    assert heading_level(line) is None


def test_split_subpoints_inline_run_mixing_yao_and_shi():
    text = ("我们要强化问题导向。一要加强党的政治建设。要扎实开展。二要强化带头人队伍建设。"
            "三是严肃党内政治生活。四是全力打造党建示范点。")
    assert split_subpoints(text) == [
        "我们要强化问题导向。", "一要加强党的政治建设。要扎实开展。", "二要强化带头人队伍建设。",
        "三是严肃党内政治生活。", "四是全力打造党建示范点。"]


def test_split_subpoints_ordinals_and_no_false_cuts():
    assert split_subpoints("主要做法：第一，抓学习。第二，抓落实。") == ["主要做法：", "第一，抓学习。", "第二，抓落实。"]
    # 统一是 is a word, a lone 二是 starts no run, and a run must count up from 一.
    for text in ("思想统一是前提。二是看行动。", "二是抓学习。三是抓落实。", "一是抓学习，二是抓落实。"):
        assert split_subpoints(text) == [text]


def test_split_subpoints_comma_separated_run_of_three():
    assert split_subpoints("一要加强学习，二要狠抓落实，三要强化担当。") == ["一要加强学习，", "二要狠抓落实，", "三要强化担当。"]
    assert split_subpoints("深化企业改革，一是引入竞争，二是加强管理；三是促进联合。") == [
        "深化企业改革，", "一是引入竞争，", "二是加强管理；", "三是促进联合。"]
    assert split_subpoints("为此，第一，抓学习，第二，抓落实，第三，抓考核。") == [
        "为此，", "第一，抓学习，", "第二，抓落实，", "第三，抓考核。"]


@pytest.mark.parametrize("text", [
    "一是抓学习，二是抓落实。",  # two items in one sentence
    "思想统一要求一致，进一步要求各级，唯一是靠实干。",  # 统一要/进一步要/唯一是 are words
    "要统一要求，二要狠抓落实，三要强化担当。",  # the run does not start at 一
    "一要加强学习，三要强化担当，四要狠抓落实。",  # it skips 二
    "加强学习一要深入，二要持久，三要经常。",  # 一要 does not start a clause
])
def test_split_subpoints_comma_false_positives(text):
    assert split_subpoints(text) == [text]


def test_split_subpoints_is_stable():
    text = "总的要求。一是甲。要做到：一要乙。二要丙。二是丁。"
    pieces = split_subpoints(text)
    assert "".join(pieces) == text
    assert all(split_subpoints(p) == [p] for p in pieces)


def test_placeholders_recognised_with_kinds():
    text = "XX区投入X余万元，***同志作了述职，新建党组织*个，20**年完成，占比*%。"
    found = [(text[s:e], kind) for s, e, kind in find_placeholders(text)]
    assert found == [("XX", "place"), ("X", "number"), ("***", "name"), ("*", "number"),
                     ("20**", "year"), ("*", "number")]
    assert PLACEHOLDER_RE.search("Excel 表格与 X 光") is None
    assert PLACEHOLDER_RE.search("XXL 尺码") is None


PARA_A = ("过去一年，全区各级党组织坚持以习近平新时代中国特色社会主义思想为指导，认真落实中央和省、市、区委关于"
          "基层党建工作的决策部署，扎实推进基层党组织建设，各项工作取得了新成效，呈现出不少亮点。")
PARA_B = ("各级党组织始终把政治建设摆在首位，将学习贯彻习近平新时代中国特色社会主义思想和党的二十大精神作为首要政治"
          "任务，通过开展专题学习、集中培训、主题党日等多种形式，推动学习教育往深里走、往心里走、往实里走。")


def wrap(text: str, width: int = 30) -> list[str]:
    return [text[i:i + width] for i in range(0, len(text), width)]


def test_wrap_width_and_rejoin():
    lines = [*wrap(PARA_A), "（一）政治建设持续加强，引领作用更加凸显", *wrap(PARA_B)]
    width = wrap_width(lines)
    assert width == 30
    out = rejoin_wraps(list(enumerate(lines, 1)), width)
    assert [text for _, text in out] == [PARA_A, "（一）政治建设持续加强，引领作用更加凸显", PARA_B]
    assert [no for no, _ in out] == [1, len(wrap(PARA_A)) + 1, len(wrap(PARA_A)) + 2]


def test_rejoin_never_joins_across_a_line_far_wider_than_the_wraps():
    long_a, long_b = PARA_A * 3, (PARA_B * 3)[:-1]  # 1.5 × width and more: paragraphs never wrapped
    assert long_a.endswith("。") and not long_b.endswith("。")
    lines = [*wrap(PARA_A), long_a, *wrap(PARA_B), long_b, *wrap(PARA_A)]
    assert wrap_width(lines) == 30
    out = rejoin_wraps(list(enumerate(lines, 1)), 30)
    assert [text for _, text in out] == [PARA_A, long_a, PARA_B, long_b, PARA_A]
    # a line a little wider than the wraps (a wrap holding half-width digits) is still a wrap
    out = rejoin_wraps([(1, PARA_A[:44]), (2, PARA_A[44:])], 40)
    assert out == [(1, PARA_A)]


def test_paragraph_per_line_text_is_not_wrapped():
    assert wrap_width([PARA_A, "一、提高站位", "同志们：", PARA_B, "今天召开会议。"]) is None
    assert rejoin_wraps([(1, "甲乙"), (2, "丙丁")], None) == [(1, "甲乙"), (2, "丙丁")]


@pytest.mark.parametrize("prev, text", [
    ("今年以来，各级党组织认真落实上级部署，有序推进各项重点", "任务，成效明显。这为我们做好下一步工作奠定了基础，大家要"),
    ("任务，成效明显。这为我们做好下一步工作奠定了基础，大家要", "珍惜成绩、再接再厉，推动工作不断迈上新台阶。"),
    ("各级党组织要认真落实", "，切实把责任扛起来。"),  # a paragraph never opens with a comma
    ("全区各级党组织要坚持以习近平新时代中国特色社会主义思想为指导，", "认真落实中央决策部署。"),
])
def test_continues_a_line_broken_mid_sentence(prev, text):
    assert continues(prev, text, len(prev))


@pytest.mark.parametrize("prev, text", [
    ("今年以来，各级党组织认真落实上级部署，取得明显成效。", "下一步，我们要再接再厉。"),  # a sentence ended
    ("同志们：", "今年以来，各级党组织认真落实上级部署。"),
    ("一、提高政治站位，准确把握基层党建工作新要求", "今年以来，各级党组织认真落实上级部署。"),
    ("今年以来，各级党组织认真落实上级部署，有序推进", "一要加强学习，二要狠抓落实，三要强化担当。"),
    ("今年以来，各级党组织认真落实上级部署，有序推进", "（一）政治建设持续加强"),
    ("今年以来，各级党组织认真落实上级部署，有序推进", "——加快转变经济发展方式。"),
    ("会议议程", "首先，请各位书记述职。"),  # short, no clause: an agenda line or a title
    ("加强学习，提高素质", "狠抓落实，强化担当"),  # short list lines
    ("关于加强基层党建工作的讲话（2024年3月1日）", "同志们："),
    # a headline without a full stop, then its long paragraph
    ("调整国民经济的任务已经基本完成，国民经济已经全面好转，并将进入一个新的发展时期",
     "周总理在讲到国民经济的成就的时候指出，我国的国民经济，经过一九五八年到一九六○年的大发展，从一九六一年起，"
     "进入一个调整、巩固、充实、提高的时期。"),
    ("3月5日，第十二届全国人民代表大会第三次会议在北京开幕。国务院总理李克强作报告。新华社记者摄", "政府工作报告"),
])
def test_continues_refuses_false_joins(prev, text):
    assert not continues(prev, text, len(prev))


def test_continues_refuses_a_long_physical_line():
    prev = "我们要坚持" + "推进各项工作，" * 20 + "并且开辟了新的道路"
    # the same text: its last physical line was a wrap 30 wide, or a paragraph 200 long that lost its full stop
    assert continues(prev, "成效明显，大家要珍惜。", 30) and not continues(prev, "成效明显，大家要珍惜。", 200)


def test_split_title_rejoins_a_two_line_title():
    lines = [(1, "区委书记在2025年全区基层"), (2, "党建工作述职评议会上的点评"), (3, "同志们："), (4, "今天。")]
    assert split_title(lines) == ("区委书记在2025年全区基层党建工作述职评议会上的点评", 1, lines[2:])
    assert split_title([(1, "同志们："), (2, "今天。")])[0] == ""
    assert split_title([(1, "今天召开会议。")])[0] == ""


def test_split_title_does_not_join_into_a_heading():
    # 0. and :0 are each title-like, but 0.:0 is a level-3 heading: the lines stay apart.
    lines = [(1, "0."), (2, ":0"), (3, "同志们")]
    assert split_title(lines) == ("0.", 1, lines[1:])


@pytest.mark.parametrize("text, level, index, role", [
    ("同志们：", None, 0, "salutation"),
    ("一、提高政治站位", 1, 5, "section"),
    ("今天召开全市述职评议会议，主要任务是总结工作。", None, 1, "opening"),
    ("刚才，8位书记作了口头述职。大家讲成绩实事求是。", None, 2, "evaluation"),
    ("过去一年，全区各级党组织取得明显成效。", None, 3, "achievements"),
    ("但也存在一些差距和不足。", None, 4, "problems"),
    ("2026年，是实施“十五五”规划的开局之年。", None, 4, "situation"),
    ("下面，我讲四点意见。", None, 4, "transition"),
    ("一要深化理论武装。", None, 6, "point"),
    ("同志们，希望全区各级党组织奋发有为！", None, 18, "closing"),
    ("今天的会议就到这里，现在散会。", None, 19, "adjourn"),
    ("第一项，进行述职点评。", None, 3, "agenda"),
    ("请***同志述职，由我进行点评；", None, 4, "agenda"),
    ("党的政治建设是党的根本性建设。", None, 7, "other"),
])
def test_roles(text, level, index, role):
    assert role_of(text, level, index, 20) == role


def test_runin_heading_split_off():
    text = "（一）加强和改善宏观调控，促进经济平稳较快发展。我们实行积极的财政政策。"
    assert split_runin_heading(text) == ["（一）加强和改善宏观调控，促进经济平稳较快发展。", "我们实行积极的财政政策。"]
    assert split_runin_heading("一、回顾。二、展望。总之。") == ["一、回顾。", "二、展望。", "总之。"]
    for text in ("一要加强学习。要深入。", "一、" + "很长的标题" * 10 + "。正文。", "（一）政治建设持续加强"):
        assert split_runin_heading(text) == [text]
