"""Corpus reading: the seeds, messy variants of a clean original, bad input, and the CLI."""

from __future__ import annotations

import json
import re

import opencc
import pytest

from generator.cli import cli
from generator.corpus.reader import (Speech, corpus_files, decode_bytes, parse_text, read_corpus, read_speech)
from generator.errors import InputError
from conftest import seed_file

TONE_MARKS = re.compile("[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]")


def levels(speech: Speech, level: int) -> list[str]:
    return [p.text for p in speech.paragraphs if p.level == level]


# ---------------------------------------------------------------- seeds
def test_seed_001_title_headings_and_inline_subpoints(seeds_dir):
    speech = read_speech(seed_file("001"))
    assert speech.name == seed_file("001").name
    assert speech.title == "区委书记在党建工作会议上的讲话"
    assert speech.paragraphs[0].text == "同志们：" and speech.paragraphs[0].role == "salutation"
    assert levels(speech, 1) == ["一、提高政治站位，准确把握基层党建工作新要求",
                                 "二、夯实基层基础，持续推动党建工作全面进步",
                                 "三、强化责任落实，确保党建各项任务取得实效"]
    texts = [p.text for p in speech.paragraphs]
    start = texts.index("二、夯实基层基础，持续推动党建工作全面进步")
    end = texts.index("三、强化责任落实，确保党建各项任务取得实效")
    points = [p for p in speech.paragraphs[start:end] if p.role == "point"]
    heads = [re.match(r"^(.{2}.+?)。", p.text).group(1) for p in points]
    assert heads == ["一要加强党的政治建设", "二要强化带头人队伍建设", "三是严肃党内政治生活", "四是全力打造党建示范点",
                     "五是深化区域化党建工作机制", "六是推进地企党建机制", "七是扩大党的组织覆盖"]
    assert all(p.line == 10 for p in points)  # provenance: the one source line they ran together on
    assert speech.paragraphs[start].line == 9
    assert speech.paragraphs[-1].role == "closing"
    assert "下面，我就深入学习贯彻" in next(p.text for p in speech.paragraphs if p.role == "transition")


def test_seed_003_simplified_no_pinyin_no_footer(seeds_dir):
    speech = read_speech(seed_file("003"))
    text = speech.clean_text()
    assert "我们召开这次基层党建工作调研座谈会" in text
    assert "們" not in text and "會" not in text and "調" not in text
    assert not TONE_MARKS.search(text) and "(" not in text
    for footer in ("本文标题", "链接地址", "http", "版权声明", "二次传播", "微信订阅号", "联系客服"):
        assert footer not in text
    assert "村（社区）" in text and "乡镇（街道）" in text
    assert speech.title == "县委书记在调研基层党建工作座谈会上的讲话提纲"
    assert levels(speech, 1) == ["一、提高政治站位，深刻认识加强基层党建工作的重大意义", "二、聚焦重点任务，全面提升基层党建工作质量"]
    assert [p.text[:2] for p in speech.paragraphs if p.role == "point"] == ["一是", "二是", "三是", "四是"]
    assert "新建“两新”党组织*个" in text  # placeholders kept as written


def test_seed_004_title_and_rejoined_paragraphs(seeds_dir):
    speech = read_speech(seed_file("004"))
    assert speech.title == "区委书记在2025年全区基层党建工作述职评议会上的点评"
    texts = [p.text for p in speech.paragraphs]
    assert texts[0] == "同志们："
    para = ("过去一年，全区各级党组织坚持以习近平新时代中国特色社会主义思想为指导，认真落实中央和省、市、区委关于"
            "基层党建工作的决策部署，扎实推进基层党组织建设，各项工作取得了新成效，呈现出不少亮点。")
    assert para in texts
    assert next(p for p in speech.paragraphs if p.text == para).line == 11
    assert levels(speech, 1) == ["一、肯定成绩，坚定基层党建工作信心", "二、正视问题，找准基层党建工作短板"]
    assert levels(speech, 2) == ["（一）政治建设持续加强，引领作用更加凸显", "（二）组织体系不断健全，基层基础更加牢固",
                                 "（三）党员教育管理严格规范，先锋模范作用更加突出",
                                 "（四）党建引领基层治理成效显著，服务群众更加精准",
                                 "（五）党建责任落实有力，工作合力更加凝聚",
                                 "（一）政治建设还需进一步深化", "（二）组织建设还需进一步加强"]
    # every body paragraph is whole: no line of the wrapped source survives on its own
    assert all(len(t) > 40 for t in texts if t not in levels(speech, 1) + levels(speech, 2) + ["同志们："])
    assert texts[1].startswith("今天，我们召开全区基层党建工作述职评议会")
    assert texts[1].endswith("并提出了下一步工作思路和举措。下面，我结合大家的述职情况和平时掌握的情况，对全区基层党建工作进行点评。")


