"""The sandbox a pack's templates run in: files only from inside the pack, and a bounded amount of work.

Jinja's SandboxedEnvironment already refuses unsafe attributes. A template is still code a user may
have downloaded, so on top of it:

- a template file is read only when its real path (symlinks resolved) lies inside the folder of the
  pack that holds it, and only as UTF-8 text through the project's loader (size-capped);
- a render may make at most ``MAX_CALLS`` calls and loop ``MAX_ITERATIONS`` times through ``range``,
  may not build strings or numbers beyond ``MAX_VALUE`` (``'x' * 10**10``, ``"x"|center(10**9)``,
  ``"%09999999d"|format(1)``), may not write more than ``MAX_OUTPUT`` characters, and must end within
  ``SECONDS``; going over is bad input, reported with the template line;
- only text and numbers turn into text: a list, a mapping or an object (``cfg``, ``s``, ``plan``) given
  to ``|string``, ``|format``, ``~``, ``%`` or ``str.format`` is refused, so that no Python repr, memory
  address or provenance mark reaches a draft;
- every other failure of a template's own code (a wrong argument, 1/0, endless recursion) becomes a
  :class:`TemplateProblem` said in Chinese, the template line kept.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
import re
import signal
import threading
import time
from pathlib import Path

from jinja2 import BaseLoader, FileSystemLoader, TemplateError, TemplateNotFound, TemplateRuntimeError, Undefined
from jinja2.compiler import CodeGenerator, optimizeconst
from jinja2.sandbox import SandboxedEnvironment

from generator.errors import InputError, translated
from generator.loader import read_utf8

SECONDS = 20.0  # one render of one template (a compose renders several to fit the length)
MAX_CALLS = 2_000_000
MAX_ITERATIONS = 1_000_000
MAX_OUTPUT = 400_000  # characters one render may produce (a long draft is about 10,000)
MAX_VALUE = 100_000  # characters of a string, or digits of a number, one operation may build


class TemplateProblem(TemplateRuntimeError):
    """A template's own mistake, said in Chinese for its author; the message is shown as it is."""


class BudgetExceeded(TemplateProblem):
    """Raised when a render goes over one of the sandbox's bounds; the message is for users."""


OUTSIDE_PACK = "引用的文件在模板包以外（路径含 .. 或以 / 开头），不会读取；模板只能引用本包、它继承的包和 _lib/ 里的文件"


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
                # refused outright, not "not found": no other loader of the chain may try it either
                raise TemplateProblem(OUTSIDE_PACK)
        path = self.folder.joinpath(*template.split("/"))
        if not path.exists() and not path.is_symlink():
            raise TemplateNotFound(template)
        real = os.path.realpath(path)
        if os.path.commonpath([root, real]) != root:
            raise InputError("模板文件指向模板包文件夹以外的位置（符号链接），不会读取", path=path)
        if os.path.isdir(real):
            raise TemplateNotFound(template)
        source = read_utf8(path, "template")  # a FIFO or a device is refused here, never waited on
        mtime = os.path.getmtime(real)
        return source, str(path), lambda: os.path.exists(real) and os.path.getmtime(real) == mtime


class RefusedPack(BaseLoader):
    """Stands for a pack a template may not read from (one it does not extend): refused before any file
    is opened, with the reason, instead of "not found"."""

    def __init__(self, pack_id: str):
        self.pack_id = pack_id

    def get_source(self, environment, template):
        raise TemplateProblem(f"不能引用模板包 {self.pack_id} 的文件：模板只能引用本包、它继承的包和 _lib/ 里的文件，"
                              "未读取")


def _kind(value) -> str | None:
    """What ``value`` is when it may not become text in a draft (None when it may)."""
    if isinstance(value, (str, int, float, Undefined)):  # bool is an int; Undefined fails on its own
        return None
    if value is None:
        return "空值（None）"
    if isinstance(value, (list, tuple, set, frozenset)) or inspect.isgenerator(value):
        return "一个列表"
    if isinstance(value, dict):
        return "一个映射（如 cfg 或其中的一项）"
    return "一个程序对象（如 s 或 plan）"


def refuse_non_text(value, where: str) -> None:
    """TemplateProblem unless ``value`` is text or a number: a list, a mapping, an object or None turned
    into text would write a Python repr (with memory addresses and provenance marks) into the draft."""
    kind = _kind(value)
    if kind is not None:
        raise TemplateProblem(f"模板把{kind}交给了 {where}，会把程序内部的内容写进草稿：请只输出文字或数字"
                              "（列表用 s.join(列表, \"\") 或 {% for %} 逐项输出）")


