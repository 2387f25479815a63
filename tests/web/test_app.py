"""The workbench through Flask's test client: safety (CSRF, Host, uploads), the form for every type,
the loader's messages on their fields, downloads equal to what ``render`` writes."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from generator.drafting.packs import find_packs
from generator.drafting.schema import KEYS
from tests.conftest import EXAMPLES
from tests.web.helpers import assert_no_traceback, csrf, form_fields, replace, text_of

BUILTIN = [p.id for p in find_packs().values() if p.origin == "内置"]


def _new(client, type_id: str) -> str:
    r = client.get(f"/new?type={type_id}")
    assert r.status_code == 200
    return r.get_data(as_text=True)


def _upload(client, content: bytes, name: str = "配置.yaml", **extra):
    html = client.get("/").get_data(as_text=True)
    data = {"csrf_token": csrf(html), "upload": (io.BytesIO(content), name), **extra}
    return client.post("/open", data=data, content_type="multipart/form-data")


def _problem_texts(html: str) -> list[str]:
    return [text_of(m) for m in re.findall(r'<p class="err"[^>]*>(.*?)</p>', html, re.S)]


# ---------------------------------------------------------------- safety
def test_the_home_page_lists_every_pack_and_says_it_is_local(client):
    html = client.get("/").get_data(as_text=True)
    for pack in find_packs().values():
        assert pack.name in html and f"/new?type={pack.id}" in html
    assert "127.0.0.1" in html


def test_a_user_pack_is_offered_and_drafts(make_client, tmp_path):
    from generator.drafting.authoring import new_pack

    new_pack("jiceng_meeting", "基层党建推进会讲话", "shuzhi_speech", tmp_path / "packs")
    client = make_client(template_dirs=[tmp_path / "packs"])
    home = client.get("/").get_data(as_text=True)
    assert "基层党建推进会讲话" in home and "自建" in home
    html = _new(client, "jiceng_meeting")
    r = client.post("/generate", data=form_fields(html))
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and 'id="draft"' in page, _problem_texts(page)
    saved = client.post("/download/yaml", data=form_fields(html)).get_data(as_text=True)
    assert "--templates" in saved  # the saved config says how to render it from the command line


def test_a_post_without_the_csrf_token_is_refused(client):
    html = _new(client, "shuzhi_speech")
    fields = replace(form_fields(html), "csrf_token")
    for path in ("/generate", "/download/docx", "/download/yaml", "/form", "/open"):
        r = client.post(path, data=fields)
        page = r.get_data(as_text=True)
        assert r.status_code == 400, path
        assert "安全校验未通过" in page
        assert_no_traceback(page)


def test_a_post_with_a_forged_token_is_refused(client):
    html = _new(client, "shuzhi_speech")
    fields = replace(form_fields(html), "csrf_token", "forged." + csrf(html)[::-1])
    assert client.post("/generate", data=fields).status_code == 400


def test_a_token_from_another_session_is_refused(make_client):
    first, second = make_client(), make_client()
    fields = form_fields(_new(first, "shuzhi_speech"))
    assert second.post("/generate", data=fields).status_code == 400


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8765", "127.0.0.1.evil.example", "localhost.evil",
                                  "192.168.1.20:8765", "0.0.0.0", "[2001:db8::1]:80", ""])
def test_a_request_for_another_host_is_refused(client, host):
    r = client.get("/", headers={"Host": host})
    page = r.get_data(as_text=True)
    assert r.status_code in (400, 403)
    if r.status_code == 403:
        assert "只接受本机" in page


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost:8765", "[::1]:8765", "127.0.0.1"])
def test_loopback_hosts_are_served(client, host):
    assert client.get("/", headers={"Host": host}).status_code == 200


def test_a_request_from_another_machine_is_refused(client):
    r = client.get("/", environ_overrides={"REMOTE_ADDR": "10.1.2.3"})
    assert r.status_code == 403


def test_pages_forbid_foreign_scripts_and_framing(client):
    r = client.get("/")
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "http" not in r.get_data(as_text=True).replace("http://127.0.0.1", "")  # no CDN, no outside link


def test_an_unknown_page_and_a_wrong_method_are_chinese_pages(client):
    for r in (client.get("/nowhere"), client.get("/generate"), client.post("/download/exe")):
        page = r.get_data(as_text=True)
        assert r.status_code in (400, 404, 405)
        assert re.search(r"[\u4e00-\u9fff]", page)
        assert_no_traceback(page)


def test_an_internal_error_is_a_message_not_a_traceback(client, monkeypatch):
    from generator.web import work

    def boom(*a, **k):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(work, "render", boom)
    html = _new(client, "shuzhi_speech")
    r = client.post("/generate", data=form_fields(html))
    page = r.get_data(as_text=True)
    assert r.status_code == 500 and "内部错误" in page
    assert "secret internals" not in page
    assert_no_traceback(page)


# ---------------------------------------------------------------- the form
def test_every_config_key_has_a_field(client):
    html = _new(client, "shuzhi_speech")
    for key in KEYS:
        assert f'data-key="{key.name}"' in html, key.name


@pytest.mark.parametrize("type_id", BUILTIN)
def test_each_builtin_type_drafts_through_the_form(client, type_id):
    html = _new(client, type_id)
    fields = replace(form_fields(html), "f.place", "青榆县")
    fields = replace(fields, "f.level", "县")
    fields = replace(fields, "f.achievements", "新建“两新”党组织36个", "整顿软弱涣散村党组织9个")
    if type_id == "dianping":
        fields = replace(fields, "reporters.name", "周建国", "李红梅")
        fields = replace(fields, "reporters.post", "东城镇党委书记", "西岭镇党委书记")
        fields = replace(fields, "reporters.highlights", "推行“支部+合作社”模式", "")
        fields = replace(fields, "reporters.problems", "党员教育管理方式比较单一\n阵地作用发挥不够", "")
    if type_id == "zuotan_outline":
        fields = replace(fields, "visits.place", "石桥镇河湾村", "城关街道幸福里社区")
        fields = replace(fields, "visits.seen", "", "社区党群服务中心推行“一站式”服务")
        fields = replace(fields, "speakers.name", "刘志强")
        fields = replace(fields, "speakers.post", "石桥镇党委书记")
        fields = replace(fields, "speakers.said", "")
    r = client.post("/generate", data=fields)
    page = r.get_data(as_text=True)
    assert r.status_code == 200, page[:500]
    assert 'id="draft"' in page, _problem_texts(page)
    assert "青榆县" in page or "全县" in page
    assert "新建“两新”党组织36个" in page
    assert 'class="doc-title' in page and 'class="doc-h1' in page
    sources = json.loads(re.search(r'<script type="application/json" id="sources-data">(.*?)</script>', page,
                                   re.S).group(1))
    rows = [dict(r) for r in sources.values()]
    assert any(r.get("配置项") == "achievements[0]" for r in rows)
    assert any(r.get("编号") and r.get("原句") for r in rows), "no phrasebank entry with its sentence"
    if type_id == "shuzhi_speech":  # drafted from mined units: their corpus file:line is shown
        assert any(re.search(r"\.txt:\d+", r.get("语料", "")) for r in rows), "no phrasebank source with file:line"
    assert_no_traceback(page)


def test_the_placeholders_are_marked_and_counted(client):
    html = _new(client, "shuzhi_speech")
    page = client.post("/generate", data=replace(form_fields(html), "f.achievements")).get_data(as_text=True)
    count = int(re.search(r'id="todo-count">(\d+)<', page).group(1))
    assert count >= 1
    assert page.count('<mark class="todo">') == count


def test_findings_link_to_their_paragraphs(client):
    html = _new(client, "shuzhi_speech")
    page = client.post("/generate", data=form_fields(html)).get_data(as_text=True)
    links = re.findall(r'<a href="#p-(\d+)" class="flink"', page)
    assert links, "the starter's 〔待补〕 should give findings"
    for n in links:
        assert f'id="p-{n}"' in page


def test_the_loaders_messages_are_shown_on_their_fields(client, tmp_path):
    html = _new(client, "dianping")
    fields = replace(form_fields(html), "f.year", "明年")
    fields = replace(fields, "f.length", "很长")
    fields = replace(fields, "reporters.name", "")  # a reporter with a post and no name
    r = client.post("/generate", data=fields)
    page = r.get_data(as_text=True)
    assert 'id="draft"' not in page
    # the same config through the loader the CLI uses
    saved = client.post("/download/yaml", data=fields).get_data(as_text=True)
    path = tmp_path / "c.yaml"
    path.write_text(saved, encoding="utf-8")
    from generator import load_config
    from generator.errors import ConfigError

    with pytest.raises(ConfigError) as err:
        load_config(path)
    by_key = {p.key: p.message for p in err.value.problems}
    for key, field_id in (("year", "fld-year"), ("length", "fld-length"), ("reporters[0]", "fld-reporters-0-")):
        block = re.search(rf'id="{field_id}".*?(?=<div class="field|<tr class="item|</tbody>)', page, re.S).group(0)
        assert by_key[key] in text_of(block), (key, by_key[key])


def test_lists_keep_their_order_and_empty_rows_are_dropped(client, tmp_path):
    html = _new(client, "shuzhi_speech")
    fields = replace(form_fields(html), "f.points", "责任落实", "", "政治建设")
    saved = client.post("/download/yaml", data=fields).get_data(as_text=True)
    assert yaml.safe_load(saved)["points"] == ["责任落实", "政治建设"]


def test_switching_the_type_keeps_what_was_typed(client):
    html = _new(client, "shuzhi_speech")
    fields = replace(replace(form_fields(html), "f.place", "云溪区"), "f.type", "zuotan_outline")
    page = client.post("/form", data=fields).get_data(as_text=True)
    assert 'value="云溪区"' in page
    assert re.search(r'<option value="zuotan_outline" selected>', page)


def test_nothing_is_left_in_the_temporary_folder(make_client, tmp_path):
    client = make_client()
    html = _new(client, "shuzhi_speech")
    client.post("/generate", data=form_fields(html))
    client.post("/download/docx", data=form_fields(html))
    _upload(client, (EXAMPLES / "dianping.yaml").read_bytes())
    assert list((tmp_path / "bench-tmp").iterdir()) == []


# ---------------------------------------------------------------- downloads
@pytest.mark.parametrize("type_id", BUILTIN)
def test_the_docx_is_what_render_writes_for_the_downloaded_yaml(client, tmp_path, type_id):
    from generator import render

    fields = replace(form_fields(_new(client, type_id)), "f.seed", "7")
    saved = client.post("/download/yaml", data=fields)
    assert saved.status_code == 200 and "attachment" in saved.headers["Content-Disposition"]
    docx = client.post("/download/docx", data=fields)
    assert docx.status_code == 200
    assert docx.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    md = client.post("/download/md", data=fields)
    cfg = tmp_path / "配置.yaml"
    cfg.write_bytes(saved.data)
    assert "# " in saved.get_data(as_text=True).splitlines()[0]  # Chinese comments, as init writes them
    render(cfg, tmp_path / "out.docx")
    render(cfg, tmp_path / "out.md")
    assert docx.data == (tmp_path / "out.docx").read_bytes()
    assert md.data == (tmp_path / "out.md").read_bytes()


def test_the_command_line_renders_the_downloaded_yaml(client, tmp_path, runner):
    from generator.cli import cli

    fields = form_fields(_new(client, "shuzhi_speech"))
    cfg = tmp_path / "c.yaml"
    cfg.write_bytes(client.post("/download/yaml", data=fields).data)
    out = tmp_path / "讲话.docx"
    result = runner.invoke(cli, ["render", str(cfg), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == client.post("/download/docx", data=fields).data


def test_a_download_of_a_broken_config_shows_the_problems(client):
    fields = replace(form_fields(_new(client, "shuzhi_speech")), "f.year", "1800")
    r = client.post("/download/docx", data=fields)
    assert r.mimetype == "text/html"
    assert "应为四位年份" in r.get_data(as_text=True)


# ---------------------------------------------------------------- uploads
def test_an_uploaded_example_opens_and_drafts(client):
    r = _upload(client, (EXAMPLES / "shuzhi_speech.yaml").read_bytes(), "shuzhi_speech.yaml")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and 'id="draft"' in page, _problem_texts(page)
    assert 'value="云溪区"' in page and "周建国" in page


@pytest.mark.parametrize("name", ["shuzhi_speech", "dianping", "zuotan_outline"])
def test_an_uploaded_config_round_trips_to_the_same_draft(client, tmp_path, name):
    from generator import render

    page = _upload(client, (EXAMPLES / f"{name}.yaml").read_bytes()).get_data(as_text=True)
    saved = client.post("/download/yaml", data=form_fields(page)).data
    (tmp_path / "saved.yaml").write_bytes(saved)
    render(tmp_path / "saved.yaml", tmp_path / "a.md")
    render(EXAMPLES / f"{name}.yaml", tmp_path / "b.md")
    assert (tmp_path / "a.md").read_bytes() == (tmp_path / "b.md").read_bytes()


def test_a_broken_yaml_shows_the_loaders_line_numbered_message(client):
    from generator.drafting.config import parse_config
    from generator.errors import InputError

    text = "type: shuzhi_speech\nplace: 云溪区\npoints: [政治建设, 组织建设\nlevel: 区\nyear: 2026\n"
    with pytest.raises(InputError) as err:
        parse_config(text, "坏的.yaml")
    r = _upload(client, text.encode("utf-8"), "坏的.yaml")
    page = text_of(r.get_data(as_text=True))
    assert r.status_code == 400
    assert f"第{err.value.line}行" in page and err.value.message in page and "坏的.yaml" in page
    assert_no_traceback(page)


def test_a_broken_yaml_keeps_the_form_that_was_open(client):
    html = _new(client, "shuzhi_speech")
    fields = replace(form_fields(html), "f.place", "云溪区")
    fields.add("upload", (io.BytesIO(b"place: [a\n"), "x.yaml"))
    r = client.post("/open", data=fields, content_type="multipart/form-data")
    page = r.get_data(as_text=True)
    assert 'value="云溪区"' in page and "第1行" in text_of(page)


def test_an_uploaded_configs_problems_name_its_own_lines(client):
    text = "type: shuzhi_speech\nplace: 云溪区\nlevel: 区\nyear: 明年\npoint: [政治建设]\n"
    page = _upload(client, text.encode("utf-8")).get_data(as_text=True)
    plain = text_of(page)
    assert "第4行 应为四位年份" in plain
    assert "第5行" in plain and "是否想写 points" in plain


@pytest.mark.parametrize("content,expect", [
    (b"a: &x [1, 2]\nb: *x\n", "锚点和别名"),
    (b"a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c, *c]\n", "锚点和别名"),
    (b"type: !!python/object/apply:os.system [echo hi]\n", "标签"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, ""),
    (b"\x00\x01\x02\xff\xfe" * 1000, ""),
    (b"a: " + b"[" * 200 + b"]" * 200 + b"\n", "嵌套过深"),
    (b"- " * 50 + b"x\n", ""),
    (b"", "空"),
    (b"just a string\n", "顶层"),
    ("type: 述职评议会讲话\nplace: 云溪\u202e区\n".encode(), ""),
])
def test_hostile_uploads_are_refused_with_a_message(client, content, expect):
    r = _upload(client, content, "hostile.yaml")
    page = r.get_data(as_text=True)
    assert r.status_code in (200, 400)
    assert_no_traceback(page)
    if expect:
        assert expect in text_of(page)
    if r.status_code == 400:
        assert "无法打开 hostile.yaml" in text_of(page)


def test_an_oversized_config_is_refused_by_the_loaders_limit(client):
    big = b"type: shuzhi_speech\n" + b"# " + b"x" * (1024 * 1024 + 100) + b"\n"
    r = _upload(client, big)
    assert r.status_code == 400
    assert "太大" in text_of(r.get_data(as_text=True))


def test_a_request_over_the_size_limit_is_refused(client):
    r = _upload(client, b"x" * (5 * 1024 * 1024))
    page = r.get_data(as_text=True)
    assert r.status_code == 413 and "太大" in page
    assert_no_traceback(page)


def test_an_upload_without_a_file_says_so(client):
    html = client.get("/").get_data(as_text=True)
    r = client.post("/open", data={"csrf_token": csrf(html)}, content_type="multipart/form-data")
    assert r.status_code == 400 and "请先选择" in r.get_data(as_text=True)


def test_pins_survive_the_round_trip(client):
    text = (EXAMPLES / "shuzhi_speech.yaml").read_text(encoding="utf-8")
    text += "pins: {s1.p2.3: point.3fa2c1d0, opening.1: 同志们，这是一句原文。}\n"
    page = _upload(client, text.encode("utf-8")).get_data(as_text=True)
    assert "锁定了 2 处" in text_of(page)
    assert "没有用上的锁定（2 处）" in text_of(page)  # those slots are not in this draft: said, and kept
    saved = yaml.safe_load(client.post("/download/yaml", data=form_fields(page)).get_data(as_text=True))
    assert saved["pins"] == {"s1.p2.3": "point.3fa2c1d0", "opening.1": "同志们，这是一句原文。"}


def _user_phrasebank(tmp_path: Path) -> Path:
    folder = tmp_path / "我的短语库"
    folder.mkdir()
    (folder / "points.yaml").write_text(
        "- id: point.u001\n  category: point\n  text: 一要抓实党建引领，在服务群众上持续用力\n  themes: [政治建设]\n"
        "  sources: [\"我的讲话.txt:3\"]\n", encoding="utf-8")
    return folder


def test_style_and_phrases_are_honoured_only_when_given_at_start(make_client, tmp_path):
    folder = _user_phrasebank(tmp_path)
    style = tmp_path / "版式.yaml"
    shutil.copy(EXAMPLES / "style-centered.yaml", style)
    client = make_client(phrase_dirs=[folder], style_files=[style])
    base = (EXAMPLES / "shuzhi_speech.yaml").read_text(encoding="utf-8")
    # named ones: honoured
    ok = _upload(client, (base + f"style: {style}\nphrases: [{folder.name}]\n").encode()).get_data(as_text=True)
    assert re.search(r'<option value="file:0" selected>', ok)
    assert re.search(r'name="f.phrases" value="0" checked', ok)
    saved = yaml.safe_load(client.post("/download/yaml", data=form_fields(ok)).get_data(as_text=True))
    assert saved["style"] == str(style) and saved["phrases"] == [str(folder)]
    # others: not read, and the page says so
    bad = _upload(client, (base + "style: /etc/passwd\nphrases: [/etc, ../../secret]\n").encode()).get_data(as_text=True)
    plain = text_of(bad)
    assert "/etc/passwd" in plain and "未采用" in plain and "../../secret" in plain
    assert 'id="draft"' in bad  # drafted with the default style and the built-in phrasebank
    saved = yaml.safe_load(client.post("/download/yaml", data=form_fields(bad)).get_data(as_text=True))
    assert "style" not in saved and "phrases" not in saved


def test_a_shipped_style_is_offered_and_an_inline_one_kept(client):
    base = (EXAMPLES / "shuzhi_speech.yaml").read_text(encoding="utf-8")
    page = _upload(client, (base + "style: windows-fonts\n").encode()).get_data(as_text=True)
    assert re.search(r'<option value="name:windows-fonts" selected>', page)
    page = _upload(client, (base + "style: {page_number: center}\n").encode()).get_data(as_text=True)
    saved = yaml.safe_load(client.post("/download/yaml", data=form_fields(page)).get_data(as_text=True))
    assert saved["style"] == {"page_number": "center"}


def test_a_posted_path_is_never_read(client, tmp_path):
    """The form names styles and folders by their index among those given at start, never by a path."""
    fields = form_fields(_new(client, "shuzhi_speech"))
    fields = replace(replace(fields, "f.style", "file:../../etc/passwd"), "f.phrases", "/etc", "0")
    fields = replace(fields, "f.style_inline", "")
    saved = yaml.safe_load(client.post("/download/yaml", data=fields).get_data(as_text=True))
    assert "style" not in saved and "phrases" not in saved


@pytest.mark.parametrize("style_choice", ["name:windows-fonts", "file:0"])
def test_a_chosen_style_and_phrasebank_give_what_render_gives(make_client, tmp_path, style_choice):
    from generator import render

    folder = _user_phrasebank(tmp_path)
    style = tmp_path / "版式.yaml"
    shutil.copy(EXAMPLES / "style-centered.yaml", style)
    client = make_client(phrase_dirs=[folder], style_files=[style])
    fields = form_fields(_new(client, "shuzhi_speech"))
    fields = replace(replace(fields, "f.style", style_choice), "f.phrases", "0")
    cfg = tmp_path / "c.yaml"
    cfg.write_bytes(client.post("/download/yaml", data=fields).data)
    saved = yaml.safe_load(cfg.read_text(encoding="utf-8"))
    assert saved["phrases"] == [str(folder)]
    assert saved["style"] == ("windows-fonts" if style_choice.startswith("name") else str(style))
    render(cfg, tmp_path / "out.docx")
    assert client.post("/download/docx", data=fields).data == (tmp_path / "out.docx").read_bytes()