# Paragraphs of 200 characters: far longer than seed 004's wrap width, so finished paragraphs.
LONG_PARAS = [
    ("各级党组织要把抓好基层党建作为最大的政绩，书记要亲自抓、负总责，班子成员要落实一岗双责，"
     "形成一级抓一级、层层抓落实的工作格局。" * 4)[:199] + "。",
    ("要坚持问题导向，对照述职评议中指出的问题，逐条制定整改措施，明确整改时限和责任人，"
     "做到问题不解决不放过、整改不到位不放过。" * 4)[:199] + "。",
    ("要坚持抓基层、打基础，持续整顿软弱涣散党组织，选优配强带头人，推动党建工作与中心工作深度融合，"
     "以高质量党建引领高质量发展。" * 4)[:199] + "。",
]


def test_seed_004_wrapped_lines_mixed_with_long_paragraphs(seeds_dir):
    # A long line ending with 。 is a finished paragraph: the wrapped paragraph after it is not joined to it.
    src = seed_file("004").read_text(encoding="utf-8").split("\n")
    at = src.index("同志们:") + 1
    body = src.index("一、肯定成绩,坚定基层党建工作信心") + 1
    mixed = src[:at] + LONG_PARAS[:2] + src[at:body] + LONG_PARAS[2:] + src[body:]
    texts = [p.text for p in parse_text("\n".join(mixed)).paragraphs]
    plain = [p.text for p in read_speech(seed_file("004")).paragraphs]
    assert all(len(p) == 200 for p in LONG_PARAS)
    assert texts == plain[:1] + LONG_PARAS[:2] + plain[1:3] + LONG_PARAS[2:] + plain[3:]


def test_gwr_1998_digits_spaced_by_the_source_are_closed_up(gwr_dir):
    text = read_speech(gwr_dir / "1998.txt").clean_text()
    assert "1997年国内生产总值达到74772亿元，按可比价格计算，平均每年增长11%。" in text
    assert "人口自然增长率下降到10.06‰" in text and "关于1998年政府工作的建议" in text
    assert not re.search(r"\d \d|\d [%‰]", text)


def test_seed_000_unpunctuated_ordinal_headings(seeds_dir):
    speech = read_speech(seed_file("000"))
    assert speech.title == "在XX市党组织书记抓基层党建工作述职评议会议上的讲话"
    assert levels(speech, 1) == ["第一坚持把政治建设摆在首位持续筑牢对党忠诚的政治根基",
                                 "第二坚持把大抓基层作为导向全面锻造坚强过硬的战斗堡垒"]
    roles = [p.role for p in speech.paragraphs]
    assert roles[:4] == ["salutation", "opening", "evaluation", "situation"]
    assert roles.count("point") == 3
    assert "县（市、区）委书记" in speech.clean_text()


def test_seed_002_headings_agenda_and_adjourn(seeds_dir):
    speech = read_speech(seed_file("002"))
    assert speech.title == "在2022年全县党（工）委书记抓基层党建工作述职评议会上的讲话"
    assert [t[:2] for t in levels(speech, 1)] == ["一、", "二、", "三、"]
    agenda = [p.text for p in speech.paragraphs if p.role == "agenda"]
    assert agenda == ["今天的会议共有4项议程，下面逐项进行：", "第一项，进行述职点评。", "首先，请***同志述职，由我进行点评；",
                      *["请***同志述职，由我进行点评；"] * 4, "第二项，请***同志讲话；（大家欢迎）"]
    assert speech.paragraphs[-1].role == "adjourn"
    assert "………" not in speech.clean_text()


def test_to_dict_and_clean_text_shapes(seeds_dir):
    speech = read_speech(seed_file("001"))
    d = speech.to_dict()
    assert list(d) == ["title", "paragraphs"] and set(d["paragraphs"][0]) == {"text", "role", "level"}
    lines = speech.clean_text().split("\n")
    assert lines[0] == speech.title and lines[-1] == "" and len(lines) == len(speech.paragraphs) + 2


