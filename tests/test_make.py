"""`make run` as a curator uses it: edit a graph file, run it again, see the edit in ``dist/``.

The copy of the checkout gets a fresh ``.venv`` of its own that sees this run's
packages through a ``.pth`` file, so the test installs nothing from the network
and takes seconds; the Makefile's own targets do everything else.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def checkout_copy(target: Path) -> Path:
    """Copy the tracked files of this checkout (what a fresh clone holds) into ``target``."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / name.decode()
        if source.is_file():
            (target / name.decode()).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name.decode())
    return target


def venv_seeing_this_one(venv: Path) -> None:
    """Make ``venv`` (no pip download) whose site-packages also see this interpreter's."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)})
    Path(purelib).mkdir(parents=True, exist_ok=True)
    here = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (Path(purelib) / "outer.pth").write_text("\n".join(here) + "\n", encoding="utf-8")


@pytest.mark.skipif(shutil.which("make") is None or shutil.which("git") is None, reason="no make")
def test_make_run_builds_from_the_curated_files_not_a_stale_installed_copy(tmp_path: Path) -> None:
    repo = checkout_copy(tmp_path / "repo")
    venv = repo / ".venv"
    venv_seeing_this_one(venv)
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONPATH"},  # the copy's own code
        "MNDKG_CACHE": str(tmp_path / "cache"),
        # pip in the outer venv installs into the inner one; hatchling comes from the outer.
        "PIP_NO_BUILD_ISOLATION": "0",
        "PIP_NO_DEPS": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    make = ["make", "--no-print-directory", "run", f"VENV={venv}"]
    # The Makefile's rule for $(BIN)/python is already met; pip comes through the .pth file.
    edited = '"motor neurone disease, as edited"@en'
    released = repo / "dist" / "mndkg.ttl"
    first = subprocess.run(make, cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stdout + first.stderr
    assert edited not in released.read_text("utf-8")

    diseases = repo / "graph" / "diseases.ttl"
    text = diseases.read_text("utf-8")
    assert '"motor neuron disease"@en' in text
    diseases.write_text(text.replace('"motor neuron disease"@en', edited, 1), encoding="utf-8")
    second = subprocess.run(make, cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stdout + second.stderr
    assert edited in released.read_text("utf-8")
