"""Tests for reading drafts (.txt in any encoding, .md, .docx) into paragraph lines."""

from __future__ import annotations

import docx
import pytest

from generator.checking.draft_reader import md_lines, read_draft, text_lines
from generator.errors import InputError

from conftest import seed_file

LINES = ["区委书记在2026年全区党建工作会议上的讲话", "同志们：", "今天我们召开会议。", "一、提高政治站位",
         "1.加强学习", "共有*个支部，投入X余万元。"]


def test_text_lines_strip_blank_and_indent():
    assert text_lines("\ufeff标题\n\n\u3000\u3000同志们：  \r\n正文\n") == ["标题", "同志们：", "正文"]


def test_md_markup_removed_but_masks_and_numbers_kept():
    md = ("# 区委书记在2026年全区党建工作会议上的讲话\n\n同志们：\n\n> 今天我们召开**会议**。\n\n---\n\n"
          "## 一、提高政治站位\n\n1.加强学习\n\n- 共有*个支部，投入X余万元。\n<!-- 注释 -->\n")
    assert md_lines(md) == LINES
    assert md_lines("\\*\\*粗体\\*\\*与__下划线__") == ["**粗体**与下划线"]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16"])
def test_txt_any_encoding(tmp_path, encoding):
    path = tmp_path / "d.txt"
    path.write_bytes("\n".join(LINES).encode(encoding))
    assert read_draft(path) == LINES


def test_docx_paragraphs_in_order_with_title(tmp_path):
    d = docx.Document()
    title = d.add_heading(LINES[0][:8], level=0)
    title.add_run().add_break()
    title.add_run(LINES[0][8:])  # a long title set on two lines is still one paragraph
    for line in LINES[1:]:
        d.add_paragraph(line)
    d.add_paragraph("")
    d.sections[0].footer.paragraphs[0].text = "— 1 —"  # footers are not part of the speech
    d.save(tmp_path / "d.docx")
    assert read_draft(tmp_path / "d.docx") == LINES


@pytest.mark.parametrize("name,data,word", [
    ("missing.txt", None, "不存在"), ("empty.md", b"\n \n", "空"), ("x.pdf", b"%PDF", "不支持"),
    ("noext", b"abc", "不支持"), ("bad.docx", b"PK not really", "Word"), ("markup.md", b"---\n\n", "没有文字"),
])
def test_bad_input(tmp_path, name, data, word):
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_draft(path)
    assert word in info.value.message


def test_folder_is_bad_input(tmp_path):
    folder = tmp_path / "d.txt"
    folder.mkdir()
    with pytest.raises(InputError):
        read_draft(folder)


def test_hard_wrapped_text_is_read_as_paragraphs():
    paras = ["今天，我们召开全区基层党建工作述职评议会，主要目的是深入贯彻落实新时代党的建设总要求和新时代党的组织路线，"
             "通过述职评议的方式，总结过去一年基层党建工作成效，查找存在的问题和不足，明确下一步工作方向，推动全区基层"
             "党建工作再上新台阶。",
             "过去一年，全区各级党组织坚持以习近平新时代中国特色社会主义思想为指导，认真落实中央和省、市、区委关于基层"
             "党建工作的决策部署，扎实推进基层党组织建设，持续深化党支部标准化规范化建设，加大对软弱涣散基层党组织的"
             "整顿力度，各项工作取得了新成效，呈现出不少亮点和特色。"]
    wrapped = [p[k:k + 30] for p in paras for k in range(0, len(p), 30)]
    first = -(-len(paras[0]) // 30)
    text = "\n".join(["区委书记在2025年全区基层", "党建工作述职评议会上的点评", "同志们:", *wrapped[:first], "一、肯定成绩",
                      *wrapped[first:]])
    assert text_lines(text) == ["区委书记在2025年全区基层党建工作述职评议会上的点评", "同志们:", paras[0], "一、肯定成绩", paras[1]]
    assert text_lines("\n".join(LINES)) == LINES  # one paragraph a line: nothing joined
    seed = read_draft(seed_file("004"))
    assert seed[0] == "区委书记在2025年全区基层党建工作述职评议会上的点评" and len(seed) < 30


def _docx_with(tmp_path, name: str, document_xml: bytes, pad: int = 0):
    import io
    import zipfile

    from conftest import EXAMPLES
    from generator.jobs import load, serialize
    from generator.drafting.compose import compose

    good = serialize(compose(load(EXAMPLES / "zuotan_outline.yaml")), ".docx")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = document_xml if info.filename == "word/document.xml" else src.read(info)
            dst.writestr(info.filename, data)
        if pad:
            dst.writestr("word/padding.bin", b"\0" * pad)
    path = tmp_path / name
    path.write_bytes(out.getvalue())
    return path


@pytest.mark.parametrize("xml", [
    b"<w:document><w:body><w:p>",  # malformed
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><d>&c;&c;&c;</d>',  # entity expansion
])
def test_broken_docx_is_not_a_word_file(tmp_path, xml):
    with pytest.raises(InputError, match="这不是有效的 Word 文件"):
        read_draft(_docx_with(tmp_path, "bad.docx", xml))


def test_zip_bomb_docx_is_refused_before_unpacking(tmp_path):
    import zipfile

    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<a/>")
        z.writestr("word/bomb.bin", b"\0" * (300 * 1024 * 1024))
    with pytest.raises(InputError, match="压缩炸弹"):
        read_draft(path)


def test_an_oversized_draft_is_refused_quickly(tmp_path):
    path = tmp_path / "huge.md"
    path.write_text("要坚持党建引领，推动基层治理现代化。\n" * 300_000, encoding="utf-8")  # about 16 MB
    with pytest.raises(InputError, match="超过了 4 MB 的上限"):
        read_draft(path)
