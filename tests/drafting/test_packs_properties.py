"""Any manifest.yaml a user may write: ``templates check`` and ``render`` answer with problems or a draft, never
a traceback, a hang or a file read outside the pack (issue 10, property-based as its input is open-ended)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from generator.drafting.authoring import check_pack
from generator.errors import SpeechgenError
from generator.resources import templates_dir

KEYS = ("id", "name", "aliases", "description", "template", "starter", "extends", "length", "requires", "keys",
        "colour")
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.text(max_size=30),
                    st.sampled_from(["shuzhi_speech", "speech.j2", "starter.yaml", "../../etc/passwd", "/etc/passwd",
                                     "my_pack", "述职评议会讲话", "dianping"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                        st.dictionaries(st.text(max_size=10), inner, max_size=4)),
                      max_leaves=12)
MANIFESTS = st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(manifest=MANIFESTS)
def test_any_manifest_is_checked_without_a_traceback(manifest):
    root = Path(tempfile.mkdtemp())
    try:
        pack = root / "my_pack"
        shutil.copytree(templates_dir() / "shuzhi_speech", pack)
        (pack / "manifest.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
        try:
            problems = check_pack(pack)
        except SpeechgenError as err:  # bad input, said in Chinese
            problems = [err.message]
        assert isinstance(problems, list)
        assert all(isinstance(p, str) for p in problems)
        assert not any("root:" in p for p in problems)  # /etc/passwd is never read into a message
    finally:
        shutil.rmtree(root, ignore_errors=True)
