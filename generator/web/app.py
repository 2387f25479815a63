"""The workbench's pages: a Flask app over the library, server-rendered, for one user on this machine.

Routes: ``/`` (choose a meeting type or open a YAML file), ``/new`` (a pack's starter in the form),
``/form`` (the form again, e.g. for another type), ``/generate`` (the draft beside the form),
``/download/<docx|md|yaml>``, ``/open`` (upload a config). Every POST carries a CSRF token; a request
whose Host is not this machine is refused; no page shows a traceback."""

from __future__ import annotations

import ipaddress
import logging
import os
import re
from io import BytesIO

from flask import Flask, abort, render_template, request, send_file
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError, CSRFProtect  # type: ignore[import-untyped]  # Flask-WTF ships no type hints
from werkzeug.exceptions import HTTPException

from generator.drafting.schema import KEYS, Key
from generator.errors import SpeechgenError
from generator.web import forms, pins, work
from generator.web.draft_view import SEVERITY_ZH, build

#: Upper bound of one request (an uploaded config is further held to the loader's own 1 MB).
MAX_REQUEST = 4 * 1024 * 1024
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
_HTTP_ZH = {
    400: "请求有误，页面无法处理。请回到首页重试。",
    403: "只接受本机（127.0.0.1）上的浏览器访问。",
    404: "没有这个页面。",
    405: "不能这样打开这个页面；请从工作台的按钮进入。",
    413: "上传的内容太大（超过 4 MB）；配置文件最多 1 MB。",
}
log = logging.getLogger("speechgen.web")
#: Why a stretch of the draft that fills no slot cannot be swapped or locked, by its kind (as the panel says).
FIXED_REASONS = {
    "template": "这是模板的文字（连接用语、序号等），不能换一句或锁定；要改请在 Word 里改。",
    "config": "这是配置里的事实，不能换一句；请在左侧表单里改这一项。",
    "unit": "这一句由短语库单元组合而成，暂不能换一句或锁定。",
    "entry": "这一句暂不能换一句或锁定。",
    "curated": "这是手写资料里的内容，暂不能换一句或锁定。",
    "placeholder": "这是待补之处：请在左侧表单补上相应的事实，或在 Word 里补写。",
    "unrecorded": "标题、署名由配置与会议类型生成，不能换一句；请改左侧表单。",
}


