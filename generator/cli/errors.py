"""The command group every speechgen command hangs from: domain errors, usage errors and unexpected
failures all become a Chinese message and an exit code (0 ok, 1 findings, 2 bad input); no traceback."""

from __future__ import annotations

import errno
import os
import re
import sys

import click

from generator.errors import InputError, SpeechgenError

class UserError(click.ClickException):
    """Raised to show a domain error as a message and exit with its code; no traceback."""

    def __init__(self, err: SpeechgenError):
        super().__init__(err.format())
        self.exit_code = err.exit_code

    def show(self, file=None) -> None:
        click.echo(f"错误：{self.format_message()}", err=True)


def write_stdout(text: str, *, key: str | None = "-o -", advice: str = "；请用 -o 指定输出文件") -> None:
    """Print ``text`` (a draft, a starter config, a listing) on stdout and make sure all of it got there.

    A closed stdout (``>&-``), one that fails to take it (a full disk, ``/dev/full``) or takes only part
    of it (a file over ``ulimit -f``: the write comes back short, which Python's text layer would drop
    silently) is an InputError (exit 2), never a silent exit 0 with the text gone or cut. ``key`` and
    ``advice`` fit the message to the command (``-o -`` for render and init). A reader that hung up
    (``| head``) ends the command quietly."""
    from generator.atomic import os_reason

    stream = sys.stdout
    if stream is None or getattr(stream, "closed", False):
        raise InputError(f"标准输出已关闭，内容无处可写{advice}", key=key)
    try:
        buffer = getattr(stream, "buffer", None)
        if buffer is None or os.linesep != "\n":  # no byte layer (or one that must not see bare \n)
            click.echo(text, nl=False, file=stream)
            stream.flush()
            return
        stream.flush()  # whatever was printed before goes first
        data = memoryview(text.encode(getattr(stream, "encoding", None) or "utf-8", "replace"))
        while data:
            n = buffer.write(data)
            if n is None or n <= 0:  # a non-blocking stdout that takes nothing more
                raise OSError(errno.EAGAIN, "short write")
            data = data[n:]  # a short write is retried: the next attempt says why (EFBIG, ENOSPC)
            buffer.flush()
        buffer.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        _drop_stdout(stream)
        reason = os_reason(exc) if exc.errno != errno.EAGAIN else "只写进了一部分"
        raise InputError(f"无法写入标准输出：{reason}，内容不完整{advice}", key=key) from None
    except ValueError:  # "I/O operation on closed file"
        raise InputError(f"标准输出已关闭，内容无处可写{advice}", key=key) from None


def _drop_stdout(stream) -> None:
    """Point a failed stdout at the null device, so the interpreter's last flush of what is still
    buffered does not fail again (an English "Exception ignored" and exit code 120)."""
    import os

    try:
        fd = stream.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


def _from_echo(exc: BaseException) -> bool:
    """True when ``exc`` was raised while click.echo printed: the output stream, not an input, failed."""
    import traceback

    return any(frame.f_code.co_name == "echo" and "click" in frame.f_code.co_filename
               for frame, _ in traceback.walk_tb(exc.__traceback__))


def ignore_file_size_signal() -> None:
    """Let a write over the file-size limit (``ulimit -f``) fail with EFBIG, reported as such, instead
    of SIGXFSZ killing the process with nothing said."""
    import signal

    if hasattr(signal, "SIGXFSZ"):
        try:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        except (ValueError, OSError):  # not the main thread
            pass


def short_lived() -> None:
    """For a command that does its work and ends (render, check): collect cyclic garbage less often, and end
    the process without tearing down its heap (see ``main``). A render makes some hundred thousand objects,
    nearly all alive until the end, so the collector's passes over them (about 20 ms a render) and the
    interpreter's freeing of every one of them at exit (about 50 ms) are work nothing needs."""
    import gc

    global _SHORT_LIVED
    _SHORT_LIVED = True
    gc.set_threshold(*SHORT_LIVED_GC)


#: gc thresholds of a short-lived command (Python's defaults are 700, 10, 10)
SHORT_LIVED_GC = (10_000, 20, 20)
_SHORT_LIVED = False


def leave_now(code) -> None:
    """End a short-lived command's process with ``code`` without the interpreter's teardown, when that is
    safe: only this thread running, stdout and stderr flushed without error, the atexit functions run.
    Otherwise returns, and the normal exit says what it says (a stdout that cannot take the last bytes)."""
    import atexit
    import threading

    if not _SHORT_LIVED or not isinstance(code, (int, type(None))) or threading.active_count() > 1:
        return
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None and not stream.closed:
                stream.flush()
    except (OSError, ValueError):
        return
    atexit._run_exitfuncs()
    os._exit(code or 0)


