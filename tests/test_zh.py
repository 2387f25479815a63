"""Chinese-text helpers: numerals written and read back, enumerators, sentence cuts."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from generator.zh import (clauses, cn, count_word, enumerator, parse_cn, sentences, split_at_marks,
                          strip_enumerator)


def test_numerals_written():
    assert [cn(n) for n in (1, 9, 10, 11, 20, 23, 99)] == ["一", "九", "十", "十一", "二十", "二十三", "九十九"]
    assert count_word(2) == "两" and count_word(3) == "三" and count_word(200) == "两百"
    assert [cn(n) for n in (100, 105, 110, 999)] == ["一百", "一百零五", "一百一十", "九百九十九"]


@pytest.mark.parametrize("bad", [0, 1000, -1, True])
def test_numeral_out_of_range(bad):
    with pytest.raises(ValueError):
        cn(bad)


@given(st.integers(1, 999))
def test_every_numeral_reads_back(n):
    assert parse_cn(cn(n)) == n
    assert parse_cn(count_word(n)) == n
    assert parse_cn(str(n)) == n


@pytest.mark.parametrize("text,value", [("两", 2), ("〇", 0), ("零", 0), ("", None), ("百", None), ("一百", 100), ("两百", 200), ("一百零五", 105), ("一百一十", 110), ("一百十", None),
                                        ("二二", None), ("十十", None), ("零十", None), ("x", None)])
def test_numerals_read(text, value):
    assert parse_cn(text) == value


def test_enumerators():
    assert [enumerator(3, k) for k in ("yao", "shi", "di", "h1", "h2", "h3", "h4")] == [
        "三要", "三是", "第三", "三、", "（三）", "3.", "（3）"]
    with pytest.raises(ValueError):
        enumerator(1, "bogus")
    assert strip_enumerator("一要加强理论武装") == "加强理论武装"
    assert strip_enumerator("（二）健全组织体系") == "健全组织体系"
    assert strip_enumerator("第一，要层层传导压力") == "要层层传导压力"
    assert strip_enumerator("加强理论武装") == "加强理论武装"


def test_sentence_cuts():
    text = "他说：“要抓实。要抓细！”然后走了。还有一句；最后"
    assert sentences(text) == ["他说：“要抓实。要抓细！”", "然后走了。", "还有一句；最后"]
    assert sentences("“甲。乙。”丙") == ["“甲。乙。”", "丙"]
    assert clauses("甲。乙；丙！") == ["甲。", "乙；", "丙！"]
    assert split_at_marks("甲。。乙;丙\n丁") == ["甲", "乙", "丙", "丁"]
