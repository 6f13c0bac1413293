"""A bounded load test of `mndkg serve` on loopback: concurrent clients for a fixed time.

Starts the server on a free port of 127.0.0.1, runs CLIENTS threads that send the
competency queries in turn for SECONDS, and reports throughput, p50 and p99
latency and the error count; then runs the same with one client sending a query
that overruns the time limit, to show that it does not starve the others.
Traffic goes to 127.0.0.1 only, and the loop stops by itself.

    python scripts/loadtest.py [--clients 8] [--seconds 30]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from mndkg.queries import index

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def free_port() -> int:
    """Return a free port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ask(url: str, query: str) -> tuple[float, int]:
    """Send one query; return (seconds, HTTP status)."""
    data = urllib.parse.urlencode({"query": query}).encode()
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, data=data, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as err:
        status = err.code
    return time.perf_counter() - start, status


def client(url: str, queries: list[str], until: float, out: list[tuple[float, int]]) -> None:
    """Send the queries in turn until the deadline."""
    turn = 0
    while time.perf_counter() < until:
        out.append(ask(url, queries[turn % len(queries)]))
        turn += 1


def run(url: str, clients: int, seconds: float, slow: bool) -> None:
    """Run one load phase and print its line."""
    queries = [q.text for q in index().values() if q.group == "competency"]
    results: list[list[tuple[float, int]]] = [[] for _ in range(clients)]
    until = time.perf_counter() + seconds
    threads = [
        threading.Thread(target=client, args=(url, queries, until, results[i]))
        for i in range(clients)
    ]
    if slow:
        slow_out: list[tuple[float, int]] = []
        threads.append(threading.Thread(target=client, args=(url, [SLOW], until, slow_out)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times = sorted(t for r in results for t, _ in r)
    errors = sum(s != 200 for r in results for _, s in r)
    p99 = times[int(len(times) * 0.99) - 1] if times else float("nan")
    label = f"{clients} clients" + (" + 1 slow client" if slow else "")
    print(
        f"| {label} | {seconds:.0f} | {len(times)} | {len(times) / seconds:.0f} | "
        f"{statistics.median(times) * 1e3:.1f} | {p99 * 1e3:.1f} | {errors} |"
    )


def main() -> None:
    """Start the server, run both phases, stop the server."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mndkg",
            "serve",
            "--port",
            str(port),
            "--timeout",
            "2",
            "--workers",
            "2",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    server.stdout.readline()
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        print("| load | seconds | queries | per second | p50 (ms) | p99 (ms) | errors |")
        print("|---|---|---|---|---|---|---|")
        run(url, args.clients, args.seconds, slow=False)
        run(url, args.clients, args.seconds, slow=True)
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
