"""The wheel carries the data: an installed copy answers from any folder.

The README promises that ``pip install .`` works anywhere, which rests on the
wheel packing ``ontology/``, ``graph/``, ``shapes/`` and ``queries/`` as
``mndkg/data`` and on ``mndkg.layout`` finding them there. This builds the wheel
(hatchling, no build isolation, so no download), installs it into a folder of
its own, and runs the command from an empty folder, once through click (which
prepares the store) and once on the quick path.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytest.importorskip("hatchling", reason="the test extras install hatchling to build the wheel")


def run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, capture_output=True, text=True, check=False, timeout=300, **kwargs)  # type: ignore[call-overload]
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a folder holding the installed wheel (dependencies come from this venv)."""
    work = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(work), str(ROOT)])
    (wheel,) = work.glob("mndkg-*.whl")
    target = work / "site"
    run([*pip, "install", "--no-deps", "--no-index", "-q", "--target", str(target), str(wheel)])
    return target


SPY = """
import sys
sys.argv = ["mndkg", "query", "cq04-lower-only"]
import mndkg.launch
try:
    mndkg.launch.main()
finally:
    from mndkg import layout
    seen = ["FROM", mndkg.launch.__file__, "DATA", layout.data_root()]
    print(*seen, "CLICK", "click" in sys.modules, file=sys.stderr)
"""


def test_installed_wheel_answers_from_any_folder(installed: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(installed), "MNDKG_CACHE": str(tmp_path / "cache")}
    first = run([sys.executable, "-c", SPY], cwd=elsewhere, env=env)
    second = run([sys.executable, "-c", SPY], cwd=elsewhere, env=env)
    assert "spinal muscular atrophy" in first.stdout
    assert second.stdout == first.stdout
    package = str(installed / "mndkg")
    assert f"FROM {package}" in first.stderr, "the installed copy ran, not the checkout"
    assert f"DATA {package}/data" in first.stderr, "the data came from the wheel"
    assert "CLICK True" in first.stderr and "CLICK False" in second.stderr


def test_wheel_carries_every_data_file(installed: Path) -> None:
    data = installed / "mndkg" / "data"
    for folder in ("ontology", "graph", "shapes", "queries"):
        shipped = sorted(p.relative_to(ROOT / folder) for p in (ROOT / folder).rglob("*.*"))
        packed = sorted(p.relative_to(data / folder) for p in (data / folder).rglob("*.*"))
        assert len(shipped) > 3
        assert packed == shipped, folder
