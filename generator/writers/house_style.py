"""House styles for the DOCX writer: GB/T 9704-2012 defaults, overridable from a small YAML file."""

from __future__ import annotations

import dataclasses
import difflib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.errors import ConfigError, InputError, SpeechgenError
from generator.loader import decode_config_text, parse_yaml, read_bytes

#: Chinese type sizes (字号) in points, as Word and WPS name them.
ZIHAO = {
    "初号": 42, "小初": 36, "一号": 26, "小一": 24, "二号": 22, "小二": 18, "三号": 16,
    "小三": 15, "四号": 14, "小四": 12, "五号": 10.5, "小五": 9, "六号": 7.5, "小六": 6.5,
}
_DIGIT_ZIHAO = {f"{n}号": ZIHAO[f"{c}号"] for n, c in zip("123456", "一二三四五六")}
_DIGIT_ZIHAO.update({"0号": 42, "小0": 36, **{f"小{n}": ZIHAO[f"小{c}"]
                                              for n, c in zip("123456", "一二三四五六")}})

PAGE_NUMBER_PLACEMENTS = ("outside", "center")
FONT_NAME_MAX = 64  # characters of a font name in a style file

#: Fonts an office machine may lack, with the name Word should look for instead (w:altName).
FONT_FALLBACKS = {
    "仿宋_GB2312": "仿宋",
    "楷体_GB2312": "楷体",
    "方正小标宋简体": "宋体",
    "方正小标宋_GBK": "宋体",
    "黑体": "SimHei",
    "宋体": "SimSun",
}


@dataclass(frozen=True)
class Style:
    """Every layout choice the writer makes; the defaults are GB/T 9704-2012 as offices apply it."""

    title_font: str = "方正小标宋简体"
    title_size: float = 22.0  # 2号
    byline_font: str = "楷体_GB2312"
    byline_size: float = 16.0
    body_font: str = "仿宋_GB2312"
    body_size: float = 16.0  # 3号
    heading1_font: str = "黑体"
    heading2_font: str = "楷体_GB2312"
    heading3_font: str = "仿宋_GB2312"
    heading4_font: str = "仿宋_GB2312"
    heading_size: float = 16.0
    heading_bold: bool = False
    emphasis_bold: bool = False  # 一要… lead sentences are usually printed in the body font
    latin_font: str = ""  # "" = the paragraph's own Chinese font also sets digits and Latin letters
    footer_font: str = "宋体"
    footer_size: float = 14.0  # 4号
    page_number: str = "outside"  # outside: odd pages right, even pages left; center
    line_spacing: float = 28.95  # exact, points: 22 lines fill the 225 mm text block
    chars_per_line: int = 28
    margin_top_mm: float = 37.0
    margin_bottom_mm: float = 35.0
    margin_left_mm: float = 28.0
    margin_right_mm: float = 26.0
    blank_after_title: bool = True  # one empty line between the title block and the body

    def heading_font(self, level: int) -> str:
        return (self.heading1_font, self.heading2_font, self.heading3_font, self.heading4_font)[level - 1]


_FIELDS = {f.name: f for f in dataclasses.fields(Style)}
_SIZE_KEYS = {k for k in _FIELDS if k.endswith("_size")}
_RANGES = {
    "line_spacing": (10, 60), "chars_per_line": (10, 40),
    "margin_top_mm": (5, 80), "margin_bottom_mm": (5, 80), "margin_left_mm": (5, 80),
    "margin_right_mm": (5, 80),
}


