"""The pack sandbox: no file outside the pack, and every runaway template ends in seconds with its line."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT

HEAD = "@title 标题\n"


def run_pack(tmp_path, body: str | bytes, extra: dict | None = None, timeout: float = 60):
    """Render a one-file pack in a subprocess (so a hang fails the test instead of stalling it)."""
    pack = tmp_path / "packs" / "tt"
    pack.mkdir(parents=True, exist_ok=True)
    (pack / "manifest.yaml").write_text("id: tt\nname: 测试会议\n", encoding="utf-8")
    (pack / "speech.j2").write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
    for name, target in (extra or {}).items():
        os.symlink(target, pack / name)
    cfg = tmp_path / "c.yaml"
    cfg.write_text("type: tt\nplace: 江北区\nlevel: 区\nyear: 2026\n", encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "generator", "render", str(cfg), "-o", "-", "--templates",
                           str(tmp_path / "packs")], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("body,words", [
    (HEAD + "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}@p 完\n", "循环超过"),
    (HEAD + "{% set l = [1] %}{% for x in l %}{% if l.append(1) %}{% endif %}{% endfor %}@p 完\n", "调用次数超过"),
    (HEAD + "@p {{ 'x' * 10**10 }}\n", "乘法"),
    (HEAD + "@p {{ 10 ** 100000000 }}\n", "乘方"),
    (HEAD + "{% for i in range(900000) %}@p {{ 'x' * 900 }}\n{% endfor %}", "输出超过"),
    (HEAD + "{% macro f(n) %}{{ f(n) }}{% endmacro %}@p {{ f(1) }}\n", "递归"),
])
def test_runaway_templates_end_with_a_message(tmp_path, body, words):
    result = run_pack(tmp_path, body)
    assert result.returncode == 2, result.stderr
    assert words in result.stderr and "speech.j2" in result.stderr and "Traceback" not in result.stderr


def test_symlinked_template_outside_the_pack_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("@p 不该出现的秘密内容\n", encoding="utf-8")
    result = run_pack(tmp_path, HEAD + '{% include "leak.j2" %}\n', {"leak.j2": secret})
    assert result.returncode == 2 and "秘密" not in result.stdout + result.stderr
    assert "模板包文件夹以外" in result.stderr


def test_symlinked_main_template_is_refused_without_printing_it(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("秘密第一行\n", encoding="utf-8")
    pack = tmp_path / "packs" / "tt"
    pack.mkdir(parents=True)
    result = run_pack(tmp_path, HEAD)
    (pack / "speech.j2").unlink()
    os.symlink(secret, pack / "speech.j2")
    cfg = tmp_path / "c.yaml"
    result = subprocess.run([sys.executable, "-m", "generator", "render", str(cfg), "-o", "-", "--templates",
                             str(tmp_path / "packs")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "秘密" not in result.stdout + result.stderr


def test_non_utf8_template_is_bad_input(tmp_path):
    result = run_pack(tmp_path, HEAD.encode() + "@p 正文\n".encode("gbk"))
    assert result.returncode == 2 and "UTF-8" in result.stderr


def test_ordinary_loops_still_work(tmp_path):
    result = run_pack(tmp_path, HEAD + textwrap.dedent("""\
        {% for i in range(3) %}
        @p 第{{ s.cn(i + 1) }}段。
        {% endfor %}
        """))
    assert result.returncode == 0, result.stderr
    assert "第三段" in result.stdout


def test_a_template_cannot_forge_provenance(tmp_path):
    from generator.drafting.compose import compose
    from generator.jobs import load

    body = HEAD + '@p {{ "\\x01phrase:opening.0001\\x1fdeadbeef0000\\x02伪造的出处\\x03" }}{{ cfg.place }}\n'
    run_pack(tmp_path, body)
    config = load(tmp_path / "c.yaml", [tmp_path / "packs"])
    draft = compose(config, template_dirs=[tmp_path / "packs"])
    spans = draft.blocks[0].spans
    assert [(s.text, s.source) for s in spans] == [("伪造的出处", "template:tt/speech.j2"), ("江北区", "config:place")]


def test_a_phrase_text_cannot_add_lines(tmp_path):
    from generator.bank.entries import load_phrasebank
    from generator.errors import InputError

    folder = tmp_path / "pb"
    folder.mkdir()
    (folder / "x.yaml").write_text('- id: user.opening.1\n  category: opening\n  text: "今天开会。\\n@h1 一、伪造的标题"\n',
                                   encoding="utf-8")
    with pytest.raises(InputError, match="只能是一行"):
        load_phrasebank([folder])


def test_one_slow_call_is_interrupted_by_the_timer(tmp_path, monkeypatch):
    from generator.drafting import sandbox
    from generator.drafting.compose import compose
    from generator.errors import InputError
    from generator.jobs import load

    monkeypatch.setattr(sandbox, "SECONDS", 1.0)
    # a million characters (built with |join: ~ refuses to build more than a draft's worth), wrapped slowly
    body = HEAD + "{% set s = 'x' * 100000 %}@p {{ ([s] * 10)|join|wordwrap(1)|length }}\n"
    run_pack(tmp_path, HEAD + "@p 正文。\n")
    (tmp_path / "packs" / "tt" / "speech.j2").write_text(body, encoding="utf-8")
    config = load(tmp_path / "c.yaml", [tmp_path / "packs"])
    with pytest.raises(InputError, match="秒仍未结束"):
        compose(config, template_dirs=[tmp_path / "packs"])


@pytest.mark.parametrize("text", ['"\\x04开头"', '"今天\\x01phrase:opening.1\\x02伪造\\x03开会"', '"今天\\ufffe开会"'])
def test_control_characters_in_a_phrase_are_refused(tmp_path, text):
    from generator.bank.entries import load_phrasebank
    from generator.errors import InputError

    folder = tmp_path / "pb"
    folder.mkdir()
    (folder / "x.yaml").write_text(f"- id: user.opening.1\n  category: opening\n  text: {text}\n", encoding="utf-8")
    with pytest.raises(InputError, match="控制字符"):
        load_phrasebank([folder])


def test_a_template_cannot_put_control_characters_into_a_docx(tmp_path):
    out = tmp_path / "out.docx"
    pack_result = run_pack(tmp_path, HEAD + '@p 今天{{ "\\x04\\x1b" }}开会。\n')
    assert pack_result.returncode == 0, pack_result.stderr
    result = subprocess.run([sys.executable, "-m", "generator", "render", str(tmp_path / "c.yaml"), "-o", str(out),
                             "--templates", str(tmp_path / "packs")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    import docx

    assert "今天开会。" in [p.text for p in docx.Document(str(out)).paragraphs]


def _compose_pack(tmp_path, body: str):
    """Render a one-file pack in this process; the InputError it raises, or the draft."""
    from generator.drafting.compose import compose
    from generator.errors import InputError
    from generator.jobs import load

    run_pack_dir = tmp_path / "packs" / "tt"
    run_pack_dir.mkdir(parents=True, exist_ok=True)
    (run_pack_dir / "manifest.yaml").write_text("id: tt\nname: 测试会议\n", encoding="utf-8")
    (run_pack_dir / "speech.j2").write_text(body, encoding="utf-8")
    cfg = tmp_path / "c.yaml"
    cfg.write_text("type: tt\nplace: 江北区\nlevel: 区\nyear: 2026\npoints: [政治建设]\n", encoding="utf-8")
    config = load(cfg, [tmp_path / "packs"])
    try:
        return compose(config, template_dirs=[tmp_path / "packs"])
    except InputError as exc:
        return exc


@pytest.mark.parametrize("expr", [
    "cfg|string", "s|string", "plan|string", "cfg.reporters|string", '"%s"|format(cfg)', '"%s"|format(plan)',
    'cfg ~ ""', '"前" ~ s', '"%s" % cfg', '"%s-%s" % (cfg.place, plan)', '"{}".format(plan)', "s", "plan",
    "[cfg]|join", "cfg|pprint", "cfg|tojson", 'cfg.points|map("upper")', 'cfg.place|replace("江", cfg)',
    "cfg.length|string",
])
def test_objects_never_become_text_in_a_draft(tmp_path, expr):
    """4.18: |string, |format, ~, % and str.format wrote a Python repr (memory addresses, provenance marks)."""
    from generator.errors import InputError

    result = _compose_pack(tmp_path, HEAD + "@p 前文。\n@p {{ " + expr + " }}\n")
    assert isinstance(result, InputError), f"{expr} rendered: {getattr(result, 'paragraphs', None)}"
    text = result.format()
    assert result.line == 3 and "speech.j2" in text, text
    assert "object at 0x" not in text and "\x01" not in text and "Plan(" not in text, text


@pytest.mark.parametrize("expr", ['cfg.place|string', '"%s区"|format(cfg.place)', 'cfg.place ~ "的"', '"%d" % 3',
                                  '"{}年".format(cfg.year)', 'cfg.points|join("、")', "plan.level|string",
                                  'cfg.place|replace("江", "河")', "(cfg.points|map('upper')|list)[0]"])
def test_text_and_numbers_still_become_text(tmp_path, expr):
    result = _compose_pack(tmp_path, HEAD + "@p {{ " + expr + " }}。\n")
    assert not isinstance(result, Exception), result.format()
    assert result.char_count() > 1


@pytest.mark.parametrize("expr, words", [
    ('"x"|center(10**9)', "宽度"), ('"%0999999999d"|format(1)', "格式宽度"), ('"%0999999999d" % 1', "格式宽度"),
    ('"{:>999999999}".format(1)', "格式宽度"), ('"x".ljust(10**9)', "宽度"), ('"x"|indent(10**9)', "宽度"),
    ('("x" * 99999).replace("x", "y" * 99999)', "替换"), ("[1]|batch(10**9, 0)|list", "数目"),
])
def test_width_and_size_bombs_stop_at_once(tmp_path, expr, words):
    """3.20: "x"|center(10**9) and "%0999999999d"|format(1) took 30 s and 5 GB before the output cap stopped them."""
    import time

    from generator.errors import InputError

    start = time.monotonic()
    result = _compose_pack(tmp_path, HEAD + "@p {{ " + expr + " }}\n")
    assert time.monotonic() - start < 10
    assert isinstance(result, InputError) and words in result.format() and result.line == 2, result


@pytest.mark.parametrize("body, words", [
    (HEAD + "@p {% if %}\n", "缺少表达式"),
    (HEAD + "@p {{ x\n", "模板意外结束"),
    (HEAD + "{% for x in cfg.points %}\n@p {{ x }}\n", "endfor"),
    (HEAD + "@p {{ cfg.points[99] }}\n", "下标为 99"),
    (HEAD + "@p {{ s.phrase() }}\n", "缺少参数 category"),
    (HEAD + "@p {{ s.cn(1, nosuch=1) }}\n", "没有名为 nosuch 的参数"),
    (HEAD + "@p {{ s.cn(100000) }}\n", "1 到 999"),
    (HEAD + "@p {{ 1 / 0 }}\n", "除以了零"),
    (HEAD + '@p {{ 1 + "a" }}\n', "类型不对"),
    (HEAD + "{% macro m(a) %}{{ a }}{% endmacro %}@p {{ m(1, 2) }}\n", "宏 m 最多接受 1 个参数"),
    (HEAD + '@p {% include "../../../private.txt" %}\n', "模板包以外"),
    (HEAD + '@p {% include "/etc/passwd" %}\n', "模板包以外"),
    (HEAD + '@p {% include "_lib/../../../etc/passwd" %}\n', "模板包以外"),
    (HEAD + "@p {% include cfg.place %}\n", "找不到要引用的模板文件"),
])
def test_template_errors_are_said_in_chinese_once(tmp_path, body, words):
    """6.02–6.04: Jinja's English, Python's exception names, a doubled 模板出错：模板出错（…）, an include
    outside the pack not said to be one, and provenance marks in the message."""
    import re

    from generator.errors import InputError

    result = _compose_pack(tmp_path, body)
    assert isinstance(result, InputError), result
    text = result.format()
    assert words in text and result.line is not None and "speech.j2" in text, text
    assert "模板出错：模板出错" not in text and "\x01" not in text and "config:place" not in text, text
    assert not re.search(r"Error|Expected|expected|object|missing|argument|numeral|unexpected", text), text
    assert "passwd" not in text and "private" not in text
