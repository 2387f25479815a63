"""Benchmark: mining gwr/ against plain jieba.lcut of the same cleaned files, in the same run.

Usage (from the repository root):  python bench/bench_mining.py [CORPUS_DIR] [--jobs N]
Prints both timings, their ratio (target ≤ 2×) and the miner's peak RSS (target < 400 MB).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.corpus import corpus_files, read_speech  # noqa: E402


_LCUT = """
import logging, sys, time
from pathlib import Path
import jieba
jieba.setLogLevel(logging.ERROR)
jieba.initialize()
jieba.load_userdict(sys.argv[2])
start = time.perf_counter()
words = sum(len(jieba.lcut(p.read_text(encoding="utf-8"))) for p in sorted(Path(sys.argv[1]).iterdir()))
print(time.perf_counter() - start, words)
"""


def baseline(clean_dir: Path) -> tuple[float, float]:
    """Plain jieba.lcut (defaults, our user dictionary) over every cleaned file, one at a time, in a fresh
    process like the miner's: (wall seconds of the whole process, seconds of the lcut calls alone)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _LCUT, str(clean_dir),
                           str(ROOT / "phrasebank" / "curated" / "userdict.txt")],
                          check=True, capture_output=True, text=True)
    wall = time.perf_counter() - start
    lcut_s, words = done.stdout.split()
    print(f"jieba.lcut 进程：{wall:.1f} s（其中 lcut 本身 {float(lcut_s):.1f} s，{words} 词）")
    return wall, float(lcut_s)


def mining(corpus: Path, jobs: int) -> tuple[float, float]:
    """Wall seconds of `python -m generator mine` (process start to exit) and its peak RSS in MB."""
    with tempfile.TemporaryDirectory() as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "generator", "mine", str(corpus), "-o", str(Path(out) / "m"),
                        "--jobs", str(jobs)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        elapsed = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if peak <= before:
        print("（峰值内存不高于本进程此前的子进程，读数可能偏低）")
    return elapsed, peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus" / "gwr"))
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    corpus = Path(args.corpus)
    files = corpus_files([corpus])
    mine_s, peak_mb = mining(corpus, args.jobs)  # first, so its peak RSS is its own
    print(f"mine --jobs {args.jobs}: {mine_s:.1f} s，峰值内存 {peak_mb:.0f} MB")
    with tempfile.TemporaryDirectory() as tmp:
        chars = 0
        for f in files:
            text = read_speech(f).clean_text()
            chars += len(text)
            (Path(tmp) / f.name).write_text(text, encoding="utf-8")
        print(f"{len(files)} 个文件，清洗后 {chars / 1e6:.2f} 百万字")
        lcut_wall, lcut_s = baseline(Path(tmp))
    print(f"比值 mine / lcut 进程 = {mine_s / lcut_wall:.2f}（目标 ≤ 2）；mine / 仅 lcut 调用 = {mine_s / lcut_s:.2f}；"
          f"峰值内存 {peak_mb:.0f} MB（目标 < 400）")


if __name__ == "__main__":
    main()