def parse_size(value) -> float | None:
    """Points from a number (16, 10.5) or a 字号 name (三号, 3号, 小二); None when not a size."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if 5 <= value <= 72 else None
    if isinstance(value, str):
        text = value.strip().replace(" ", "")
        if text in ZIHAO:
            return float(ZIHAO[text])
        if text in _DIGIT_ZIHAO:
            return float(_DIGIT_ZIHAO[text])
        m = re.fullmatch(r"(\d+(?:\.\d+)?)(?:pt|磅)?", text)
        if m:
            return parse_size(float(m.group(1)))
    return None


def _convert(key: str, value):
    """The checked value for ``key``, or raise ValueError with a Chinese reason."""
    if key in _SIZE_KEYS:
        size = parse_size(value)
        if size is None:
            raise ValueError("字号应为 5–72 之间的磅值或字号名（如 三号、小二）")
        return size
    kind = _FIELDS[key].type
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError("应为 true 或 false")
        return value
    if kind == "str":
        if key == "page_number":
            aliases = {"居中": "center", "外侧": "outside", "单右双左": "outside"}
            value = aliases.get(value, value) if isinstance(value, str) else value
            if value not in PAGE_NUMBER_PLACEMENTS:
                raise ValueError("应为 outside（单页居右、双页居左）或 center（居中）")
            return value
        if not isinstance(value, str) or (not value.strip() and key != "latin_font"):
            raise ValueError("应为字体名称（文字）")
        name = value.strip()
        # The name goes into the .docx XML: no control characters (nor what XML cannot hold), and
        # no longer than a real font name (Word's own limit is 31; 64 leaves room for long Latin names).
        if any(unicodedata.category(ch) in ("Cc", "Cs") or ch in "\ufffe\uffff" for ch in name):
            raise ValueError("字体名称不能含控制字符（如换行、制表符）")
        if len(name) > FONT_NAME_MAX:
            raise ValueError(f"字体名称过长（{len(name)} 个字符），不能超过 {FONT_NAME_MAX} 个字符")
        return name
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("应为数字")
    low, high = _RANGES[key]
    if not low <= value <= high:
        raise ValueError(f"应在 {low} 到 {high} 之间")
    if kind == "int":
        if not float(value).is_integer():
            raise ValueError("应为整数")
        return int(value)
    return float(value)


#: A key name shown in a message: a style key as people misspell one. Anything else (a line of some
#: other file read as YAML, a password) is never echoed.
_KEY_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,40}")
_VALUE_SHOWN = 40  # characters of a bad value repeated in a message


def _build(data, source: str, lines: dict[str, int] | None, from_file: bool = False) -> Style:
    lines = lines or {}
    if data is None:
        return Style()
    if not isinstance(data, dict):
        raise InputError("版式文件应是“键: 值”的映射", path=source, line=lines.get("", None))
    if from_file and data and not any(str(key) in _FIELDS for key in data):
        # Not a house style at all (a config's style: may name any file): say so, and show none of it.
        raise InputError("这不是版式文件：其中没有任何版式键（如 body_font、title_size、page_number），"
                         "文件内容不予显示；请给出版式 YAML 文件或内置版式名", path=source)
    values = {}
    problems: list[SpeechgenError] = []  # every problem at once, in file order
    for key in data:
        if key not in _FIELDS:
            name = str(key) if _KEY_NAME_RE.fullmatch(str(key)) else None
            close = difflib.get_close_matches(name, list(_FIELDS), n=1) if name else []
            hint = f"，是不是想写 {close[0]}？" if close else f"；可用的键：{'、'.join(_FIELDS)}"
            problems.append(SpeechgenError(f"未知的版式键{hint}", line=lines.get(str(key)), key=name))
            continue
        try:
            values[key] = _convert(key, data[key])
        except ValueError as exc:
            shown = repr(data[key])
            shown = shown if len(shown) <= _VALUE_SHOWN else shown[:_VALUE_SHOWN] + "…"
            problems.append(SpeechgenError(f"取值 {shown} 不合适：{exc}", line=lines.get(str(key)), key=str(key)))
    if problems:
        raise ConfigError(problems, source, "版式文件")
    return Style(**values)


def style_from_mapping(data: dict, source: str) -> Style:
    """A Style from an already-parsed mapping (e.g. a config's ``style:`` key); ``source`` names it in errors."""
    return _build(data, source, None)


def shipped_styles() -> list[str]:
    """Names of the house styles that ship with speechgen (styles/NAME.yaml)."""
    from generator.resources import styles_dir

    folder = styles_dir()
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def is_style_name(value: str | Path) -> bool:
    """A bare name (no folder separator, no .yaml/.yml suffix) names a shipped style, not a file."""
    text = str(value)
    return bool(text) and "/" not in text and "\\" not in text and not text.lower().endswith((".yaml", ".yml"))


def load_style(path: str | Path) -> Style:
    """Read a house-style YAML file, or a shipped style by name (``windows-fonts``); every problem is an
    InputError naming the file, line and key."""
    p = Path(path)
    if is_style_name(path):
        from generator.resources import styles_dir

        shipped = styles_dir() / f"{path}.yaml"
        if shipped.is_file():
            p = shipped
        elif not p.is_file():  # a suffix-less file of that name still works
            names = "、".join(shipped_styles()) or "（无）"
            raise InputError(f"没有名为“{path}”的内置版式；内置版式：{names}（或给出版式 YAML 文件的路径）",
                             key="style")
    if not p.exists():
        raise InputError("找不到版式文件", path=p)
    try:
        text = decode_config_text(read_bytes(p, "style", empty_ok=True), p, "版式文件")
        doc = parse_yaml(text, p, "版式文件")
    except InputError as exc:
        # the file may be anything a config's style: names (/etc/shadow): its lines are never echoed
        exc.source_line = None
        raise
    node, data = doc.node, doc.value
    lines: dict[str, int] = {}
    if node is not None:
        lines[""] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                # a bad value is reported on its own line, which is the key's line for scalars
                lines[str(key_node.value)] = value_node.start_mark.line + 1
    return _build(data, str(p), lines, from_file=True)
