"""Reading the workbench's pages the way a browser submits them: every field of the form with its value."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict


class _Form(HTMLParser):
    """The successful controls of the page's forms (inputs, checked boxes, textareas, selected options),
    outside <template> rows, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._textarea: list[str] | None = None
        self._select: list | None = None
        self._template = 0

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "template":
            self._template += 1
        if self._template:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("file", "submit", "button"):
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
        elif tag == "select" and a.get("name"):
            self._select = [a["name"], None, None]
        elif tag == "option" and self._select is not None:
            if self._select[2] is None:
                self._select[2] = a.get("value", "")
            if "selected" in a:
                self._select[1] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "template":
            self._template -= 1
            return
        if self._template:
            return
        if tag == "textarea" and self._textarea is not None:
            value = self._textarea[1]
            self.fields.append((self._textarea[0], value[1:] if value.startswith("\n") else value))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            name, chosen, first = self._select
            self.fields.append((name, chosen if chosen is not None else (first or "")))
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data


def form_fields(html: str) -> MultiDict:
    parser = _Form()
    parser.feed(html)
    return MultiDict(parser.fields)


def replace(fields: MultiDict, name: str, *values: str) -> MultiDict:
    """``fields`` with every value of ``name`` replaced by ``values`` (none: the field removed)."""
    out = MultiDict([(k, v) for k, v in fields.items(multi=True) if k != name])
    for v in values:
        out.add(name, v)
    return out


def csrf(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token on the page"
    return m.group(1)


def text_of(page: str) -> str:
    """The page's text without tags, entities decoded."""
    import html as entities

    return entities.unescape(re.sub(r"<[^>]+>", "", page))


def assert_no_traceback(html: str) -> None:
    assert "Traceback" not in html and 'File "' not in html, html[:2000]
