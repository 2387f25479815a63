"""Tests for generator.bank.entries: entry validation with file and line, merging, queries, themes, year facts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cli import cli
from generator.errors import InputError
from generator.bank.entries import CATEGORIES, Entry, load_entry_file, load_phrasebank
from generator.bank.themes import load_themes, themes_of
from generator.bank.years import year_facts
from generator.resources import phrasebank_dir

CANONICAL = ["政治建设", "思想建设", "组织建设", "队伍建设", "作风建设", "纪律建设", "责任落实", "基层治理", "党员教育管理", "两新组织", "乡村振兴"]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """\
- id: mine.point.001
  category: point
  text: 一要压实{scope}党建责任
  themes: [责任落实]
  meeting_types: [shuzhi_speech]
  era: {from: 2022}
- id: mine.formula.001
  category: formula
  text: 三会一课
"""


def test_builtin_bank_loads_with_every_folder():
    bank = load_phrasebank()
    origins = {e.origin for e in bank.entries}
    assert {"mined", "curated"} <= origins
    ids = [e.id for e in bank.entries]
    assert len(ids) == len(set(ids))
    assert {e.category for e in bank.entries} == set(CATEGORIES)


def test_lexicon_has_the_standard_formulas():
    texts = {e.text for e in load_entry_file(phrasebank_dir() / "curated" / "lexicon.yaml")}
    for term in ("两个确立", "两个维护", "四个意识", "四个自信", "三会一课", "七个有之", "一岗双责", "两学一做",
                 "不忘初心、牢记使命"):
        assert term in texts
    assert len(texts) >= 60


def test_lexicon_terms_are_in_the_user_dictionary():
    words = {line.split()[0] for line in (phrasebank_dir() / "curated" / "userdict.txt").read_text("utf-8").splitlines()}
    for e in load_entry_file(phrasebank_dir() / "curated" / "lexicon.yaml"):
        if not re.search(r"[、，“”]", e.text):
            assert e.text in words, e.text
    assert {"三会一课", "两个维护", "软弱涣散", "一岗双责", "两新组织", "头雁"} <= words


def test_user_folder_entries_load_namespaced(tmp_path):
    write(tmp_path, "mine.yaml", GOOD)
    bank = load_phrasebank([tmp_path])
    entry = bank.get(f"{tmp_path.name}:mine.point.001")
    assert entry.origin == str(tmp_path)
    assert entry.era == {"from": 2022} and entry.meeting_types == ("shuzhi_speech",)
    assert entry.slots() == frozenset({"scope"})
    assert not entry.current_in(2021) and entry.current_in(2026)
    assert entry.to_dict()["era"] == {"from": 2022}
    only = load_phrasebank([tmp_path], include_builtin=False)
    assert [e.id for e in only.entries] == [f"{tmp_path.name}:mine.formula.001", f"{tmp_path.name}:mine.point.001"]


def test_user_ids_never_shadow_builtin_ones(tmp_path):
    """A user's mined point.xxx is its own entry beside the built-in one of the same id."""
    builtin = load_phrasebank()
    some = builtin.query(category="point")[0]
    (tmp_path / "pb").mkdir()
    write(tmp_path / "pb", "mine.yaml", f"- id: {some.id}\n  category: point\n  text: 一要抓好自己的事\n")
    bank = load_phrasebank([tmp_path / "pb"])
    assert bank.get(some.id) == some
    assert bank.get(f"pb:{some.id}").text == "一要抓好自己的事"
    assert len(bank.entries) == len(builtin.entries) + 1


def test_namespaces_are_unique_per_folder(tmp_path):
    from generator.bank.entries import namespaces

    a, b = tmp_path / "x" / "pb", tmp_path / "y" / "pb"
    assert namespaces([a, b, a]) == {a: "pb", b: "pb~2"}
    assert namespaces([tmp_path / "mined"]) == {tmp_path / "mined": "mined~2"}


def test_query_filters_and_sorts(tmp_path):
    write(tmp_path, "mine.yaml", GOOD)
    bank = load_phrasebank([tmp_path], include_builtin=False)
    assert [e.id for e in bank.query(category="point")] == [f"{tmp_path.name}:mine.point.001"]
    assert [e.id for e in bank.query(theme="责任落实")] == [f"{tmp_path.name}:mine.point.001"]
    assert [e.id for e in bank.query(search="三会")] == [f"{tmp_path.name}:mine.formula.001"]
    with pytest.raises(InputError):
        bank.query(category="nonsense")


