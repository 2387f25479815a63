"""What a head or a sentence is about, found at render time without jieba (generator.bank.matter)."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings, strategies as st

from generator.bank.entries import load_phrasebank
from generator.bank.matter import Matters, head_key, load_groups, restates

BANK = load_phrasebank()
M = Matters(BANK.vocabulary)


@pytest.mark.parametrize("head, sentence", [  # the reviewer's 文不对题, quoted in ../shared/reviews
    ("扩大党的组织覆盖", "注重扩大述职评议的参与面，邀请党员群众代表参加评议，提高考核评价的公信力和认可度。"),
    ("加强流动党员管理，确保流动不流失", "要加强农村集体“三资”监管，规范集体资产管理和收益分配，防止集体资产流失。"),
    ("严格落实组织生活制度，提高组织生活质量", "要严格落实请示报告制度，重大事项、重要情况及时向上级党组织请示报告。"),
    ("全力打造党建示范点", "要落实党建工作联系点制度，上级党组织要加强对后进党组织的帮带指导。"),
    ("深化理论武装，在学懂弄通做实上持续用力", "贯彻落实上级决策部署，要结合实际细化具体措施，明确路线图、时间表、责任人。"),
    ("推动在职党员到社区报到，凝聚基层治理合力", "要注重培育发展社区社会组织和志愿服务队伍。"),
])
def test_the_reviewers_off_matter_sentences_do_not_carry_their_heads(head, sentence):
    hm = M.head(head)
    assert hm, head
    assert not M.carried(hm, sentence)


@pytest.mark.parametrize("head, sentence", [
    ("深化理论武装，在学懂弄通做实上持续用力", "要落实“第一议题”制度，用好理论学习中心组学习这个平台。"),  # a group term
    ("加强流动党员管理，确保流动不流失", "要摸清外出务工党员底数，建立流动党员台账。"),
    ("扩大党的组织覆盖", "对暂不具备条件的，通过联合组建、选派党建工作指导员等方式实现组织覆盖。"),
])
def test_on_matter_sentences_carry_their_heads(head, sentence):
    assert M.carried(M.head(head), sentence)


def test_a_heads_purpose_clause_is_not_its_matter():
    hm = M.head("加强流动党员管理，确保流动不流失")
    assert "流失" not in hm.own and "流动党员" in hm.terms


def test_generic_verbs_and_theme_words_are_no_matter():
    assert not M.of("要加强推进强化健全完善基层党建工作")
    assert not M.head("加强党的建设")


def test_twin_heads_share_a_matter():
    assert M.overlap("二要加强责任追究，严肃追责问责", "三要严肃追责问责，让失责必问成为常态")
    assert not M.overlap("严明政治纪律", "加强流动党员管理")


def test_restating_a_head_is_told_from_following_it():
    assert restates("要严肃追责问责", "要严肃追责问责，对抓党建责任不落实的依规依纪严肃问责。")
    assert not restates("严明政治纪律", "必须教育引导广大党员干部时刻绷紧政治纪律这根弦。")
    assert head_key("加强流动党员管理") == "流动党员管理"


def test_groups_are_well_formed():
    groups = load_groups()
    assert len(groups) >= 60
    for g in groups:
        assert g.terms and all(2 <= len(t) <= 20 for t in g.terms) and len(set(g.terms)) == len(g.terms)


def test_matter_needs_no_jieba():
    sys.modules.pop("jieba", None)
    Matters(BANK.vocabulary).of("要健全常态化学习机制，组织党员干部读原著、学原文、悟原理")
    assert "jieba" not in sys.modules


@given(st.text(max_size=80))
@settings(max_examples=200, deadline=None)
def test_matter_of_any_text_is_words_of_that_text(text):
    found = M.of(text)
    bare = text.replace("“", "").replace("”", "")
    assert all(w in bare and len(w) >= 2 for w in found)
    assert not found & M.stop
