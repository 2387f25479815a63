"""Atomic writes never clobber without force, never leave partial files, replace only regular files,
and turn every failed write into a Chinese message."""

from __future__ import annotations

import errno
import os
import socket
import stat

import pytest

from generator.errors import InputError, OutputExistsError
from generator.atomic import atomic_write, check_outputs, check_writable, write_all


def test_writes_and_refuses_overwrite(tmp_path):
    p = tmp_path / "a" / "b.txt"
    atomic_write(p, "第一版")
    with pytest.raises(OutputExistsError):
        atomic_write(p, "第二版")
    assert p.read_text(encoding="utf-8") == "第一版"
    atomic_write(p, "第二版", force=True)
    assert p.read_text(encoding="utf-8") == "第二版"
    assert os.listdir(p.parent) == ["b.txt"]


def test_failure_mid_write_keeps_old_file(tmp_path, monkeypatch):
    p = tmp_path / "x.txt"
    p.write_text("旧", encoding="utf-8")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(InputError, match="无法写入"):
        atomic_write(p, "新", force=True)
    assert p.read_text(encoding="utf-8") == "旧" and os.listdir(tmp_path) == ["x.txt"]


@pytest.mark.parametrize("code, reason", [(errno.ENOSPC, "磁盘空间不足"), (errno.EFBIG, "文件太大"),
                                          (errno.EIO, "读写出错")])
@pytest.mark.parametrize("step", ["write", "fsync"])
def test_a_failed_write_or_fsync_is_a_chinese_input_error(tmp_path, monkeypatch, code, reason, step):
    p = tmp_path / "x.txt"
    p.write_text("旧", encoding="utf-8")

    def fail(*a, **k):
        raise OSError(code, os.strerror(code))

    if step == "fsync":
        monkeypatch.setattr(os, "fsync", fail)
    else:
        real_fdopen = os.fdopen

        class FailingFile:
            def __init__(self, fh):
                self.fh = fh

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.fh.close()

            write = staticmethod(fail)

            def flush(self):
                self.fh.flush()

            def fileno(self):
                return self.fh.fileno()

        monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: FailingFile(real_fdopen(fd, *a, **k)))
    with pytest.raises(InputError) as info:
        atomic_write(p, "新" * 100_000, force=True)
    assert reason in info.value.format() and info.value.path == str(p)
    assert "No space" not in info.value.format() and "too large" not in info.value.format()
    assert p.read_text(encoding="utf-8") == "旧" and os.listdir(tmp_path) == ["x.txt"]


def _special_files(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    sock_path = tmp_path / "sock"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    return sock, [(fifo, stat.S_ISFIFO, "管道"), (sock_path, stat.S_ISSOCK, "套接字")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and Unix sockets")
def test_only_regular_files_are_replaced(tmp_path):
    sock, specials = _special_files(tmp_path)
    try:
        for path, is_kind, word in specials:
            with pytest.raises(InputError) as info:
                atomic_write(path, "数据", force=True)
            assert word in info.value.format() and info.value.path == str(path)
            assert is_kind(os.lstat(path).st_mode)  # still a FIFO / socket, not a regular file
    finally:
        sock.close()
    assert sorted(os.listdir(tmp_path)) == ["fifo", "sock"]  # no temporary file left


@pytest.mark.parametrize("device", ["/dev/null", "/dev/full"])
def test_a_device_is_never_an_output(device):
    if not os.path.exists(device) or not stat.S_ISCHR(os.stat(device).st_mode):
        pytest.skip(f"{device} not present")
    with pytest.raises(InputError, match="设备"):
        check_writable(device, force=True)


def test_a_folder_is_never_an_output(tmp_path):
    with pytest.raises(InputError, match="文件夹"):
        atomic_write(tmp_path, "x", force=True)


def test_a_long_file_name_still_fits_its_temporary_name(tmp_path):
    p = tmp_path / ("长" * 80 + ".md")  # 243 bytes: the name fits, the name plus a temporary suffix would not
    atomic_write(p, "内容")
    assert p.read_text(encoding="utf-8") == "内容"
    with pytest.raises(InputError, match="文件名太长"):
        atomic_write(tmp_path / ("长" * 90 + ".md"), "内容")


def test_check_outputs_refuses_an_input_and_duplicates_before_any_write(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("type: x\n", encoding="utf-8")
    with pytest.raises(InputError, match="配置文件"):
        check_outputs([tmp_path / "a.md", tmp_path / "sub" / ".." / "c.yaml"], force=True,
                      inputs={cfg: "配置文件"})
    link = tmp_path / "link.yaml"
    link.symlink_to(cfg)
    with pytest.raises(InputError, match="配置文件"):
        check_outputs([link], force=True, inputs={cfg: "配置文件"})
    with pytest.raises(InputError, match="同一个"):
        check_outputs([tmp_path / "a.md", tmp_path / "." / "a.md"], force=True)
    (tmp_path / "b.md").write_text("已有", encoding="utf-8")
    with pytest.raises(OutputExistsError):
        check_outputs([tmp_path / "a.md", tmp_path / "b.md"], force=False)
    assert sorted(os.listdir(tmp_path)) == ["b.md", "c.yaml", "link.yaml"]


def test_write_all_writes_every_file_or_none(tmp_path, monkeypatch):
    """2.23, 2.24: outputs written one after the other left the first ones behind when a later one failed."""
    import generator.atomic as atomic

    ok = write_all([(tmp_path / "a.md", "甲"), (tmp_path / "new" / "b.md", b"\xe4\xb9\x99")])
    assert ok == [tmp_path / "a.md", tmp_path / "new" / "b.md"] and (tmp_path / "new" / "b.md").read_text("utf-8") == "乙"
    real = os.fdopen
    opened = []

    def fdopen(fd, *a, **k):
        opened.append(fd)
        if len(opened) == 3:
            os.close(fd)
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, *a, **k)

    monkeypatch.setattr(atomic.os, "fdopen", fdopen)
    items = [(tmp_path / "a.md", "新甲"), (tmp_path / "deep" / "er" / "c.md", "丙"), (tmp_path / "d.md", "丁")]
    with pytest.raises(InputError, match="磁盘空间不足") as exc:
        write_all(items, force=True)
    assert exc.value.path == str(tmp_path / "d.md")
    assert sorted(os.listdir(tmp_path)) == ["a.md", "new"]  # no temporary file, not even the folders made
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == "甲"


def test_write_all_checks_every_target_before_writing(tmp_path):
    (tmp_path / "b.md").write_text("旧", encoding="utf-8")
    with pytest.raises(OutputExistsError):
        write_all([(tmp_path / "a.md", "甲"), (tmp_path / "b.md", "乙")])
    assert sorted(os.listdir(tmp_path)) == ["b.md"]
