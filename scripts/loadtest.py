"""A bounded load test of `mndkg serve` on loopback: concurrent clients for a fixed time.

Starts the server on a free port of 127.0.0.1, runs CLIENTS threads that send the
competency queries in turn for SECONDS, and reports throughput, p50 and p99
latency and every error by kind (HTTP statuses other than 200, connection
resets, refusals, timeouts); then runs the same with one client sending a query
that overruns the time limit, to show that it does not starve the others.
Traffic goes to 127.0.0.1 only, and the loop stops by itself.

    python scripts/loadtest.py [--clients 8] [--seconds 30]
"""

from __future__ import annotations

import argparse
import http.client
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

from mndkg.queries import index

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def free_port() -> int:
    """Return a free port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


#: What one request came to: an HTTP status, or the name of the error that ended it.
Outcome = int | str


def ask(url: str, query: str) -> tuple[float, Outcome]:
    """Send one query; return (seconds, HTTP status or error name).

    Every failure is an outcome, never an exception: a reset or a timeout used
    to end the client thread silently, and the table then said "0 errors".
    """
    data = urllib.parse.urlencode({"query": query}).encode()
    start = time.perf_counter()
    outcome: Outcome
    try:
        with urllib.request.urlopen(url, data=data, timeout=60) as response:
            response.read()
            outcome = response.status
    except urllib.error.HTTPError as err:
        outcome = err.code
    except urllib.error.URLError as err:
        outcome = error_name(err.reason if isinstance(err.reason, BaseException) else err)
    except (OSError, http.client.HTTPException) as err:
        outcome = error_name(err)
    return time.perf_counter() - start, outcome


def error_name(err: BaseException | str) -> str:
    """Return a short name for a failed request: reset, refused, timeout, or the error's type."""
    if isinstance(err, ConnectionResetError | BrokenPipeError):
        return "reset"
    if isinstance(err, ConnectionRefusedError):
        return "refused"
    if isinstance(err, TimeoutError):
        return "timeout"
    return type(err).__name__


def is_error(outcome: Outcome) -> bool:
    """Return whether an outcome counts as an error: anything but a 200."""
    return outcome != 200


def client(url: str, queries: list[str], until: float, out: list[tuple[float, Outcome]]) -> None:
    """Send the queries in turn until the deadline."""
    turn = 0
    while time.perf_counter() < until:
        out.append(ask(url, queries[turn % len(queries)]))
        turn += 1


def tally(outcomes: list[Outcome]) -> str:
    """Return the errors as a count and their kinds: ``3 (2 reset, 1 HTTP 503)``."""
    kinds = Counter(o if isinstance(o, str) else f"HTTP {o}" for o in outcomes if is_error(o))
    total = sum(kinds.values())
    if not total:
        return "0"
    return f"{total} ({', '.join(f'{n} {kind}' for kind, n in kinds.most_common())})"


def run(url: str, clients: int, seconds: float, slow: bool) -> None:
    """Run one load phase and print its line."""
    queries = [q.text for q in index().values() if q.group == "competency"]
    results: list[list[tuple[float, Outcome]]] = [[] for _ in range(clients)]
    until = time.perf_counter() + seconds
    threads = [
        threading.Thread(target=client, args=(url, queries, until, results[i]))
        for i in range(clients)
    ]
    if slow:
        slow_out: list[tuple[float, Outcome]] = []
        threads.append(threading.Thread(target=client, args=(url, [SLOW], until, slow_out)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times = sorted(t for r in results for t, _ in r)
    errors = tally([o for r in results for _, o in r])
    p99 = times[max(int(len(times) * 0.99) - 1, 0)] if times else float("nan")
    p50 = statistics.median(times) if times else float("nan")
    label = f"{clients} clients" + (" + 1 slow client" if slow else "")
    print(
        f"| {label} | {seconds:.0f} | {len(times)} | {len(times) / seconds:.0f} | "
        f"{p50 * 1e3:.1f} | {p99 * 1e3:.1f} | {errors} |"
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
