"""Benchmark the main paths: build, validate, a query from the command line, queries in process.

Reports medians of several runs and peak memory (RSS of the child process), with the
machine and date, as a Markdown table for the README. Not a test: nothing here asserts
a time.

Commands run as a user runs them: the installed ``mndkg`` console command, with
Python's bytecode cache on (``PYTHONDONTWRITEBYTECODE`` is dropped from the children's
environment, and each command runs once unmeasured first). Without the cache every
run would compile the package again, which no installed copy does.

    python scripts/bench.py [--runs 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mndkg import progress


def child_env() -> dict[str, str]:
    """Return the environment for the measured commands: bytecode cache on, no progress bars."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["MNDKG_PROGRESS"] = "0"
    return env


def mndkg_command() -> list[str]:
    """Return the installed console command, or ``python -m mndkg`` when there is none."""
    script = Path(sys.executable).with_name("mndkg")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "mndkg"]


def run_once(args: list[str]) -> tuple[float, float]:
    """Run a command; return its wall time (s) and its own peak RSS (MB)."""
    start = time.perf_counter()
    child = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=child_env()
    )
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed: {child.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024


def shipped(name: str) -> Path:
    """Return the file of a shipped query."""
    from mndkg.queries import index

    return index()[name].path


def start_up(rounds: int) -> dict[str, float]:
    """Return the median time (ms) of the short commands, run in turn for ``rounds`` rounds.

    Taking them in turn, rather than one after another, puts the same drift of a
    shared machine into every row, so their ratios hold even when the times wander.
    """
    exe = mndkg_command()
    cases = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import pyoxigraph' (floor)": [sys.executable, "-c", "import pyoxigraph"],
        "mndkg query cq04-lower-only": [*exe, "query", "cq04-lower-only"],
        "mndkg query cq04-lower-only --format csv": [*exe, "query", "cq04-lower-only", "-f", "csv"],
        "mndkg query FILE.rq (the same query through click)": [
            *exe, "query", str(shipped("cq04-lower-only")),
        ],
        "mndkg --help": [*exe, "--help"],
    }  # fmt: skip
    times: dict[str, list[float]] = {name: [] for name in cases}
    for args in cases.values():
        run_once(args)  # warm: bytecode written, files in the page cache
    for _ in progress.items(range(rounds), "start-up", total=rounds):
        for name, args in cases.items():
            times[name].append(run_once(args)[0])
    return {name: statistics.median(t) * 1e3 for name, t in times.items()}


def timed_command(args: list[str], runs: int) -> tuple[float, float]:
    """Return the median wall time (s) and the peak RSS (MB) of a command over ``runs``.

    The peak is that child's own (``os.wait4``), not ``RUSAGE_CHILDREN``, which is a
    running maximum over every child so far and would carry one command's peak into
    the next row.
    """
    run_once(args)  # warm
    times, peaks = zip(*(run_once(args) for _ in range(runs)), strict=True)
    return statistics.median(times), max(peaks)


def in_process_queries(runs: int) -> list[tuple[str, float, float]]:
    """Return, per competency query, the median time in pyoxigraph and in rdflib (ms)."""
    from mndkg.queries import index, run
    from mndkg.release import assemble
    from mndkg.store import shipped_store

    store, graph = shipped_store(), assemble()
    rows = []
    for query in (q for q in index().values() if q.group == "competency"):
        ox_times, rdf_times = [], []
        for _ in range(runs):
            start = time.perf_counter()
            run(store, query.text, query.name)
            ox_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            list(graph.query(query.text))
            rdf_times.append(time.perf_counter() - start)
        rows.append(
            (query.name, statistics.median(ox_times) * 1e3, statistics.median(rdf_times) * 1e3)
        )
    return rows


def machine() -> str:
    """Describe the machine the numbers come from."""
    system = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores"
    return f"{system}, Python {platform.python_version()}"


def main() -> None:
    """Run the benchmarks and print the Markdown tables."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    exe = mndkg_command()
    print(f"Measured {dt.date.today().isoformat()} on {machine()}.\n")
    rounds = max(runs, 21)
    times = start_up(rounds)
    floor = times["python -c 'import pyoxigraph' (floor)"]
    print(f"| start-up, median of {rounds} rounds in turn | ms | / floor |\n|---|---|---|")
    for name, ms in times.items():
        print(f"| `{name}` | {ms:.1f} | {ms / floor:.2f}x |")
    print(f"\n| command, median of {runs} runs | median (s) | peak RSS (MB) |\n|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        cases = {
            "mndkg query cq04-lower-only": [*exe, "query", "cq04-lower-only"],
            "mndkg validate": [*exe, "validate"],
            "mndkg build": [*exe, "build", "--out", str(Path(tmp) / "dist")],
        }
        for name, args in progress.items(cases.items(), "benchmark", total=len(cases)):
            median, peak = timed_command(args, runs)
            print(f"| `{name}` | {median:.3f} | {peak:.0f} |")
    print("\n| competency query | pyoxigraph (ms) | rdflib (ms) | ratio |\n|---|---|---|---|")
    for name, ox_ms, rdf_ms in in_process_queries(runs):
        print(f"| {name} | {ox_ms:.2f} | {rdf_ms:.1f} | {rdf_ms / ox_ms:.0f}x |")


if __name__ == "__main__":
    main()
