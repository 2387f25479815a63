"""The Hypothesis profile CI runs under: derandomized, so a property test passes or fails the same way each run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hypothesis import settings

HERE = Path(__file__).resolve().parent


def test_ci_profile_is_derandomized_and_per_test_settings_still_apply():
    ci = settings.get_profile("ci")
    assert ci.derandomize is True and ci.database is None
    # A test's own @settings(max_examples=…) overrides only what it names; derandomize is kept.
    own = settings(ci, max_examples=7, deadline=None)
    assert (own.max_examples, own.derandomize) == (7, True)


def _default_derandomize(ci: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    code = "import conftest; from hypothesis import settings; print(settings.default.derandomize)"
    out = subprocess.run([sys.executable, "-c", code], cwd=HERE, env=env, capture_output=True, text=True,
                         timeout=120, check=True)
    return out.stdout.strip()


def test_ci_env_var_loads_the_profile():
    assert _default_derandomize("true") == "True"
    assert _default_derandomize(None) == "False"
