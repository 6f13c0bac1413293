"""A read-only SPARQL 1.1 Protocol endpoint over the graph: ``mndkg serve``.

Queries run in worker processes, each holding the graph in its own embedded
store: neither rdflib nor pyoxigraph can cancel a running query from Python,
but a process can be stopped, so a query that overruns its time limit is ended
by ending its worker (a fresh one takes its place) while the other workers
keep answering. Results are capped at a number of rows (a header says when a
result was cut). Updates are refused with 403; CORS is off unless an origin is
given; the server listens on loopback unless told otherwise.
"""

from __future__ import annotations

import html
import multiprocessing as mp
import queue
import sys
import threading
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path

#: Accept types -> result writer names (SELECT/ASK) and RDF formats (CONSTRUCT/DESCRIBE).
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/plain": "table",
}
GRAPH_TYPES = {
    "text/turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "application/rdf+xml": "RDF_XML",
}


@dataclass
class Settings:
    """How the server runs."""

    extra: Sequence[Path] = ()
    timeout: float = 10.0
    max_rows: int = 10_000
    workers: int = 2
    cors: str | None = None


@dataclass
class Answer:
    """What a worker sends back: status, content type, body, and whether rows were cut."""

    status: int
    content_type: str
    body: bytes
    truncated: bool = False


def negotiate(accept: str, kinds: dict[str, str], default: str) -> tuple[str, str]:
    """Return (content type, format) for the first acceptable type, else the default."""
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        if media in kinds:
            return media, kinds[media]
    return default, kinds[default]


def answer(store: object, text: str, accept: str, max_rows: int) -> Answer:
    """Run one query in a worker and serialise its result for the client."""
    import pyoxigraph as ox

    from mndkg.errors import InputError
    from mndkg.queries import Result, guard, query_syntax_error
    from mndkg.results import WRITERS

    try:
        guard(text, "query")
        raw = store.query(text)  # type: ignore[attr-defined]
    except SyntaxError as err:
        return Answer(400, "text/plain", str(query_syntax_error(err, "query")).encode())
    except InputError as err:
        return Answer(400, "text/plain", str(err).encode())
    if isinstance(raw, ox.QueryTriples):
        media, fmt = negotiate(accept, GRAPH_TYPES, "text/turtle")
        data = ox.serialize(list(raw), format=getattr(ox.RdfFormat, fmt))
        return Answer(200, media, data or b"")
    media, fmt = negotiate(accept, RESULT_TYPES, "application/sparql-results+json")
    if isinstance(raw, ox.QueryBoolean):
        result = Result("ask", boolean=bool(raw))
        return Answer(200, "application/sparql-results+json", WRITERS["json"](result).encode())
    columns = [v.value for v in raw.variables]
    rows = []
    for solution in raw:
        if len(rows) == max_rows:
            result = Result("select", columns=columns, rows=rows)
            return Answer(200, media, WRITERS[fmt](result).encode(), truncated=True)
        rows.append(tuple(solution[c] for c in columns))
    return Answer(200, media, WRITERS[fmt](Result("select", columns=columns, rows=rows)).encode())


def work(connection: Connection, extra: Sequence[Path], max_rows: int) -> None:
    """Load the graph once, then answer queries from the pipe until it closes."""
    from mndkg.store import open_store

    store = open_store(extra)
    connection.send("ready")
    while True:
        try:
            text, accept = connection.recv()
        except EOFError:
            return
        connection.send(answer(store, text, accept, max_rows))


@dataclass
class Worker:
    """One worker process and its end of the pipe."""

    process: mp.process.BaseProcess
    connection: Connection


@dataclass
class Pool:
    """Worker processes; a query that overruns ends its worker, and a new one replaces it."""

    settings: Settings
    idle: queue.Queue[Worker] = field(default_factory=queue.Queue)

    def start(self) -> None:
        """Start the workers and wait until each has loaded the graph."""
        for _ in range(self.settings.workers):
            self.idle.put(self.spawn())

    def spawn(self) -> Worker:
        """Start one worker process."""
        context = mp.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(
            target=work,
            args=(child, list(self.settings.extra), self.settings.max_rows),
            daemon=True,
        )
        process.start()
        if parent.recv() != "ready":
            raise RuntimeError("a query worker did not start")
        return Worker(process, parent)

    def run(self, text: str, accept: str) -> Answer:
        """Run a query on an idle worker within the time limit."""
        worker = self.idle.get()
        worker.connection.send((text, accept))
        if worker.connection.poll(self.settings.timeout):
            result: Answer = worker.connection.recv()
            self.idle.put(worker)
            return result
        worker.process.kill()
        worker.process.join()
        threading.Thread(target=lambda: self.idle.put(self.spawn()), daemon=True).start()
        return Answer(
            503,
            "text/plain",
            f"the query ran longer than {self.settings.timeout:g} s and was stopped".encode(),
        )

    def stop(self) -> None:
        """End every worker."""
        while not self.idle.empty():
            worker = self.idle.get_nowait()
            worker.process.kill()


