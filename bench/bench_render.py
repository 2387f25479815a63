"""Render cost: composing a draft (every density level it tries) against writing its .docx.

The design asks that a render cost little more than writing the .docx itself. Run from the repo root:

    python bench/bench_render.py [--repeat 5]

Prints, per example, the median wall time of compose() and of render_docx(), and their ratio, all
measured in this one run; and checks that neither imports jieba.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.drafting.compose import compose  # noqa: E402
from generator.writers.docx import render_docx  # noqa: E402
from generator.bank.entries import load_phrasebank  # noqa: E402
from generator.jobs import load  # noqa: E402


def timed(fn, repeat: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), value


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    t0 = time.perf_counter()
    bank = load_phrasebank()
    print(f"phrasebank load (once per render command): {time.perf_counter() - t0:.3f} s")
    print(f"{'example':16} {'chars':>6} {'compose':>9} {'docx':>8} {'ratio':>6}")
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        if path.name.startswith("style"):
            continue
        config = load(path)
        t_compose, draft = timed(lambda: compose(config, bank=bank), args.repeat)
        t_docx, _ = timed(lambda: render_docx(draft), args.repeat)
        print(f"{path.stem:16} {draft.char_count():6d} {t_compose:8.3f}s {t_docx:7.3f}s {t_compose / t_docx:6.2f}")
    print("jieba imported:", "jieba" in sys.modules)


if __name__ == "__main__":
    main()
