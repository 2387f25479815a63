"""Template packs: discovery through the loader chain, user overrides, extends, sandboxing, checks."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from generator.cli import cli
from generator.drafting.compose import compose
from generator.drafting.config import parse_config
from generator.errors import InputError
from generator.drafting.authoring import check_pack, new_pack
from generator.drafting.packs import find_packs, get_pack, resolve_type


def build_tree(root, files: dict) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def config(text_type="shuzhi_speech", dirs=(), extra=""):
    text = f"type: {text_type}\nplace: 江北区\nlevel: 区\nyear: 2026\n{extra}"
    return parse_config(text, "t.yaml", type_resolver=lambda t: resolve_type(t, dirs))


def test_builtin_packs():
    packs = find_packs()
    assert list(packs) == ["dangjian_meeting", "dianping", "shuzhi_speech", "zuotan_outline"]
    assert {p.name for p in packs.values()} == {"述职评议会讲话", "述职评议点评", "座谈会讲话提纲", "党建工作会议讲话"}
    assert packs["dianping"].requires == ("reporters",)


def test_unknown_type_suggests_and_lists():
    with pytest.raises(InputError) as exc:
        resolve_type("shuzhi_speach")
    assert "是否想写 shuzhi_speech？" in exc.value.format() and "dianping（述职评议点评）" in exc.value.format()


def test_user_pack_extends_builtin_and_overrides_a_block(tmp_path):
    build_tree(tmp_path, {
        "party_day/manifest.yaml": """
            id: party_day
            name: 主题党日讲话
            extends: shuzhi_speech
            length: {default: 2000, min: 1200, max: 5000}
        """,
        "party_day/speech.j2": """
            {% extends "shuzhi_speech/speech.j2" %}
            {% block head %}
            @title 在{{ cfg.place }}主题党日活动上的讲话
            @salutation 同志们：
            {% endblock %}
        """,
    })
    c = config("主题党日讲话", [tmp_path])
    draft = compose(c, template_dirs=[tmp_path])
    assert c.type == "party_day" and draft.title == "在江北区主题党日活动上的讲话"
    assert any(b.kind == "heading" for b in draft.blocks)  # the rest comes from the base pack


def test_user_folder_overrides_builtin_pack(tmp_path):
    build_tree(tmp_path, {
        "shuzhi_speech/manifest.yaml": "id: shuzhi_speech\nname: 述职评议会讲话\n",
        "shuzhi_speech/speech.j2": "@title 自定义\n@p {{ s.phrase('closing') }}\n",
    })
    assert get_pack("shuzhi_speech", [tmp_path]).origin == str(tmp_path)
    draft = compose(config(dirs=[tmp_path]), template_dirs=[tmp_path])
    assert draft.title == "自定义" and len(draft.blocks) == 1


def test_config_values_are_data_not_template_code(tmp_path):
    text = 'type: shuzhi_speech\nplace: "{{ cfg }}"\nlevel: 区\nyear: 2026\nachievements: ["{{ 7*7 }}{% raw %}"]\n'
    c = parse_config(text, "t.yaml", type_resolver=resolve_type)
    out = "\n".join(compose(c).paragraphs)
    assert "{{ 7*7 }}{% raw %}" in out and "49" not in out and "{{ cfg }}" in out


def test_sandbox_blocks_unsafe_template(tmp_path):
    build_tree(tmp_path, {
        "evil/manifest.yaml": "id: evil\nname: 恶意\n",
        "evil/speech.j2": "@title {{ s.__class__.__init__.__globals__ }}\n",
    })
    with pytest.raises(InputError, match="模板出错"):
        compose(config("evil", [tmp_path]), template_dirs=[tmp_path])


def test_undefined_variable_is_an_error_not_blank(tmp_path):
    build_tree(tmp_path, {"tt/manifest.yaml": "id: tt\nname: 测试\n", "tt/speech.j2": "@title {{ cfg.nosuchkey }}\n"})
    with pytest.raises(InputError, match="nosuchkey"):
        compose(config("tt", [tmp_path]), template_dirs=[tmp_path])


def test_new_pack_then_check_it(tmp_path, runner):
    result = runner.invoke(cli, ["templates", "new", "jiaoliu", "--name", "经验交流会讲话", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    pack_dir = tmp_path / "jiaoliu"
    assert sorted(p.name for p in pack_dir.iterdir()) == ["manifest.yaml", "speech.j2", "starter.yaml"]
    assert "type: jiaoliu" in (pack_dir / "starter.yaml").read_text(encoding="utf-8")
    assert check_pack(pack_dir) == []
    result = runner.invoke(cli, ["templates", "check", str(pack_dir)])
    assert result.exit_code == 0 and "检查通过" in result.output
    with pytest.raises(InputError, match="已存在"):
        new_pack("jiaoliu", "x", "shuzhi_speech", tmp_path)


def test_new_pack_name_is_data_never_template_code(tmp_path, runner):
    """`--name '会议 #}{{ 7*7 }}{#'` was once written into speech.j2, where it ran (the draft began "49")."""
    name = "会议 #}{{ 7*7 }}{#"
    result = runner.invoke(cli, ["templates", "new", "hack", "--name", name, "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    pack_dir = tmp_path / "hack"
    assert "7*7" not in (pack_dir / "speech.j2").read_text(encoding="utf-8")
    assert get_pack("hack", [tmp_path]).name == name  # kept as it was typed, in the manifest
    assert check_pack(pack_dir) == []
    cfg = config("hack", [tmp_path])
    assert cfg.type == "hack"
    draft = compose(cfg, template_dirs=[tmp_path])
    assert "49" not in draft.title and not any(p.startswith("49") for p in draft.paragraphs)


@pytest.mark.parametrize("name, words", [
    ("", "不能为空"), ("   ", "不能为空"), ("经验\n交流会", "一行"), ("经验\r交流会", "一行"),
    ("经验\u2028交流会", "一行"), ("经验\x07交流会", "控制字符"), ("经验\u202e交流会", "不可见字符"),
    ("长" * 31, "太长"),
])
def test_new_pack_name_must_be_one_short_visible_line(tmp_path, runner, name, words):
    result = runner.invoke(cli, ["templates", "new", "jiaoliu", "--name", name, "-o", str(tmp_path)])
    assert result.exit_code == 2 and words in result.stderr and "--name" in result.stderr, result.output
    assert "Traceback" not in result.output and list(tmp_path.iterdir()) == []


def test_new_pack_name_with_regex_escapes_is_written_verbatim(tmp_path):
    pack_dir = new_pack("jiaoliu", r"交流会\1\g<0>", "shuzhi_speech", tmp_path)
    starter = (pack_dir / "starter.yaml").read_text(encoding="utf-8")
    assert r"# 会议类型：交流会\1\g<0>" in starter and check_pack(pack_dir) == []


def test_new_pack_into_a_file_is_refused(tmp_path, runner):
    target = tmp_path / "notes.txt"
    target.write_text("笔记", encoding="utf-8")
    result = runner.invoke(cli, ["templates", "new", "jiaoliu", "--name", "交流会", "-o", str(target)])
    assert result.exit_code == 2 and "不是文件夹" in result.stderr and "Traceback" not in result.output
    assert target.read_text(encoding="utf-8") == "笔记"


def test_new_pack_into_a_read_only_folder_is_refused(tmp_path, runner, monkeypatch):
    import errno
    import tempfile

    def refuse(*a, **k):  # what a read-only folder answers (the tests may run as root, who may write anyway)
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    result = runner.invoke(cli, ["templates", "new", "jiaoliu", "--name", "交流会", "-o", str(tmp_path)])
    assert result.exit_code == 2 and "没有写入权限" in result.stderr and str(tmp_path) in result.stderr
    assert "Traceback" not in result.output and list(tmp_path.iterdir()) == []


def test_new_pack_on_a_full_disk_leaves_no_half_pack(tmp_path, monkeypatch):
    import errno
    import os

    calls = {"n": 0}
    real_fsync = os.fsync

    def fsync(fd):
        calls["n"] += 1
        if calls["n"] == 2:  # the second file runs out of space
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(InputError, match="磁盘空间不足"):
        new_pack("jiaoliu", "交流会", "shuzhi_speech", tmp_path)
    assert list(tmp_path.iterdir()) == []  # neither the pack nor its temporary folder


def test_check_reports_syntax_error_with_line(tmp_path):
    build_tree(tmp_path, {"bad/manifest.yaml": "id: bad\nname: 坏\n", "bad/speech.j2": "@title x\n{% if %}\n"})
    problems = check_pack(tmp_path / "bad")
    assert len(problems) == 1 and "第2行" in problems[0] and "模板语法错误" in problems[0]


def test_runtime_error_in_a_pack_is_bad_input_with_its_line(tmp_path):
    build_tree(tmp_path, {"tt/manifest.yaml": "id: tt\nname: 测试\n",
                          "tt/speech.j2": "@title x\n@p {{ range(10**9)|list|length }}\n"})
    with pytest.raises(InputError) as exc:
        compose(config("tt", [tmp_path]), template_dirs=[tmp_path])
    assert "range 的范围超过" in exc.value.format() and exc.value.line == 2


def _cyclic_packs(root, layout: str, with_starter: bool) -> str:
    """Packs whose ``extends`` loop: pa ↔ pb, or ps extending itself. Returns the pack to use."""
    links = {"pair": {"pa": "pb", "pb": "pa"}, "self": {"ps": "ps"}}[layout]
    files = {}
    for pid, target in links.items():
        files[f"{pid}/manifest.yaml"] = f"id: {pid}\nname: 会议{pid}\nextends: {target}\n"
        files[f"{pid}/speech.j2"] = "@title 标题\n@p 正文。\n"
    first = next(iter(links))
    if with_starter:
        files[f"{first}/starter.yaml"] = f"type: {first}\nplace: 江北区\nlevel: 区\nyear: 2026\n"
    build_tree(root, files)
    return first


def _speechgen(*args, timeout=60):
    """The CLI in a child process, so a loop that never ends fails the test instead of hanging the suite."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    return subprocess.run([sys.executable, "-m", "generator", *map(str, args)], cwd=root, capture_output=True,
                          text=True, encoding="utf-8", timeout=timeout, check=False)


