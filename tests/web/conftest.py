"""Fixtures of the workbench tests: the app over a temporary folder, a test client, a page's form."""

from __future__ import annotations

import pytest

pytest.importorskip("flask")
pytest.importorskip("flask_wtf")


@pytest.fixture
def make_client(tmp_path):
    """A test client of a workbench started with ``options`` (as ``speechgen serve`` would be)."""
    from generator.web import create_app, make_settings

    def make(**options):
        temp = tmp_path / "bench-tmp"
        temp.mkdir(exist_ok=True)
        app = create_app(make_settings(temp_root=temp, **options))
        return app.test_client()

    return make


@pytest.fixture
def client(make_client):
    return make_client()
