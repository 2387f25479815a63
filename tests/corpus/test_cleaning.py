"""Line cleaning: tokens, widths, traditional script, pinyin glosses, punctuation, clutter."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.zh import GLOSS_RE
from generator.corpus.cleaning import (clean_line, clean_lines, ends_sentence, fix_punctuation, is_clutter,
                                normalize_text, split_runaway, squeeze_spaces, to_simplified)


def test_traditional_converted_and_simplified_untouched():
    assert to_simplified("我們召開這次基層黨建工作座談會") == "我们召开这次基层党建工作座谈会"
    simplified = "乾隆年间的著名学者在后面"  # words OpenCC could touch, already simplified
    assert to_simplified(simplified) is simplified
    assert to_simplified("no Chinese here") == "no Chinese here"


def test_conversion_keeps_line_count():
    text = "同志們：\n\n今天，我們召開會議。\n"
    assert normalize_text(text).split("\n") == ["同志们：", "", "今天，我们召开会议。", ""]


@pytest.mark.parametrize("raw, clean", [
    ("深入調(diào)研", "深入調研"),
    ("黨組織書記（zhǎng）", "黨組織書記"),
    ("召開會(huì)議", "召開會議"),
    ("第(dì4)", "第"),
])
def test_pinyin_glosses_removed(raw, clean):
    assert GLOSS_RE.sub("", raw) == clean


@pytest.mark.parametrize("kept", ["各乡镇（街道）", "村（社区）", "党委（党组）", "（1）", "人工智能（AI）", "县(市、区)"])
def test_real_parentheticals_kept(kept):
    assert GLOSS_RE.sub("", kept) == kept


@pytest.mark.parametrize("raw, out", [
    ("同志们:", "同志们："),
    ("刚才,XX区、XX市等8位县(市、区)委书记", "刚才，XX区、XX市等8位县（市、区）委书记"),
    ("做到;三是!行吗?", "做到；三是！行吗？"),
    ('树立"抓好党建是最大政绩"的理念', "树立“抓好党建是最大政绩”的理念"),
    ("投入1,000万元，增长6.9%，10:30开会", "投入1,000万元，增长6.9%，10:30开会"),
    ("see: a, b; c!", "see: a, b; c!"),
    ("一,,", "一，，"),
])
def test_punctuation(raw, out):
    assert fix_punctuation(raw) == out


def test_widths_tokens_and_spaces():
    assert normalize_text("１９９０年增长６．９％<U+00A0>ＸＸ市") == "1990年增长6.9% XX市"
    assert squeeze_spaces("　　政 府 工 作 报 告\u00a0 ") == "政府工作报告"
    assert squeeze_spaces("整合辖区各类党建 资源 ，Word Press") == "整合辖区各类党建资源，Word Press"


@pytest.mark.parametrize("raw, out", [
    # numbers whose digits the source spaced out (gwr 1998, gwr 1954–1982)
    ("1 9 9 7 年国内生产总值达到7 4 7 7 2 亿元", "1997年国内生产总值达到74772亿元"),
    ("平均每年增长1 1 ％，粮食1 0 0 0 万吨以上", "平均每年增长11％，粮食1000万吨以上"),
    ("增长1 5 ．3 ％，下降到1 0 ．0 6 ‰", "增长15.3%，下降到10.06‰"),
    ("增长8.8 %", "增长8.8%"),
    ("1 9 9 8 年3 月5 日，为期3 0 天", "1998年3月5日，为期30天"),
    ("（《人民日报》1 9 5 5 0 7 0 8）", "（《人民日报》19550708）"),
    ("缔结国际条约1 8 7 个", "缔结国际条约187个"),
    # separate numbers stay apart: a list counting up, numbers of several digits, two decimals
    ("按 1 2 3 排列", "按1 2 3排列"), ("第 1 2 3 4 5", "第1 2 3 4 5"), ("12 13 14", "12 13 14"),
    ("8 30", "8 30"), ("1.5 2.5", "1.5 2.5"), ("Windows 7 8", "Windows 7 8"),
])
def test_spaced_digits_closed_up(raw, out):
    assert clean_line(raw) == out
    assert clean_line(out) == out


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from("0123456789 ．.%％‰年元，a"), max_size=40))
def test_squeezing_digits_and_spaces_is_idempotent(text):
    once = squeeze_spaces(text)
    assert squeeze_spaces(once) == once
    assert once.replace(" ", "") == "".join(text.split())  # only spaces ever go


@pytest.mark.parametrize("line", [
    "本文标题:县委书记在调研基层党建工作座谈会上的讲话提纲",
    "链接地址:http://specficcolloquium.com//index/article/detail/detail_id/405624.html",
    "版权声明", "作者原创,不允许二次传播,一经发现收回会员权益,追究法律责任。", "微信订阅号", "联系客服",
    "当前位置： 首页>> 中国概况", "中央政府门户网站 www.gov.cn 2006年02月16日 来源：新华社",
    "【字体：大 中 小】", "（责任编辑： 郭桢", "）", "】", "【E-mail推荐", "<!--", "-->", "·",
    "上一页 1 2 3 4 下一页", "function turnpage(page){ document.all(\"div_currpage\")", "# source: repo:x",
    "分享到：", "打印本页", "关闭窗口", "新华社北京3月15日电",
])
def test_clutter_lines(line):
    assert is_clutter(squeeze_spaces(line)) or clean_line(line) == ""


def test_prose_is_never_clutter():
    long_line = "今天，我们召开会议，" * 10 + "来源于群众、版权意识等都要讲。"
    assert not is_clutter(long_line)
    assert clean_line("党的政治建设是党的根本性建设") == "党的政治建设是党的根本性建设"


@pytest.mark.parametrize("raw, out", [
    ("凸显(diào)(diào)", "凸显"),  # a run of glosses goes at once
    ("凸显(diào)\u00a0(diào)", "凸显"),  # a space squeezed out brings the next gloss to the ideograph
    ("2．\t3月", "2.3月"),  # a space squeezed out brings a full-width dot between digits
    ("<U+003C>U+0041>", "A"),  # a decoded token that spells another token
])
def test_clean_line_reaches_a_fixed_point(raw, out):
    assert clean_line(raw) == out
    assert clean_line(out) == out


def test_closing_mark_wrapped_alone_is_cleaned_with_its_line():
    assert clean_lines("同志们：\n要加强调（diào\n）") == [(1, "同志们："), (2, "要加强调")]
    assert clean_lines("要强调“精准\n”") == [(1, "要强调“精准”")]


_ATOMS = st.sampled_from(["调", "研", "(", ")", "（", "）", "diào", "(diào)", "（huì）", ",", ":", "2", "．", "3", "\t", " ",
                          "\u3000", "\u00a0", "<U+", "00A0>", "<U+003C>", "http://x.cn/a", "【字体：大 中 小】", "\"", "a"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ATOMS, max_size=30).map("".join))
def test_clean_line_is_idempotent(line):
    once = clean_line(line)
    assert clean_line(once) == once


def test_inline_clutter_removed():
    assert clean_line("详见 http://www.gov.cn/a/b.htm 原文") == "详见原文"
    assert clean_line("1990年政府工作报告【字体：大 中 小】") == "1990年政府工作报告"


def test_clean_lines_keeps_original_line_numbers_and_splits_ideographic_runs():
    text = ("# source: repo:x\n# partial: no\n\n<U+00A0>各位代表：\n"
            "　　一、回顾　　过去一年，成绩显著。　　各位代表！\n\n本文标题:讲话\n")
    assert clean_lines(text) == [(4, "各位代表："), (5, "一、回顾"), (5, "过去一年，成绩显著。"), (5, "各位代表！")]


def test_ends_sentence():
    assert ends_sentence("现在散会。") and ends_sentence("同志们：") and ends_sentence("“最后一公里”。")
    assert not ends_sentence("全区基层党建") and not ends_sentence("在面对疫情防控、")


def test_runaway_paragraph_cut_at_headings_and_dash_items():
    body = "过去一年，成绩显著。" * 100
    line = f"各位代表：{body}——经济运行稳中向好。二、2014年工作总体部署{body}"
    assert [text[:8] for text in split_runaway(line)] == ["各位代表：过去一", "——经济运行稳中", "二、2014年工"]
    assert split_runaway(body + body) == [body + body]  # without such a cue a long paragraph stays whole
    assert split_runaway("短。二、标题") == ["短。二、标题"]