# ---------------------------------------------------------------- messy variants of a clean original
FOOTER = "本文标题:{t}\n链接地址:http://example.com/index/article/detail/405624.html\n版权声明\n作者原创,不允许二次传播。\n微信订阅号\n联系客服\n"
HEADER = "当前位置： 首页>> 讲话\n【字体：大 中 小】\n中央政府门户网站　www.gov.cn　　来源：新华社\n"


@pytest.fixture(params=["000", "001", "002", "004"])
def original(request, seeds_dir) -> str:
    """The clean text of a seed: what every messy variant must come back to."""
    return read_speech(seed_file(request.param)).clean_text()


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-16-be", "utf-8-sig", "utf-8"])
def test_reencoded_variants(original, encoding, tmp_path):
    data = original.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    f = tmp_path / "v.txt"
    f.write_bytes(data)
    assert read_speech(f).clean_text() == original


def test_traditional_with_glosses_variant(original):
    trad = opencc.OpenCC("s2t").convert(original)
    glossed = trad.replace("會", "會(huì)").replace("長", "長(zhǎng)").replace("調", "調(diào)").replace("黨", "黨（dǎng）")
    assert glossed != trad or "會" not in trad
    assert parse_text(glossed).clean_text() == original


def test_hard_wrapped_variant(original):
    title, *paras = original.rstrip("\n").split("\n")
    width = next(w for w in range(30, 40) if all(len(p) % w for p in paras))  # no paragraph ends flush right
    wrapped = [title] + [p[i:i + width] for p in paras for i in range(0, len(p), width)]
    assert parse_text("\n".join(wrapped)).clean_text() == original


def _short_wrap(text: str, width: int) -> list[str]:
    """``text`` cut about every ``width`` characters, never right after a sentence mark or a closing quote
    and never before a sub-point marker: the breaks a short file's rejoining must recognise."""
    out, start = [], 0
    while len(text) - start > width:
        cut = start + width
        while cut < len(text) and (text[cut - 1] in "。！？；：”）" or text[cut] in "一二三四五六七八九十（—第"):
            cut += 1
        out.append(text[start:cut])
        start = cut
    return [*out, text[start:]] if start < len(text) else out


def test_short_hard_wrapped_variant(original):
    # One paragraph wrapped into a few lines: too few for a wrap width, still rejoined.
    lines = original.rstrip("\n").split("\n")
    done = 0
    for i, para in enumerate(lines):
        wrapped = _short_wrap(para, 26)
        if i < 2 or para[1:2] in ("、", "）") or not 2 <= len(wrapped) <= 5:
            continue
        text = "\n".join(lines[:i] + wrapped + lines[i + 1:])
        assert parse_text(text).clean_text() == original, wrapped
        done += 1
    assert done >= 1


QA_SHORT = """關於加強基層黨建工作的講話
同志們：
今年以來，各級黨組織認真落實上級部署，有序推進各項重點
任務，成效明顯。這為我們做好下一步工作奠定了基礎，大家要
珍惜成績、再接再厲，推動工作不斷邁上新台階。
一、提高政治站位。一要加強學習，二要狠抓落實，三要強化擔當。
第一，要層層傳導壓力（街道）。
"""


def test_short_traditional_gb18030_file_wraps_inline_points_and_ordinal_point(tmp_path, runner):
    f = tmp_path / "short.txt"
    f.write_bytes(QA_SHORT.encode("gb18030"))
    speech = read_speech(f)
    assert speech.title == "关于加强基层党建工作的讲话"
    assert [(p.text, p.role, p.level, p.line) for p in speech.paragraphs] == [
        ("同志们：", "salutation", None, 2),
        ("今年以来，各级党组织认真落实上级部署，有序推进各项重点任务，成效明显。这为我们做好下一步工作奠定了基础，"
         "大家要珍惜成绩、再接再厉，推动工作不断迈上新台阶。", "achievements", None, 3),
        ("一、提高政治站位。", "section", 1, 6),
        ("一要加强学习，", "point", None, 6), ("二要狠抓落实，", "point", None, 6), ("三要强化担当。", "point", None, 6),
        ("第一，要层层传导压力（街道）。", "point", None, 7)]
    assert parse_text(speech.clean_text()).clean_text() == speech.clean_text()
    result = runner.invoke(cli, ["corpus", "show", "--json", str(f)])
    assert result.exit_code == 0
    assert json.loads(result.output)["paragraphs"][-1] == {"text": "第一，要层层传导压力（街道）。", "role": "point",
                                                          "level": None}


