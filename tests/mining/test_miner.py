"""Tests for generator.mining.miner and generator.mining.extract: the committed phrasebank, determinism, categories, safety."""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cli import cli
from generator.corpus.reader import parse_text
from generator.errors import InputError
from generator.mining.extract import extract_speech, parallels
from generator.zh import sentences
from generator.mining.generalise import Context, generalise, is_junk
from generator.mining.miner import MANIFEST, mine
from generator.bank.entries import entry_files, load_entry_file, load_phrasebank
from generator.resources import phrasebank_dir
from tests.fault_helpers import fill_disk_at

COMMITTED = phrasebank_dir() / "mined"


@pytest.fixture(scope="module")
def fresh(seeds_dir, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("mined")
    mine([seeds_dir], out)
    return out


def texts(folder: Path, category: str) -> list[str]:
    path = folder / f"{category}.yaml"
    return [e.text for e in load_entry_file(path)] if path.exists() else []


def test_committed_phrasebank_is_a_fresh_mine_of_the_seeds(fresh):
    names = sorted(p.name for p in COMMITTED.iterdir())
    assert names == sorted(p.name for p in fresh.iterdir())
    for name in names:
        assert (COMMITTED / name).read_bytes() == (fresh / name).read_bytes(), (
            f"{name} 已过期：请运行 python -m generator mine ../shared/corpus/seeds -o phrasebank/mined --force")


def test_seed_targets(fresh):
    count = {c: len(texts(fresh, c)) for c in ("point", "parallel", "section_heading", "formula", "slogan",
                                                "opening", "transition", "problem_intro", "closing")}
    assert count["point"] >= 30 and count["parallel"] >= 20 and count["section_heading"] >= 10
    assert count["formula"] + count["slogan"] >= 25
    assert min(count["opening"], count["transition"], count["problem_intro"], count["closing"]) >= 3
    assert len(texts(fresh, "requirement")) >= 30 and len(texts(fresh, "idiom")) >= 10


def test_examples_of_the_issue_are_found(fresh):
    assert "一要深化理论武装，在学懂弄通做实上持续用力" in texts(fresh, "point")
    par = texts(fresh, "parallel")
    for series in ("全面进步、全面过硬", "一起谋划、一起部署、一起推动、一起考核", "知敬畏、存戒惧、守底线"):
        assert series in par
    assert {"两个确立", "四个意识", "七个有之", "三会一课"} <= set(texts(fresh, "formula"))
    assert {"基础不牢，地动山摇", "持续用力，久久为功"} <= set(texts(fresh, "idiom"))
    assert "下面，我讲{count}点意见。" in texts(fresh, "transition")
    assert any(t.startswith("在肯定成绩的同时") for t in texts(fresh, "problem_intro"))
    assert "今天的会议就到这里，现在散会。" in texts(fresh, "adjourn")
    assert "提高政治站位，准确把握基层党建工作新要求" in texts(fresh, "section_heading")


def test_no_junk_and_well_formed_entries(fresh, seeds_dir):
    lines = {p.name: p.read_bytes().count(b"\n") + 1 for p in seeds_dir.iterdir()}
    for path in sorted(p for p in fresh.glob("*.yaml") if p.name != "units.yaml"):
        entries = load_entry_file(path, origin="mined")
        assert [e.id for e in entries] == sorted(e.id for e in entries)
        for e in entries:
            assert re.fullmatch(rf"{e.category}\.[0-9a-f]{{8,}}", e.id)  # derived from the text
            assert not is_junk(e.text), e.text
            assert not re.search(r"[A-Za-z]|XX|\*|…|http", re.sub(r"\{[a-z_]+\}", "", e.text)), e.text
            assert e.count == len(e.sources) >= 1 or e.count > len(e.sources)
            for src in e.sources:
                name, line = src.rsplit(":", 1)
                assert 1 <= int(line) <= lines[name]


def test_ids_are_stable_and_jobs_do_not_matter(runner, seeds_dir, fresh, tmp_path):
    out = tmp_path / "j2"
    result = runner.invoke(cli, ["mine", str(seeds_dir), "-o", str(out), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert "point" in result.output
    for p in fresh.iterdir():
        assert (out / p.name).read_bytes() == p.read_bytes()


def test_output_folder_safety(seeds_dir, tmp_path):
    out = tmp_path / "out"
    mine([seeds_dir / "002_41f555587b626695.txt"], out)
    with pytest.raises(InputError, match="--force"):
        mine([seeds_dir / "002_41f555587b626695.txt"], out)
    (out / "stale.yaml").write_text("- id: x.y\n", encoding="utf-8")
    with pytest.raises(InputError, match="stale.yaml"):
        mine([seeds_dir], out, force=True)
    (out / "stale.yaml").unlink()
    point = out / "point.yaml"
    point.write_text(point.read_text("utf-8") + "# 手工改动\n", encoding="utf-8")
    with pytest.raises(InputError, match="point.yaml"):
        mine([seeds_dir], out, force=True)
    assert point.read_text("utf-8").endswith("# 手工改动\n")


def test_remine_removes_own_stale_files(seeds_dir, tmp_path):
    out = tmp_path / "out"
    mine([seeds_dir], out)
    assert (out / "adjourn.yaml").exists()
    mine([seeds_dir / "000_0fa2a7f282b22982.txt"], out, force=True)
    assert not (out / "adjourn.yaml").exists()
    assert MANIFEST in {p.name for p in out.iterdir()}


def test_unreadable_files_are_skipped(seeds_dir, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_bytes((seeds_dir / "002_41f555587b626695.txt").read_bytes())
    (corpus / "b.bin").write_bytes(bytes(range(256)) * 8)
    (corpus / "c.txt").write_bytes(b"")
    report = mine([corpus], tmp_path / "out")
    assert report.files == 1 and sorted(n for n, _ in report.skipped) == ["b.bin", "c.txt"]
    with pytest.raises(InputError):
        mine([tmp_path / "missing"], tmp_path / "out2")


# ---------------------------------------------------------------- never losing the user's phrasebank
def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (hidden ones included), by relative path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def one_seed(seeds_dir, tmp_path, name="000_0fa2a7f282b22982.txt") -> Path:
    corpus = tmp_path / f"corpus_{name[:3]}"
    corpus.mkdir()
    (corpus / name).write_bytes((seeds_dir / name).read_bytes())
    return corpus


def test_nothing_readable_is_refused_and_the_old_set_kept(runner, seeds_dir, tmp_path):
    """`mine DIR -o PB --force` with no readable input once exited 0 and deleted the whole phrasebank."""
    out = tmp_path / "pb"
    mine([one_seed(seeds_dir, tmp_path)], out)
    before = snapshot(out)
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "a.bin").write_bytes(bytes(range(256)) * 8)
    (junk / "b.txt").write_bytes(b"")
    result = runner.invoke(cli, ["mine", str(junk), "-o", str(out), "--force"])
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert "都无法读取" in result.stderr and "原有的挖掘结果未改动" in result.stderr and "a.bin" in result.stderr
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus_000", "junk", "pb"]  # no temporary folder left
    with pytest.raises(InputError, match="未写入任何文件"):
        mine([junk], tmp_path / "new")
    assert not (tmp_path / "new").exists()


class Crash(BaseException):
    """Stands for the process dying (kill -9, power cut) at that point."""


def test_out_of_space_mid_mine_leaves_the_old_set_intact(seeds_dir, tmp_path, monkeypatch):
    out = tmp_path / "pb"
    mine([one_seed(seeds_dir, tmp_path)], out)
    before = snapshot(out)
    fill_disk_at(monkeypatch, 4)  # the disk fills up while the new set is written
    with pytest.raises(InputError, match="磁盘空间不足"):
        mine([seeds_dir], out, force=True)
    monkeypatch.undo()
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus_000", "pb"]
    assert load_phrasebank([out], include_builtin=False).entries


def test_an_interrupted_swap_is_refused_by_the_loader_and_mended_by_force(seeds_dir, tmp_path, monkeypatch):
    """Killed while making the new set current: the folder mixes old and new files. Loading it is refused
    (naming the folder), and `mine --force` still recognises every file as its own and completes the set."""
    out = tmp_path / "pb"
    mine([one_seed(seeds_dir, tmp_path)], out)
    assert load_phrasebank([out], include_builtin=False).entries
    moved = {"n": 0}
    real_replace = os.replace

    def replace(src, dst, *a, **k):
        if Path(dst).parent == out and Path(dst).name.endswith(".yaml"):
            moved["n"] += 1
            if moved["n"] == 3:
                raise Crash()
        return real_replace(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(Crash):
        mine([seeds_dir], out, force=True)
    monkeypatch.undo()
    with pytest.raises(InputError, match="不完整") as info:
        load_phrasebank([out], include_builtin=False)
    assert info.value.path == str(out)
    with pytest.raises(InputError, match="不完整"):
        load_phrasebank([tmp_path])  # also when the mined folder sits below a --phrases folder
    mine([seeds_dir], out, force=True)
    fresh_all = tmp_path / "fresh"
    mine([seeds_dir], fresh_all)
    assert snapshot(out) == snapshot(fresh_all)
    assert load_phrasebank([out], include_builtin=False).entries


@pytest.mark.parametrize("damage", ["no manifest", "edited", "extra file", "missing file"])
def test_a_mined_folder_that_disagrees_with_its_manifest_is_refused(seeds_dir, tmp_path, damage):
    out = tmp_path / "pb"
    mine([one_seed(seeds_dir, tmp_path)], out)
    if damage == "no manifest":
        (out / MANIFEST).unlink()
    elif damage == "edited":
        (out / "point.yaml").write_bytes((out / "point.yaml").read_bytes() + b"# x\n")
    elif damage == "extra file":
        (out / "slogan2.yaml").write_text("- id: x.slogan.001\n  category: slogan\n  text: 撸起袖子加油干\n",
                                         encoding="utf-8")
    else:
        (out / "point.yaml").unlink()
    with pytest.raises(InputError, match="不完整") as info:
        load_phrasebank([out], include_builtin=False)
    assert info.value.path == str(out)


def test_the_committed_mined_folder_passes_its_own_check():
    assert load_phrasebank([COMMITTED], include_builtin=False).query(category="point")


def test_an_output_folder_inside_the_corpus_is_not_mined(runner, seeds_dir, tmp_path):
    """`mine -o` a folder inside the corpus once mined its own output on the next run."""
    corpus = one_seed(seeds_dir, tmp_path)
    out = corpus / "pb"
    first = mine([corpus], out)
    assert first.files == 1
    before = snapshot(out)
    result = runner.invoke(cli, ["mine", str(corpus), "-o", str(out), "--force"])
    assert result.exit_code == 0, result.output
    assert "已挖掘 1 个文件" in result.stdout and "跳过 0 个" in result.stdout
    assert "在语料之中" in result.stderr
    assert snapshot(out) == before
    with pytest.raises(InputError, match="输出文件夹之内"):
        mine([out], out, force=True)


def test_a_fifo_in_the_output_folder_is_foreign_not_a_hang(seeds_dir, tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    out = tmp_path / "pb"
    mine([one_seed(seeds_dir, tmp_path)], out)
    os.mkfifo(out / "pipe.yaml")
    with pytest.raises(InputError, match="pipe.yaml"):
        mine([seeds_dir], out, force=True)


def test_an_unwritable_output_is_refused_before_mining(seeds_dir, tmp_path, monkeypatch):
    import tempfile

    def refuse(*a, **k):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    monkeypatch.setattr("generator.mining.miner._run", lambda *a: pytest.fail("mined before checking"))
    with pytest.raises(InputError, match="没有写入权限"):
        mine([one_seed(seeds_dir, tmp_path)], tmp_path / "pb")


CTX = Context(level="区", year=2026)


@pytest.mark.parametrize("raw, expected", [
    ("为加快建设美丽XX市提供了坚实组织保障", "为加快建设美丽{place}提供了坚实组织保障"),
    ("全区各级党组织要在我区发展中当先锋", "{scope}各级党组织要在{our}发展中当先锋"),
    ("认真落实中央和省、市、区委的部署", "认真落实中央和省、市、{committee}的部署"),
    ("总结2025年工作，安排部署2026年重点任务", "总结{review_year}年工作，安排部署{year}年重点任务"),
    ("共改造党建示范点X个，投入X余万元", "共改造党建示范点{n}个，投入{n}余万元"),
    ("出席会议的有***同志", "出席会议的有{name}同志"),
    ("江北区各级党组织要带头", "{place}各级党组织要带头"),
    ("是中国共产党成立105周年", "是中国共产党成立105周年"),
    ("社区居委会要配合", "社区居委会要配合"),
])
def test_generalise(raw, expected):
    assert generalise(raw, CTX) == expected


@pytest.mark.parametrize("raw", ["2016年，确保经费不低于上年", "《XX日报》进行了报道", "XX区、XX市等8位书记",
                                 "*社区党组织建立红色物业"])
def test_generalise_drops_what_cannot_be_slotted(raw):
    assert generalise(raw, CTX) is None


def test_transition_count_slot():
    assert generalise("下面，我再讲四个方面的意见：", CTX, count_slot=True) == "下面，我再讲{count}个方面的意见："


@given(st.text(alphabet="XX*区县市全我委年20251个，。、“”江北区同志党建", max_size=40))
@settings(max_examples=300, deadline=None)
def test_generalise_never_leaves_masks(text):
    out = generalise(text, CTX)
    assert out is None or not re.search(r"XX|\*|\d{4}年", out)


def test_junk_filter():
    for bad in ("调(diào)研", "链接地址：http://x.cn", "………………", "XX党建计划", "***同志", "“未闭合"):
        assert is_junk(bad)
    assert not is_junk("{scope}各级党组织要压实责任。")


@pytest.mark.parametrize("sentence, series", [
    ("推动基层党建工作全面进步、全面过硬。", "全面进步、全面过硬"),
    ("坚持把党建工作与中心工作一起谋划、一起部署、一起推动、一起考核，从政治上扛起责任。",
     "一起谋划、一起部署、一起推动、一起考核"),
    ("让党员干部知敬畏、存戒惧、守底线。", "知敬畏、存戒惧、守底线"),
    ("在政治立场、政治方向、政治原则、政治道路上同党中央保持高度一致。", "政治立场、政治方向、政治原则、政治道路"),
    ("必须坚持问题导向、目标导向、结果导向相统一。", "问题导向、目标导向、结果导向"),
    ("唯有责任落实，才有工作落实；唯有责任到位，才有工作到位。", "唯有责任落实，才有工作落实"),
])
def test_parallels(sentence, series):
    assert series in parallels(sentence)


def test_no_parallel_in_plain_prose():
    assert parallels("要以XX国有企业党建联席会议为平台，开展党建工作经验交流和工作研讨。") == []
    assert parallels("按照“一办一品牌、一社一特色”的思路推进。") == []


def test_sentences_keep_quotes_whole():
    assert sentences("他说：“要这样。再那样。”好。") == ["他说：“要这样。再那样。”", "好。"]


def test_extract_is_pure_and_tags_meeting_types(seeds_dir):
    speech = parse_text((seeds_dir / "004_60153ce0caa60b09.txt").read_text("utf-8"), "004.txt")
    first, second = extract_speech(speech), extract_speech(speech)
    assert first == second
    assert {c[3] for c in first} == {("dianping", "shuzhi_speech")}
    assert all(c[4].startswith("004.txt:") for c in first)


def test_mined_yaml_is_valid_yaml(fresh):
    for path in fresh.glob("*.yaml"):
        assert isinstance(yaml.safe_load(path.read_text("utf-8")), list)


@pytest.mark.slow
def test_all_gwr_files_mine(gwr_dir, tmp_path):
    report = mine([gwr_dir], tmp_path / "gwr", jobs=2)
    assert report.files == 50 and report.skipped == []
    assert sum(report.counts.values()) > 1000
    for path in entry_files(tmp_path / "gwr"):
        for e in load_entry_file(path, origin="mined"):
            assert not is_junk(e.text), (path.name, e.text)