@pytest.mark.parametrize("layout, cycle", [("pair", "pa → pb → pa"), ("self", "ps → ps")])
@pytest.mark.parametrize("with_starter", [False, True])
def test_extends_cycle_is_bad_input_not_a_hang(tmp_path, layout, cycle, with_starter):
    pid = _cyclic_packs(tmp_path, layout, with_starter)
    manifest = str(tmp_path / pid / "manifest.yaml")
    (tmp_path / "c.yaml").write_text(f"type: {pid}\nplace: 江北区\nlevel: 区\nyear: 2026\n", encoding="utf-8")
    for args in (["init", pid, "--templates", tmp_path], ["templates", "check", tmp_path / pid],
                 ["render", tmp_path / "c.yaml", "--templates", tmp_path, "-o", tmp_path / "out.docx"]):
        result = _speechgen(*args)
        # templates check reports what is wrong inside a pack as a finding (1); the others refuse it (2)
        assert result.returncode == (1 if args[0] == "templates" else 2), (args, result.stdout, result.stderr)
        said = result.stdout + result.stderr
        assert manifest in said and cycle in said and "循环" in said, args
        assert "Traceback" not in said
    assert not (tmp_path / "out.docx").exists()


def test_extends_cycle_raises_in_every_walk(tmp_path):
    from generator.drafting.packs import environment, starter_text

    _cyclic_packs(tmp_path, "pair", with_starter=False)
    pack = get_pack("pa", [tmp_path])
    for call in (lambda: environment(pack, [tmp_path]), lambda: starter_text(pack, [tmp_path]),
                 lambda: compose(config("pa", [tmp_path]), template_dirs=[tmp_path])):
        with pytest.raises(InputError, match="pa → pb → pa") as exc:
            call()
        assert exc.value.key == "extends" and exc.value.path == str(tmp_path / "pa" / "manifest.yaml")
    problems = check_pack(tmp_path / "pa")  # a finding of templates check, with the same place and words
    assert len(problems) == 1 and str(tmp_path / "pa" / "manifest.yaml") in problems[0]
    assert "extends" in problems[0] and "pa → pb → pa" in problems[0]