def test_short_file_lines_that_end_without_a_mark_are_not_joined():
    # A title and its date, agenda lines, short list lines, headlines, an unpunctuated heading.
    lines = ["在全县基层党建工作会议上的讲话", "（2024年3月1日）", "同志们：", "会议议程", "首先，请县委副书记通报情况",
             "今天的会议主要有三项内容，下面逐项进行。", "加强学习，提高素质", "狠抓落实，强化担当",
             "调整国民经济的任务已经基本完成，国民经济已经全面好转，并将进入一个新的发展时期",
             "周总理在讲到国民经济的成就的时候指出，我国的国民经济，经过一九五八年到一九六○年的大发展，"
             "从一九六一年起，进入一个调整、巩固、充实、提高的时期。",
             "外媒热议政府工作报告：中国的发展成就令人赞叹", "代表委员审议政府工作报告和十二五规划纲要",
             "第一坚持把政治建设摆在首位持续筑牢对党忠诚的政治根基", "党的政治建设是党的根本性建设。"]
    speech = parse_text("\n".join(lines))
    assert speech.title == lines[0]
    assert [p.text for p in speech.paragraphs] == lines[1:]
    assert [p.text for p in speech.paragraphs if p.level == 1] == ["第一坚持把政治建设摆在首位持续筑牢对党忠诚的政治根基"]


def test_cluttered_variant(original):
    title, rest = original.split("\n", 1)
    messy = (HEADER + title + "\n\n" + rest.replace("\n", "\n\n　　", 3).replace("，", ",", 5)
             + "\n（责任编辑： 郭桢\n）\n" + FOOTER.format(t=title) + "http://example.com/share\n<U+00A0>\n")
    assert parse_text(messy).clean_text() == original


def test_repeated_variant(original):
    page = HEADER + original + "【E-mail推荐\n】\n"
    assert parse_text(page * 6).clean_text() == original


# ---------------------------------------------------------------- bad input
def test_bad_input_raises_input_error_naming_the_file(tmp_path):
    cases = {"binary.txt": bytes(range(256)) * 4, "empty.txt": b"", "blank.txt": b" \n\n\t\n",
             "unknown.txt": bytes([0x80 + (i * 37) % 128 for i in range(400)]),
             "only_clutter.txt": "版权声明\n】\n".encode()}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(InputError) as err:
            read_speech(tmp_path / name)
        assert name in str(err.value)
    with pytest.raises(InputError, match="不存在"):
        read_speech(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="文件夹"):
        read_speech(tmp_path)


def test_decode_bytes_detects_not_assumes():
    text = "同志们：今天召开全县基层党建工作会议。"
    for enc in ("utf-8", "gbk", "gb18030", "utf-16", "utf-16-le", "big5"):
        data = (opencc.OpenCC("s2t").convert(text * 3) if enc == "big5" else text * 3).encode(enc)
        assert opencc.OpenCC("t2s").convert(decode_bytes(data, "x")) == text * 3, enc


def test_corpus_files_and_read_corpus(tmp_path, seeds_dir):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("同志们：\n今天开会。\n", encoding="utf-8")
    (tmp_path / "a.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / ".hidden").write_text("x", encoding="utf-8")
    assert corpus_files([tmp_path]) == [tmp_path / "a.txt", tmp_path / "sub" / "b.txt"]
    results = list(read_corpus([tmp_path]))
    assert isinstance(results[0][1], InputError) and isinstance(results[1][1], Speech)
    with pytest.raises(InputError):
        corpus_files([tmp_path / "nope"])


# ---------------------------------------------------------------- CLI
def test_cli_clean_and_show_json(runner, seeds_dir):
    result = runner.invoke(cli, ["corpus", "clean", str(seed_file("004"))])
    assert result.exit_code == 0
    assert result.output.split("\n")[0] == "区委书记在2025年全区基层党建工作述职评议会上的点评"
    result = runner.invoke(cli, ["corpus", "show", "--json", str(seed_file("001"))])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["title"] == "区委书记在党建工作会议上的讲话"
    assert {"text": "一、提高政治站位，准确把握基层党建工作新要求", "role": "section", "level": 1} in data["paragraphs"]
    result = runner.invoke(cli, ["corpus", "show", str(seed_file("002"))])
    assert result.exit_code == 0 and "[agenda] 第一项，进行述职点评。" in result.output


@pytest.mark.parametrize("content", [None, b"", b"\x00\x01\x02\x03" * 50])
def test_cli_bad_file_exit_2_chinese_no_traceback(runner, tmp_path, content):
    f = tmp_path / "bad.txt"
    if content is not None:
        f.write_bytes(content)
    for cmd in (["corpus", "clean", str(f)], ["corpus", "show", "--json", str(f)]):
        result = runner.invoke(cli, cmd)
        assert result.exit_code == 2
        assert "错误：" in result.output and "bad.txt" in result.output
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)


