"""The workbench's calls into the library: a config mapping is written as the YAML file it stands for,
loaded by the same loader ``render`` uses, and drafted, written and checked by the same render job.

Everything written lands in a temporary folder of the workbench's own, removed when the request ends."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import ConfigError, InputError, SpeechgenError
from generator.web.forms import Choices, config_yaml


@dataclass(frozen=True)
class Settings:
    """What ``speechgen serve`` was started with: the only folders and files the workbench reads."""

    template_dirs: tuple[Path, ...] = ()
    choices: Choices = field(default_factory=Choices)
    temp_root: Path = Path(tempfile.gettempdir())


@dataclass
class Problem:
    """One thing the loader (or the render) found wrong: the key path it names, its message, its line."""

    key: str | None
    message: str
    line: int | None = None
    source_line: str | None = None


@dataclass
class Outcome:
    problems: list[Problem] = field(default_factory=list)
    result: object = None  # generator.jobs.RenderResult
    config: object = None  # generator.drafting.config.Config
    data: bytes = b""
    yaml_text: str = ""


def problems_of(exc: SpeechgenError, hide: Path | None = None) -> list[Problem]:
    """The problems an error names; a path inside the workbench's temporary folder is never shown."""
    if isinstance(exc, ConfigError) and exc.problems:
        return [Problem(p.key, p.message, p.line, p.source_line) for p in exc.problems]
    message = exc.message
    if exc.path and (hide is None or not _inside(Path(exc.path), hide)):
        message = f"{exc.path}：{message}"
    return [Problem(exc.key, message, exc.line if exc.path and not _inside(Path(exc.path), hide) else None)]


def _inside(path: Path, folder: Path | None) -> bool:
    if folder is None:
        return False
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError):
        return False


def pack_of(type_value, settings: Settings):
    """The pack a form's ``type`` names, or None (the loader then says what is wrong with it)."""
    from generator.drafting.packs import find_packs, resolve_type

    if not isinstance(type_value, str) or not type_value.strip():
        return None
    try:
        return find_packs(settings.template_dirs)[resolve_type(type_value, settings.template_dirs)]
    except (SpeechgenError, KeyError):
        return None


def yaml_of(data: dict, settings: Settings) -> str:
    pack = pack_of(data.get("type"), settings)
    user_pack = pack is not None and pack.origin != "内置"
    return config_yaml(data, pack.keys if pack else (), type_name=pack.name if pack else "",
                       template_dirs=settings.template_dirs if user_pack else ())


def render(data: dict, settings: Settings, fmt: str = ".md", *, alternatives: bool = False) -> Outcome:
    """Load ``data`` as ``render`` would load its YAML file and run the render job on it (``fmt``: .md,
    .docx or .txt), in a temporary folder; the loader's and the job's problems are returned, never raised.
    ``alternatives``: the draft also lists each slot's other fitting sentences (换一句), same text."""
    from generator import render as render_job

    outcome = Outcome(yaml_text=yaml_of(data, settings))
    with tempfile.TemporaryDirectory(prefix="job-", dir=settings.temp_root) as tmp:
        folder = Path(tmp)
        cfg = folder / "配置.yaml"
        cfg.write_text(outcome.yaml_text, encoding="utf-8")
        try:
            out = folder / f"草稿{fmt}"
            outcome.result = render_job(cfg, out, force=True, template_dirs=list(settings.template_dirs),
                                        alternatives=alternatives)
            outcome.config = outcome.result.config  # the job's own load of the YAML, not a second one
            outcome.data = out.read_bytes()
        except SpeechgenError as exc:
            outcome.problems = problems_of(exc, folder)
    return outcome


def findings_of(outcome: Outcome) -> list:
    """The checker's findings on the draft, as the render job found them."""
    return outcome.result.findings[0]  # type: ignore[attr-defined]


def bank_of(outcome: Outcome):
    """The phrasebank the draft was composed with (built-in folders and the config's chosen ones)."""
    return outcome.result.bank  # type: ignore[attr-defined]


def summary_of(outcome: Outcome) -> str:
    from generator.jobs import summary_line

    return summary_line(outcome.result.drafts[0], None)  # type: ignore[attr-defined]


# ---------------------------------------------------------------- uploads
@dataclass
class Upload:
    name: str
    data: dict | None = None
    lines: dict = field(default_factory=dict)
    error: str | None = None  # the loader's message (file, line, the line itself) when it does not parse


def display_name(filename: str | None) -> str:
    name = re.split(r"[\\/]", filename or "")[-1]
    name = re.sub(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]", "", name).strip()
    return (name[:60] + "…" if len(name) > 60 else name) or "上传的文件"


def read_upload(stream, filename: str | None, settings: Settings) -> Upload:
    """An uploaded config read as data only, by the loader's own readers: size limit, encoding, safe YAML
    with no anchors, aliases or tags, bounded nesting; problems said with the file's name and line."""
    from generator.loader import LIMITS, decode_config_text, line_map, parse_yaml, read_bytes

    up = Upload(display_name(filename))
    raw = stream.read(LIMITS["config"] + 1)
    with tempfile.TemporaryDirectory(prefix="upload-", dir=settings.temp_root) as tmp:
        path = Path(tmp) / "upload.yaml"
        path.write_bytes(raw)
        try:
            data = read_bytes(path, "config", empty_ok=True)
            text = decode_config_text(data, up.name)
            if not text.strip():
                raise InputError("配置文件是空的；可用 speechgen init TYPE 生成起步配置", path=up.name)
            doc = parse_yaml(text, up.name, "配置文件")
            if not isinstance(doc.value, dict):
                raise InputError("配置文件的顶层应为“键: 值”的映射", path=up.name, line=1)
        except InputError as exc:
            exc.path = up.name
            up.error = exc.format()
            return up
    up.data = {str(k): v for k, v in doc.value.items()}
    up.lines = line_map(doc.node) if doc.node is not None else {}
    return up


def line_in(lines: dict, key: str | None) -> int | None:
    """The line of ``key`` (a key path) in an uploaded file, or of the nearest enclosing key."""
    probe = key or ""
    while probe and probe not in lines:
        probe = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", probe) if re.search(r"[.\[]", probe) else ""
    return lines.get(probe) if probe else None
