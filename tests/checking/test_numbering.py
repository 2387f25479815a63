"""Tests for the numbering rules: announced counts (count_mismatch) and heading and sub-point sequences (enumeration)."""

from __future__ import annotations

import pytest

from generator.checking.registry import check_lines
from generator.checking.numbering import label, markers
from generator.checking.base import headings_of


def run(lines, **kw):
    return check_lines(lines, indexes=[], **kw)


def with_body(*body, title="区委书记在2026年全区党建工作会议上的讲话"):
    return [title, "同志们：", *body]


def found(lines, rule):
    return [f for f in run(lines) if f.rule == rule]


# ------------------------------------------------------------------ count_mismatch
def _sections(n, heads="一二三四五"):
    return [line for k in range(n) for line in (f"{heads[k]}、第{k + 1}部分的标题", "这一部分的正文内容。")]


@pytest.mark.parametrize("announce", ["下面，我讲四点意见。", "下面，我再讲四个方面的意见：", "我提4点要求。",
                                      "下面谈四点体会。"])
def test_count_mismatch_announced_four_gives_three(announce):
    found = [f for f in run(with_body(announce, *_sections(3))) if f.rule == "count_mismatch"]
    assert len(found) == 1 and found[0].severity == "error" and found[0].paragraph == 3
    assert "三部分" in found[0].message


def test_count_mismatch_agrees_and_nested_counts():
    assert not [f for f in run(with_body("下面，我讲三点意见。", *_sections(3))) if f.rule == "count_mismatch"]
    nested = with_body("下面，我讲两点意见。", "一、总体要求", "提两点要求：", "（一）第一项", "正文。",
                       "（二）第二项", "正文。", "二、具体任务", "正文。")
    assert not [f for f in run(nested) if f.rule == "count_mismatch"]


def test_count_mismatch_points_in_following_paragraphs():
    lines = with_body("下面，我讲三点意见。", "一、总体要求", "我再提两点要求：", "一要抓学习。", "二要抓落实。", "三要抓考核。",
                      "二、具体任务", "正文。", "三、保障措施", "正文。")
    found = [f for f in run(lines) if f.rule == "count_mismatch"]
    assert [f.paragraph for f in found] == [5] and "三条" in found[0].message


def test_count_mismatch_inline_list():
    bad = with_body("主要抓好三项工作：一是强化责任。二是夯实基础。三是完善机制。四是严格考核。")
    assert [f.paragraph for f in run(bad) if f.rule == "count_mismatch"] == [3]
    good = with_body("主要抓好三项工作：一是强化责任。二是夯实基础。三是完善机制。")
    assert not [f for f in run(good) if f.rule == "count_mismatch"]


# ------------------------------------------------------------------ enumeration
@pytest.mark.parametrize("heads,para,word", [
    (["一、甲", "二、乙", "四、丁"], 5, "缺少“三”"),
    (["（一）甲", "（二）乙", "（四）丁"], 5, "缺少“三”"),
    (["一、甲", "二、乙", "二、丙"], 5, "重复"),
    (["一、甲", "三、丙", "二、乙"], 4, "缺少“二”"),
])
def test_enumeration_headings(heads, para, word):
    found = [f for f in run(with_body(*heads)) if f.rule == "enumeration"]
    assert found and found[0].paragraph == para and word in found[0].message


def test_enumeration_headings_reset_under_new_parent():
    lines = with_body("一、甲", "（一）子", "（二）子", "二、乙", "（一）子", "1.孙", "2.孙", "（二）子", "1.孙")
    assert not [f for f in run(lines) if f.rule == "enumeration"]


@pytest.mark.parametrize("text,word", [
    ("一要抓学习。二要抓落实。四要抓考核。", "缺少“三要”"),
    ("一要抓学习。二要抓落实。二要抓考核。", "重复"),
    ("一要抓学习。二是抓落实。三是抓考核。", "混用"),
    ("一要抓学习。二要抓落实。一要抓考核。", "又从“一要”开始"),
    ("二要抓落实。三要抓考核。", "前面没有“一要”"),
    ("具体来看，一是抓学习；二是抓落实；二是抓考核。", "重复"),
])
def test_enumeration_inline(text, word):
    found = [f for f in run(with_body(text)) if f.rule == "enumeration"]
    assert found and word in found[0].message and found[0].severity == "error"


def test_enumeration_separate_lists_are_fine():
    lines = with_body("一、成绩", "一是责任落实。二是基础夯实。", "二、任务", "一要抓学习。", "二要抓落实。",
                      "过去一年一是一、二是二，统一是前提。")
    assert not [f for f in run(lines) if f.rule == "enumeration"]


