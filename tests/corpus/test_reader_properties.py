"""Properties of reading: idempotent cleaning, no crash on any input, the whole gwr corpus reads."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import GWR, SEEDS
from generator.corpus.reader import Speech, decode_bytes, parse_text, read_corpus
from generator.errors import InputError


def clean(text: str) -> str:
    return parse_text(text).clean_text()


# Fragments of real speeches and of real mess, so the generator reaches the structural rules too.
FRAGMENTS = ["同志们：", "各位代表！", "一、提高站位", "（一）政治建设", "第一坚持把政治建设摆在首位", "1.加强", "（1）落实",
             "一要加强学习。", "二要狠抓落实。", "三是强化考核。", "一是", "第二，", "今天召开会议，", "刚才述职，", "散会。",
             "区委书记在2025年全区基层", "党建工作述职评议会上的点评", "XX区", "***同志", "*个", "X余万元", "20**年",
             "調(diào)研", "會(huì)議", "同志們:", "本文标题:讲话", "http://x.cn/a", "【字体：大 中 小】", "<U+00A0>",
             "１２３", ",", ":", "(", ")", "。", "　　", " ", "\n", "\n", "\n",
             "全区各级党组织坚持以习近平新时代中国特色社会", "主义思想为指导认真落实中央和省市区委关于基层",
             "(diào)", "（zhǒng）", "(hang2)", "<U+003C>", "<U+", "00A0>", "2．", "．5", "\t", "\u00a0",
             "document.write(", "来源：新华网", "】", "”", "）",
             # broken lines a short file must rejoin, and comma-separated inline runs
             "有序推进各项重点", "任务，成效明显。这为我们", "大家要", "一要加强学习，", "二要狠抓落实，", "三要强化担当，",
             "第一，要层层传导压力。", "第二，", "“", "X",
             # digits the source spaced out, and lists of numbers that stay apart
             "1 9 9 7 年", "1 1 ％", "1 5 ．3 ％", "0 ．0 6 ‰", "1 2 3", "7 4 7 7 2 亿元", "1.5 2.5", " 1", "2 "]
structured = st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join)


def _wrap(text: str, width: int) -> str:
    return "\n".join(line[i:i + width] for line in text.split("\n") for i in range(0, max(len(line), 1), width))


# Hard wraps cut anywhere: inside a token, a gloss, a number, between a mark and its word.
wrapped = st.tuples(st.lists(st.sampled_from(FRAGMENTS), min_size=10, max_size=60).map("".join),
                    st.integers(12, 30)).map(lambda t: _wrap(*t))
repeated = st.lists(st.lists(st.sampled_from(FRAGMENTS), max_size=6).map("".join), max_size=25).map(
    lambda ls: "\n".join(ls + ls[: len(ls) // 2]))
any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)


_TOKEN = re.compile(r"<U\+[0-9A-Fa-f]{4,6}>")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(any_text, structured, repeated, wrapped))
# The footer title was read from the raw text, before tokens and widths were normalised.
@example("本文标题:讲话<U+00A0>")
# A decoded token spelled another token; a wrap cut a token in two.
@example("在全区会议上的讲话\n<U+003C>U+0041>")
@example("(一)政治建设持续加强,\n引领作用更加凸显(一)政\n治建设持续加强,引领作用\n更加凸显(一)政治建设持\n"
         "续加强,引领作用更加凸显\n(一)政治建设持续加强,\n引领作用更加凸显(一)政\n治建设持续加强,引领作用\n"
         "更加凸显(一)政治建设持\n续加强,引领作用更加凸显\n(一)政治建设还需进一步\n深化(一)政治建设持续加\n"
         "强,引领作用更加凸显<U\n+00A0>")
# Removing one gloss put the next one (or a space, then one) right after an ideograph.
@example("(一)政治建设持续加强,引领作用更加凸显(diào)(diào)")
@example("(一)政治建设持续加强,引领作用更加凸显(diào)<U+00A0>(diào)")
# A closing bracket wrapped onto a line of its own completed a gloss after the line was cleaned.
@example("讲话\n同志们：\n要加强调（diào\n）")
# Squeezing the spaces put a full-width dot between two digits.
@example("2．\t3月5日，李克强作报告。")
# The title was chosen among lines, before a line's first pieces were dropped as clutter.
@example("一是党建责任全面落实。本文标题:讲话document.write(三是严肃党内政治生活。大政方针、工作部署，都要靠基层组织来宣传、"
         "贯彻，才能落到实处，见到实效。二是")
# Repeats were dropped after the title was chosen, so the re-read joined a title broken over two lines.
@example(":\n今天召开全市党组织书记抓基层党建工作述职\n:\n今天召开全市党组织书记抓基层党建工作述职\n"
         "在XX市党组织书记抓基层党建工作述职评议会议上的讲话\n同志们")
# A short file broken mid-sentence, with an inline comma run and a 第一，要… sub-point.
@example("关于加强基层党建工作的讲话\n同志们：\n今年以来，各级党组织认真落实上级部署，有序推进各项重点\n"
         "任务，成效明显。这为我们做好下一步工作奠定了基础，大家要\n珍惜成绩、再接再厉，推动工作不断迈上新台阶。\n"
         "一、提高政治站位。一要加强学习，二要狠抓落实，三要强化担当。\n第一，要层层传导压力（街道）。")
# Joining a title broken over two lines made a heading (0. + :0 → 0.:0), so the re-read split it again.
@example("0.\n:0\n同志们")
def test_cleaning_is_idempotent_and_never_raises(text):
    once = clean(text)
    assert clean(once) == once
    assert "\r" not in once and not _TOKEN.search(once)


# Slices of the real files, glued together: wraps, glosses, footers and scraped pages cut anywhere.
SOURCES = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))] if SEEDS.is_dir() else []
if GWR.is_dir():
    SOURCES += [(GWR / "2010.txt").read_text(encoding="utf-8")[:20000], (GWR / "2014.txt").read_text(encoding="utf-8"),
                (GWR / "1998.txt").read_text(encoding="utf-8")[:20000]]  # digits spaced out: 1 9 9 7 年
slices = st.lists(st.tuples(st.sampled_from(SOURCES or [""]), st.integers(0, 20000), st.integers(0, 3000)).map(
    lambda t: t[0][t[1]:t[1] + t[2]]), min_size=1, max_size=4).map("\n".join)


@pytest.mark.skipif(not SOURCES, reason="../shared/corpus not present")
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(slices)
def test_cleaning_real_fragments_is_idempotent(text):
    once = clean(text)
    assert clean(once) == once


@pytest.mark.slow
def test_every_real_file_reads_back_to_itself(seeds_dir, gwr_dir):
    for path, speech in read_corpus([seeds_dir, gwr_dir]):
        once = speech.clean_text()
        assert parse_text(once).clean_text() == once, path.name


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_structure_is_consistent(text):
    speech = parse_text(text)
    assert isinstance(speech, Speech)
    n_lines = len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    assert all(p.text and "\n" not in p.text and 1 <= p.line <= n_lines for p in speech.paragraphs)
    assert all((p.role == "section") == (p.level is not None) for p in speech.paragraphs)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_decode_bytes_returns_text_or_input_error(data):
    try:
        text = decode_bytes(data, "fuzz.bin")
    except InputError as err:
        assert "fuzz.bin" in str(err)
    else:
        assert isinstance(text, str)


@pytest.mark.slow
def test_all_gwr_files_read_without_repeats(gwr_dir):
    results = list(read_corpus([gwr_dir]))
    assert len(results) == 50
    errors = [(path.name, r) for path, r in results if isinstance(r, InputError)]
    assert errors == []
    for path, speech in results:
        text = speech.clean_text()
        assert len(speech.paragraphs) > 20, path.name
        assert "<U+" not in text and "www.gov.cn" not in text and "【字体" not in text, path.name
        assert not text.startswith("#") and "责任编辑" not in text, path.name
        assert not re.search("[０-９]", text), path.name
        # Short lines may recur legitimately (各位代表！, a table of contents); long ones never do.
        keys = Counter(re.sub(r"[\W_]+", "", p.text) for p in speech.paragraphs)
        repeats = [k[:20] for k, n in keys.items() if n > 1 and len(k) >= 20]
        assert repeats == [], path.name
    # A scraper repeated most pages about six times; one copy of each is left.
    total = sum(len(s.clean_text()) for _, s in results)
    assert 800_000 < total < 1_300_000
