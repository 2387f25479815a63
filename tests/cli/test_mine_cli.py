"""`speechgen mine` on a user's archive from the shell: the summary, `--update`, and its refusals (exit 2)."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx

from generator.cli import cli


def _archive(seeds_dir: Path, tmp_path: Path, prefixes=("000", "001")) -> Path:
    corpus = tmp_path / "讲话稿"
    corpus.mkdir(exist_ok=True)
    for prefix in prefixes:
        shutil.copy(next(seeds_dir.glob(f"{prefix}_*.txt")), corpus)
    return corpus


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_mine_prints_what_each_category_got_and_which_files_gave_nothing(runner, seeds_dir, tmp_path):
    corpus = _archive(seeds_dir, tmp_path)
    (corpus / "扫描件.pdf").write_bytes(b"%PDF-1.4")
    (corpus / "坏.docx").write_bytes(b"PK\x03\x04broken")
    result = runner.invoke(cli, ["mine", str(corpus), "-o", str(tmp_path / "pb")])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("已挖掘 2 个文件：条目 ") and "跳过 2 个。" in out
    assert "\n条目：" in out and "要点（point）" in out and "\n单元：" in out and "小标题（head）" in out
    assert "没有挖到内容的文件（2 个）：\n  坏.docx：无法读取——这不是有效的 Word 文件" in out
    assert "  扫描件.pdf：格式不支持——PDF 文件不能直接读取" in out
    assert "Traceback" not in result.output


def test_mine_update_from_the_shell_equals_a_full_mine(runner, seeds_dir, tmp_path):
    corpus = _archive(seeds_dir, tmp_path)
    pb = tmp_path / "pb"
    assert runner.invoke(cli, ["mine", str(corpus), "-o", str(pb)]).exit_code == 0
    document = docx.Document()
    for line in next(seeds_dir.glob("002_*.txt")).read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    document.save(corpus / "新讲话.docx")
    (corpus / next(seeds_dir.glob("000_*.txt")).name).unlink()
    result = runner.invoke(cli, ["mine", str(corpus), "-o", str(pb), "--update"])
    assert result.exit_code == 0, result.output
    assert "增量更新：新增 1 个、改动 0 个、删除 1 个文件，其余 1 个未变，沿用上次的挖掘结果。" in result.stdout
    full = tmp_path / "full"
    assert runner.invoke(cli, ["mine", str(corpus), "-o", str(full), "--jobs", "2"]).exit_code == 0
    assert _files(pb) == _files(full)


def test_mine_update_refusals_are_chinese_messages_with_exit_2(runner, seeds_dir, tmp_path):
    corpus = _archive(seeds_dir, tmp_path, ("000",))
    cases = {tmp_path / "没有": "不存在；第一次挖掘请不加 --update"}
    other = tmp_path / "别的文件夹"
    other.mkdir()
    (other / "笔记.txt").write_text("随手记", encoding="utf-8")
    cases[other] = "不是 speechgen mine 生成的短语库"
    for out, message in cases.items():
        result = runner.invoke(cli, ["mine", str(corpus), "-o", str(out), "--update"])
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith(f"错误：{out}：") and message in result.stderr
        assert "Traceback" not in result.output
    assert _files(other) == {"笔记.txt": "随手记".encode()}


def test_mine_help_tells_of_update(runner):
    result = runner.invoke(cli, ["mine", "--help"])
    assert result.exit_code == 0 and "--update" in result.output and "增量更新" in result.output
