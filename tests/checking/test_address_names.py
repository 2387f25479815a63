"""The ``address`` rule's short form of a reporter's name: 刘志强 → 志强同志; a compound surname is kept whole
(欧阳明辉 → 明辉同志, not 欧阳明辉同志); a two-character name stays as it is (孙丽同志, or 你)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.checking.registry import check_file, check_lines
from generator.checking.voice import short_name

DRAFTS = Path(__file__).parent / "drafts"


@pytest.mark.parametrize("name, short", [
    ("刘志强", "志强"), ("马文斌", "文斌"), ("欧阳明辉", "明辉"), ("司马建国", "建国"), ("上官婉清", "婉清"),
    ("诸葛明远", "明远"), ("东方晓", "东方晓"), ("皇甫敏", "皇甫敏"), ("孙丽", "孙丽"), ("陈静", "陈静"),
    ("长孙无忌", "无忌"), ("夏侯文", "夏侯文"), ("轩辕志远", "志远"),
])
def test_short_name(name, short):
    assert short_name(name) == short


def _part(name: str, post: str, *, short: str | None = None) -> list[str]:
    said = short or name
    return ["在临江区2025年度基层党建工作述职评议会上的点评", "区委副书记", "同志们：",
            f"刚才，{name}同志作了述职。下面，我作简要点评。", "一、逐一点评", f"（一）{name}同志（{post}）",
            f"听了{name}同志的述职，感到抓党建的主体责任意识比较强。",
            f"对标先进、对照要求，{name}同志在抓党建方面还有一定差距：老旧小区党组织覆盖不全。",
            f"下一步，希望{said}同志用好“红色物业”，把老旧小区党组织覆盖起来。"]


def address(lines):
    return [f for f in check_lines(lines, indexes=[]) if f.rule == "address"]


def test_compound_surname_short_form():
    found = address(_part("欧阳明辉", "滨江街道党工委书记"))
    assert len(found) == 1
    assert "一般称“明辉同志”" in found[0].message and "“欧阳明辉同志”在这一节出现 3 次" in found[0].message
    assert address(_part("欧阳明辉", "滨江街道党工委书记", short="明辉")) == []  # the short form used: fine


def test_two_character_name_stays_whole():
    found = address(_part("孙丽", "城关街道党工委书记"))
    assert len(found) == 1 and "一般称“孙丽同志”或直接说“你”" in found[0].message


def test_the_linjiang_draft():
    """The draft the before-reading marked (docs/reviews/2026-12-01-before.md §2): 明辉同志、陈静同志、志刚同志."""
    msgs = [f.message for f in check_file(DRAFTS / "linjiang_dianping.txt") if f.rule == "address" and "出现" in f.message]
    assert ["明辉同志" in msgs[0], "陈静同志" in msgs[1], "志刚同志" in msgs[2]] == [True, True, True]
    assert not any("欧阳明辉同志”或" in m for m in msgs)
