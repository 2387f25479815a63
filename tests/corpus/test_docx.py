"""Word (.docx) speeches in the corpus: paragraphs in order, automatic numbering as text, prose tables; hostile files."""

from __future__ import annotations

import hashlib
import io
import time
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from generator.cli import cli
from generator.corpus import read_speech
from generator.corpus.docx import docx_lines
from generator.errors import InputError
from generator.loader import read_docx

W = nsdecls("w")


def lines_of(path: Path) -> list[str]:
    return read_docx(path, "corpus", docx_lines)


def add_list(document, num_id: int, levels: list[tuple[str, str]], abstract_id: int | None = None) -> None:
    """A list definition: level k numbered in format levels[k][0] with lvlText levels[k][1]."""
    abstract_id = num_id if abstract_id is None else abstract_id
    numbering = document.part.numbering_part.element
    lvls = "".join(f'<w:lvl w:ilvl="{k}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
                   for k, (fmt, text) in enumerate(levels))
    numbering.append(parse_xml(f'<w:abstractNum {W} w:abstractNumId="{abstract_id}">{lvls}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {W} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>'))


def numbered(paragraph, num_id: int, level: int) -> None:
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {W}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))


SPEECH_LEVELS = [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3."), ("decimal", "（%4）")]


def test_a_seed_saved_as_word_reads_as_the_text_file_does(seeds_dir, tmp_path):
    for source in sorted(seeds_dir.iterdir()):
        text = read_speech(source)
        document = docx.Document()
        for line in text.clean_text().splitlines():
            document.add_paragraph(line)
        document.sections[0].header.paragraphs[0].text = "中共某某区委组织部"
        document.sections[0].footer.paragraphs[0].text = "— 1 —"
        document.save(tmp_path / f"{source.stem}.docx")
        word = read_speech(tmp_path / f"{source.stem}.docx")
        assert word.title == text.title
        assert [(p.text, p.role, p.level) for p in word.paragraphs] == [(p.text, p.role, p.level) for p in text.paragraphs]
        lines = lines_of(tmp_path / f"{source.stem}.docx")  # sources name the paragraph: file:line of the text
        assert all(p.text[:6] in lines[p.line - 1] for p in word.paragraphs)


def test_automatic_numbering_is_written_out_so_the_structure_reader_sees_the_headings(tmp_path):
    document = docx.Document()
    add_list(document, 9, SPEECH_LEVELS)
    add_list(document, 10, [("decimalEnclosedCircle", "%1")])
    document.add_paragraph("区委书记在全区基层党建工作述职评议会上的讲话")
    document.add_paragraph("同志们：")
    document.add_paragraph("今天，我们召开全区基层党建工作述职评议会，主要任务是听取述职、开展评议。")
    for text, level in [("提高政治站位", 0), ("加强理论学习", 1), ("开展集中学习", 2), ("开展专题研讨", 2),
                        ("压实工作责任", 1), ("强化基层组织", 0), ("整顿软弱涣散党组织", 1)]:
        numbered(document.add_paragraph(text), 9, level)
    numbered(document.add_paragraph("建强支部"), 10, 0)
    numbered(document.add_paragraph(""), 9, 0)  # an empty numbered paragraph gets no label
    document.save(tmp_path / "n.docx")
    assert lines_of(tmp_path / "n.docx")[3:] == [
        "一、提高政治站位", "（一）加强理论学习", "1.开展集中学习", "2.开展专题研讨", "（二）压实工作责任",
        "二、强化基层组织", "（一）整顿软弱涣散党组织", "①建强支部", ""]
    speech = read_speech(tmp_path / "n.docx")
    heads = [(p.text, p.level) for p in speech.paragraphs if p.level]
    assert heads[:3] == [("一、提高政治站位", 1), ("（一）加强理论学习", 2), ("1.开展集中学习", 3)]
    assert ("二、强化基层组织", 1) in heads


def test_numbering_from_a_heading_style_and_a_restarted_list(tmp_path):
    document = docx.Document()
    add_list(document, 5, SPEECH_LEVELS)
    style = document.styles["Heading 1"].element
    style.get_or_add_pPr().append(parse_xml(f'<w:numPr {W}><w:ilvl w:val="0"/><w:numId w:val="5"/></w:numPr>'))
    numbering = document.part.numbering_part.element
    numbering.append(parse_xml(f'<w:num {W} w:numId="6"><w:abstractNumId w:val="5"/>'
                               '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="3"/></w:lvlOverride></w:num>'))
    document.add_heading("提高政治站位", level=1)
    document.add_heading("强化基层组织", level=1)
    numbered(document.add_paragraph("从第三条讲起"), 6, 0)
    document.save(tmp_path / "s.docx")
    assert lines_of(tmp_path / "s.docx") == ["一、提高政治站位", "二、强化基层组织", "三、从第三条讲起"]


def test_tables_give_their_prose_and_not_their_labels(tmp_path):
    document = docx.Document()
    document.add_paragraph("同志们：")
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ("序号", "单位", "得分")):
        cell.text = text
    table.rows[1].cells[0].text = "1"
    table.rows[1].cells[1].text = "各级党组织要切实扛起管党治党政治责任，推动全面从严治党向基层延伸。"
    table.rows[1].cells[2].text = "95"
    layout = document.add_table(rows=1, cols=1)  # a whole passage set in a one-cell layout table
    layout.cell(0, 0).text = "二、强化基层组织"
    layout.cell(0, 0).add_paragraph("要持续整顿软弱涣散基层党组织，选优配强带头人，把基层党组织建设得更加坚强有力。")
    document.add_paragraph("散会。")
    document.save(tmp_path / "t.docx")
    assert lines_of(tmp_path / "t.docx") == [
        "同志们：", "各级党组织要切实扛起管党治党政治责任，推动全面从严治党向基层延伸。", "二、强化基层组织",
        "要持续整顿软弱涣散基层党组织，选优配强带头人，把基层党组织建设得更加坚强有力。", "散会。"]


