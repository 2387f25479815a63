"""Tests for generator.mining.segment: jieba with the project's user dictionary, idioms, lexicon formulas."""

from __future__ import annotations

import subprocess
import sys

from generator.mining.segment import idioms, lexicon_terms, tag, tokens


def test_user_dictionary_keeps_domain_terms_whole():
    words = tokens("认真落实三会一课制度，坚决做到两个维护，持续整顿软弱涣散基层党组织，履行一岗双责，实施头雁工程")
    for term in ("三会一课", "两个维护", "软弱涣散", "一岗双责", "头雁工程"):
        assert term in words
    assert tag("三会一课") == "nz" and tag("久久为功") == "l"


def test_idioms():
    assert "基础不牢，地动山摇" in idioms("基础不牢，地动山摇。")
    assert "持续用力，久久为功" in idioms("按照抓常、抓细、抓长的要求，持续用力，久久为功，把作风建设不断引向深入。")
    assert "不折不扣" in idioms("确保各项决策部署不折不扣落地生根。")
    assert "全面落实" not in idioms("全面落实工作报酬和待遇。")
    assert idioms("今天天气很好。") == []


def test_lexicon_terms_found_in_prose():
    assert lexicon_terms("增强四个意识、坚定四个自信，落实三会一课") == ["四个意识", "四个自信", "三会一课"]


def test_jieba_is_quiet_on_stderr():
    code = "from generator.mining.segment import tokens; tokens('三会一课')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stderr == ""


def test_pos_table_is_the_one_jieba_posseg_builds():
    code = ("import jieba.posseg; from generator.mining import segment; "
            "print(segment._jieba()[1] == jieba.posseg.dt.word_tag_tab)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"
