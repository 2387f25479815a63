"""Shared fixtures: an isolated HOME, paths to the shared corpora, a CLI runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

# In CI Hypothesis runs derandomized: the same examples every run, so a pass or a failure repeats.
# Per-test @settings(...) still apply; they inherit what they leave unset from this profile.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
GWR = SHARED / "corpus" / "gwr"
EXAMPLES = ROOT / "examples"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("LANG", "C.UTF-8")
    # One cache folder for the whole session (generator/cache.py), not the user's and not one per test:
    # entries are keyed by content, so sharing them is what a user's renders do too.
    monkeypatch.setenv("SPEECHGEN_CACHE", str(tmp_path_factory.getbasetemp() / "speechgen-cache"))
    return home


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/corpus/seeds not present")
    return SEEDS


@pytest.fixture(scope="session")
def gwr_dir() -> Path:
    if not GWR.is_dir():
        pytest.skip("../shared/corpus/gwr not present")
    return GWR


def seed_file(prefix: str) -> Path:
    """The seed file whose name starts with ``prefix`` ('000' … '004'); the test skips when it is absent."""
    found = next(SEEDS.glob(f"{prefix}_*.txt"), None)
    if found is None:
        pytest.skip(f"../shared/corpus/seeds/{prefix}_*.txt not present")
    return found


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
