"""`render --sources` writes OUT.sources.md and OUT.sources.json with the draft, all or nothing; `phrases` and
the sources show which corpus (built-in or the user's folder) each entry and unit came from."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES
from generator.cli import cli
from generator.writers.sources import sources_markdown

EXAMPLE = str(EXAMPLES / "shuzhi_speech.yaml")


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def user_bank(tmp_path_factory, seeds_dir) -> Path:
    """A user's phrasebank folder 我的讲话, mined from two of the seed speeches."""
    from generator.mining.miner import mine

    root = tmp_path_factory.mktemp("user")
    corpus = root / "讲话稿"
    corpus.mkdir()
    for name in sorted(p.name for p in seeds_dir.glob("*.txt"))[:2]:
        shutil.copy(seeds_dir / name, corpus / name)
    mine([corpus], root / "我的讲话")
    return root / "我的讲话"


def test_sources_writes_the_json_beside_the_md_and_they_agree(runner, tmp_path):
    out = tmp_path / "d.docx"
    result = runner.invoke(cli, ["render", EXAMPLE, "-o", str(out), "--sources"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.docx", "d.docx.sources.json", "d.docx.sources.md"]
    raw = (tmp_path / "d.docx.sources.json").read_bytes()
    data = json.loads(raw.decode("utf-8"))
    assert data["version"] == 1 and raw.endswith(b"}\n")
    # the .md is the JSON's data in Chinese: rebuilt from the file, it is the .md byte for byte
    assert sources_markdown(data) == (tmp_path / "d.docx.sources.md").read_text(encoding="utf-8")
    again = tmp_path / "again"
    result = runner.invoke(cli, ["render", EXAMPLE, "-o", str(again / "d.docx"), "--sources"])
    assert result.exit_code == 0 and (again / "d.docx.sources.json").read_bytes() == raw  # deterministic


def test_stdout_keeps_the_markdown_form_only(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["render", EXAMPLE, "-o", "-", "--sources"])
    assert result.exit_code == 0, result.output
    assert "# 出处：" in result.stdout and "← 模板 shuzhi_speech/speech.j2" in result.stdout
    assert '"version"' not in result.stdout and os.listdir(tmp_path) == []


def test_a_user_phrasebank_shows_its_namespace_folder_and_corpus_lines(runner, tmp_path, user_bank):
    out = tmp_path / "d.md"
    result = runner.invoke(cli, ["render", EXAMPLE, "-o", str(out), "--sources", "--phrases", str(user_bank)])
    assert result.exit_code == 0, result.output
    data = read_json(tmp_path / "d.md.sources.json")
    spans = [s for p in data["paragraphs"] for s in p["spans"] if s["kind"] in ("entry", "unit")]
    ours = [s for s in spans if not s["builtin"]]
    assert ours, "the user's folder gave the draft nothing"
    corpus_files = {p.name for p in (user_bank.parent / "讲话稿").iterdir()}
    for s in ours:
        assert s["namespace"] == "我的讲话" and s["id"].startswith("我的讲话:") and s["found"]
        assert s["folder"] == str(user_bank)
        assert s["provenance"] and {p["file"] for p in s["provenance"]} <= corpus_files
        assert all(isinstance(p["line"], int) and p["line"] >= 1 for p in s["provenance"])
    assert all(s["namespace"] in ("curated", "mined") for s in spans if s["builtin"])
    banks = {b["namespace"]: b for b in data["phrasebanks"]}
    assert not banks["我的讲话"]["builtin"] and banks["我的讲话"]["folder"] == str(user_bank)
    assert data["phrasebanks"][0]["namespace"] == "我的讲话"  # the user's folders listed first
    md = (tmp_path / "d.md.sources.md").read_text(encoding="utf-8")
    assert f"用户短语库“我的讲话”（{user_bank}）" in md
    first = ours[0]
    where = f"{first['provenance'][0]['file']}:{first['provenance'][0]['line']}"
    assert f"用户短语库{'单元' if first['kind'] == 'unit' else ''} {first['id']}（" in md and where in md
    assert "内置短语库 " in md  # built-ins still fill the gaps, and say so


def test_phrases_shows_which_corpus_each_entry_and_unit_came_from(runner, user_bank):
    result = runner.invoke(cli, ["phrases", "--phrases", str(user_bank), "-c", "point"])
    assert result.exit_code == 0, result.output
    assert f"来源：用户短语库“我的讲话”（{user_bank}）  出处：0" in result.stdout
    assert "来源：内置手写  出处：手写" in result.stdout and "来源：内置挖掘  出处：0" in result.stdout
    result = runner.invoke(cli, ["phrases", "--phrases", str(user_bank), "--units", "-c", "measure"])
    assert result.exit_code == 0, result.output
    assert "[measure]" in result.stdout and "[point]" not in result.stdout
    assert "我的讲话:measure." in result.stdout and "来源：内置挖掘" in result.stdout and "个单元" in result.stderr
    result = runner.invoke(cli, ["phrases", "--phrases", str(user_bank), "--units", "--json"])
    units = json.loads(result.stdout)
    ours = [u for u in units if u["id"].startswith("我的讲话:")]
    assert ours and all(not u["builtin"] and u["namespace"] == "我的讲话" and u["folder"] == str(user_bank)
                        and u["provenance"][0]["line"] >= 1 for u in ours)
    assert all(u["builtin"] and u["namespace"] == "mined" for u in units if u not in ours)
    result = runner.invoke(cli, ["phrases", "-c", "transition", "--json"])
    rows = json.loads(result.stdout)
    assert rows and all(r["builtin"] and r["folder"] == f"phrasebank/{r['namespace']}" for r in rows)
    result = runner.invoke(cli, ["phrases", "--units", "-c", "point"])
    assert result.exit_code == 2 and "未知的单元种类" in result.stderr and "Traceback" not in result.output


def test_each_writes_both_sources_files_for_every_draft(runner, tmp_path):
    folder = tmp_path / "点评"
    result = runner.invoke(cli, ["render", str(EXAMPLES / "dianping.yaml"), "--each", "-o", str(folder), "--sources"])
    assert result.exit_code == 0, result.output
    drafts = sorted(p for p in folder.iterdir() if p.suffix == ".docx")
    assert len(drafts) >= 2
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        name for d in drafts for name in (d.name, f"{d.name}.sources.md", f"{d.name}.sources.json"))
    titles = set()
    for d in drafts:
        data = read_json(d.with_name(d.name + ".sources.json"))
        assert sources_markdown(data) == d.with_name(d.name + ".sources.md").read_text(encoding="utf-8")
        titles.add(json.dumps(data["paragraphs"], ensure_ascii=False))
    assert len(titles) == len(drafts)  # one person each, not one file copied


def test_each_checks_every_sources_json_before_writing_any(runner, tmp_path):
    scratch = tmp_path / "scratch"
    first = runner.invoke(cli, ["render", str(EXAMPLES / "dianping.yaml"), "--each", "-o", str(scratch), "--sources"])
    assert first.exit_code == 0, first.output
    last = sorted(p.name for p in scratch.iterdir() if p.name.endswith(".sources.json"))[-1]
    folder = tmp_path / "点评"
    folder.mkdir()
    (folder / last).write_text("手写的笔记", encoding="utf-8")  # the last reporter's JSON is already there
    result = runner.invoke(cli, ["render", str(EXAMPLES / "dianping.yaml"), "--each", "-o", str(folder), "--sources"])
    assert result.exit_code == 2 and last in result.stderr and "--force" in result.stderr
    assert os.listdir(folder) == [last] and (folder / last).read_text(encoding="utf-8") == "手写的笔记"


def test_an_existing_sources_json_is_refused_before_any_work(runner, tmp_path):
    side = tmp_path / "d.md.sources.json"
    side.write_text("{}", encoding="utf-8")
    result = runner.invoke(cli, ["render", EXAMPLE, "-o", str(tmp_path / "d.md"), "--sources"])
    assert result.exit_code == 2 and "d.md.sources.json" in result.stderr and "--force" in result.stderr
    assert os.listdir(tmp_path) == ["d.md.sources.json"] and side.read_text(encoding="utf-8") == "{}"
    result = runner.invoke(cli, ["render", EXAMPLE, "-o", str(tmp_path / "d.md"), "--sources", "--force"])
    assert result.exit_code == 0 and read_json(side)["version"] == 1


def test_a_sources_json_that_is_a_folder_is_refused_even_with_force(runner, tmp_path):
    (tmp_path / "d.md.sources.json").mkdir()
    result = runner.invoke(cli, ["render", EXAMPLE, "-o", str(tmp_path / "d.md"), "--sources", "--force"])
    assert result.exit_code == 2 and "d.md.sources.json" in result.stderr and "文件夹" in result.stderr
    assert "Traceback" not in result.output and sorted(os.listdir(tmp_path)) == ["d.md.sources.json"]


def test_a_sources_json_that_cannot_be_written_leaves_no_output(runner, tmp_path, monkeypatch):
    """The third file (the JSON) failing to write: neither the draft nor the .md is left behind."""
    import errno

    import generator.atomic as atomic

    real = atomic._write_temp

    def write_temp(p, data):
        if str(p).endswith(".sources.json"):
            from generator.errors import InputError

            raise InputError(f"无法写入：{atomic.os_reason(OSError(errno.EACCES, 'denied'))}", path=p)
        return real(p, data)

    monkeypatch.setattr(atomic, "_write_temp", write_temp)
    out = tmp_path / "sub" / "d.md"
    result = runner.invoke(cli, ["render", EXAMPLE, "-o", str(out), "--sources"])
    assert result.exit_code == 2 and "d.md.sources.json" in result.stderr and "没有写入权限" in result.stderr
    assert "一个都没有写入" in result.stderr and "已生成" not in result.output
    assert os.listdir(tmp_path) == []  # not the draft, not the .md, not the folder made for them


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions, not root")
def test_a_read_only_folder_is_refused_without_a_traceback(runner, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = runner.invoke(cli, ["render", EXAMPLE, "-o", str(folder / "d.md"), "--sources"])
    finally:
        folder.chmod(0o755)
    assert result.exit_code == 2 and "没有写入权限" in result.stderr and "Traceback" not in result.output
    assert os.listdir(folder) == []