def home_page() -> bytes:
    """Return the small HTML page: the named queries, and a form to run a query."""
    from mndkg.queries import index

    items = "".join(
        f'<li><a href="#" data-q="{html.escape(q.text, quote=True)}">'
        f"{html.escape(q.name)}</a> — {html.escape(q.description)}</li>"
        for q in index().values()
        if q.group in {"competency", "examples"}
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>mndkg SPARQL endpoint</title>
<style>body{{font:16px sans-serif;margin:2em;max-width:70em}}
textarea{{width:100%;height:12em}}</style>
</head><body><h1>mndkg SPARQL endpoint</h1>
<p>POST or GET <code>/sparql?query=…</code> (SPARQL 1.1 Protocol, read-only).</p>
<form method="post" action="/sparql">
<textarea name="query" id="q">SELECT * WHERE {{ ?s ?p ?o }} LIMIT 10</textarea>
<p><label>Format <select name="format"><option>text/plain</option><option>text/csv</option>
<option>application/sparql-results+json</option></select></label> <button>Run</button></p></form>
<h2>Named queries</h2><ul>{items}</ul>
<script>for(const a of document.querySelectorAll("a[data-q]"))a.onclick=e=>{{e.preventDefault();
document.getElementById("q").value=a.dataset.q}};</script></body></html>""".encode()


def handler_for(pool: Pool, settings: Settings) -> type[BaseHTTPRequestHandler]:
    """Return the request handler class bound to ``pool``."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "mndkg"

        def log_message(self, *args: object) -> None:
            del args

        def reply(self, answer: Answer) -> None:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type + "; charset=utf-8")
            self.send_header("Content-Length", str(len(answer.body)))
            if answer.truncated:
                self.send_header("X-Mndkg-Truncated", f"more than {settings.max_rows} rows")
            if settings.cors:
                self.send_header("Access-Control-Allow-Origin", settings.cors)
            self.end_headers()
            self.wfile.write(answer.body)

        def do_GET(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            params = urllib.parse.parse_qs(url.query)
            if url.path == "/":
                self.reply(Answer(200, "text/html", home_page()))
            elif url.path == "/sparql" and "query" in params:
                self.run_query(params["query"][0], params.get("format", [""])[0])
            elif url.path == "/sparql" and "update" in params:
                self.refuse_update()
            else:
                self.reply(Answer(404, "text/plain", b"not found: try / or /sparql?query="))

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8", "replace")
            kind = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            if urllib.parse.urlsplit(self.path).path != "/sparql":
                self.reply(Answer(404, "text/plain", b"not found"))
            elif kind == "application/sparql-update":
                self.refuse_update()
            elif kind == "application/sparql-query":
                self.run_query(body, "")
            else:
                params = urllib.parse.parse_qs(body)
                if "update" in params:
                    self.refuse_update()
                elif "query" in params:
                    self.run_query(params["query"][0], params.get("format", [""])[0])
                else:
                    self.reply(Answer(400, "text/plain", b"no query given"))

        def refuse_update(self) -> None:
            self.reply(Answer(HTTPStatus.FORBIDDEN, "text/plain", b"this endpoint is read-only"))

        def run_query(self, text: str, wanted: str) -> None:
            self.reply(pool.run(text, wanted or self.headers.get("Accept", "")))

    return Handler


def serve(host: str, port: int, settings: Settings) -> None:
    """Start the workers, then serve until interrupted."""
    pool = Pool(settings)
    pool.start()
    server = ThreadingHTTPServer((host, port), handler_for(pool, settings))
    server.daemon_threads = True
    sys.stdout.write(
        f"mndkg serving the graph at http://{host}:{server.server_address[1]}/ "
        f"({settings.workers} workers, {settings.timeout:g} s, {settings.max_rows} rows)\n"
    )
    sys.stdout.flush()
    try:
        server.serve_forever()
    finally:
        server.server_close()
        pool.stop()