#: Filters that turn their value (and arguments) into text.
TEXT_FILTERS = ("capitalize", "center", "e", "escape", "filesizeformat", "forceescape", "format", "indent", "lower",
                "pprint", "replace", "safe", "string", "striptags", "title", "tojson", "trim", "truncate", "upper",
                "urlencode", "urlize", "wordcount", "wordwrap", "xmlattr")
#: Where a width or count argument makes a filter build that much (``"x"|center(10**9)``).
_SIZE_ARGS = {"center": (1, "width"), "indent": (1, "width"), "batch": (1, "linecount"), "slice": (1, "slices")}
#: str methods whose int argument is the size of what they build.
_SIZE_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})
_FORMAT_NUMBER = re.compile(r"%[-#0 +]*(\d*)(?:\.(\d+))?|\{[^{}]*?:([^{}]*)\}")


def _refuse_big(n, what: str) -> None:
    if isinstance(n, int) and not isinstance(n, bool) and abs(n) > MAX_VALUE:
        raise BudgetExceeded(f"模板里的{what}超过 {MAX_VALUE}，会生成过长的内容，已停止")


def _check_format_string(fmt) -> None:
    """Refuse a format string whose width or precision exceeds MAX_VALUE (``"%0999999999d"``)."""
    if not isinstance(fmt, str):
        return
    for m in _FORMAT_NUMBER.finditer(fmt):
        for number in re.findall(r"\d+", "".join(g or " " for g in m.groups())):
            if len(number) > 6 or int(number) > MAX_VALUE:
                raise BudgetExceeded(f"模板里的格式宽度超过 {MAX_VALUE}，会生成过长的内容，已停止")


def _check_replace(s, old, new, count=None) -> None:
    if isinstance(s, str) and isinstance(old, str) and isinstance(new, str):
        times = (len(s) + 1) if not old else s.count(old)
        if isinstance(count, int) and count >= 0:
            times = min(times, count)
        if len(s) + times * len(new) > MAX_OUTPUT:
            raise BudgetExceeded(f"模板里的替换会生成超过 {MAX_OUTPUT} 字的内容，已停止")


def _guarded_filter(name: str, func):
    """``func`` (a Jinja filter) with its value and arguments checked first."""
    skip = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0  # a context or eval context first

    @functools.wraps(func)
    def guarded(*args, **kwargs):
        own = args[skip:]
        if name in TEXT_FILTERS and own:
            refuse_non_text(own[0], f"|{name} 过滤器")
            for value in (*own[1:], *kwargs.values()):
                # what |format prints must be text; other arguments may be flags (True) or None
                if name == "format" or (value is not None and not isinstance(value, bool)):
                    refuse_non_text(value, f"|{name} 过滤器")
        if name in _SIZE_ARGS:
            pos, key = _SIZE_ARGS[name]
            size = kwargs.get(key, own[pos] if len(own) > pos else None)
            _refuse_big(size, f" |{name} 的{'宽度' if name in ('center', 'indent') else '数目'}")
        if name == "format" and own:
            _check_format_string(own[0])
            if "*" in str(own[0]):
                for value in (*own[1:], *kwargs.values()):
                    _refuse_big(value, "格式宽度")
        elif name == "replace" and len(own) >= 3:
            _check_replace(*own[:4])
        elif name == "join" and own:
            items = list(own[0])
            for item in items:
                refuse_non_text(item, "|join 过滤器")
            args = (*args[:skip], items, *own[1:])
        return func(*args, **kwargs)

    return guarded


_REASON_ZH = [
    (r"numeral out of range: (.+)", "中文数字只能写 1 到 999，这里给的是 {0:.20}"),
    (r"macro '([^']+)' takes not more than (\d+) argument", "宏 {0} 最多接受 {1} 个参数，这里给多了"),
    (r"macro '([^']+)' takes no keyword argument '([^']+)'", "宏 {0} 没有名为 {1} 的参数"),
]


def _reason_zh(exc: BaseException) -> str:
    """A run-time failure of a template's own code, in Chinese (no Python type names)."""
    text = str(exc)
    if isinstance(exc, RecursionError):
        return "模板递归过深（宏或 include 调用了自己）"
    if isinstance(exc, MemoryError):
        return "模板占用内存过多"
    if isinstance(exc, ZeroDivisionError):
        return "模板里除以了零"
    if isinstance(exc, OverflowError):
        return "模板里的数字过大"
    said = translated(text, _REASON_ZH)
    if said:
        return said
    if isinstance(exc, IndexError):
        return "下标超出了列表的范围"
    if isinstance(exc, KeyError):
        return "没有这个键"
    if isinstance(exc, TypeError):
        return "类型不对（如把文字当数字用，或把列表当文字用）"
    if isinstance(exc, ValueError):
        return "给的值不合适"
    return "模板运行出错"