@pytest.mark.parametrize("text, line, words", [
    ("- id: a.b\n  category: point\n  text: [unclosed\n", 3, "YAML"),  # the line where [ was left open
    ("- id: a.b\n  category: pointy\n  text: 一要\n", 2, "类别"),
    ("- id: a.b\n  category: point\n", 1, "text"),
    ("- id: a.b\n  category: point\n  text: 一要\n  colour: red\n", 4, "colour"),
    ("- id: a.b\n  category: point\n  text: 一要{town}\n", 3, "town"),
    ("- id: a.b\n  category: point\n  text: 一要\n  era: {from: 2025, until: 2020}\n", 4, "from"),
    ("- id: a.b\n  category: point\n  text: 一要\n- id: a.b\n  category: point\n  text: 二要\n", None, "重复"),
    ("- id: Bad Id\n  category: point\n  text: 一要\n", 1, "编号"),
    ("id: a.b\n", 1, "列表"),
    ("- id: a.b\n  category: point\n  text: 一要\n  themes: [Politics!]\n", 4, "主题"),
])
def test_malformed_curated_yaml_names_file_and_line(tmp_path, text, line, words):
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(InputError) as info:
        load_phrasebank([tmp_path], include_builtin=False)
    assert info.value.path == str(path)
    assert info.value.line == line
    assert words in info.value.format()


def test_missing_user_folder_is_input_error(tmp_path):
    with pytest.raises(InputError):
        load_phrasebank([tmp_path / "nope"])


def test_themes_are_canonical_and_tag_text():
    assert tuple(load_themes()) == tuple(CANONICAL)
    assert themes_of("要持续整顿软弱涣散基层党组织") == ("组织建设",)
    assert themes_of("严格落实“三会一课”制度，履行“一岗双责”") == ("责任落实", "党员教育管理")
    assert themes_of("今天天气很好") == ()


@given(st.text(max_size=60))
@settings(max_examples=200, deadline=None)
def test_themes_of_any_text_is_ordered_subset(text):
    found = themes_of(text)
    assert list(found) == [t for t in CANONICAL if t in found]


def test_year_facts():
    assert any("105周年" in f for f in year_facts(2026))
    assert year_facts(1800) == ()


def test_entry_defaults_fit_everything():
    e = Entry("x.y", "idiom", "久久为功")
    assert e.fits("dianping") and e.current_in(1999) and e.slots() == frozenset()


def test_phrases_cli_filters(runner, tmp_path):
    write(tmp_path, "mine.yaml", GOOD)
    result = runner.invoke(cli, ["phrases", "--category", "transition"])
    assert result.exit_code == 0
    assert "transition." in result.output and "[point]" not in result.output
    result = runner.invoke(cli, ["phrases", "--theme", "纪律建设", "--search", "敬畏"])
    assert result.exit_code == 0 and "知敬畏、存戒惧、守底线" in result.output
    result = runner.invoke(cli, ["phrases", "--phrases", str(tmp_path), "--search", "压实{scope}"])
    assert "mine.point.001" in result.output
    result = runner.invoke(cli, ["phrases", "--search", "十九大", "--json"])
    assert result.exit_code == 0 and '"era": {' in result.output
    result = runner.invoke(cli, ["phrases", "--category", "nonsense"])
    assert result.exit_code == 2 and "未知的类别" in result.output


def test_phrases_cli_reports_bad_yaml(runner, tmp_path):
    write(tmp_path, "bad.yaml", "- id: a.b\n  category: point\n  text: [oops\n")
    result = runner.invoke(cli, ["phrases", "--phrases", str(tmp_path)])
    assert result.exit_code == 2
    assert "bad.yaml" in result.output and "第3行" in result.output  # where the [ was left open


def test_a_phrasebank_under_a_hidden_folder_still_loads(tmp_path):
    """Installed under ~/.pyenv or ~/.local, the built-in phrasebank sits below a dot-folder: only hidden
    files and folders *inside* a phrasebank folder are skipped, never the folder's own ancestors."""
    folder = tmp_path / ".local" / "phrases"
    folder.mkdir(parents=True)
    (folder / "mine.yaml").write_text("- id: mine.point.001\n  category: point\n  text: 一要压实责任\n",
                                      encoding="utf-8")
    (folder / ".draft").mkdir()
    (folder / ".draft" / "skip.yaml").write_text("- id: skip.point.001\n  category: point\n  text: 不读\n",
                                                 encoding="utf-8")
    bank = load_phrasebank([folder], include_builtin=False)
    assert [e.id for e in bank.entries] == ["phrases:mine.point.001"]
