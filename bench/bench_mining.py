"""Benchmark: mining gwr/ against plain jieba.lcut of the same cleaned text, in the same run.

Usage (from the repository root):  python bench/bench_mining.py [CORPUS_DIR] [--repeat N] [--jobs 1 2]
Each round runs, as fresh processes and in turn (so a change of load hits every arm alike):
  lcut   import jieba, initialise it, load our user dictionary, jieba.lcut (defaults) every cleaned file
  mine   python -m generator mine CORPUS -o TMP --jobs J, for each J asked for
Prints, per arm, the min and median of wall and CPU seconds (user + sys, workers included) and the peak
RSS of the largest process, then the ratios mine / lcut (target ≤ 2) and the peak (target < 400 MB).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.corpus.reader import corpus_files, read_speech  # noqa: E402

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


def run(cmd: list[str]) -> tuple[float, float, float, str]:
    """(wall s, CPU s of the process and its reaped children, peak RSS MB of the largest one, stdout)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage, not all children's so far
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        sys.exit(f"失败（退出码 {proc.returncode}）：{' '.join(cmd)}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out


def stats(values: list[float]) -> tuple[float, float]:
    return min(values), statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus" / "gwr"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    corpus = Path(args.corpus).resolve()
    files = corpus_files([corpus])
    print(f"机器：{os.cpu_count()} 核，Python {sys.version.split()[0]}，运行时负载 {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        clean = Path(tmp) / "clean"
        clean.mkdir()
        chars = 0
        for f in files:  # the text the miner works on: read, decoded, converted, cleaned, de-duplicated
            text = read_speech(f).clean_text()
            chars += len(text)
            (clean / f.name).write_text(text, encoding="utf-8")
        print(f"{len(files)} 个文件，原始 {sum(f.stat().st_size for f in files) / 1e6:.1f} MB，"
              f"清洗后 {chars / 1e6:.2f} 百万字；每组重复 {args.repeat} 次")
        arms: dict[str, list[tuple[float, float, float]]] = {}
        calls: list[float] = []
        lcut = [sys.executable, "-c", _LCUT, str(clean), str(ROOT / "phrasebank" / "curated" / "userdict.txt")]
        for _ in range(args.repeat):
            wall, cpu, peak, out = run(lcut)
            arms.setdefault("lcut", []).append((wall, cpu, peak))
            calls.append(float(out.split()[0]))
            for jobs in args.jobs:
                cmd = [sys.executable, "-m", "generator", "mine", str(corpus), "-o", str(Path(tmp) / f"m{jobs}"),
                       "--jobs", str(jobs), "--force"]
                arms.setdefault(f"mine --jobs {jobs}", []).append(run(cmd)[:3])
    base_wall, base_cpu = (stats([r[i] for r in arms["lcut"]]) for i in (0, 1))
    print(f"\n{'': <14}{'墙钟 min / 中位':>18}{'CPU min / 中位':>18}{'峰值内存':>10}{'比值(墙钟 min/中位)':>22}"
          f"{'比值(CPU min/中位)':>20}")
    for name, rows in arms.items():
        wall, cpu = stats([r[0] for r in rows]), stats([r[1] for r in rows])
        peak = max(r[2] for r in rows)
        ratio = "" if name == "lcut" else (f"{wall[0] / base_wall[0]:.2f} / {wall[1] / base_wall[1]:.2f}",
                                           f"{cpu[0] / base_cpu[0]:.2f} / {cpu[1] / base_cpu[1]:.2f}")
        print(f"{name: <14}{wall[0]:>10.1f} / {wall[1]:<5.1f}s{cpu[0]:>10.1f} / {cpu[1]:<5.1f}s{peak:>8.0f} MB"
              + (f"{ratio[0]:>22}{ratio[1]:>20}" if ratio else ""))
    print(f"（lcut 调用本身 min {min(calls):.1f} s / 中位 {statistics.median(calls):.1f} s）"
          "目标：mine / lcut ≤ 2，峰值内存 < 400 MB")


if __name__ == "__main__":
    main()