def test_extends_to_a_missing_pack_is_bad_input(tmp_path, runner):
    build_tree(tmp_path, {"px/manifest.yaml": "id: px\nname: 会议\nextends: nowhere\n",
                          "px/speech.j2": "@title 标题\n"})
    result = runner.invoke(cli, ["templates", "check", str(tmp_path / "px")])
    assert result.exit_code == 1 and "指向不存在的模板包 nowhere" in result.stdout
    assert str(tmp_path / "px" / "manifest.yaml") in result.stdout
    result = runner.invoke(cli, ["init", "px", "--templates", str(tmp_path)])
    assert result.exit_code == 2 and "nowhere" in result.stderr


def _pattern_pack(root, call: str) -> None:
    build_tree(root, {"tt/manifest.yaml": "id: tt\nname: 测试\n",
                      "tt/starter.yaml": "type: tt\nplace: 江北区\nlevel: 区\nyear: 2026\n",
                      "tt/speech.j2": f"@title x\n@p 正文。\n@p {{{{ {call}|join }}}}\n"})


@pytest.mark.parametrize("call, key", [('s.phrases("closing", 2, match="(")', "match"),
                                       ('s.phrases("closing", 2, avoid="[")', "avoid"),
                                       ('[s.phrase("opening", match="a{2,1}")]', "match"),
                                       ('s.phrases("closing", 1, avoid=5)', "avoid")])