def test_manual_line_breaks_and_what_is_not_the_speech(tmp_path):
    document = docx.Document()
    title = document.add_paragraph("区委书记在全区基层党建")
    title.add_run().add_break()
    title.add_run("工作述职评议会上的讲话")  # a title set on two lines is one line
    body = document.add_paragraph("同志们：")
    body.add_run().add_break()
    body.add_run("今天召开会议。")
    body.add_run().add_break()
    body.add_run("一、提高政治站位")  # Shift+Enter before an enumerator starts a line
    deleted = parse_xml(f'<w:del {W} w:id="1" w:author="a"><w:r><w:delText>删掉的话</w:delText></w:r></w:del>')
    body._p.append(deleted)
    document.save(tmp_path / "b.docx")
    assert lines_of(tmp_path / "b.docx") == ["区委书记在全区基层党建工作述职评议会上的讲话", "同志们：", "今天召开会议。",
                                             "一、提高政治站位"]


# ---------------------------------------------------------------- hostile files
def _good() -> bytes:
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("同志们：今天开会。")
    document.save(buffer)
    return buffer.getvalue()


def _rezip(parts: dict[str, bytes | None]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(_good()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in source.namelist():
            data = parts.get(name, source.read(name))
            if data is not None:
                z.writestr(name, data)
    return out.getvalue()


def _encrypted_entries() -> bytes:
    data = bytearray(_rezip({}))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # set the "encrypted" flag bit
        at = data.find(signature)
        while at >= 0:
            data[at + offset] |= 1
            at = data.find(signature, at + 4)
    return bytes(data)


_DOC = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
HOSTILE = {
    "zip bomb": (lambda: _rezip({"word/document.xml": b"<?xml version='1.0'?>" + b" " * (60 * 1024 * 1024)}), "压缩炸弹"),
    "malformed XML": (lambda: _rezip({"word/document.xml": f"<w:document xmlns:w='{_DOC}'><w:body><w:p>".encode()}),
                      "文件损坏"),
    "entity expansion": (lambda: _rezip({"word/document.xml": (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "哈哈哈哈哈哈哈哈"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        f'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><w:document xmlns:w="{_DOC}"><w:body><w:p><w:r><w:t>&c;</w:t>'
        '</w:r></w:p></w:body></w:document>').encode()}), "没有可用的讲话正文"),
    "nested too deep": (lambda: _rezip({"word/document.xml": (
        f'<w:document xmlns:w="{_DOC}"><w:body><w:p>' + "<w:r>" * 5000 + "</w:r>" * 5000
        + "</w:p></w:body></w:document>").encode()}), "文件损坏"),
    "password-protected": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096, "设了打开密码"),
    "encrypted zip entries": (_encrypted_entries, "加密的压缩包"),
    "plain text": (lambda: "同志们：这是改了扩展名的纯文本。".encode(), ".docx 应为 zip 压缩包"),
    "another zip": (lambda: _zip_of({"hello.txt": b"hi"}), "文件损坏"),
    "a spreadsheet": (lambda: _rezip({"[Content_Types].xml": zipfile.ZipFile(io.BytesIO(_good())).read(
        "[Content_Types].xml").replace(b"wordprocessingml.document.main", b"spreadsheetml.sheet.main")}), "文件损坏"),
    "truncated": (lambda: _good()[:3000], "zip 压缩包"),
    "no content types": (lambda: _rezip({"[Content_Types].xml": None}), "文件损坏"),
    "no document part": (lambda: _rezip({"word/document.xml": None}), "文件损坏"),
    "too many entries": (lambda: _zip_of({f"x/{i}.xml": b"" for i in range(10_001)}), "压缩炸弹"),
}


def _zip_of(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_word_file_is_an_input_error_not_a_traceback_or_a_hang(tmp_path, case):
    make, message = HOSTILE[case]
    path = tmp_path / "讲话.docx"
    path.write_bytes(make())
    start = time.perf_counter()
    with pytest.raises(InputError, match=message) as info:
        read_speech(path)
    assert info.value.path == str(path)
    assert time.perf_counter() - start < 5


def test_the_checker_reads_word_files_through_the_same_hardened_opening(tmp_path):
    from generator.checking.draft_reader import read_draft

    path = tmp_path / "稿.docx"
    path.write_bytes(HOSTILE["zip bomb"][0]())
    with pytest.raises(InputError, match="压缩炸弹"):
        read_draft(path)
    path.write_bytes(HOSTILE["password-protected"][0]())
    with pytest.raises(InputError, match="设了打开密码"):
        read_draft(path)


@pytest.mark.parametrize("name, message", [("旧稿.doc", "旧版 Word"), ("扫描.pdf", "PDF"), ("照片.jpg", "图片"),
                                           ("~$讲话.docx", "临时文件"), ("打包.zip", "压缩包")])
def test_kinds_an_archive_holds_are_named_before_they_are_read(tmp_path, name, message):
    path = tmp_path / name
    path.write_bytes(b"\0" * 70 * 1024 * 1024 if name.endswith(".pdf") else b"\0\1\2")  # never read: not even its size
    with pytest.raises(InputError, match=message):
        read_speech(path)


def test_a_word_file_named_txt_is_told_apart(tmp_path):
    (tmp_path / "讲话.txt").write_bytes(_good())
    with pytest.raises(InputError, match="扩展名改回 .docx"):
        read_speech(tmp_path / "讲话.txt")


def test_corpus_clean_reads_a_folder_of_word_files_and_reports_the_broken_one(runner, tmp_path):
    document = docx.Document()
    add_list(document, 3, SPEECH_LEVELS)
    document.add_paragraph("同志们：")
    numbered(document.add_paragraph("提高政治站位"), 3, 0)
    document.save(tmp_path / "a.docx")
    (tmp_path / "b.docx").write_bytes(HOSTILE["malformed XML"][0]())
    result = runner.invoke(cli, ["corpus", "clean", str(tmp_path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "一、提高政治站位" in result.stdout and "b.docx" in result.stderr and "Word" in result.stderr


def test_the_same_bytes_read_once(tmp_path, monkeypatch):
    """The bytes python-docx opens are the ones read (and size-checked) once: no second open of the path."""
    import generator.loader as loader

    path = tmp_path / "a.docx"
    path.write_bytes(_good())
    opened: list[str] = []
    real = loader.read_bytes

    def spy(p, kind="config", **k):
        opened.append(str(p))
        return real(p, kind, **k)

    monkeypatch.setattr(loader, "read_bytes", spy)
    monkeypatch.setattr("generator.corpus.reader.read_bytes", spy)
    assert read_speech(path).paragraphs
    assert opened == [str(path)]
    assert hashlib.sha256(path.read_bytes()).hexdigest()  # the file itself is untouched
