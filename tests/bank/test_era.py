"""Tests for generator.bank.era: dated wording rules, era of a text, outdated terms for a year."""

from __future__ import annotations

import pytest

from generator.bank.era import era_of, load_era_rules, outdated
from generator.errors import InputError


@pytest.fixture(scope="module")
def rules():
    return load_era_rules()


def ids(text, year, rules):
    return [rule.id for rule, _ in outdated(text, year, rules)]


def test_rules_carry_reasons_and_suggestions(rules):
    assert len(rules) >= 15
    for rule in rules:
        assert rule.reason_zh and rule.suggestion_zh
        assert rule.valid_from is not None or rule.valid_until is not None


@pytest.mark.parametrize("text", ["深入学习贯彻党的十九大精神", "学习贯彻党的十九大和十九届二中、三中、四中全会精神",
                                  "用党的十九大系列全会精神指导实践"])
def test_shijiuda_outdated_in_2026_fine_in_2019(rules, text):
    assert "shijiuda" in ids(text, 2026, rules)
    assert ids(text, 2019, rules) == []


@pytest.mark.parametrize("text", ["党的十八大以来，习近平总书记作出一系列重要论述", "党的十九大以来", "十八届六中全会"])
@pytest.mark.parametrize("year", [2010, 2019, 2026, 2040])
def test_periodisation_never_flagged(rules, text, year):
    assert ids(text, year, rules) == []


@pytest.mark.parametrize("text, rule, good, bad", [
    ("为决胜全面建成小康社会提供坚强保障", "juesheng_xiaokang", 2019, 2021),
    ("决战脱贫攻坚", "juezhan_tuopin", 2020, 2021),
    ("实施“十四五”规划", "shisiwu", 2023, 2026),
    ("实施“十五五”规划", "shiwuwu", 2026, 2025),
    ("扎实开展“不忘初心、牢记使命”主题教育", "buwang_chuxin_zhuti", 2019, 2022),
    ("扎实开展党史学习教育", "dangshi_xuexi", 2021, 2022),
    ("扎实开展学习贯彻习近平新时代中国特色社会主义思想主题教育", "sixiang_zhuti", 2023, 2024),
    ("扎实开展党纪学习教育", "dangji_xuexi", 2024, 2025),
    ("深入贯彻中央八项规定精神学习教育", "baxiang_xuexi", 2025, 2026),
    ("在疫情防控中冲锋在前", "yiqing_fangkong", 2021, 2024),
    ("学习贯彻党的二十大精神", "ershida", 2023, 2021),
])
def test_dated_terms(rules, text, rule, good, bad):
    assert rule not in ids(text, good, rules)
    assert rule in ids(text, bad, rules)


def test_lasting_wording_is_not_dated(rules):
    assert era_of("不忘初心、牢记使命", rules) is None
    assert ids("谋划“十五五”发展", 2025, rules) == []
    assert ids("巩固拓展党史学习教育成果", 2023, rules) == []


def test_era_of_intersects(rules):
    assert era_of("深入学习贯彻党的十九大精神", rules) == {"from": 2017, "until": 2022}
    assert era_of("为决胜全面建成小康社会、决战脱贫攻坚提供坚强组织保障", rules) == {"from": 2018, "until": 2020}
    assert era_of("2026年，是实施“十五五”规划的开局之年", rules) == {"from": 2026, "until": 2026}
    assert era_of("坚持问题导向", rules) is None


def test_matches_in_reading_order(rules):
    found = outdated("学习十九大精神，决战脱贫攻坚", 2026, rules)
    assert [m.group() for _, m in found] == ["十九大", "决战脱贫攻坚"]


def test_user_rules_extend_and_bad_rules_report_line(tmp_path):
    (tmp_path / "era_rules.yaml").write_text(
        "- id: custom\n  pattern: '旧提法'\n  until: 2000\n  reason_zh: 旧\n  suggestion_zh: 新\n", encoding="utf-8")
    rules = load_era_rules([tmp_path])
    assert "custom" in ids("这是旧提法", 2026, rules)
    bad = tmp_path / "more"
    bad.mkdir()
    (bad / "era_rules.yaml").write_text(
        "- id: broken\n  pattern: '(unclosed'\n  from: 2000\n  reason_zh: 旧\n  suggestion_zh: 新\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_era_rules([bad])
    assert info.value.line == 2 and "正则" in info.value.message