def create_app(settings: work.Settings, *, secret_key: bytes | None = None) -> Flask:
    """The workbench app for ``settings`` (the folders given to ``speechgen serve``)."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret_key or os.urandom(32),
        MAX_CONTENT_LENGTH=MAX_REQUEST,
        MAX_FORM_MEMORY_SIZE=MAX_REQUEST,
        MAX_FORM_PARTS=20_000,  # a config may hold 200 reporters, 60 items a list
        WTF_CSRF_TIME_LIMIT=None,  # a page left open all afternoon still submits (the key dies with the server)
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_HTTPONLY=True,
        TEMPLATES_AUTO_RELOAD=False,
    )
    app.extensions["speechgen"] = settings
    app.jinja_env.globals.update(fid=field_id)
    CSRFProtect(app)

    @app.before_request
    def only_this_machine() -> None:
        if not _loopback_host(request.host) or not _loopback_addr(request.remote_addr):
            abort(403)

    @app.after_request
    def headers(resp):
        resp.headers["Content-Security-Policy"] = ("default-src 'self'; script-src 'self'; style-src 'self'; "
                                                   "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
                                                   "base-uri 'none'; object-src 'none'")
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers.setdefault("Cache-Control", "no-store")
        return resp

    @app.errorhandler(CSRFError)
    def csrf_refused(exc):
        return _error_page("页面已过期，或请求不是从本工作台的页面发出的（安全校验未通过）。请回到首页重新打开。", 400)

    @app.errorhandler(HTTPException)
    def http_error(exc):
        return _error_page(_HTTP_ZH.get(exc.code or 500, "请求无法处理。"), exc.code or 500)

    @app.errorhandler(Exception)
    def internal_error(exc):
        log.exception("internal error")  # on the console that started the server, never on the page
        return _error_page(f"内部错误（{type(exc).__name__}）。请把操作步骤和配置文件一并报告给维护者。", 500)

    @app.get("/")
    def home() -> ResponseReturnValue:
        return render_template("home.html", packs=_packs(), message=None)

    @app.get("/new")
    def new() -> ResponseReturnValue:
        type_id = request.args.get("type", "")
        packs = _packs()
        if type_id not in {p.id for p in packs}:
            return render_template("home.html", packs=packs, message="没有这个会议类型，请在下面选择。"), 404
        from generator.jobs import init_config
        from generator.loader import parse_yaml

        try:
            starter = parse_yaml(init_config(type_id, _settings().template_dirs), "起步配置", "起步配置").value
        except SpeechgenError as exc:
            return render_template("home.html", packs=packs, message=exc.format()), 200
        data = dict(starter) if isinstance(starter, dict) else {"type": type_id}
        data["type"] = type_id
        return _bench(data, status=f"已按“{_pack_name(type_id)}”的起步配置填好示例，请改成本地的情况后点“生成”。")

    @app.post("/form")
    def refresh() -> ResponseReturnValue:
        data = _form_data()
        return _bench(data, status="已更新表单。")

    @app.post("/generate")
    def generate() -> ResponseReturnValue:
        return _generate(_form_data(), [], source=None)

    @app.post("/pin")
    def pin() -> ResponseReturnValue:
        """换一句, 锁定, 解锁, or removing a pin the draft could not use: ``pins`` edited, then drafted again."""
        data = _form_data()
        req = pins.parse(request.form.get("pin"))
        if req is None:
            message = "无法识别要换或锁定的句子，请在草稿里重新点选这一句后再试。"
            return _bench(data, problems=[work.Problem(None, message)], status=message), 400
        try:
            edited, message = pins.apply(data.get("pins"), req)
        except ValueError as exc:
            return _bench(data, problems=[work.Problem("pins", str(exc))], status=str(exc)), 400
        if edited:
            data["pins"] = edited
        else:
            data.pop("pins", None)
        focus = {"swap": "btn-swap", "lock": "btn-unlock", "unlock": "btn-lock"}.get(req.do, "")
        return _generate(data, [], source=None, status=message, selected=req.slot, focus=focus)

    @app.post("/download/<fmt>")
    def download(fmt: str) -> ResponseReturnValue:
        data = _form_data()
        settings = _settings()
        if fmt == "yaml":
            text = work.yaml_of(data, settings)
            return _send(text.encode("utf-8"), _file_name(data, ".yaml"), "application/x-yaml; charset=utf-8")
        if fmt not in ("docx", "md"):
            abort(404)
        outcome = work.render(data, settings, f".{fmt}")
        if outcome.problems:
            return _bench(data, problems=outcome.problems, status=f"配置有问题，未能生成 .{fmt}，请按提示修改。")
        mime = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document" if fmt == "docx"
                else "text/markdown; charset=utf-8")
        return _send(outcome.data, _file_name(data, f".{fmt}"), mime)

    @app.post("/open")
    def open_config() -> ResponseReturnValue:
        upload = request.files.get("upload")
        previous = _form_data() if request.form.get("f.type") is not None else None
        if upload is None or not upload.filename:
            message = "请先选择一个 YAML 配置文件，再点“打开”。"
            if previous is None:
                return render_template("home.html", packs=_packs(), message=message), 400
            return _bench(previous, problems=[work.Problem(None, message)], status=message), 400
        up = work.read_upload(upload.stream, upload.filename, _settings())
        if up.error is not None or up.data is None:
            message = f"无法打开 {up.name}："
            if previous is None:
                return render_template("home.html", packs=_packs(), message=message + "\n" + (up.error or "")), 400
            return _bench(previous, problems=[work.Problem(None, up.error or "")], status=message), 400
        data = up.data
        pack = work.pack_of(data.get("type"), _settings())
        if pack is not None:
            data["type"] = pack.id
        notices: list[str] = []
        data = forms.with_style_and_phrases(data, _settings().choices, notices)
        return _generate(data, notices, source=up)

    return app


# ---------------------------------------------------------------- helpers (request context)
def _settings() -> work.Settings:
    from flask import current_app

    return current_app.extensions["speechgen"]


def _loopback_host(host: str) -> bool:
    host = (host or "").strip().lower()
    m = re.fullmatch(r"\[([0-9a-f:.]+)\](?::\d{1,5})?|([^:\[\]]+)(?::\d{1,5})?", host)
    if not m:
        return False
    name = m.group(1) or m.group(2) or ""
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _loopback_addr(addr: str | None) -> bool:
    if not addr:
        return True  # a test client or a Unix socket
    try:
        return ipaddress.ip_address(addr).is_loopback
    except ValueError:
        return False


def _packs() -> list:
    from generator.drafting.packs import find_packs

    return list(find_packs(_settings().template_dirs).values())


def _pack_name(type_id: str) -> str:
    return next((p.name for p in _packs() if p.id == type_id), type_id)


def _pack_keys(data: dict) -> tuple[Key, ...]:
    pack = work.pack_of(data.get("type"), _settings())
    return pack.keys if pack is not None else ()


def _form_data() -> dict:
    settings = _settings()
    pack = work.pack_of(request.form.get("f.type", ""), settings)
    return forms.form_to_data(request.form, pack.keys if pack else (), settings.choices)


def _file_name(data: dict, suffix: str) -> str:
    place = forms.as_text(data.get("place")) if isinstance(data.get("place"), str) else ""
    pack = work.pack_of(data.get("type"), _settings())
    stem = re.sub(r'[\\/:*?"<>|\s\x00-\x1f]+', "_", f"{place}{pack.name if pack else '讲话'}").strip("_")
    return (stem[:60] or "讲话") + (suffix if suffix != ".yaml" else "_配置.yaml")


def _send(data: bytes, name: str, mime: str):
    return send_file(BytesIO(data), mimetype=mime, as_attachment=True, download_name=name, max_age=0)


def _error_page(message: str, code: int):
    try:
        return render_template("error.html", message=message, code=code), code
    except Exception:  # the templates themselves unreadable: still no traceback
        return (f"<!doctype html><meta charset=utf-8><title>speechgen 工作台</title><p>{message}</p>", code,
                {"Content-Type": "text/html; charset=utf-8"})


def _generate(data: dict, notices: list[str], source: work.Upload | None, *, status: str = "",
              selected: str = "", focus: str = ""):
    """Draft ``data`` (from the form or an uploaded file) and show it beside the form; ``selected``: the slot
    whose sentence is shown in the source panel again (after 换一句/锁定), ``focus``: the button to focus there."""
    settings = _settings()
    outcome = work.render(data, settings, ".md", alternatives=True)
    if outcome.problems:
        problems = outcome.problems
        if source is not None:  # say the uploaded file's own lines, not those of the YAML written from it
            problems = [work.Problem(p.key, p.message, work.line_in(source.lines, p.key)) for p in problems]
            status = f"已打开 {source.name}，但配置有 {len(problems)} 处问题，请按提示修改后再生成。"
        else:
            status = f"配置有 {len(problems)} 处问题，请按提示修改后再生成。"
        return _bench(data, problems=problems, notices=notices, status=status, from_file=source is not None)
    draft = outcome.result.drafts[0]  # type: ignore[attr-defined]
    view = build(draft, work.findings_of(outcome), work.bank_of(outcome), work.summary_of(outcome),
                 getattr(outcome.config, "pins", None))
    notes = list(getattr(outcome.config, "notes", ()))
    status = status or (f"已打开 {source.name} 并生成草稿。" if source is not None else "已生成草稿。")
    if view.pins_unused:
        status += f"有 {len(view.pins_unused)} 处锁定的句子没有用上，见右侧“没有用上的锁定”。"
    return _bench(data, notices=[*notices, *notes], status=status, draft=view,
                  selected=view.slot_index.get(selected), focus=focus)


def _bench(data: dict, *, problems: list[work.Problem] | None = None, notices: list[str] | None = None,
           status: str = "", draft=None, from_file: bool = False, selected: int | None = None, focus: str = ""):
    settings = _settings()
    notices = list(notices or [])
    pack_keys = _pack_keys(data)
    view = forms.data_to_form(data, pack_keys, settings.choices, notices)
    ids = rendered_ids(view, pack_keys)
    attached: dict[str, list[str]] = {}
    general: list[str] = []
    for p in problems or []:
        where = f"第{p.line}行 " if (from_file and p.line) else ""
        target = attach(p.key, ids)
        text = f"{where}{p.message}"
        if target is None:
            general.append(f"{where}{p.key + '：' if p.key else ''}{p.message}")
        else:
            attached.setdefault(target, []).append(text)
    return render_template(
        "bench.html", packs=_packs(), type_id=data.get("type") if isinstance(data.get("type"), str) else "",
        groups=groups(pack_keys), form=view, errors=attached, general=general, notices=list(dict.fromkeys(notices)),
        problem_count=len(problems or []), status=status, draft=draft, choices=settings.choices,
        levels=forms.level_options(view.scalars.get("level", "")), severity_zh=SEVERITY_ZH,
        table_fields=forms.TABLE_FIELDS, row_lists=forms.ROW_LISTS, list_kinds=forms.LIST_KINDS,
        help_of=lambda key: key.help.replace("`", ""), selected=selected, focus=focus,
        pin_request=pins.request_value, fixed_reasons=FIXED_REASONS,
    )


def groups(pack_keys: tuple[Key, ...]) -> list[tuple[str, list[Key]]]:
    """The form's sections, each with its keys in schema order; a pack's own keys get a section of their own."""
    by_name = {k.name: k for k in KEYS}
    out = [(title, [by_name[n] for n in names if n in by_name]) for title, names in forms.GROUPS]
    placed = {n for _, names in forms.GROUPS for n in names}
    rest = [k for k in KEYS if k.name not in placed]
    if rest:
        out.append(("其他", rest))
    if pack_keys:
        out.append(("本会议类型的配置项", list(pack_keys)))
    return out


def rendered_ids(view: forms.FormView, pack_keys: tuple[Key, ...]) -> set[str]:
    """Key paths the form shows a field for (``points[2]``, ``reporters[0].name``): where a message may attach."""
    ids = {k.name for k in forms.keys_for(pack_keys)}
    for name, items in view.lists.items():
        ids.update(f"{name}[{i}]" for i in range(len(items)))
    for name, rows in view.tables.items():
        for i, row in enumerate(rows):
            ids.add(f"{name}[{i}]")
            ids.update(f"{name}[{i}].{f}" for f in row)
    return ids


def attach(key: str | None, ids: set[str]) -> str | None:
    """The field a message about ``key`` belongs to: the key itself or the nearest enclosing one shown."""
    probe = key or ""
    while probe and probe not in ids:
        probe = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", probe) if re.search(r"[.\[]", probe) else ""
    return probe or None


def field_id(key: str) -> str:
    return "fld-" + re.sub(r"[^0-9A-Za-z_-]", "-", key)