def test_bad_pattern_in_a_template_is_bad_input_with_its_line(tmp_path, runner, call, key):
    _pattern_pack(tmp_path, call)
    template = str(tmp_path / "tt" / "speech.j2")
    with pytest.raises(InputError) as exc:
        compose(config("tt", [tmp_path]), template_dirs=[tmp_path])
    assert (exc.value.path, exc.value.line, exc.value.key) == (template, 3, key)
    assert "正则表达式" in exc.value.format()
    (tmp_path / "c.yaml").write_text("type: tt\nplace: 江北区\nlevel: 区\nyear: 2026\n", encoding="utf-8")
    result = runner.invoke(cli, ["render", str(tmp_path / "c.yaml"), "--templates", str(tmp_path),
                                 "-o", str(tmp_path / "o.docx")])
    assert result.exit_code == 2, result.output
    assert f"{template}，第3行" in result.stderr and "内部错误" not in result.stderr
    problems = check_pack(tmp_path / "tt")
    assert len(problems) == 1 and f"{template}，第3行" in problems[0] and "正则表达式" in problems[0]


def test_runaway_pattern_times_out_as_bad_input(tmp_path, monkeypatch):
    import time

    import generator.drafting.chooser as chooser

    monkeypatch.setattr(chooser, "PATTERN_BUDGET", 0.5)
    # Exponential backtracking on any sentence of ten characters or more: it would never end.
    _pattern_pack(tmp_path, r's.phrases("closing", 2, match="^(.|.)*\\d")')
    start = time.monotonic()
    with pytest.raises(InputError) as exc:
        compose(config("tt", [tmp_path]), template_dirs=[tmp_path])
    assert time.monotonic() - start < 20
    assert (exc.value.path, exc.value.line, exc.value.key) == (str(tmp_path / "tt" / "speech.j2"), 3, "match")
    assert "超过" in exc.value.format() and "^(.|.)*\\d" in exc.value.format()
    problems = check_pack(tmp_path / "tt")
    assert len(problems) == 1 and "第3行" in problems[0] and "超过" in problems[0]


def test_new_pack_may_not_take_a_builtin_name(tmp_path):
    with pytest.raises(InputError, match="重名"):
        new_pack("dianping", "点评二", "shuzhi_speech", tmp_path)
    with pytest.raises(InputError, match="重名"):
        new_pack("dp2", "述职评议点评", "shuzhi_speech", tmp_path)


