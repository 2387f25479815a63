"""`speechgen fonts`: family names read from font files (with Chinese name records and .ttc collections),
broken files skipped, and what Word substitutes for a missing font."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont

from generator.cli import cli
from generator.writers import fonts
from generator.writers.fonts import CHECKED_FONTS, family_names, font_dirs, font_report, scan_fonts


def make_font(path: Path, english: str, chinese: str | None = None) -> Path:
    """A tiny TrueType font whose family is ``english``, with a Simplified Chinese (0x804) name ``chinese``."""
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder([".notdef"])
    fb.setupCharacterMap({})
    fb.setupGlyf({".notdef": TTGlyphPen(None).glyph()})
    fb.setupHorizontalMetrics({".notdef": (500, 0)})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": english, "styleName": "Regular"})
    if chinese:
        fb.font["name"].setName(chinese, 1, 3, 1, 0x804)
    fb.setupOS2()
    fb.setupPost()
    fb.save(str(path))
    return path


@pytest.fixture
def font_folder(tmp_path):
    folder = tmp_path / "Fonts"
    (folder / "sub").mkdir(parents=True)
    make_font(folder / "FangSong_GB2312.ttf", "FangSong_GB2312", "仿宋_GB2312")
    make_font(folder / "sub" / "simhei.TTF", "SimHei", "黑体")
    collection = TTCollection()
    collection.fonts = [TTFont(make_font(tmp_path / "a.ttf", "KaiTi", "楷体")),
                        TTFont(make_font(tmp_path / "b.ttf", "SimSun", "宋体"))]
    collection.save(str(folder / "simsun.ttc"))
    (folder / "broken.ttf").write_bytes(b"\x00\x01\x00\x00" + b"garbage" * 10)
    (folder / "truncated.ttc").write_bytes(b"ttcf\x00\x01")
    (folder / "readme.txt").write_text("not a font", encoding="utf-8")
    return folder


def test_names_read_from_files_including_chinese_and_collections(font_folder):
    scan = scan_fonts([font_folder])
    assert scan.files == 5
    assert sorted(p.name for p in scan.skipped) == ["broken.ttf", "truncated.ttc"]
    for name in ("仿宋_GB2312", "FangSong_GB2312", "黑体", "SimHei", "楷体", "KaiTi", "宋体", "SimSun"):
        assert name in scan.families, name
    assert scan.families["宋体"] == [font_folder / "simsun.ttc"]


def test_report_says_found_and_what_word_substitutes(font_folder):
    report = {s.name: s for s in font_report(scan=scan_fonts([font_folder]))}
    assert list(report) == list(CHECKED_FONTS)
    assert report["仿宋_GB2312"].found and report["黑体"].found
    assert report["仿宋_GB2312"].line().startswith("仿宋_GB2312：有（")
    # 楷体_GB2312 is absent; its w:altName 楷体 is here, so Word shows 楷体
    kai = report["楷体_GB2312"]
    assert not kai.found and kai.fallback == "楷体" and kai.word_uses == "楷体"
    assert "Word 用 楷体" in kai.line() and "w:altName" in kai.line()
    # 仿宋 itself is absent and has no altName: Word's own substitution
    assert report["仿宋"].word_uses == "（Word 自己的字体替换）"
    assert "Word 自己的字体替换" in report["仿宋"].line()
    # 方正小标宋简体 → 宋体, which is here (inside the .ttc)
    assert report["方正小标宋简体"].word_uses == "宋体"


def test_names_compared_exactly(tmp_path):
    make_font(tmp_path / "f.ttf", "FangSong", "仿宋 GB2312")
    report = {s.name: s for s in font_report(scan=scan_fonts([tmp_path]))}
    assert not report["仿宋_GB2312"].found and not report["仿宋"].found


def test_huge_files_skipped_and_scan_bounded(font_folder, monkeypatch):
    monkeypatch.setattr(fonts, "MAX_FONT_BYTES", 100)
    fonts._NAME_CACHE.clear()
    assert family_names(font_folder / "FangSong_GB2312.ttf") is None
    fonts._NAME_CACHE.clear()
    scan = scan_fonts([font_folder], max_files=2)
    assert scan.files == 2 and scan.truncated


def test_each_file_read_once_per_run(font_folder, monkeypatch):
    scan_fonts([font_folder])
    calls = []
    monkeypatch.setattr(fonts, "_read_names", lambda p: calls.append(p) or frozenset())
    scan_fonts([font_folder])
    assert calls == []


def test_many_fonts_scan_quickly(tmp_path):
    import time

    source = make_font(tmp_path / "one.ttf", "Many", "许多")
    folder = tmp_path / "many"
    folder.mkdir()
    data = source.read_bytes()
    for i in range(2000):
        (folder / f"f{i}.ttf").write_bytes(data)
    start = time.perf_counter()
    scan = scan_fonts([folder])
    assert scan.files == 2000 and len(scan.families["许多"]) == 2000
    assert time.perf_counter() - start < 20


def test_font_dirs_cover_windows_macos_linux(tmp_path):
    windir, local, home = tmp_path / "Windows", tmp_path / "Local", tmp_path / "home"
    for d in (windir / "Fonts", local / "Microsoft" / "Windows" / "Fonts", home / ".fonts",
              home / ".local" / "share" / "fonts", home / "Library" / "Fonts"):
        d.mkdir(parents=True)
    dirs = font_dirs({"WINDIR": str(windir), "LOCALAPPDATA": str(local)}, home=home)
    assert dirs[:2] == [windir / "Fonts", local / "Microsoft" / "Windows" / "Fonts"]
    assert {home / ".fonts", home / ".local" / "share" / "fonts", home / "Library" / "Fonts"} <= set(dirs)


def test_cli_lines_and_json(font_folder, monkeypatch):
    monkeypatch.setattr(fonts, "font_dirs", lambda: [])
    runner = CliRunner()
    result = runner.invoke(cli, ["fonts", "--dir", str(font_folder)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == len(CHECKED_FONTS)
    assert lines[0].startswith("方正小标宋简体：没有 → Word 用 宋体")
    assert "跳过 2 个" in result.stderr and "fontTable.xml" in result.stderr
    result = runner.invoke(cli, ["fonts", "--dir", str(font_folder), "--json"])
    data = json.loads(result.stdout)
    by_name = {f["name"]: f for f in data["fonts"]}
    assert by_name["仿宋_GB2312"]["found"] and by_name["仿宋_GB2312"]["files"] == [
        str(font_folder / "FangSong_GB2312.ttf")]
    assert by_name["楷体_GB2312"] == {"name": "楷体_GB2312", "found": False, "files": [], "fallback": "楷体",
                                     "fallback_found": True, "word_uses": "楷体"}
    assert data["folders"] == [str(font_folder)] and len(data["skipped"]) == 2 and "w:altName" in data["rule"]


def test_system_fonts_never_crash():
    scan = scan_fonts()
    assert len(font_report(scan=scan)) == len(CHECKED_FONTS)
