"""Render benchmark (issue 14, "Speed"): every figure is a ratio against a baseline measured in this same run.

Usage (from the repository root):  python bench/bench_render.py [--repeat N] [--each-repeat M] [--reporters R]
                                   python bench/bench_render.py --profile [EXAMPLE]   (cProfile of one warm render)

Arms (only python-docx and the standard library besides our own code):
  1. whole process, per examples/*.yaml (style-*.yaml skipped), in each round one after the other, the order
     alternating from round to round:
       render  python -m generator render CONFIG -o OUT.docx --force
       floor   python FLOOR.py TEXT OUT.docx -- a fresh process that imports python-docx and writes the draft's
               lines (title, byline, blocks, exactly as our render of the same config produces them) as plain
               paragraphs; import included.                                  target: render / floor <= 1.5
  2. warm process (the workbench from its second draft on), in this process after one warm-up render:
       compose  generator.drafting.compose.compose(config, bank=<preloaded phrasebank>)
       check    generator.checking.registry.check_lines(draft.paragraphs, year=, target_length=)
       writer   generator.writers.docx.render_docx(draft)
       bare     the floor's own write function (python-docx, plain paragraphs, saved to memory)
                                           targets: (compose + check) / writer <= 1.0; writer / bare <= 2.0
  3. render --each for a 点评 with R (100) made-up reporters, config generated from examples/dianping.yaml:
       each     one process: python -m generator render CFG -o DIR --each --force, divided by R
       bare     R in-process bare writes, one per document, of the text read back from that run's files
                                                     target: per document, each / bare <= 1.3
Every arm gets wall and CPU seconds (user + sys: of the child from ``os.wait4``, of this process from
``time.process_time``; on a shared machine CPU is the steadier figure), as min and median over the rounds, and
ratios min / min and median / median. A target's verdict is taken on the worst example's median ratio.
Also printed: the phrasebank load time, and whether jieba was imported while rendering (it must not be):
checked with ``python -X importtime`` on an untimed warm-up render of every config and of ``render --each``
of examples/dianping.yaml, and in this process after the warm arm. Temporary files live in one temporary
folder, removed at the end. A render that fails stops the bench with its error message.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import docx  # noqa: E402
import yaml  # noqa: E402

from benchlib import commit  # noqa: E402  (bench/ is on sys.path when run as a script)

from generator.bank.entries import load_phrasebank  # noqa: E402
from generator.checking.registry import check_lines  # noqa: E402
from generator.drafting.compose import compose  # noqa: E402
from generator.jobs import load  # noqa: E402
from generator.writers.docx import render_docx  # noqa: E402

# The floor: the same source runs as a whole process (arm 1) and, exec'd here, in-process (arms 2 and 3).
FLOOR = '''\
import io
import sys

import docx


def write(lines, target):
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(target)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        write(f.read().split("\\n"), sys.argv[2])
'''
_floor_ns: dict = {"__name__": "bench_floor"}
exec(compile(FLOOR, "<floor>", "exec"), _floor_ns)
floor_write = _floor_ns["write"]

TARGETS = {"render / floor": 1.5, "(compose + check) / writer": 1.0, "writer / bare": 2.0,
           "each / bare, per document": 1.3}

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = ["建华", "丽娟", "志刚", "海燕", "国强"]
_PLACES = ["东山", "西河", "南岭", "北塘", "青石", "白沙", "红旗", "长乐", "永安", "新桥"]
_HIGHLIGHTS = ["建立村级党组织书记月度例会制度，每月研究一次基层党建重点任务",
               "推行“党员联系户”制度，全镇党员结对联系群众1200余户",
               "整合闲置校舍建成党群服务站5个，实现村级阵地全覆盖",
               "开展“红色代办”服务，为群众代办事项800余件",
               "选派机关干部到村任职，补齐村级班子9个"]
_PROBLEMS = ["对村级党组织书记的日常管理还不够严格",
             "党员教育培训内容针对性不强，形式比较单一",
             "发展青年党员工作进展较慢，党员队伍年龄结构偏大",
             "对软弱涣散村整顿后的巩固提升抓得不够紧",
             "党建与中心工作结合不够紧密，存在“两张皮”现象"]


def reporters(n: int) -> list[dict]:
    """``n`` distinct made-up reporters, each with a post, two highlights and one problem."""
    out = []
    for i in range(n):
        place = _PLACES[i % len(_PLACES)] + ("街道" if i % 4 == 3 else "镇")
        out.append({"name": _SURNAMES[i % 20] + _GIVEN[(i // 20) % len(_GIVEN)] + ("" if i < 100 else str(i)),
                    "post": place + ("党工委书记" if place.endswith("街道") else "党委书记"),
                    "highlights": [_HIGHLIGHTS[i % 5], _HIGHLIGHTS[(i + 2) % 5]],
                    "problems": [_PROBLEMS[(i * 3) % 5]]})
    return out


#: The child processes run as an installed tool runs: with compiled bytecode (pip compiles it at install;
#: here into a temporary prefix, for both arms, even where PYTHONDONTWRITEBYTECODE is set) and with the
#: user's cache (generator/cache.py) in a temporary folder that the untimed warm-up fills.
CHILD_ENV: dict[str, str] = {}


def run(cmd: list[str], importtime: bool = False) -> tuple[float, float, str]:
    """(wall s, CPU s = user + sys of this child, stderr) of one process; exits on failure."""
    if importtime:
        cmd = [cmd[0], "-X", "importtime", *cmd[1:]]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env=CHILD_ENV or None)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code:
        tail = "\n".join(line for line in err.splitlines() if not line.startswith("import time:"))[-2000:]
        sys.exit(f"failed (exit {code}): {' '.join(cmd)}\n{tail}")
    return wall, usage.ru_utime + usage.ru_stime, err


def imported_jieba(importtime_err: str) -> bool:
    names = (line.rsplit("|", 1)[-1].strip() for line in importtime_err.splitlines() if line.startswith("import time:"))
    return any(n == "jieba" or n.startswith("jieba.") for n in names)


def docx_lines(path: Path) -> list[str]:
    """The non-empty paragraphs of a .docx body (title line breaks joined)."""
    return [t for t in (p.text.replace("\n", "").strip() for p in docx.Document(str(path)).paragraphs) if t]


def timed(fn) -> tuple[float, float, object]:
    """(wall s, CPU s of this process, value) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, value