# ------------------------------------------------------------------ 第一，第二， inline
def test_markers_read_ordinals_only_when_set_off():
    text = "第一，抓学习；第二、抓落实：一是定责任，二要严考核。第三：严考核。"
    assert [(m.n, m.kind) for m in markers(text)] == [(1, "第"), (2, "第"), (1, "是"), (2, "要"), (3, "第")]
    assert [label(m.n, m.kind) for m in markers(text)][:3] == ["第一", "第二", "一是"]


@pytest.mark.parametrize("text", [
    "第一书记要驻村帮扶。各级书记要当好第一责任人。把学习作为“第一议题”。",
    "这是第一次召开述职会。第一时间响应群众诉求。深入第一线调查研究，掌握第一手材料。",
    "综合考核全市第一，要争第一、创一流。第一、第二季度任务完成。获得第一、二等奖各一次。",
    "发展是第一要务，人才是第一资源，创新是第一动力。第二批主题教育。",
])
def test_ordinal_words_are_no_enumeration(text):
    assert markers(text) == []
    assert not found(with_body(text), "enumeration")


@pytest.mark.parametrize("line", ["第一书记要驻村帮扶", "第一时间响应群众诉求", "第一线是检验干部的考场",
                                  "第一议题制度要落实", "第一责任人要扛起责任", "第一次会议"])
def test_ordinal_words_at_line_start_are_no_heading(line):
    assert headings_of([line]) == (None,)
    assert not found(with_body("一、甲", line, "二、乙"), "enumeration")


@pytest.mark.parametrize("text,word", [
    ("第一，抓学习。第二，抓落实。第四，抓考核。", "缺少“第三”"),
    ("第一，抓学习。第二，抓落实。第二，抓考核。", "重复"),
    ("第一，抓学习。第二，抓落实。第一，抓考核。", "又从“第一”开始"),
    ("第二，抓落实。第三，抓考核。", "“第二”前面没有“第一”"),
    ("第一，抓学习。二是抓落实。三是抓考核。", "“第一”与“二是”混用"),
    ("一要抓学习。第二，抓落实。", "“一要”与“第二”混用"),
    ("第一，抓学习，一是学原文，二是悟原理。第三，抓落实。", "缺少“第二”"),
])
def test_enumeration_inline_ordinals(text, word):
    hits = found(with_body(text), "enumeration")
    assert hits and word in hits[0].message and hits[0].severity == "error" and hits[0].paragraph == 3


def test_enumeration_ordinals_nested_and_across_paragraphs_are_fine():
    nested = with_body("第一，抓学习，一是学原文，二是悟原理。第二，抓落实，一是定责任，二是严考核。第三，严考核。")
    assert not found(nested, "enumeration")
    paragraphs = with_body("我提三点要求。", "第一，要加强学习。一是学原文，二是悟原理。", "第二，要抓落实，一要定责任，二要严考核。",
                           "第三，要严考核。")
    assert not found(paragraphs, "enumeration") and not found(paragraphs, "count_mismatch")
    nested_yao = with_body("一要抓学习。具体来说，一是学原文；二是悟原理。二要抓落实。")
    assert not found(nested_yao, "enumeration")


def test_ordinal_paragraphs_long_and_short_are_one_list():
    long = "第一，要加强学习，学习是前提。" + "学而不思则罔，思而不学则殆。" * 4
    lines = with_body("今年我讲三点意见。", long, "第二，要抓落实。", "第三，要严考核。")
    assert headings_of(lines)[3:] == (None, None, None)
    assert not found(lines, "enumeration") and not found(lines, "count_mismatch")
    bad = with_body("今年我讲三点意见。", long, "第二，要抓落实。", "第四，要严考核。")
    assert [f.paragraph for f in found(bad, "enumeration")] == [6]
    assert "两条" in found(bad, "count_mismatch")[0].message


def test_ordinals_under_a_section_heading_are_sub_points():
    lines = with_body("我讲两点。", "一、加强领导", "第一，要学习。", "第二，要落实。", "二、加强学习", "第一，要学习。",
                      "第二，要落实。")
    assert [h for h in headings_of(lines) if h] == [(1, 1), (1, 2)]
    assert not found(lines, "enumeration") and not found(lines, "count_mismatch")
    short_headings = with_body("我讲三点。", "第一，加强领导", "正文。", "第二，加强学习", "正文。", "第三，加强考核", "正文。")
    assert [h for h in headings_of(short_headings) if h] == [(1, 1), (1, 2), (1, 3)]
    assert not found(short_headings, "enumeration") and not found(short_headings, "count_mismatch")


def test_count_mismatch_inline_ordinals():
    bad = with_body("主要抓好三项工作：第一，强化责任；第二，夯实基础，一是建阵地，二是强队伍，三是优服务，四是严管理。")
    assert "两条" in found(bad, "count_mismatch")[0].message
    good = with_body("主要抓好两项工作：第一，强化责任；第二，夯实基础，一是建阵地，二是强队伍，三是优服务。")
    assert not found(good, "count_mismatch")