# click's own usage errors, in the users' language (the rest of click's messages are for developers).
_USAGE_ZH = [
    (r"^No such option:? '?([^'\s]+?)'?\.?(?:\s+\(?Did you mean (?:one of: )?(.+?)\?\)?)?$",
     lambda m: f"没有选项 {m[1]}" + (f"，是否想写 {m[2].replace(chr(39), '')}？" if m[2] else "")),
    (r"^No such command '(.+?)'\.(?:\s*Did you mean '(.+?)'\?)?$",
     lambda m: f"没有命令 {m[1]}" + (f"，是否想写 {m[2]}？" if m[2] else "")),
    (r"^Missing argument '(.+?)'\.$", lambda m: f"缺少参数 {m[1]}"),
    (r"^Missing option '([^']+)'(?: / '([^']+)')*\.$", lambda m: f"缺少选项 {m[1]}" + (f"（或 {m[2]}）" if m[2] else "")),
    (r"^Option '(.+?)' requires an argument\.$", lambda m: f"选项 {m[1]} 后面要给一个值"),
    (r"^Got unexpected extra arguments? \((.*)\)$", lambda m: f"多余的参数：{m[1]}"),
    (r"^Invalid value for '([^']+)'(?: / '[^']+')*: '?(.*?)'? is not a valid integer(?: range)?\.$", lambda m: f"{m[1]} 应为整数，而不是“{m[2]}”"),
    (r"^Invalid value for '([^']+)'(?: / '[^']+')*: '?(.*?)'? is not a valid float(?: range)?\.$", lambda m: f"{m[1]} 应为数字，而不是“{m[2]}”"),
    (r"^Invalid value for '([^']+)'(?: / '[^']+')*: (?:Path|File|Directory) '(.*?)' does not exist\.$", lambda m: f"{m[1]}：{m[2]} 不存在"),
    (r"^Invalid value for '([^']+)'(?: / '[^']+')*: '(.*?)' is not one of (.+)\.$", lambda m: f"{m[1]} 的值“{m[2]}”不在可选范围内（{m[3]}）"),
    (r"^Invalid value for '([^']+)'(?: / '[^']+')*: (-?\d+) is not in the range (.+?)\.$",
     lambda m: f"{m[1]} 的值 {m[2]} 超出范围（{m[3].replace('<=x<=', '–').replace('x>=', '≥').replace('x<=', '≤')}）"),
    (r"^Invalid value for '([^']+)'(?: / '[^']+')*: (.*)$", lambda m: f"{m[1]} 的值无效：{m[2]}"),
]


def usage_zh(message: str) -> str:
    for pattern, render in _USAGE_ZH:
        m = re.match(pattern, message.strip(), re.S)
        if m:
            return render(m)
    return message


# click's help text, in the users' language (the command and option descriptions are Chinese already).
_HELP_ZH = [
    (re.compile(r"^Usage: ", re.M), "用法："),
    (re.compile(r"^Options:$", re.M), "选项："),
    (re.compile(r"^Commands:$", re.M), "命令："),
    (re.compile(r"\[required\]"), "[必填]"),
    (re.compile(r"\[default: "), "[默认："),
]
HELP_OPTION_ZH = "显示本帮助并退出。"
#: click ≥ 8.2 raises this for a group called without a command (8.1 printed the help itself).
_NO_ARGS = getattr(click.exceptions, "NoArgsIsHelpError", ())


def help_zh(text: str) -> str:
    for pattern, zh in _HELP_ZH:
        text = pattern.sub(zh, text)
    return text


class _ChineseHelp:
    """Help pages and usage lines in Chinese: headings, the help option's own line, [required]/[default]."""

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION_ZH
        return option

    def get_help(self, ctx) -> str:
        return help_zh(super().get_help(ctx))  # type: ignore[misc]

    def get_usage(self, ctx) -> str:
        return help_zh(super().get_usage(ctx))  # type: ignore[misc]


class Command(_ChineseHelp, click.Command):
    """Every speechgen command: its help in Chinese."""


class Group(_ChineseHelp, click.Group):
    """Turns every domain error, and any unexpected one, into a message: no traceback reaches users."""

    command_class = Command
    group_class = type  # subgroups are Groups too

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except _NO_ARGS as err:  # a bare `speechgen`: the help, not an "error"
            click.echo(err.format_message(), err=True)
            rv = 2
        except click.UsageError as err:
            where = err.ctx.command_path if err.ctx else (prog_name or "speechgen")
            click.echo(f"错误：{usage_zh(err.format_message())}\n（用法见 {where} -h）", err=True)
            rv = 2
        except click.ClickException as err:
            err.show()
            rv = err.exit_code
        except click.Abort:
            click.echo("已中止。", err=True)
            rv = 1
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else 0)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except SpeechgenError as err:
            raise UserError(err) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            sys.exit(0)
        except Exception as exc:  # last resort: keep the promise of no traceback
            if isinstance(exc, OSError) and _from_echo(exc):  # e.g. `speechgen phrases > /dev/full`
                from generator.atomic import os_reason

                _drop_stdout(sys.stdout)
                click.echo(f"错误：无法写入标准输出：{os_reason(exc)}", err=True)
                sys.exit(2)
            click.echo(f"错误：内部错误（{type(exc).__name__}: {exc}）。请把命令和输入文件一并报告给维护者。",
                       err=True)
            sys.exit(70)
