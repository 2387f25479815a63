"""Round trip through LibreOffice: .docx → PDF → text and page count; a first-page PNG for a person to look at."""

from __future__ import annotations

import html
import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.document import Block, Draft, Span
from generator.writers.docx import render_docx
from generator.writers.house_style import Style

from conftest import SEEDS

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                       reason="需要 LibreOffice（soffice）和 poppler-utils（pdftotext）；CI 会安装"),
]

_HEADING = [(re.compile(r"^[一二三四五六七八九十]+、"), 1), (re.compile(r"^（[一二三四五六七八九十]+）"), 2),
            (re.compile(r"^\d+\."), 3), (re.compile(r"^（\d+）"), 4)]
_CJK = r"[\u4e00-\u9fff“”（）]"


def _fullwidth(text: str) -> str:
    """Half-width , : ; ( ) next to Chinese, as the corpus reader would fix them."""
    for half, full in ((",", "，"), (":", "："), (";", "；"), ("(", "（"), (")", "）")):
        text = re.sub(rf"(?<={_CJK}){re.escape(half)}|{re.escape(half)}(?={_CJK})", full, text)
    return text


def sample_draft(limit: int = 1500) -> Draft:
    """A realistic ~1500-character draft: the first seed speech, cut after ``limit`` characters."""
    seed = next(SEEDS.glob("000_*.txt"), None)
    if seed is None:
        pytest.skip("../shared/corpus/seeds not present")
    lines = [_fullwidth(s.strip()) for s in seed.read_text(encoding="utf-8").splitlines() if s.strip()]
    blocks, total = [Block.of("salutation", lines[1])], 0
    for line in lines[2:]:
        level = next((lvl for rx, lvl in _HEADING if rx.match(line)), None)
        if level and len(line) < 40:
            blocks.append(Block.of("heading", line, level))
        elif m := re.match(r"^([一二三四五六七八九十]要[^。]*。)(.*)$", line):
            blocks.append(Block("paragraph", (Span(m.group(1), emphasis=True), Span(m.group(2)))))
        else:
            blocks.append(Block.of("paragraph", line))
        total += len(line)
        if total >= limit:
            break
    blocks.insert(3, Block("paragraph", (Span("今年共有"), Span("〔待补：述职人数〕", "placeholder"),
                                         Span("名同志述职。"))))
    blocks.insert(2, Block.of("heading", "一、充分肯定成绩", 1))
    blocks.insert(4, Block.of("heading", "（一）政治建设有力加强", 2))
    return Draft(title=lines[0], blocks=tuple(blocks), byline=("XX市委书记　XXX", "（2026年1月15日）"),
                 meta={"year": 2026})


def to_pdf(docx_bytes: bytes, work: Path) -> Path:
    src = work / "draft.docx"
    src.write_bytes(docx_bytes)
    profile = (work / "lo-profile").resolve().as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(work), str(src)], check=True, capture_output=True, timeout=240)
    return work / "draft.pdf"


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


#: Marks LibreOffice may hang into the right margin (and then drop) at the end of a justified line.
HANGING = set("，。、；：？！”’）》〕】…—")


def hanging_marks(pdf: Path, st: Style | None = None) -> list[tuple[str, float]]:
    """Words (pdftotext -bbox) whose right edge lies past the text block's right margin, by how far (pt)."""
    st = st or Style()
    right = (11906 - round(st.margin_right_mm * 1440 / 25.4)) / 20
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    out = []
    for m in re.finditer(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', bbox):
        word, x_max = html.unescape(m.group(2)), float(m.group(1))
        if x_max > right + 1.0 and not _FOOTER_LINE.match(word):
            out.append((word, round(x_max - right, 1)))
    return out


def lines_needed(draft: Draft, st: Style) -> int:
    """Grid lines the draft fills: title lines, byline, one blank line, then each block at 28 a line."""
    per_title_line = int(442 // st.title_size)
    title = math.ceil(len(draft.title) / per_title_line)
    body = sum(math.ceil((len(b.text) + (0 if b.kind == "salutation" else 2)) / st.chars_per_line)
               for b in draft.blocks)
    return title + len(draft.byline) + int(st.blank_after_title) + body


def _squash(text: str) -> str:
    return re.sub(r"\s", "", text)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    draft = sample_draft()
    work = tmp_path_factory.mktemp("roundtrip")
    pdf = to_pdf(render_docx(draft), work)
    return draft, pdf, work


_FOOTER_LINE = re.compile(r"^\s*—\s*(\d+)\s*—\s*$", re.M)


def test_pdf_gives_back_every_character(rendered):
    draft, pdf, _ = rendered
    text = pdf_text(pdf)
    # every page carries its own number, 1, 2, 3 …, between em dashes
    assert [int(n) for n in _FOOTER_LINE.findall(text)] == list(range(1, pdf_pages(pdf) + 1))
    assert _squash(_FOOTER_LINE.sub("", text)) == _squash("".join(draft.paragraphs))


def test_no_mark_hangs_into_the_margin(rendered):
    """w:overflowPunct=1: LibreOffice keeps a line-final ，。、 inside the text block (with 0 it hung them)."""
    _, pdf, _ = rendered
    assert hanging_marks(pdf) == []


def test_page_count_fits_the_22_by_28_grid(rendered):
    draft, pdf, _ = rendered
    needed = lines_needed(draft, Style())
    pages = pdf_pages(pdf)
    assert math.ceil(needed / 22) <= pages <= math.ceil(needed * 1.15 / 22) + 1, (needed, pages)


def test_first_page_png(rendered):
    """Writes page 1 as PNG (kept in the tmp folder) for a person to look at; asserts it exists."""
    _, pdf, work = rendered
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(work / "page")],
                   check=True, capture_output=True)
    pngs = sorted(work.glob("page*.png"))
    assert pngs and pngs[0].stat().st_size > 1000
    # A4 at 60 dpi: 496 × 702 pixels
    assert pngs[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_centred_page_numbers_survive_conversion(tmp_path):
    draft = sample_draft(limit=3000)
    pdf = to_pdf(render_docx(draft, Style(page_number="center")), tmp_path)
    text = pdf_text(pdf)
    assert pdf_pages(pdf) >= 2
    assert re.search(r"—\s*2\s*—", text)
    assert _squash(_FOOTER_LINE.sub("", text)) == _squash("".join(draft.paragraphs))
    assert hanging_marks(pdf) == []