def test_cli_folder_reports_bad_files_and_goes_on(runner, tmp_path, seeds_dir):
    (tmp_path / "a.txt").write_bytes(seed_file("001").read_bytes())
    (tmp_path / "b.bin").write_bytes(b"\x00\xff" * 100)
    (tmp_path / "c.txt").write_text("同志们：\n今天开会。\n", encoding="utf-16")
    result = runner.invoke(cli, ["corpus", "clean", str(tmp_path)])
    assert result.exit_code == 2
    assert "区委书记在党建工作会议上的讲话" in result.output and "今天开会。" in result.output
    assert "跳过：" in result.output and "b.bin" in result.output and "有 1 个文件无法读取" in result.output
    result = runner.invoke(cli, ["corpus", "show", "--json", str(tmp_path)])
    assert result.exit_code == 2
    payload = result.output[result.output.index("["):result.output.rindex("]") + 1]
    assert [item["file"].rsplit("/", 1)[-1] for item in json.loads(payload)] == ["a.txt", "c.txt"]


def test_a_phrasebank_inside_the_corpus_is_not_read_as_speeches(tmp_path, runner, seeds_dir):
    """2.12: an old phrasebank (YAML entries, manifest.json, fingerprints) lying in the corpus was mined
    as 16 speeches; the folder is left out now, and said so."""
    from generator import mine

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    seed = seed_file("001")
    (corpus / seed.name).write_bytes(seed.read_bytes())
    mine([corpus], tmp_path / "pb")
    (tmp_path / "pb").rename(corpus / "oldbank")
    notes: list[str] = []
    assert corpus_files([corpus], notes) == [corpus / seed.name]
    assert len(notes) == 1 and "oldbank" in notes[0] and "短语库" in notes[0]
    # named itself, it is still listed (mine then refuses it as its own output, or reads what is asked)
    assert corpus / "oldbank" / "manifest.json" in corpus_files([corpus / "oldbank"])
    result = runner.invoke(cli, ["mine", str(corpus), "-o", str(tmp_path / "new")])
    assert result.exit_code == 0, result.output
    assert "已挖掘 1 个文件" in result.stdout and "oldbank" in result.stderr
    sources = json.loads((tmp_path / "new" / "manifest.json").read_text(encoding="utf-8"))["sources"]
    assert sources == [seed.name]
    result = runner.invoke(cli, ["corpus", "clean", str(corpus)])
    assert result.exit_code == 0 and "oldbank" in result.stderr and "achievement.yaml" not in result.stdout


def test_a_folder_with_a_foreign_manifest_json_is_still_corpus(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "manifest.json").write_text('{"format": "other"}', encoding="utf-8")
    (tmp_path / "sub" / "a.txt").write_text("同志们：\n今天开会。\n", encoding="utf-8")
    assert corpus_files([tmp_path]) == [tmp_path / "sub" / "a.txt", tmp_path / "sub" / "manifest.json"]


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="needs FIFOs")
def test_a_fifo_in_a_corpus_folder_is_reported_as_skipped_not_passed_over(tmp_path, runner):
    """3.07: a FIFO in the corpus was silently left out (corpus clean exited 0, mine said 跳过 0 个)."""
    import os

    (tmp_path / "a.txt").write_text("同志们：\n今天开会。\n", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    results = dict(read_corpus([tmp_path]))
    assert isinstance(results[tmp_path / "pipe.txt"], InputError)
    assert "不是普通文件" in results[tmp_path / "pipe.txt"].format()
    result = runner.invoke(cli, ["corpus", "clean", str(tmp_path)])
    assert result.exit_code == 2 and "跳过：" in result.stderr and "pipe.txt" in result.stderr
    assert "今天开会。" in result.stdout