def mm(values: list[float]) -> tuple[float, float]:
    return min(values), statistics.median(values)


def ratio_cell(num: list[float], den: list[float]) -> tuple[float, float]:
    """(min / min, median / median)."""
    (a, b), (c, d) = mm(num), mm(den)
    return a / c, b / d


def fmt(ratios: tuple[float, float]) -> str:
    return "%.2f / %.2f" % ratios


def summary(name: str, per_example: dict[str, tuple[tuple[float, float], tuple[float, float]]]) -> None:
    """The verdict on the worst example: met when its median ratio (wall and CPU) is within the target."""
    target = TARGETS[name]
    worst = max(per_example, key=lambda k: per_example[k][0][1])
    (w_min, w_med), (c_min, c_med) = per_example[worst]
    state = ("met" if max(w_med, c_med) <= target else
             "met by min only" if min(w_min, c_min) <= target else "NOT met")
    print(f"   {name}: worst {worst}: wall {w_min:.2f} / {w_med:.2f}, CPU {c_min:.2f} / {c_med:.2f}"
          f"  (target <= {target}: {state})")


def examples() -> list[Path]:
    return [p for p in sorted((ROOT / "examples").glob("*.yaml")) if not p.name.startswith("style")]


def warm_render(config, bank):
    draft = compose(config, bank=bank)
    check_lines(draft.paragraphs, year=config.year, target_length=draft.meta.get("target"))
    return render_docx(draft)


