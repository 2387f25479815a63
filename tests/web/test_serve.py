"""``speechgen serve``: binds 127.0.0.1 only and says so, checks its options first (exit 2 in Chinese),
removes its temporary folder when it ends."""

from __future__ import annotations

import threading
import urllib.request
from pathlib import Path

import pytest

from generator.cli import cli
from tests.conftest import EXAMPLES


class _FakeServer:
    """Stands in for werkzeug's server: records where it was asked to listen, then 'gets' Ctrl+C."""

    calls: list = []

    def __init__(self, host, port, app, threaded=False, fd=None):
        self.port = port or 50123
        self.socket = type("S", (), {"getsockname": lambda s: ("127.0.0.1", self.port)})()
        _FakeServer.calls.append((host, port, app))

    def serve_forever(self):
        raise KeyboardInterrupt

    def server_close(self):
        pass


@pytest.fixture
def fake_server(monkeypatch):
    import werkzeug.serving

    _FakeServer.calls = []
    monkeypatch.setattr(werkzeug.serving, "make_server", _FakeServer)
    return _FakeServer


def test_serve_binds_loopback_only_and_says_so(runner, fake_server, monkeypatch, tmp_path):
    import tempfile

    made: list[str] = []
    real = tempfile.mkdtemp
    monkeypatch.setattr(tempfile, "mkdtemp", lambda **kw: made.append(real(dir=tmp_path, **kw)) or made[-1])
    result = runner.invoke(cli, ["serve", "--port", "0", "--no-browser"])
    assert result.exit_code == 0, result.output
    assert [c[0] for c in fake_server.calls] == ["127.0.0.1"]
    assert "127.0.0.1" in result.output and "其他电脑无法访问" in result.output
    assert made and not Path(made[0]).exists()  # its temporary folder is gone


def test_serve_opens_the_browser_unless_told_not_to(runner, fake_server, monkeypatch):
    import webbrowser

    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append(url))
    monkeypatch.setattr(threading, "Timer", lambda delay, fn: type("T", (), {"start": lambda self: fn()})())
    assert runner.invoke(cli, ["serve", "--port", "8799"]).exit_code == 0
    assert opened == ["http://127.0.0.1:8799/"]
    opened.clear()
    assert runner.invoke(cli, ["serve", "--port", "8799", "--no-browser"]).exit_code == 0
    assert opened == []


@pytest.mark.parametrize("args,expect", [
    (["--port", "70000"], "--port"),
    (["--port", "abc"], "--port"),
    (["--templates", "/no/such/folder"], "模板文件夹不存在"),
    (["--phrases", "/no/such/folder"], "短语库文件夹不存在"),
    (["--style", "no-such-style"], "内置版式"),
    (["--style", "/no/such/style.yaml"], "找不到版式文件"),
    (["--host", "0.0.0.0"], "没有选项 --host"),
])
def test_bad_options_exit_2_with_a_chinese_message(runner, fake_server, args, expect):
    result = runner.invoke(cli, ["serve", "--no-browser", *args])
    assert result.exit_code == 2, result.output
    assert expect in result.output
    assert "Traceback" not in result.output
    assert fake_server.calls == []  # nothing listens


def test_a_port_in_use_is_exit_2(runner):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        port = sock.getsockname()[1]
        result = runner.invoke(cli, ["serve", "--no-browser", "--port", str(port)])
    assert result.exit_code == 2
    assert "端口" in result.output and "Traceback" not in result.output


def test_the_real_server_answers_on_loopback(tmp_path):
    from generator.web import serve

    ready = threading.Event()
    lines: list[str] = []
    import werkzeug.serving

    servers: list = []
    real = werkzeug.serving.make_server

    def keep(*a, **k):
        servers.append(real(*a, **k))
        return servers[-1]

    werkzeug.serving.make_server = keep
    try:
        thread = threading.Thread(target=serve, kwargs=dict(port=0, open_browser=False, echo=lines.append, ready=ready),
                                  daemon=True)
        thread.start()
        assert ready.wait(20)
    finally:
        werkzeug.serving.make_server = real
    server = servers[0]
    try:
        assert server.server_address[0] == "127.0.0.1"
        with urllib.request.urlopen(f"http://127.0.0.1:{server.socket.getsockname()[1]}/", timeout=10) as resp:
            page = resp.read().decode("utf-8")
        assert "speechgen 工作台" in page
    finally:
        server.shutdown()
        thread.join(10)
    assert any("127.0.0.1" in line for line in lines)


def test_the_style_and_phrases_given_are_offered(tmp_path):
    from generator.web import make_settings

    style = tmp_path / "版式.yaml"
    style.write_bytes((EXAMPLES / "style-centered.yaml").read_bytes())
    folder = tmp_path / "我的短语库"
    folder.mkdir()
    settings = make_settings(phrase_dirs=[folder], style_files=[style, "windows-fonts"])
    assert settings.choices.style_files == (style,)
    assert "windows-fonts" in settings.choices.styles
    assert settings.choices.phrase_dirs == (folder,)
