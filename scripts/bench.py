"""Benchmark the main paths: build, validate, a query from the command line, queries in process.

Reports medians of several runs and peak memory (RSS of the child process), with the
machine and date, as a Markdown table for the README. Not a test: nothing here asserts
a time.

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


def timed_command(args: list[str], runs: int) -> tuple[float, float]:
    """Return the median wall time (s) and the peak RSS (MB) of a command over ``runs``.

    The peak is that child's own (``os.wait4``), not ``RUSAGE_CHILDREN``, which is a
    running maximum over every child so far and would carry one command's peak into
    the next row.
    """
    times, peaks = [], []
    for _ in range(runs):
        start = time.perf_counter()
        child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(child.pid, 0)
        times.append(time.perf_counter() - start)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed: {child.stderr.read().decode()}")
        peaks.append(usage.ru_maxrss / 1024)
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
    exe = [sys.executable, "-m", "mndkg"]
    print(f"Measured {dt.date.today().isoformat()} on {machine()}; median of {runs} runs.\n")
    print("| command | median (s) | peak RSS (MB) |\n|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        cases = {
            "python -c 'import pyoxigraph' (floor)": [sys.executable, "-c", "import pyoxigraph"],
            "python: import pyoxigraph, load the prepared store (floor with data)": [
                sys.executable,
                "-c",
                "import pyoxigraph as ox; from mndkg.prepared import prepared_path; "
                "ox.Store().bulk_load(path=prepared_path(), format=ox.RdfFormat.N_QUADS)",
            ],
            "mndkg --help": [*exe, "--help"],
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
