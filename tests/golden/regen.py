"""Regenerate the golden files: examples/*.md and tests/golden/*.docx.txt (run from the repo root).

    python tests/golden/regen.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from generator.atomic import atomic_write  # noqa: E402
from generator.jobs import load, serialize  # noqa: E402
from generator.drafting.compose import compose  # noqa: E402


def docx_text(data: bytes) -> str:
    """The normalised text of a .docx: one paragraph a line, headers/footers left out."""
    import io

    import docx

    doc = docx.Document(io.BytesIO(data))
    return "\n".join(p.text for p in doc.paragraphs) + "\n"


def readme_keys() -> None:
    """The README's config key table, from the schema."""
    import re

    from generator.drafting.schema import readme_table

    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    new = re.sub(r"(<!-- config-keys:[^\n]*-->\n).*?(<!-- /config-keys -->)", lambda m: m.group(1) + readme_table() + m.group(2),
                 text, flags=re.S)
    if new != text:
        atomic_write(readme, new, force=True)
        print("README.md: 配置项表已更新")


def template_reference() -> None:
    """docs/templates.md, from the schema, the plan and the template API."""
    from generator.drafting.reference import reference_markdown

    atomic_write(ROOT / "docs" / "templates.md", reference_markdown(), force=True)


def main() -> None:
    readme_keys()
    template_reference()
    for config_path in sorted((ROOT / "examples").glob("*.yaml")):
        if config_path.name.startswith("style"):
            continue
        draft = compose(load(config_path))
        md = serialize(draft, ".md")
        atomic_write(config_path.with_suffix(".md"), md, force=True)
        docx = serialize(draft, ".docx")
        atomic_write(ROOT / "tests" / "golden" / f"{config_path.stem}.docx.txt", docx_text(docx), force=True)
        print(f"{config_path.stem}: {draft.char_count()} 字")


if __name__ == "__main__":
    main()
