"""The local workbench (``speechgen serve``): a browser page over the same library the CLI uses.

A form generated from the config schema, the draft laid out like the document with the checker's
findings beside it, every sentence's source one click away, downloads of the .docx (the bytes
``render`` writes), the .md and the config as YAML. It binds 127.0.0.1 only.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

from generator.atomic import os_reason
from generator.errors import InputError

__all__ = ["HOST", "make_settings", "create_app", "serve"]

#: The one address the workbench listens on: this machine only.
HOST = "127.0.0.1"


def make_settings(template_dirs: Iterable = (), phrase_dirs: Iterable = (), style_files: Iterable = (),
                  temp_root: Path | None = None):
    """Check what ``serve`` was given (as ``render`` checks it) and keep it as absolute paths.

    A bad templates folder, phrasebank folder or house style is an InputError, reported before the
    server starts."""
    from generator.bank.entries import load_phrasebank
    from generator.drafting.packs import find_packs
    from generator.web.forms import Choices
    from generator.web.work import Settings
    from generator.writers.house_style import is_style_name, load_style, shipped_styles

    templates = tuple(Path(os.path.abspath(p)) for p in template_dirs)
    find_packs(templates)
    phrases = tuple(dict.fromkeys(Path(os.path.abspath(p)) for p in phrase_dirs))
    if phrases:
        load_phrasebank(phrases)
    names = list(shipped_styles())
    files: list[Path] = []
    for given in style_files:
        load_style(given)
        if is_style_name(given) and str(given) in names:
            continue
        path = Path(os.path.abspath(given))
        if path not in files:
            files.append(path)
    root = temp_root or Path(tempfile.gettempdir())
    return Settings(template_dirs=templates, choices=Choices(tuple(names), tuple(files), phrases), temp_root=root)


def create_app(settings=None, **options):
    """The Flask app of the workbench (``settings`` from :func:`make_settings`, or its options)."""
    from generator.web.app import create_app as _create_app

    return _create_app(settings if settings is not None else make_settings(**options))


def _listen(port: int):
    """A socket listening on 127.0.0.1:``port``, bound here so that a port in use is said in Chinese (werkzeug
    would print English and exit 1). The server takes it over."""
    import socket

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        if os.name != "nt":  # a restart right after Ctrl+C reuses the port; on Windows this would share it
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((HOST, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise InputError(f"无法在 {HOST}:{port} 上启动工作台（{os_reason(exc)}）；端口可能已被占用，请用 --port 换一个端口",
                         key="--port") from None
    return sock


def serve(*, port: int = 8765, open_browser: bool = True, template_dirs=(), phrase_dirs=(), style_files=(),
          echo=print, ready: threading.Event | None = None) -> None:
    """Run the workbench on 127.0.0.1:``port`` until interrupted; its temporary folder is removed at the end."""
    from werkzeug.serving import make_server

    temp_root = Path(tempfile.mkdtemp(prefix="speechgen-bench-"))
    try:
        settings = make_settings(template_dirs, phrase_dirs, style_files, temp_root=temp_root)
        app = create_app(settings)
        sock = _listen(port)
        try:
            server = make_server(HOST, port, app, threaded=True, fd=sock.fileno())
        finally:
            sock.close()  # the server listens on its own copy
        url = f"http://{HOST}:{server.socket.getsockname()[1]}/"
        echo(f"speechgen 工作台已启动：{url}")
        echo(f"只在本机 {HOST} 上监听，其他电脑无法访问；按 Ctrl+C 结束。")
        if ready is not None:
            ready.set()
        if open_browser:
            import webbrowser

            threading.Timer(0.5, lambda: webbrowser.open(url)).start()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            echo("工作台已结束。")
        finally:
            server.server_close()
    finally:
        shutil.rmtree(temp_root, ignore_errors=True)
