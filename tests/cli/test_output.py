"""Where the CLI's output goes: only regular files are replaced, and a write that fails for any reason
(a full disk, a file-size limit, a closed or full stdout) is a Chinese message with exit code 2."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from generator.atomic import check_writable
from generator.cli import cli
from generator.errors import InputError

from conftest import EXAMPLES, ROOT

EXAMPLE = str(EXAMPLES / "shuzhi_speech.yaml")
POSIX_ONLY = pytest.mark.skipif(os.name != "posix", reason="POSIX file descriptors, devices and limits")


def run(args, **kwargs) -> subprocess.CompletedProcess:
    """``python -m generator ARGS`` as a user runs it (the real entry point, the real stdout)."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "LANG": "C.UTF-8"}
    kwargs.setdefault("stdout", subprocess.PIPE)
    return subprocess.run([sys.executable, "-B", "-m", "generator", *args], stderr=subprocess.PIPE, cwd=ROOT,
                          env=env, timeout=120, **kwargs)


def assert_clean_refusal(proc: subprocess.CompletedProcess, *words: str) -> str:
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2, (proc.returncode, err)
    assert "Traceback" not in err and "Exception ignored" not in err, err
    for word in words:
        assert word in err, err
    return err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_init_never_replaces_a_fifo_even_with_force(runner, tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    result = runner.invoke(cli, ["init", "shuzhi_speech", "-o", str(fifo), "--force"])
    assert result.exit_code == 2 and "管道" in result.stderr and "已写入" not in result.output
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and os.listdir(tmp_path) == ["pipe.yaml"]


def test_init_to_dev_full_keeps_the_device(runner):
    """`init -o /dev/full --force` once said 已写入 and replaced the device node with a regular file."""
    if not os.path.exists("/dev/full") or not stat.S_ISCHR(os.stat("/dev/full").st_mode):
        pytest.skip("no /dev/full")
    try:  # guard: never let a regression replace the machine's /dev/full
        check_writable("/dev/full", force=True)
        pytest.fail("check_writable accepted a device")
    except InputError:
        pass
    result = runner.invoke(cli, ["init", "shuzhi_speech", "-o", "/dev/full", "--force"])
    assert result.exit_code == 2 and "设备" in result.stderr and "已写入" not in result.output
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


@POSIX_ONLY
@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("args", [["render", EXAMPLE, "-o", "-"], ["init", "shuzhi_speech", "-o", "-"],
                                  ["init", "shuzhi_speech"], ["templates", "list"], ["phrases", "-c", "point"]],
                         ids=["render", "init -o -", "init", "templates list", "phrases"])
def test_a_full_stdout_is_an_error_not_a_silent_success(args):
    with open("/dev/full", "wb") as full:
        proc = run(args, stdout=full)
    assert_clean_refusal(proc, "标准输出", "磁盘空间不足")


@POSIX_ONLY
@pytest.mark.parametrize("args", [["render", EXAMPLE, "-o", "-"], ["init", "shuzhi_speech", "-o", "-"]],
                         ids=["render", "init"])
def test_a_closed_stdout_is_an_error_not_a_silent_success(args):
    """`-o -` with stdout closed (`>&-`) once exited 0 with the draft gone."""
    proc = run(args, stdout=None, preexec_fn=lambda: os.close(1))
    assert_clean_refusal(proc, "标准输出已关闭")


@POSIX_ONLY
def test_a_file_size_limit_is_reported_not_fatal(tmp_path):
    """Under `ulimit -f` the write once died of SIGXFSZ; now it fails with EFBIG, named in Chinese."""
    import resource

    out = tmp_path / "讲话.docx"

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    proc = run(["render", EXAMPLE, "-o", str(out)], preexec_fn=limit)
    assert proc.returncode != -getattr(__import__("signal"), "SIGXFSZ", 25), "killed by SIGXFSZ"
    assert_clean_refusal(proc, "文件太大", str(out))
    assert os.listdir(tmp_path) == []  # neither the draft nor a temporary file


def test_a_failing_disk_is_a_chinese_message(runner, tmp_path, monkeypatch):
    import errno

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    out = tmp_path / "c.yaml"
    result = runner.invoke(cli, ["init", "shuzhi_speech", "-o", str(out)])
    assert result.exit_code == 2 and "磁盘空间不足" in result.stderr and "No space" not in result.output
    assert "已写入" not in result.output and os.listdir(tmp_path) == []


LISTINGS = [["corpus", "clean", str(EXAMPLES / "shuzhi_speech.md")], ["corpus", "show", str(EXAMPLES / "shuzhi_speech.md"),
            "--json"], ["check", str(EXAMPLES / "shuzhi_speech.md"), "--json"], ["phrases", "-c", "adjourn"],
            ["templates", "list"], ["templates", "show", "shuzhi_speech"], ["corpus", "clean", str(EXAMPLES)]]
LISTING_IDS = ["corpus clean", "corpus show --json", "check --json", "phrases", "templates list", "templates show",
               "corpus clean DIR"]


@POSIX_ONLY
@pytest.mark.parametrize("args", LISTINGS, ids=LISTING_IDS)
def test_a_closed_stdout_fails_every_command_that_prints(args):
    """2.20: with stdout closed (`>&-`) these commands exited 0, their output gone."""
    proc = run(args, stdout=None, preexec_fn=lambda: os.close(1))
    assert_clean_refusal(proc, "标准输出已关闭")


@POSIX_ONLY
@pytest.mark.parametrize("args", [["render", EXAMPLE, "-o", "-"], ["init", "shuzhi_speech"],
                                  ["corpus", "clean", str(EXAMPLES / "shuzhi_speech.md")], ["phrases"]],
                         ids=["render -o -", "init", "corpus clean", "phrases"])
def test_a_stdout_cut_short_by_a_file_size_limit_is_exit_2(tmp_path, args):
    """2.22: under `ulimit -f 2` with stdout redirected to a file, the output was cut at 2048 bytes and
    render still said 已生成, exit 0."""
    import resource

    out = tmp_path / "out.txt"

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    with open(out, "wb") as fh:
        proc = run(args, stdout=fh, preexec_fn=limit)
    err = assert_clean_refusal(proc, "无法写入标准输出", "文件太大")
    assert "已生成" not in err and out.stat().st_size <= 2048


def _disk_full_on(monkeypatch, count: int):
    """Make the ``count``-th temporary file the writers start fail as a full disk would."""
    import errno

    import generator.atomic as atomic

    real = atomic._write_temp
    calls = []

    def write_temp(p, data):
        calls.append(p)
        if len(calls) == count:
            raise InputError(f"无法写入：{atomic.os_reason(OSError(errno.ENOSPC, 'full'))}", path=p)
        return real(p, data)

    monkeypatch.setattr(atomic, "_write_temp", write_temp)
    return calls


def test_sources_writes_both_files_or_neither(runner, tmp_path, monkeypatch):
    """2.23: the disk filling up after the draft left the draft written and its OUT.sources.md missing."""
    _disk_full_on(monkeypatch, 2)
    out = tmp_path / "sub" / "o.md"
    result = runner.invoke(cli, ["render", EXAMPLE, "--sources", "-o", str(out)])
    assert result.exit_code == 2 and "o.md.sources.md" in result.stderr and "磁盘空间不足" in result.stderr
    assert "已生成" not in result.output and os.listdir(tmp_path) == []  # not even the folder it made


def test_each_writes_every_reporter_or_none(runner, tmp_path, monkeypatch):
    """2.24: a full disk at the third 点评 left the first two written, and the message did not say so."""
    _disk_full_on(monkeypatch, 3)
    folder = tmp_path / "e"
    folder.mkdir()
    (folder / "01_刘志强.docx").write_bytes(b"old")
    result = runner.invoke(cli, ["render", str(EXAMPLES / "dianping.yaml"), "--each", "-o", str(folder), "--force"])
    assert result.exit_code == 2 and "03_" in result.stderr and "磁盘空间不足" in result.stderr
    assert os.listdir(folder) == ["01_刘志强.docx"] and (folder / "01_刘志强.docx").read_bytes() == b"old"


def test_a_failed_rename_removes_the_new_outputs_and_names_the_replaced_ones(runner, tmp_path, monkeypatch):
    import generator.atomic as atomic

    out = tmp_path / "o.md"
    out.write_text("旧稿", encoding="utf-8")
    real = os.replace

    def replace(src, dst):
        if str(dst).endswith(".sources.md"):
            raise OSError(13, "Permission denied")
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)
    result = runner.invoke(cli, ["render", EXAMPLE, "--sources", "-o", str(out), "--force"])
    assert result.exit_code == 2 and "没有写入权限" in result.stderr
    assert f"已被替换成新内容的文件：{out}" in result.stderr
    assert sorted(os.listdir(tmp_path)) == ["o.md"]  # no sources file, no temporary left behind
