"""`mine` for a real archive: what each file gave (the summary), `mine --update` equal to a full mine, refusals, ids."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import docx
import pytest

from generator.bank.entries import entry_files, load_entry_file, load_phrasebank
from generator.errors import InputError
from generator.mining import store
from generator.mining.miner import MANIFEST, PENDING, corpus_keys, mine, mine_file
from tests.fault_helpers import fill_disk_at

SEEDS = ("000", "001", "002", "003", "004")


def seed(seeds_dir: Path, prefix: str) -> Path:
    return next(seeds_dir.glob(f"{prefix}_*.txt"))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def as_docx(text_file: Path, target: Path) -> Path:
    """The cleaned text of a seed as a Word file, one paragraph a line."""
    from generator.corpus import read_speech

    document = docx.Document()
    for line in read_speech(text_file).clean_text().splitlines():
        document.add_paragraph(line)
    target.parent.mkdir(parents=True, exist_ok=True)
    document.save(target)
    return target


@pytest.fixture
def archive(seeds_dir, tmp_path) -> Path:
    """A user's folder: three seeds (one in a year's subfolder, one as .docx), plus what archives hold."""
    corpus = tmp_path / "讲话稿"
    (corpus / "2024").mkdir(parents=True)
    shutil.copy(seed(seeds_dir, "000"), corpus / "书记讲话.txt")
    shutil.copy(seed(seeds_dir, "001"), corpus / "2024" / "书记讲话.txt")  # the same name in another folder
    as_docx(seed(seeds_dir, "002"), corpus / "2024" / "述职评议会讲话.docx")
    return corpus


def full_mine(corpus: Path, tmp_path: Path, name: str = "full") -> dict[str, bytes]:
    out = tmp_path / name
    mine([corpus], out)
    return snapshot(out)


# ---------------------------------------------------------------- --update is a full mine
def test_update_after_adding_changing_and_removing_files_equals_a_full_mine(archive, seeds_dir, tmp_path):
    pb = tmp_path / "我的短语库"
    first = mine([archive], pb)
    assert first.files == 3 and first.skipped == []
    # new speeches arrive (one .txt, one .docx), one is revised, one is taken out of the archive
    shutil.copy(seed(seeds_dir, "003"), archive / "2024" / "座谈会.txt")
    as_docx(seed(seeds_dir, "004"), archive / "点评.docx")
    with open(archive / "书记讲话.txt", "a", encoding="utf-8") as fh:
        fh.write("\n同志们，让我们以更加昂扬的精神状态，奋力谱写基层党建工作新篇章！\n")
    (archive / "2024" / "书记讲话.txt").unlink()
    report = mine([archive], pb, update=True)
    assert report.update and sorted(report.added) == ["2024/座谈会.txt", "点评.docx"]
    assert report.changed == ["书记讲话.txt"] and report.removed == ["2024/书记讲话.txt"]
    assert report.reused == ["2024/述职评议会讲话.docx"]
    assert "增量更新：新增 2 个、改动 1 个、删除 1 个文件，其余 1 个未变" in report.summary()
    assert snapshot(pb) == full_mine(archive, tmp_path)
    assert load_phrasebank([pb], include_builtin=False).entries  # the loader takes the folder


def test_update_mines_only_new_and_changed_files(archive, seeds_dir, tmp_path, monkeypatch):
    pb = tmp_path / "pb"
    mine([archive], pb)
    shutil.copy(seed(seeds_dir, "003"), archive / "新.txt")
    mined: list[str] = []
    real = mine_file

    def spy(path, key=None):
        mined.append(key)
        return real(path, key)

    monkeypatch.setattr("generator.mining.miner.mine_file", spy)
    calls: list[tuple[int, int]] = []
    mine([archive], pb, update=True, progress=lambda done, total, name: calls.append((done, total)))
    assert mined == ["新.txt"]
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]  # the bar still counts every file
    mined.clear()
    mine([archive], pb, update=True)  # nothing changed: nothing read but the bytes' hashes
    assert mined == []
    assert snapshot(pb) == full_mine(archive, tmp_path)


def test_update_with_jobs_and_a_moved_file(archive, tmp_path):
    pb = tmp_path / "pb"
    mine([archive], pb, jobs=2)
    (archive / "2025").mkdir()
    (archive / "书记讲话.txt").rename(archive / "2025" / "书记讲话.txt")  # moved: same bytes, new name
    report = mine([archive], pb, update=True, jobs=2)
    assert report.added == ["2025/书记讲话.txt"] and report.removed == ["书记讲话.txt"]
    assert snapshot(pb) == full_mine(archive, tmp_path)
    sources = {s for e in load_phrasebank([pb], include_builtin=False).entries for s in e.sources}
    assert any(s.startswith("2025/书记讲话.txt:") for s in sources)
    assert not any(s.startswith("书记讲话.txt:") for s in sources)


def test_update_keeps_and_reports_unreadable_files_like_a_full_mine(archive, tmp_path):
    pb = tmp_path / "pb"
    mine([archive], pb)
    (archive / "坏.docx").write_bytes(b"PK\x03\x04 not a zip at all")
    (archive / "空.txt").write_bytes(b"")
    first = mine([archive], pb, update=True)
    second = mine([archive], pb, update=True)
    assert first.skipped == second.skipped and [n for n, _ in first.skipped] == ["坏.docx", "空.txt"]
    assert snapshot(pb) == full_mine(archive, tmp_path)


# ---------------------------------------------------------------- ids and names
def test_ids_come_from_the_text_not_from_what_else_was_mined(seeds_dir, tmp_path):
    mine([seeds_dir], tmp_path / "all")
    one = tmp_path / "one"
    one.mkdir()
    shutil.copy(seed(seeds_dir, "000"), one)
    mine([one], tmp_path / "part")

    def ids(folder: Path) -> dict[tuple[str, str], str]:
        return {(e.category, e.text): e.id for p in entry_files(folder) for e in load_entry_file(p, origin="mined")}

    part, everything = ids(tmp_path / "part"), ids(tmp_path / "all")
    assert part and all(everything[key] == entry_id for key, entry_id in part.items())
    units = {(u["kind"], u["text"]): u["id"] for u in _units(tmp_path / "all")}
    assert all(units[u["kind"], u["text"]] == u["id"] for u in _units(tmp_path / "part"))


def _units(folder: Path) -> list[dict]:
    import yaml

    return yaml.safe_load((folder / "units.yaml").read_text(encoding="utf-8"))


def test_keys_are_paths_below_the_corpus_folder(tmp_path):
    (tmp_path / "a" / "2024").mkdir(parents=True)
    (tmp_path / "b").mkdir()
    files = [tmp_path / "a" / "x.txt", tmp_path / "a" / "2024" / "x.txt", tmp_path / "b" / "x.txt"]
    for f in files:
        f.write_text("x", encoding="utf-8")
    assert corpus_keys([tmp_path / "a"], files[:2]) == ["x.txt", "2024/x.txt"]
    assert corpus_keys([tmp_path / "a", tmp_path / "b"], files) == ["a/x.txt", "a/2024/x.txt", "b/x.txt"]
    assert corpus_keys([files[0]], files[:1]) == ["x.txt"]
    assert corpus_keys([files[0], files[2]], [files[0], files[2]]) == ["a/x.txt", "b/x.txt"]


# ---------------------------------------------------------------- the summary: what each file gave
def test_the_summary_says_what_each_category_got_and_why_files_gave_nothing(archive, seeds_dir, gwr_dir, tmp_path):
    shutil.copy(seed(seeds_dir, "000"), archive / "副本.txt")  # the same speech twice
    (archive / "空.txt").write_text("\n\u3000\n", encoding="utf-8")
    (archive / "网页.txt").write_text("首页 > 新闻\n版权所有 © 2024\n", encoding="utf-8")  # nothing once cleaned
    (archive / "扫描件.pdf").write_bytes(b"%PDF-1.7\n")
    (archive / "旧稿.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    (archive / "~$书记讲话.docx").write_bytes(b"\x05lock" * 30)
    (archive / "加密.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    (archive / "一句话.txt").write_text("今天天气很好。", encoding="utf-8")
    shutil.copy(gwr_dir / "1954.txt", archive / "政府工作报告.txt")
    report = mine([archive], tmp_path / "pb")
    why = dict(report.skipped)
    assert why["副本.txt"] == "与 书记讲话.txt 内容相同（清洗后一字不差），未重复计入"
    assert why["空.txt"].startswith("没有正文") and why["网页.txt"].startswith("没有正文")
    assert why["扫描件.pdf"].startswith("格式不支持——PDF")
    assert why["旧稿.doc"].startswith("格式不支持——这是旧版 Word 文件（.doc）")
    assert "临时文件" in why["~$书记讲话.docx"]
    assert why["加密.docx"].startswith("无法读取——这是设了打开密码（加密）的 Word 文件")
    assert why["一句话.txt"].startswith("读到了正文，但没有挖到任何条目或单元")
    assert [name for name, _, _ in report.off_genre] == ["政府工作报告.txt"]
    assert report.files == 4 and set(report.counts) >= {"point", "requirement"}
    assert set(report.unit_counts) <= {"head", "measure", "purpose", "judgement"} and report.unit_counts["head"]
    assert sum(report.unit_counts.values()) == report.units
    text = report.summary()
    assert text.startswith("已挖掘 4 个文件：条目 ") and "跳过 8 个。" in text.splitlines()[0]
    assert "要点（point）" in text and "小标题（head）" in text and "措施（measure）" in text
    assert "没有挖到内容的文件（8 个）：\n" in text and "\n  一句话.txt：读到了正文" in text
    assert "不像党建讲话的文件（1 个" in text and "政府工作报告.txt：条目" in text
    sources = json.loads((tmp_path / "pb" / MANIFEST).read_text(encoding="utf-8"))["sources"]
    assert "副本.txt" in sources and "扫描件.pdf" not in sources  # every readable file is in the copy check


def test_an_unforeseen_failure_in_one_file_is_that_file_skipped(archive, tmp_path, monkeypatch):
    import generator.mining.extract as extract

    real = extract.extract_speech

    def flaky(speech, units=None):
        if speech.name.endswith(".docx"):
            raise ZeroDivisionError
        return real(speech, units)

    monkeypatch.setattr(extract, "extract_speech", flaky)
    report = mine([archive], tmp_path / "pb")
    assert report.files == 2
    assert report.skipped == [("2024/述职评议会讲话.docx", "无法读取——读取或挖掘时出了意外的错误（ZeroDivisionError），已跳过")]


# ---------------------------------------------------------------- refusals
def test_update_refuses_what_it_cannot_build_on(archive, tmp_path, monkeypatch):
    with pytest.raises(InputError, match="不存在；第一次挖掘请不加 --update"):
        mine([archive], tmp_path / "none", update=True)
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "笔记.yaml").write_text("- id: a.b\n", encoding="utf-8")
    with pytest.raises(InputError, match="不是 speechgen mine 生成的短语库"):
        mine([archive], plain, update=True)
    pb = tmp_path / "pb"
    mine([archive], pb)
    before = snapshot(pb)
    monkeypatch.setattr(store, "EXTRACTOR_VERSION", store.EXTRACTOR_VERSION + 1)
    with pytest.raises(InputError, match="另一版本挖掘（speechgen .*挖掘规则第 1 版；现在是 .*第 2 版）") as info:
        mine([archive], pb, update=True)
    assert "--force" in info.value.message and info.value.path == str(pb)
    monkeypatch.undo()
    monkeypatch.setattr("generator.__version__", "9.9.9")
    with pytest.raises(InputError, match="另一版本挖掘"):
        mine([archive], pb, update=True)
    monkeypatch.undo()
    monkeypatch.setattr(store, "inputs_digest", lambda: "0" * 64)
    with pytest.raises(InputError, match="内置词表"):
        mine([archive], pb, update=True)
    monkeypatch.undo()
    assert snapshot(pb) == before


@pytest.mark.parametrize("damage, message", [
    ("no store", "旧版 speechgen 挖掘的，没有逐个文件的挖掘记录"),
    ("store", "与 manifest.json 记录的不符"),
    ("entries", "与 manifest.json 记录的不符"),
    ("foreign", "不是挖掘生成"),
    ("pending", "被打断"),
    ("format", "已损坏或格式不对"),
])
def test_update_refuses_a_folder_not_as_mine_left_it(archive, tmp_path, damage, message):
    pb = tmp_path / "pb"
    mine([archive], pb)
    manifest = json.loads((pb / MANIFEST).read_text(encoding="utf-8"))
    if damage == "no store":  # as an earlier speechgen wrote it
        (pb / store.FILENAME).unlink()
        del manifest["files"][store.FILENAME]
        (pb / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    elif damage == "store":
        (pb / store.FILENAME).write_bytes(b"\x1f\x8b broken")
    elif damage == "entries":
        (pb / "point.yaml").write_bytes((pb / "point.yaml").read_bytes() + b"# \xe6\x94\xb9\n")
    elif damage == "foreign":
        (pb / "我的.yaml").write_text("- id: my.one\n  category: point\n  text: 抓好党建\n", encoding="utf-8")
    elif damage == "pending":
        (pb / PENDING).write_text("{}", encoding="utf-8")
    else:  # a record of another format, its hash made to agree
        data = gzip.compress(json.dumps({"format": "speechgen-extraction/0"}).encode(), mtime=0)
        (pb / store.FILENAME).write_bytes(data)
        import hashlib

        manifest["files"][store.FILENAME] = hashlib.sha256(data).hexdigest()
        (pb / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    before = snapshot(pb)
    with pytest.raises(InputError, match=message) as info:
        mine([archive], pb, update=True)
    assert info.value.path == str(pb)
    assert snapshot(pb) == before


def test_the_record_is_documented_and_versioned(seeds_dir, tmp_path):
    mine([seeds_dir], tmp_path / "pb")
    doc = json.loads(gzip.decompress((tmp_path / "pb" / store.FILENAME).read_bytes()))
    assert doc["format"] == store.FORMAT and doc["extractor"] == store.EXTRACTOR_VERSION
    assert [f["key"] for f in doc["files"]] == sorted(p.name for p in seeds_dir.iterdir())
    first = doc["files"][0]
    assert set(first) == {"key", "sha256", "status", "text", "types", "entries", "units"}
    category, text, themes, line = first["entries"][0]
    assert isinstance(line, int) and isinstance(themes, list)
    for name in ("format", "speechgen", "extractor", "inputs", "files", "sha256", "status", "reason", "types"):
        assert f'"{name}"' in store.__doc__
    manifest = json.loads((tmp_path / "pb" / MANIFEST).read_text(encoding="utf-8"))
    assert store.FILENAME in manifest["files"]


def test_a_failed_update_leaves_the_phrasebank_as_it_was(archive, seeds_dir, tmp_path, monkeypatch):

    pb = tmp_path / "pb"
    mine([archive], pb)
    before = snapshot(pb)
    shutil.copy(seed(seeds_dir, "003"), archive / "新.txt")
    fill_disk_at(monkeypatch, 5)  # the disk fills up while the new set is written
    with pytest.raises(InputError, match="磁盘空间不足"):
        mine([archive], pb, update=True)
    monkeypatch.undo()
    assert snapshot(pb) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pb", "讲话稿"]  # no temporary folder left
    mine([archive], pb, update=True)  # and the next update completes it
    assert snapshot(pb) == full_mine(archive, tmp_path)