def test_check_builtin_by_id_and_missing_folder(runner, tmp_path):
    assert runner.invoke(cli, ["templates", "check", "dianping"]).exit_code == 0
    result = runner.invoke(cli, ["templates", "check", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "不存在" in result.stderr


def test_templates_list_and_show(runner):
    out = runner.invoke(cli, ["templates", "list"]).output
    assert "shuzhi_speech\t述职评议会讲话\t内置" in out
    shown = runner.invoke(cli, ["templates", "show", "座谈会讲话提纲"]).output
    assert "zuotan_outline（座谈会讲话提纲）" in shown and "speech.j2" in shown


@pytest.mark.parametrize("manifest,words", [
    ("id: tt\nname: 测试\nstarter: /etc/passwd\n", "starter 应为模板包文件夹里的一个文件名"),
    ("id: tt\nname: 测试\nstarter: ../../etc/passwd\n", "starter 应为"),
    ("id: tt\nname: 测试\ntemplate: ../x.j2\n", "template 应为"),
    ("id: tt\nname: 测试\nextends: [a, b]\n", "extends 应为"),
    ("id: tt\nname: 测试\nextends: {a: 1}\n", "extends 应为"),
    ("id: tt\nname: 测试\nlength: {min: 5000, max: 2000}\n", "min（5000）大于 max（2000）"),
    ("id: tt\nname: 测试\nlength: {min: -3}\n", "之间的整数"),
    ("id: tt\nname: 测试\nlength: {max: 1000000000000}\n", "之间的整数"),
    ("id: tt\nname: 测试\nrequires: [reporterz]\n", "不是配置项"),
    ("id: tt\nname: 测试\nbogus: 1\n", "未知的键"),
])
def test_manifest_fields_are_validated_with_their_line(tmp_path, manifest, words):
    build_tree(tmp_path, {"tt/manifest.yaml": manifest, "tt/speech.j2": "@title x\n@p 正文。\n"})
    with pytest.raises(InputError) as exc:
        find_packs([tmp_path])
    assert words in exc.value.format() and exc.value.line is not None


def test_symlinked_starter_outside_the_pack_is_refused(tmp_path, runner):
    secret = tmp_path / "secret.yaml"
    secret.write_text("# 秘密\ntype: tt\n", encoding="utf-8")
    build_tree(tmp_path, {"packs/tt/manifest.yaml": "id: tt\nname: 测试\n", "packs/tt/speech.j2": "@title x\n"})
    os.symlink(secret, tmp_path / "packs" / "tt" / "starter.yaml")
    result = runner.invoke(cli, ["init", "tt", "--templates", str(tmp_path / "packs")])
    assert result.exit_code == 2 and "秘密" not in result.output and "模板包文件夹以外" in result.output


@pytest.mark.parametrize("files,words", [({"tt/speech.j2": ""}, "模板文件是空的"), ({}, "不存在")])
def test_templates_check_finds_a_missing_or_empty_template(tmp_path, runner, files, words):
    build_tree(tmp_path, {"tt/manifest.yaml": "id: tt\nname: 测试\n", "tt/starter.yaml": "type: tt\n", **files})
    result = runner.invoke(cli, ["templates", "check", str(tmp_path / "tt")])
    assert result.exit_code == 1 and words in result.output


def test_every_manifest_problem_at_once(tmp_path):
    build_tree(tmp_path, {"tt/manifest.yaml": "id: tt\nname: 测试\nstarter: /etc/passwd\nlength: {min: 5000, max: 2000}\nbogus: 1\n",
                          "tt/speech.j2": "@title x\n"})
    with pytest.raises(InputError) as exc:
        find_packs([tmp_path])
    text = exc.value.format()
    assert "模板包清单有 4 处问题" in text and "default 不能大于 max" in text and "第3行 starter" in text and "第4行 length" in text and "第5行 bogus" in text


# ---------------------------------------------------------------- hardening (docs/hardening.md §1, §4, §6)
def test_a_symlinked_manifest_outside_the_pack_is_refused_unread(tmp_path, runner):
    """1.15: a manifest.yaml linked to a YAML outside the pack was read, and its keys echoed as unknown."""
    secret = tmp_path / "secret.yaml"
    secret.write_text("db_password: hunter2\napi_token: s3cr3t\n", encoding="utf-8")
    build_tree(tmp_path, {"packs/tt/speech.j2": "@title x\n@p 正文。\n"})
    os.symlink(secret, tmp_path / "packs" / "tt" / "manifest.yaml")
    for args in (["templates", "check", str(tmp_path / "packs" / "tt")], ["templates", "list", "--templates",
                                                                          str(tmp_path / "packs")]):
        result = runner.invoke(cli, args)
        assert result.exit_code in (1, 2) and "符号链接" in result.output and "模板包文件夹以外" in result.output
        assert not any(w in result.output for w in ("hunter2", "s3cr3t", "db_password", "api_token"))


def _include_pack(root, target: str) -> None:
    build_tree(root, {
        "tt/manifest.yaml": "id: tt\nname: 测试\nextends: shuzhi_speech\n",
        "tt/speech.j2": f'{{% extends "shuzhi_speech/speech.j2" %}}\n{{% block closing %}}\n@p {{% include "{target}" %}}\n'
                        "{% endblock %}\n",
        "sb/manifest.yaml": "id: sb\nname: 同级的包\n",
        "sb/speech.j2": "@title x\n",
        "sb/secret.j2": "SIBLING-SECRET\n",
    })


@pytest.mark.parametrize("target, pack_id", [("sb/secret.j2", "sb"), ("zuotan_outline/starter.yaml", "zuotan_outline"),
                                             ("dianping/speech.j2", "dianping")])
def test_a_pack_reads_only_itself_and_what_it_extends(tmp_path, monkeypatch, target, pack_id):
    """1.16, 1.17: a sibling user pack's file went into the draft; a built-in the pack does not extend was
    read and a line of it echoed. Both are refused now, before anything is opened."""
    import generator.drafting.sandbox as sandbox

    _include_pack(tmp_path, target)
    opened: list[str] = []
    real = sandbox.read_utf8
    monkeypatch.setattr(sandbox, "read_utf8", lambda path, *a, **k: opened.append(str(path)) or real(path, *a, **k))
    with pytest.raises(InputError) as exc:
        compose(config("tt", [tmp_path]), template_dirs=[tmp_path])
    text = exc.value.format()
    assert f"不能引用模板包 {pack_id}" in text and exc.value.line == 3 and "speech.j2" in text
    assert "SIBLING" not in text and "用法" not in text
    assert not any(Path(p).parent.name == pack_id for p in opened), opened  # refused before opening


def test_the_extended_pack_and_lib_stay_reachable(tmp_path):
    build_tree(tmp_path, {"tt/manifest.yaml": "id: tt\nname: 测试\nextends: shuzhi_speech\n",
                          "tt/speech.j2": '{% extends "shuzhi_speech/speech.j2" %}\n'
                                          '{% import "_lib/common.j2" as c2 with context %}\n'})
    draft = compose(config("tt", [tmp_path]), template_dirs=[tmp_path])
    assert draft.char_count() > 1000


@pytest.mark.parametrize("make", ["missing", "fifo"])
def test_a_missing_or_fifo_template_is_an_error_not_the_parents(tmp_path, runner, make):
    """4.15: the pack's speech.j2 missing (or a FIFO) silently rendered the parent's template, exit 0."""
    if make == "fifo" and not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    build_tree(tmp_path, {"tt/manifest.yaml": "id: tt\nname: 测试\ntemplate: speech.j2\nextends: shuzhi_speech\n",
                          "tt/starter.yaml": "type: tt\nplace: 江北区\nlevel: 区\nyear: 2026\n"})
    if make == "fifo":
        os.mkfifo(tmp_path / "tt" / "speech.j2")
    (tmp_path / "c.yaml").write_text("type: tt\nplace: 江北区\nlevel: 区\nyear: 2026\n", encoding="utf-8")
    out = tmp_path / "o.md"
    result = runner.invoke(cli, ["render", str(tmp_path / "c.yaml"), "--templates", str(tmp_path), "-o", str(out)])
    template = str(tmp_path / "tt" / "speech.j2")
    assert result.exit_code == 2 and template in result.stderr and not out.exists()
    assert ("不存在" if make == "missing" else "不是普通文件") in result.stderr
    result = runner.invoke(cli, ["templates", "check", str(tmp_path / "tt")])
    assert result.exit_code == 1 and template in result.output and "通过" not in result.output


@pytest.mark.parametrize("make", ["missing", "fifo"])
def test_a_named_starter_missing_or_fifo_is_an_error_not_the_parents(tmp_path, runner, make):
    """4.16: `init` of a pack whose starter.yaml was missing or a FIFO gave the parent's, type: shuzhi_speech."""
    if make == "fifo" and not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    build_tree(tmp_path, {"tt/manifest.yaml": "id: tt\nname: 测试\nstarter: starter.yaml\nextends: shuzhi_speech\n",
                          "tt/speech.j2": '{% extends "shuzhi_speech/speech.j2" %}\n'})
    if make == "fifo":
        os.mkfifo(tmp_path / "tt" / "starter.yaml")
    result = runner.invoke(cli, ["init", "tt", "--templates", str(tmp_path)])
    assert result.exit_code == 2 and str(tmp_path / "tt" / "starter.yaml") in result.stderr
    assert "type: shuzhi_speech" not in result.output


def test_a_pack_without_a_starter_of_its_own_gets_the_parents_under_its_own_type(tmp_path, runner):
    """A manifest that names no starter and a pack without starter.yaml: the parent's example values,
    said so, and with this pack's type — never a starter that would draft the other meeting type."""
    build_tree(tmp_path, {"tt/manifest.yaml": "id: tt\nname: 测试\nextends: shuzhi_speech\n",
                          "tt/speech.j2": '{% extends "shuzhi_speech/speech.j2" %}\n'})
    result = runner.invoke(cli, ["init", "tt", "--templates", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "\ntype: tt " in result.stdout and "type: shuzhi_speech" not in result.stdout
    assert "取自它继承的模板包 shuzhi_speech" in result.stdout


@pytest.mark.parametrize("body", ["", "{# 只有一行注释 #}\n", "\n  \n{#- 注释 -#}\n"])
def test_an_empty_or_comment_only_template_is_found_and_never_renders(tmp_path, runner, body):
    """4.14: a comment-only template passed templates check; both wrote a 0-character draft with exit 0."""
    build_tree(tmp_path, {"tt/manifest.yaml": "id: tt\nname: 测试\n",
                          "tt/starter.yaml": "type: tt\nplace: 江北区\nlevel: 区\nyear: 2026\n"})
    (tmp_path / "tt" / "speech.j2").write_text(body, encoding="utf-8")
    result = runner.invoke(cli, ["templates", "check", str(tmp_path / "tt")])
    assert result.exit_code == 1 and "模板文件是空的" in result.output
    (tmp_path / "c.yaml").write_text("type: tt\nplace: 江北区\nlevel: 区\nyear: 2026\n", encoding="utf-8")
    out = tmp_path / "o.docx"
    result = runner.invoke(cli, ["render", str(tmp_path / "c.yaml"), "--templates", str(tmp_path), "-o", str(out)])
    assert result.exit_code == 2 and "0 字" in result.stderr and "已生成" not in result.output and not out.exists()


def test_a_template_that_prints_no_line_fails_the_check(tmp_path):
    build_tree(tmp_path, {"tt/manifest.yaml": "id: tt\nname: 测试\n",
                          "tt/starter.yaml": "type: tt\nplace: 江北区\nlevel: 区\nyear: 2026\n",
                          "tt/speech.j2": "{% set x = 1 %}\n"})
    problems = check_pack(tmp_path / "tt")
    assert len(problems) == 1 and "0 字" in problems[0]


@pytest.mark.parametrize("manifest, clash", [
    ("id: tt\nname: 测试\naliases: [述职评议会讲话]\n", "shuzhi_speech"),
    ("id: tt\nname: 述职点评\n", "dianping"),
    ("id: tt\nname: 测试\naliases: [zuotan_outline]\n", "zuotan_outline"),
])
def test_templates_check_reports_a_name_another_pack_answers_to(tmp_path, runner, manifest, clash):
    """6.20: an alias equal to a built-in's name passed the check, and `init 述职评议会讲话` still found the built-in."""
    build_tree(tmp_path, {"tt/manifest.yaml": manifest, "tt/speech.j2": "@title 标题\n@p 正文。\n",
                          "tt/starter.yaml": "type: tt\nplace: 江北区\nlevel: 区\nyear: 2026\n"})
    result = runner.invoke(cli, ["templates", "check", str(tmp_path / "tt")])
    assert result.exit_code == 1 and "重名" in result.output and clash in result.output


def _broken_packs(root) -> dict[str, str]:
    """Packs with what used to make `templates check` exit 2 instead of 1; the words each report says."""
    build_tree(root, {
        "loop/manifest.yaml": "id: loop\nname: 循环\nextends: loop\n", "loop/speech.j2": "@title x\n",
        "orphan/manifest.yaml": "id: orphan\nname: 孤儿\nextends: nowhere\n", "orphan/speech.j2": "@title x\n",
        "gbk/manifest.yaml": "id: gbk\nname: 编码\n", "gbk/starter.yaml": "type: gbk\n",
    })
    (root / "gbk" / "speech.j2").write_bytes("@title 标题\n".encode("gbk"))
    words = {"loop": "循环", "orphan": "nowhere", "gbk": "UTF-8"}
    if hasattr(os, "mkfifo"):
        build_tree(root, {"fifo/manifest.yaml": "id: fifo\nname: 管道\n", "fifo/starter.yaml": "type: fifo\n"})
        os.mkfifo(root / "fifo" / "speech.j2")
        words["fifo"] = "不是普通文件"
    return words


def test_templates_check_exits_1_for_every_problem_inside_a_pack(tmp_path, runner):
    """6.15: a loop, a missing parent, a FIFO or a non-UTF-8 template exited 2, manifest problems 1."""
    for pid, words in _broken_packs(tmp_path).items():
        result = runner.invoke(cli, ["templates", "check", str(tmp_path / pid)])
        assert result.exit_code == 1, (pid, result.output)
        assert words in result.output and "Traceback" not in result.output, (pid, result.output)
    result = runner.invoke(cli, ["templates", "check", str(tmp_path / "not-there")])
    assert result.exit_code == 2  # no pack at all: a bad argument


def test_a_plain_file_as_templates_folder_says_so(tmp_path):
    """6.18: a file given as the templates folder was reported as missing."""
    from generator.drafting.packs import find_packs as scan

    (tmp_path / "plainfile").write_text("a file\n", encoding="utf-8")
    with pytest.raises(InputError, match="不是文件夹"):
        scan([tmp_path / "plainfile"])
    with pytest.raises(InputError, match="不存在"):
        scan([tmp_path / "nowhere"])


def _openings(draft) -> set[str]:
    return {s.source for b in draft.blocks for s in b.spans if s.source.startswith("phrase:drafting_shuzhi.")}


def test_inherit_phrases_false_keeps_the_parents_meeting_phrases_out(tmp_path, runner):
    """A pack on the 述职 template for another kind of meeting (inherit_phrases: false) uses none of the
    述职评议会讲话's own phrases (its openings speak of 述职); by default a pack extending it does."""
    assert runner.invoke(cli, ["templates", "new", "jiaoliu", "--name", "经验交流会讲话", "-o", str(tmp_path)]).exit_code == 0
    manifest = tmp_path / "jiaoliu" / "manifest.yaml"
    assert "inherit_phrases: true" in manifest.read_text(encoding="utf-8")
    text = "type: jiaoliu\nplace: 云溪区\nlevel: 区\nyear: 2026\n"
    inherited = compose(parse_config(text, "t.yaml", type_resolver=lambda t: t), template_dirs=[tmp_path])
    assert _openings(inherited)
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("inherit_phrases: true", "inherit_phrases: false"),
                        encoding="utf-8")
    own = compose(parse_config(text, "t.yaml", type_resolver=lambda t: t), template_dirs=[tmp_path])
    assert not _openings(own) and own.char_count() > 1000


def test_a_type_given_by_its_chinese_name_drafts_the_same():
    """type: 述职评议点评 and type: dianping are one draft (the pack's own phrases are found either way)."""
    base = "place: 青榆县\nlevel: 县\nyear: 2026\nreporters: [{name: 刘志强, post: 石桥镇党委书记, problems: [小区党组织覆盖不全]}]\n"
    by_id = compose(parse_config("type: dianping\n" + base, "t.yaml"))
    by_name = compose(parse_config("type: 述职评议点评\n" + base, "t.yaml"))
    assert by_id.paragraphs == by_name.paragraphs


def test_inherit_phrases_must_be_a_bool(tmp_path):
    pack = tmp_path / "x"
    pack.mkdir()
    (pack / "manifest.yaml").write_text("id: x\nname: 某会讲话\nextends: shuzhi_speech\ninherit_phrases: 是\n", encoding="utf-8")
    (pack / "speech.j2").write_text('{% extends "shuzhi_speech/speech.j2" %}\n', encoding="utf-8")
    (pack / "starter.yaml").write_text("type: x\nplace: 云溪区\nlevel: 区\nyear: 2026\n", encoding="utf-8")
    problems = check_pack(pack)
    assert any("inherit_phrases 应为 true 或 false" in p for p in problems), problems


def test_the_readmes_own_meeting_type_walk_through(tmp_path, runner, monkeypatch):
    """README 自建模板包: from templates new to a .docx whose sources name the user's own sentences — the steps as
    written there (the template lines are read out of the README, so the two cannot drift apart)."""
    import re as _re

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    walk = readme.split("**从零做一种自己的会议类型")[1].split("```bash")[1].split("```")[0]
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(cli, ["templates", "new", "minzhu_meeting", "--name", "民主生活会讲话", "--from",
                               "dangjian_meeting", "-o", "我的模板"]).exit_code == 0
    pack = tmp_path / "我的模板" / "minzhu_meeting"
    manifest = pack / "manifest.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("inherit_phrases: true", "inherit_phrases: false"),
                        encoding="utf-8")
    template = [line[len("#      "):] for line in walk.splitlines() if _re.match(r"#      (\{[%{]|@)", line)]
    assert len(template) == 7
    (pack / "speech.j2").write_text("\n".join(template) + "\n", encoding="utf-8")
    phrase = "\n".join(line[len("#      "):] for line in walk.splitlines()
                       if _re.match(r"#      (- id|  category|  text|  meeting_types)", line))
    (tmp_path / "我的短语").mkdir()
    (tmp_path / "我的短语" / "民主生活会.yaml").write_text(phrase + "\n", encoding="utf-8")
    checked = runner.invoke(cli, ["templates", "check", "我的模板/minzhu_meeting", "--phrases", "我的短语"])
    assert checked.exit_code == 0 and "检查通过" in checked.output, checked.output
    assert runner.invoke(cli, ["init", "minzhu_meeting", "--templates", "我的模板", "-o", "配置.yaml"]).exit_code == 0
    config = (tmp_path / "配置.yaml").read_text(encoding="utf-8").replace("某某县", "云溪县").replace("某某区", "云溪区")
    (tmp_path / "配置.yaml").write_text(config, encoding="utf-8")
    result = runner.invoke(cli, ["render", "配置.yaml", "--templates", "我的模板", "--phrases", "我的短语",
                                 "-o", "讲话.docx", "--sources"])
    assert result.exit_code == 0, result.output
    sources = (tmp_path / "讲话.docx.sources.md").read_text(encoding="utf-8")
    assert "用户短语库 我的短语:opening.001" in sources and "模板 minzhu_meeting/speech.j2" in sources
    assert "领导班子2025年度民主生活会上的讲话" in sources and "述职" not in sources.split("## 第2段")[0]
