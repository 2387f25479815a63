"""The command group every speechgen command hangs from: domain errors, usage errors and unexpected
failures all become a Chinese message and an exit code (0 ok, 1 findings, 2 bad input); no traceback."""

from __future__ import annotations

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


def write_stdout(text: str) -> None:
    """Print ``text`` (a draft, a starter config) on stdout and make sure it got there: a closed stdout
    (``>&-``) or one that fails to take it (a full disk, ``/dev/full``) is an InputError (exit 2), never a
    silent exit 0 with the text gone. A reader that hung up (``| head``) ends the command quietly."""
    from generator.atomic import os_reason

    stream = sys.stdout
    if stream is None or getattr(stream, "closed", False):
        raise InputError("标准输出已关闭，内容无处可写；请用 -o 指定输出文件", key="-o -")
    try:
        click.echo(text, nl=False, file=stream)
        stream.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        _drop_stdout(stream)
        raise InputError(f"无法写入标准输出：{os_reason(exc)}；请用 -o 指定输出文件", key="-o -") from None
    except ValueError:  # "I/O operation on closed file"
        raise InputError("标准输出已关闭，内容无处可写；请用 -o 指定输出文件", key="-o -") from None


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


# click's own usage errors, in the users' language (the rest of click's messages are for developers).
_USAGE_ZH = [
    (r"^No such option:? '?([^'\s]+?)'?\.?(?:\s+\(?Did you mean (?:one of: )?(.+?)\?\)?)?$",
     lambda m: f"没有选项 {m[1]}" + (f"，是否想写 {m[2].replace(chr(39), '')}？" if m[2] else "")),
    (r"^No such command '(.+?)'\.$", lambda m: f"没有命令 {m[1]}"),
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


class Group(click.Group):
    """Turns every domain error, and any unexpected one, into a message: no traceback reaches users."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
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