def profile(name: str, top: int) -> None:
    path = ROOT / "examples" / f"{name}.yaml"
    config, bank = load(path), load_phrasebank()
    warm_render(config, bank)  # warm-up: templates compiled, fingerprint index loaded, caches filled
    prof = cProfile.Profile()
    prof.enable()
    warm_render(config, bank)
    prof.disable()
    for key in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats(key).print_stats(top)
        listing = out.getvalue()
        print(f"--- one warm render of {path.name} (compose + check_lines + render_docx), sorted by {key}")
        print(listing[listing.find("ncalls"):] if "ncalls" in listing else listing)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="rounds of arms 1 and 2 (default 5)")
    parser.add_argument("--each-repeat", type=int, default=None,
                        help="rounds of the --each arm (default: --repeat, at most 3; one round is ~15 s idle, ~30 s at load 4)")
    parser.add_argument("--reporters", type=int, default=100, help="reporters in the --each config (default 100)")
    parser.add_argument("--profile", nargs="?", const="shuzhi_speech", metavar="EXAMPLE",
                        help="instead of the bench, cProfile one warm render of examples/EXAMPLE.yaml")
    parser.add_argument("--top", type=int, default=30, help="rows of the --profile listing")
    args = parser.parse_args()
    if args.profile:
        profile(args.profile, args.top)
        return
    repeat = max(1, args.repeat)
    each_repeat = max(1, args.each_repeat if args.each_repeat is not None else min(repeat, 3))
    py = sys.executable
    print(f"bench_render: commit {commit()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"python-docx {getattr(docx, '__version__', '?')}, load average {os.getloadavg()[0]:.2f} at start")
    print(f"rounds: {repeat} (arms 1, 2), {each_repeat} (arm 3); ratios are min / min and median / median\n")

    loads = []
    for _ in range(3):
        t, _c, bank = timed(load_phrasebank)
        loads.append(t)
    print(f"phrasebank load (once per render command): first {loads[0]:.3f} s, min of 3 {min(loads):.3f} s, "
          f"{len(bank.entries)} entries")

    with tempfile.TemporaryDirectory(prefix="bench_render_") as tmp_name:
        tmp = Path(tmp_name)
        floor_py = tmp / "floor.py"
        floor_py.write_text(FLOOR, encoding="utf-8")
        CHILD_ENV.update({k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"})
        CHILD_ENV.update(PYTHONPYCACHEPREFIX=str(tmp / "pycache"), SPEECHGEN_CACHE=str(tmp / "cache"))
        jieba_seen: dict[str, bool] = {}

        # ---------------------------------------------------------------- arm 1: whole process
        print(f"\n1. whole process: render vs floor (bare python-docx script); s, min / median; "
              f"load average {os.getloadavg()[0]:.2f}")
        print(f"{'example':16}{'chars':>6}{'paras':>6}{'render wall':>16}{'floor wall':>14}{'render CPU':>14}"
              f"{'floor CPU':>14}{'ratio wall':>14}{'ratio CPU':>14}")
        configs, drafts, arm1 = {}, {}, {}
        first: dict[str, tuple[float, float]] = {}
        for path in examples():
            config = load(path)
            draft = compose(config, bank=bank)
            configs[path.stem], drafts[path.stem] = config, draft
            text = tmp / f"{path.stem}.txt"
            text.write_text("\n".join(draft.paragraphs), encoding="utf-8")
            out_render, out_floor = tmp / f"{path.stem}.docx", tmp / f"{path.stem}.floor.docx"
            cmd_render = [py, "-m", "generator", "render", str(path), "-o", str(out_render), "--force"]
            cmd_floor = [py, str(floor_py), str(text), str(out_floor)]
            # the first render of this example with an empty cache (the bytecode and phrasebank of earlier
            # examples may be there already), then an untimed warm-up of both (file cache, bytecode), the
            # render one also telling whether jieba is imported
            first[path.stem] = run(cmd_render)[:2]
            jieba_seen[f"render {path.name}"] = imported_jieba(run(cmd_render, importtime=True)[2])
            run(cmd_floor)
            if docx_lines(out_render) != [p.strip() for p in draft.paragraphs if p.strip()]:
                print(f"  warning: {path.name}: the rendered .docx text differs from the in-process draft's")
            rows: dict[str, list[tuple[float, float]]] = {"render": [], "floor": []}
            for r in range(repeat):
                for arm in (("render", "floor") if r % 2 == 0 else ("floor", "render")):
                    rows[arm].append(run(cmd_render if arm == "render" else cmd_floor)[:2])
            w = {k: [x[0] for x in v] for k, v in rows.items()}
            c = {k: [x[1] for x in v] for k, v in rows.items()}
            arm1[path.stem] = (ratio_cell(w["render"], w["floor"]), ratio_cell(c["render"], c["floor"]))
            print(f"{path.stem:16}{draft.char_count():6d}{len(draft.paragraphs):6d}"
                  + "".join(f"{fmt(mm(v)).replace(' / ', '/'):>14}" for v in (w["render"], w["floor"]))
                  + "".join(f"{fmt(mm(v)).replace(' / ', '/'):>14}" for v in (c["render"], c["floor"]))
                  + f"{fmt(arm1[path.stem][0]):>14}{fmt(arm1[path.stem][1]):>14}")
        summary("render / floor", arm1)
        print("   first render of each example with an empty cache (s, wall / CPU): "
              + "; ".join(f"{k} {w:.2f} / {c:.2f}" for k, (w, c) in first.items()))

        # ---------------------------------------------------------------- arm 2: warm process
        print(f"\n2. warm process (after one warm-up render); ms, min / median; load average "
              f"{os.getloadavg()[0]:.2f}")
        print(f"{'example':16}{'compose':>12}{'check':>10}{'writer':>10}{'bare':>10}"
              f"{'(compose+check)/writer':>28}{'writer/bare':>26}   (ratios: wall; CPU)")
        arm2a, arm2b = {}, {}
        for name, config in configs.items():
            warm_render(config, bank)
            floor_write(drafts[name].paragraphs, io.BytesIO())
            wall: dict[str, list[float]] = {k: [] for k in ("compose", "check", "writer", "bare", "compose+check")}
            cpu: dict[str, list[float]] = {k: [] for k in wall}
            for _ in range(repeat):
                times = {}
                times["compose"] = timed(lambda: compose(config, bank=bank))
                draft = times["compose"][2]
                times["check"] = timed(lambda: check_lines(draft.paragraphs, year=config.year,
                                                           target_length=draft.meta.get("target")))
                times["writer"] = timed(lambda: render_docx(draft))
                times["bare"] = timed(lambda: floor_write(draft.paragraphs, io.BytesIO()))
                for k, (tw, tc, _v) in times.items():
                    wall[k].append(tw)
                    cpu[k].append(tc)
                wall["compose+check"].append(times["compose"][0] + times["check"][0])
                cpu["compose+check"].append(times["compose"][1] + times["check"][1])
            arm2a[name] = (ratio_cell(wall["compose+check"], wall["writer"]), ratio_cell(cpu["compose+check"], cpu["writer"]))
            arm2b[name] = (ratio_cell(wall["writer"], wall["bare"]), ratio_cell(cpu["writer"], cpu["bare"]))
            cell = {k: "%.0f/%.0f" % tuple(1000 * x for x in mm(v)) for k, v in wall.items()}
            print(f"{name:16}{cell['compose']:>12}{cell['check']:>10}{cell['writer']:>10}{cell['bare']:>10}"
                  f"{fmt(arm2a[name][0]) + '; ' + fmt(arm2a[name][1]):>28}"
                  f"{fmt(arm2b[name][0]) + '; ' + fmt(arm2b[name][1]):>26}")
        summary("(compose + check) / writer", arm2a)
        summary("writer / bare", arm2b)
        jieba_seen["in-process compose / check / writer"] = "jieba" in sys.modules

        # ---------------------------------------------------------------- arm 3: render --each
        n = args.reporters
        print(f"\n3. render --each, 点评 with {n} made-up reporters (config from examples/dianping.yaml, length left "
              f"to the pack's default); load average {os.getloadavg()[0]:.2f}")
        data = yaml.safe_load((ROOT / "examples" / "dianping.yaml").read_text(encoding="utf-8"))
        data["reporters"] = reporters(n)
        data.pop("length", None)
        cfg = tmp / "each.yaml"
        cfg.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        folder = tmp / "each"
        cmd_each = [py, "-m", "generator", "render", str(cfg), "-o", str(folder), "--each", "--force"]
        small = tmp / "each_small"  # the jieba check on a short --each run (the example's three reporters)
        jieba_seen["render --each dianping.yaml"] = imported_jieba(run(
            [py, "-m", "generator", "render", str(ROOT / "examples" / "dianping.yaml"), "-o", str(small),
             "--each", "--force"], importtime=True)[2])
        texts: list[list[str]] = []
        proc_w, proc_c, bare_w, bare_c = [], [], [], []

        def bare_all() -> None:
            for lines in texts:
                floor_write(lines, io.BytesIO())

        for r in range(each_repeat):
            for arm in (("each", "bare") if r % 2 == 0 or not texts else ("bare", "each")):
                if arm == "each":
                    wall_s, cpu_s, _ = run(cmd_each)
                    proc_w.append(wall_s)
                    proc_c.append(cpu_s)
                    if not texts:
                        files = sorted(folder.glob("*.docx"))
                        if len(files) != n:
                            sys.exit(f"render --each wrote {len(files)} files, expected {n}")
                        texts = [docx_lines(f) for f in files]
                        floor_write(texts[0], io.BytesIO())  # warm-up
                else:
                    wall_s, cpu_s, _ = timed(bare_all)
                    bare_w.append(wall_s)
                    bare_c.append(cpu_s)
        chars = [len("".join("".join(t[1:]).split())) for t in texts]
        print(f"   {n} documents of {min(chars)}–{max(chars)} characters (all but the title), "
              f"{statistics.median(len(t) for t in texts):.0f} paragraphs each")
        print(f"   one process doing all {n}: {fmt(mm(proc_w))} s wall, {fmt(mm(proc_c))} s CPU; per document "
              f"{1000 * mm(proc_w)[0] / n:.1f} / {1000 * mm(proc_w)[1] / n:.1f} ms wall, "
              f"{1000 * mm(proc_c)[0] / n:.1f} / {1000 * mm(proc_c)[1] / n:.1f} ms CPU")
        print(f"   bare in-process write, per document: {1000 * mm(bare_w)[0] / n:.1f} / "
              f"{1000 * mm(bare_w)[1] / n:.1f} ms wall, {1000 * mm(bare_c)[0] / n:.1f} / "
              f"{1000 * mm(bare_c)[1] / n:.1f} ms CPU")
        summary("each / bare, per document",
                {"--each": (ratio_cell(proc_w, bare_w), ratio_cell(proc_c, bare_c))})

    print("\njieba imported while rendering:")
    for what, seen in jieba_seen.items():
        print(f"   {what}: {'YES (must not be)' if seen else 'no'}")
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