_BIND_ZH = [
    (r"missing a required argument: '([^']+)'", "缺少参数 {0}"),
    (r"too many positional arguments", "参数给多了"),
    (r"got an unexpected keyword argument '([^']+)'", "没有名为 {0} 的参数"),
    (r"multiple values for argument '([^']+)'", "参数 {0} 给了两次"),
]


def _callable_name(obj) -> str:
    name = getattr(obj, "__name__", None) or getattr(obj, "name", None) or "这个函数"
    owner = getattr(obj, "__self__", None)
    if type(owner).__name__ == "TemplateApi":
        return f"s.{name}"
    return str(name)


def _bad_arguments(obj, args, kwargs) -> str | None:
    """Why ``obj(*args, **kwargs)`` cannot bind, in Chinese; None when it binds (or cannot be told)."""
    try:
        inspect.signature(obj).bind(*args, **kwargs)
    except TypeError as exc:
        return translated(str(exc), _BIND_ZH) or "参数的个数或名字不对"
    except ValueError:  # no signature to read (a builtin)
        return None
    return None


class _CheckedConcat(CodeGenerator):
    """Compiles ``a ~ b`` to ``environment.concat_text((a, b))``, so what it joins is checked like a filter's value."""

    @optimizeconst
    def visit_Concat(self, node, frame) -> None:
        self.write("environment.concat_text((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class PackEnvironment(SandboxedEnvironment):
    """A SandboxedEnvironment that counts the work a render does (see the module docstring)."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    code_generator_class = _CheckedConcat

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.budget = Budget()
        self.globals["range"] = self._range
        self.filters = {name: _guarded_filter(name, f) if name in (*TEXT_FILTERS, *_SIZE_ARGS, "join") else f
                        for name, f in self.filters.items()}

    def concat_text(self, parts) -> str:
        total = 0
        for part in parts:
            refuse_non_text(part, "~ 连接")
            total += len(part) if isinstance(part, str) else 24
        if total > MAX_OUTPUT:
            raise BudgetExceeded(f"模板里的 ~ 连接会生成超过 {MAX_OUTPUT} 字的内容，已停止")
        return "".join(map(str, parts))

    def wrap_str_format(self, value):
        fmt = super().wrap_str_format(value)
        if fmt is None:
            return None
        text = getattr(value, "__self__", None)

        def checked(*args, **kwargs):
            _check_format_string(text)
            for arg in (*args, *kwargs.values()):
                refuse_non_text(arg, "str.format")
            return fmt(*args, **kwargs)

        return checked

    def _range(self, *args):
        if any(isinstance(a, int) and abs(a) > MAX_ITERATIONS for a in args):
            raise BudgetExceeded(f"range 的范围超过 {MAX_ITERATIONS}，已停止")
        for value in range(*args):
            self.budget.tick("iterations")
            yield value

    def call(__self, __context, __obj, *args, **kwargs):
        __self.budget.tick()
        if isinstance(getattr(__obj, "__self__", None), str):
            name = getattr(__obj, "__name__", "")
            if name in _SIZE_METHODS:
                for arg in args[:1]:
                    _refuse_big(arg, f" {name}() 的宽度")
            elif name == "replace" and len(args) >= 2:
                _check_replace(__obj.__self__, *args[:3])
        try:
            return super().call(__context, __obj, *args, **kwargs)
        except TypeError as exc:
            why = _bad_arguments(__obj, args, kwargs)
            if why is None:
                raise
            raise TemplateProblem(f"调用 {_callable_name(__obj)} 时参数不对：{why}").with_traceback(
                exc.__traceback__) from None

    def call_binop(self, context, operator, left, right):
        self.budget.tick()
        if operator == "%" and isinstance(left, str):
            _check_format_string(left)
            for value in right if isinstance(right, tuple) else (right,):
                refuse_non_text(value, "% 格式化")
                if "*" in left:
                    _refuse_big(value, "格式宽度")
        if (operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple))
                and len(left) + len(right) > MAX_OUTPUT):
            raise BudgetExceeded(f"模板里的加法会生成超过 {MAX_OUTPUT} 项的内容，已停止")
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
    try:
        with _alarm(SECONDS + 1):
            for chunk in template.generate(**context):
                env.budget.wrote(len(chunk))
                parts.append(chunk)
    except (TemplateError, InputError):
        raise
    except (ArithmeticError, LookupError, TypeError, ValueError, RecursionError, MemoryError) as exc:
        # the pack's own code went wrong: said in Chinese, the traceback kept so the template line is found
        raise TemplateProblem(_reason_zh(exc)).with_traceback(exc.__traceback__) from None
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
