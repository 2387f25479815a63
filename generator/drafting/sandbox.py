"""The sandbox a pack's templates run in: files only from inside the pack, and a bounded amount of work.

Jinja's SandboxedEnvironment already refuses unsafe attributes. A template is still code a user may
have downloaded, so on top of it:

- a template file is read only when its real path (symlinks resolved) lies inside the folder of the
  pack that holds it, and only as UTF-8 text through the project's loader (size-capped);
- a render may make at most ``MAX_CALLS`` calls and loop ``MAX_ITERATIONS`` times through ``range``,
  may not build strings or numbers beyond ``MAX_VALUE`` (``'x' * 10**10``), may not write more than
  ``MAX_OUTPUT`` characters, and must end within ``SECONDS``; going over is bad input, reported with
  the template line.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from pathlib import Path

from jinja2 import FileSystemLoader, TemplateNotFound, TemplateRuntimeError
from jinja2.sandbox import SandboxedEnvironment

from generator.errors import InputError
from generator.loader import read_utf8

SECONDS = 20.0  # one render of one template (a compose renders several to fit the length)
MAX_CALLS = 2_000_000
MAX_ITERATIONS = 1_000_000
MAX_OUTPUT = 400_000  # characters one render may produce (a long draft is about 10,000)
MAX_VALUE = 100_000  # characters of a string, or digits of a number, one operation may build


class BudgetExceeded(TemplateRuntimeError):
    """Raised when a render goes over one of the sandbox's bounds; the message is for users."""


class Budget:
    """What one render has used so far."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.calls = 0
        self.iterations = 0
        self.output = 0

    def tick(self, what: str = "calls") -> None:
        if what == "calls":
            self.calls += 1
            if self.calls > MAX_CALLS:
                raise BudgetExceeded(f"模板调用次数超过 {MAX_CALLS} 次（可能是循环写错了），已停止")
        else:
            self.iterations += 1
            if self.iterations > MAX_ITERATIONS:
                raise BudgetExceeded(f"模板循环超过 {MAX_ITERATIONS} 次（可能是 range 嵌套过深），已停止")
        if (self.calls + self.iterations) % 1024 == 0:
            self.check_time()

    def check_time(self) -> None:
        if time.monotonic() - self.start > SECONDS:
            raise BudgetExceeded(f"模板运行超过 {SECONDS:g} 秒仍未结束（可能是循环写错了），已停止")

    def wrote(self, n: int) -> None:
        self.output += n
        if self.output > MAX_OUTPUT:
            raise BudgetExceeded(f"模板输出超过 {MAX_OUTPUT} 字（可能是循环写错了），已停止")
        self.check_time()


class PackLoader(FileSystemLoader):
    """Loads templates from one pack folder, refusing any file whose real path lies outside it."""

    def __init__(self, folder: str | Path):
        super().__init__(str(folder))
        self.folder = Path(folder)

    def get_source(self, environment, template):
        root = os.path.realpath(self.folder)
        for piece in template.split("/"):
            if piece in ("", ".", "..") or os.sep in piece or (os.altsep and os.altsep in piece):
                raise TemplateNotFound(template)
        path = self.folder.joinpath(*template.split("/"))
        if not path.exists() and not path.is_symlink():
            raise TemplateNotFound(template)
        real = os.path.realpath(path)
        if os.path.commonpath([root, real]) != root:
            raise InputError("模板文件指向模板包文件夹以外的位置（符号链接），不会读取", path=path)
        if not Path(real).is_file():
            raise TemplateNotFound(template)
        source = read_utf8(real, "template")
        mtime = os.path.getmtime(real)
        return source, str(path), lambda: os.path.exists(real) and os.path.getmtime(real) == mtime


class PackEnvironment(SandboxedEnvironment):
    """A SandboxedEnvironment that counts the work a render does (see the module docstring)."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.budget = Budget()
        self.globals["range"] = self._range

    def _range(self, *args):
        if any(isinstance(a, int) and abs(a) > MAX_ITERATIONS for a in args):
            raise BudgetExceeded(f"range 的范围超过 {MAX_ITERATIONS}，已停止")
        for value in range(*args):
            self.budget.tick("iterations")
            yield value

    def call(__self, __context, __obj, *args, **kwargs):
        __self.budget.tick()
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context, operator, left, right):
        self.budget.tick()
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_VALUE:
                    raise BudgetExceeded(f"模板里的乘法会生成超过 {MAX_VALUE} 字的内容，已停止")
        if (operator == "**" and isinstance(left, int) and isinstance(right, int) and abs(left) > 1
                and right * max(1, abs(left).bit_length()) > MAX_VALUE):
            raise BudgetExceeded("模板里的乘方结果过大，已停止")
        return super().call_binop(context, operator, left, right)


def render_bounded(template, context: dict, env: PackEnvironment) -> str:
    """Render ``template`` with a fresh budget, output size and time checked as it is produced.

    One call can still run long between checks (a filter over a huge string): in the main thread a
    timer interrupts it at SECONDS (elsewhere — the workbench's worker threads — the checks alone hold)."""
    env.budget = Budget()
    parts: list[str] = []
    with _alarm(SECONDS + 1):
        for chunk in template.generate(**context):
            env.budget.wrote(len(chunk))
            parts.append(chunk)
    return "".join(parts)


@contextlib.contextmanager
def _alarm(seconds: float):
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise BudgetExceeded(f"模板运行超过 {SECONDS:g} 秒仍未结束（某个过滤器或调用太慢），已停止")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
