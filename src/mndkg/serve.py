"""A read-only SPARQL 1.1 Protocol endpoint over the graph: ``mndkg serve``.

Queries run in worker processes, each holding the graph in its own embedded
store: neither rdflib nor pyoxigraph can cancel a running query from Python,
but a process can be stopped, so a query that overruns its time limit is ended
by ending its worker (a fresh one takes its place) while the other workers
keep answering. A worker that dies for any other reason (killed, crashed by
the engine, out of its memory limit) is replaced the same way, and the request
it was answering gets a 500. Results are capped at a number of rows or triples
(a header says when a result was cut). Updates are refused with 403; CORS is
off unless an origin is given; the server listens on loopback unless told
otherwise.

The limits, all in ``Settings``: a request body of at most ``MAX_BODY`` bytes
(413 beyond), ``MAX_CONNECTIONS`` requests handled at once (the rest wait in a
listen backlog of ``BACKLOG``, or get a quick 503), ``IDLE_TIMEOUT`` seconds of
silence from a client before its connection is closed, and ``MAX_MEMORY_MB`` of
address space per worker. Requests must name an allowed ``Host`` (421 else), a
defence against DNS rebinding; a POST from a foreign ``Origin``, or marked
``Sec-Fetch-Site: cross-site``, is refused with 403 (a defence against CSRF).
"""

from __future__ import annotations

import base64
import hashlib
import html
import multiprocessing as mp
import queue
import signal
import socket
import sys
import threading
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import Message
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

from mndkg.errors import InputError, MndkgError

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

#: Largest request body read (1 MiB): a query is text; a bigger body is refused unread.
MAX_BODY = 1 << 20
#: Requests handled at once; each holds a thread, so this bounds the threads.
MAX_CONNECTIONS = 64
#: Connections the kernel queues while every handler is busy.
BACKLOG = 128
#: Seconds a new connection waits for a free handler before it gets a 503.
SLOT_WAIT = 1.0
#: Seconds a client may stay silent (headers or body) before its connection is closed.
IDLE_TIMEOUT = 10.0
#: Address space a worker may use, in MB: a query that wants more ends its worker.
MAX_MEMORY_MB = 2048
#: Seconds beyond the query time limit that a request waits for a free worker.
WORKER_WAIT = 30.0
#: Host names always allowed in the Host header: the loopback names.
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


class WorkerFailed(MndkgError):
    """A query worker could not load the graph; the message is its own one line."""

    exit_code = 2


@dataclass
class Settings:
    """How the server runs (see the module docstring for what each limit defends)."""

    extra: Sequence[Path] = ()
    timeout: float = 10.0
    max_rows: int = 10_000
    workers: int = 2
    cors: str | None = None
    max_memory: int = MAX_MEMORY_MB
    allow_hosts: Sequence[str] = ()
    max_body: int = MAX_BODY
    max_connections: int = MAX_CONNECTIONS
    idle_timeout: float = IDLE_TIMEOUT


@dataclass
class Answer:
    """What a worker sends back.

    ``truncated`` names what was cut ("rows" or "triples"), empty when nothing
    was; ``retire`` asks the pool to replace the worker (after a MemoryError its
    heap cannot be trusted to shrink back).
    """

    status: int
    content_type: str
    body: bytes
    truncated: str = ""
    retire: bool = False


def text_answer(status: int, message: str) -> Answer:
    """Return a plain-text answer: every refusal and error says why in one line."""
    return Answer(status, "text/plain", (message.rstrip("\n") + "\n").encode())


def negotiate(accept: str, kinds: dict[str, str], default: str) -> tuple[str, str]:
    """Return (content type, format) for the first acceptable type, else the default."""
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        if media in kinds:
            return media, kinds[media]
    return default, kinds[default]


def answer(store: Any, text: str, accept: str, max_rows: int) -> Answer:
    """Run one query in a worker and serialise its result for the client.

    Errors of the query (syntax, the guard, the engine's evaluation) are 400;
    an error while writing the result is ours, 500. ``MemoryError`` is left to
    the caller, which retires the worker.
    """
    import pyoxigraph as ox

    from mndkg.queries import Result, guard, query_syntax_error
    from mndkg.results import WRITERS

    try:
        guard(text, "query")
        raw = store.query(text)
        if isinstance(raw, ox.QueryTriples):
            triples = list(islice(raw, max_rows + 1))
        elif isinstance(raw, ox.QuerySolutions):
            columns = [v.value for v in raw.variables]
            rows = [tuple(s[c] for c in columns) for s in islice(raw, max_rows + 1)]
    except SyntaxError as err:
        return text_answer(400, str(query_syntax_error(err, "query")))
    except InputError as err:
        return text_answer(400, str(err))
    except MemoryError:
        raise
    except Exception as err:  # the engine's evaluation errors: the query's fault
        return text_answer(400, f"the query could not be evaluated: {err}")
    try:
        if isinstance(raw, ox.QueryTriples):
            media, fmt = negotiate(accept, GRAPH_TYPES, "text/turtle")
            cut = "triples" if len(triples) > max_rows else ""
            data = ox.serialize(triples[:max_rows], format=getattr(ox.RdfFormat, fmt))
            return Answer(200, media, data or b"", truncated=cut)
        if isinstance(raw, ox.QueryBoolean):
            result = Result("ask", boolean=bool(raw))
            return Answer(200, "application/sparql-results+json", WRITERS["json"](result).encode())
        media, fmt = negotiate(accept, RESULT_TYPES, "application/sparql-results+json")
        cut = "rows" if len(rows) > max_rows else ""
        result = Result("select", columns=columns, rows=rows[:max_rows])
        return Answer(200, media, WRITERS[fmt](result).encode(), truncated=cut)
    except MemoryError:
        raise
    except Exception as err:
        return text_answer(500, f"the result could not be written: {type(err).__name__}: {err}")


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space, so a runaway query ends its worker, not the machine.

    0 means no limit. The soft limit never exceeds a hard limit already in force.
    """
    if megabytes <= 0:
        return
    import resource

    wanted = megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def one_line(err: BaseException) -> str:
    """Return the first line of an error's message (or its type when it has none)."""
    lines = str(err).strip().splitlines()
    return lines[0] if lines else type(err).__name__


def work(connection: Connection, extra: Sequence[Path], max_rows: int, max_memory: int) -> None:
    """Load the graph once, then answer queries from the pipe until it closes.

    A failure to load is sent to the parent as one line (it exits 2 with it);
    Ctrl-C is left to the parent, which ends the workers itself.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        limit_memory(max_memory)
        from mndkg.store import open_store

        store = open_store(extra)
    except Exception as err:
        connection.send(("failed", one_line(err)))
        return
    connection.send(("ready", ""))
    while True:
        try:
            text, accept = connection.recv()
        except EOFError:
            return
        try:
            reply = answer(store, text, accept, max_rows)
        except MemoryError:
            reply = text_answer(
                503, f"the query needed more than the worker's memory limit of {max_memory} MB"
            )
            reply.retire = True
        except Exception as err:
            reply = text_answer(500, f"internal error: {type(err).__name__}: {err}")
        connection.send(reply)
        if reply.retire:
            return


@dataclass(eq=False)
class Worker:
    """One worker process and its end of the pipe."""

    process: mp.process.BaseProcess
    connection: Connection


def how_it_ended(process: mp.process.BaseProcess) -> str:
    """Return how a worker process ended, for the 500 that the request in flight gets."""
    process.join(timeout=2)
    code = process.exitcode
    if code is None:
        return "it stopped answering"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


@dataclass
class Pool:
    """Worker processes; a worker that overruns or dies is ended, and a new one replaces it."""

    settings: Settings
    idle: queue.Queue[Worker] = field(default_factory=queue.Queue)
    workers: set[Worker] = field(default_factory=set)
    stopping: bool = False

    def start(self) -> None:
        """Start the workers and wait until each has loaded the graph (``WorkerFailed`` else)."""
        for _ in range(self.settings.workers):
            self.idle.put(self.spawn())

    def spawn(self) -> Worker:
        """Start one worker process and wait for it to load the graph.

        The parent closes its copy of the child's pipe end at once: else a
        worker that fails would leave the parent waiting for a message forever.
        """
        context = mp.get_context("spawn")
        parent, child = context.Pipe()
        settings = self.settings
        process = context.Process(
            target=work,
            args=(child, list(settings.extra), settings.max_rows, settings.max_memory),
            daemon=True,
        )
        process.start()
        child.close()
        try:
            status, message = parent.recv()
        except EOFError:
            status, message = "failed", f"a query worker stopped ({how_it_ended(process)})"
        if status != "ready":
            process.kill()
            process.join()
            parent.close()
            raise WorkerFailed(message)
        worker = Worker(process, parent)
        self.workers.add(worker)
        return worker

    def retire(self, worker: Worker) -> None:
        """End a worker and start another in the background (the reply is not held up)."""
        self.workers.discard(worker)
        worker.process.kill()
        worker.process.join()
        worker.connection.close()
        if not self.stopping:
            threading.Thread(target=self.respawn, daemon=True).start()

    def respawn(self) -> None:
        """Start a replacement worker, trying a few times; say so on stderr when it fails."""
        for attempt in range(3):
            try:
                self.idle.put(self.spawn())
                return
            except WorkerFailed as err:
                sys.stderr.write(f"mndkg serve: a query worker did not restart: {err}\n")
                time.sleep(1 + attempt)

    def take(self) -> Worker | None:
        """Return an idle, living worker, or ``None`` when none is free in time.

        A worker found dead (killed while idle) is replaced, and the next is tried.
        """
        deadline = time.monotonic() + self.settings.timeout + WORKER_WAIT
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                worker = self.idle.get(timeout=remaining)
            except queue.Empty:
                return None
            if worker.process.is_alive():
                return worker
            self.retire(worker)
        return None

    def run(self, text: str, accept: str) -> Answer:
        """Run a query on an idle worker within the time limit."""
        worker = self.take()
        if worker is None:
            return text_answer(503, "no query worker became free in time; try again")
        try:
            worker.connection.send((text, accept))
            if not worker.connection.poll(self.settings.timeout):
                self.retire(worker)
                return text_answer(
                    503, f"the query ran longer than {self.settings.timeout:g} s and was stopped"
                )
            result: Answer = worker.connection.recv()
        except (EOFError, OSError):
            how = how_it_ended(worker.process)
            if how == "killed by SIGABRT" and self.settings.max_memory:
                how += f", perhaps past its memory limit of {self.settings.max_memory} MB"
            self.retire(worker)
            return text_answer(
                500,
                f"the query worker stopped while running this query ({how}); "
                "a new one has taken its place",
            )
        if result.retire:
            self.retire(worker)
        else:
            self.idle.put(worker)
        return result

    def stop(self) -> None:
        """End every worker, busy or idle."""
        self.stopping = True
        for worker in list(self.workers):
            worker.process.kill()


class Runner(Protocol):
    """What the request handler needs of a pool: run one query."""

    def run(self, text: str, accept: str) -> Answer:
        """Run ``text`` and return the answer for a client that accepts ``accept``."""
        ...


PAGE_STYLE = "body{font:16px sans-serif;margin:2em;max-width:70em}textarea{width:100%;height:12em}"
PAGE_SCRIPT = (
    'for(const a of document.querySelectorAll("a[data-q]"))a.onclick=e=>{e.preventDefault();'
    'document.getElementById("q").value=a.dataset.q};'
)


def csp_hash(source: str) -> str:
    """Return the CSP source expression that allows exactly this inline script or style."""
    digest = base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()
    return f"'sha256-{digest}'"


#: The query page may run its own inline script and style, post only to itself, and not be framed.
PAGE_POLICY = (
    f"default-src 'none'; script-src {csp_hash(PAGE_SCRIPT)}; style-src {csp_hash(PAGE_STYLE)}; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
#: Everything else is data: nothing in it may run or be framed.
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"


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
<style>{PAGE_STYLE}</style>
</head><body><h1>mndkg SPARQL endpoint</h1>
<p>POST or GET <code>/sparql?query=…</code> (SPARQL 1.1 Protocol, read-only).</p>
<form method="post" action="/sparql">
<textarea name="query" id="q">SELECT * WHERE {{ ?s ?p ?o }} LIMIT 10</textarea>
<p><label>Format <select name="format"><option>text/plain</option><option>text/csv</option>
<option>application/sparql-results+json</option></select></label> <button>Run</button></p></form>
<h2>Named queries</h2><ul>{items}</ul>
<script>{PAGE_SCRIPT}</script></body></html>""".encode()


def host_name(header: str) -> str:
    """Return the host of a Host header without its port: ``[::1]:7878`` -> ``::1``."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1:].partition("]")[0]
    name, colon, port = value.rpartition(":")
    return name.rstrip(".") if colon and port.isdigit() else value.rstrip(".")


def allowed_hosts(host: str, extra: Sequence[str]) -> frozenset[str]:
    """Return the Host names served: loopback, the address listened on, and ``--allow-host``."""
    return LOOPBACK_NAMES | {host_name(h) for h in (host, *extra)}


def body_length(headers: Message, limit: int) -> int | Answer:
    """Return the length of a POST body to read, or the refusal when it must not be read.

    No Content-Length (or a chunked body) is 411; a malformed, negative or doubled
    one is 400; more than ``limit`` bytes is 413. So no more than ``limit`` bytes
    are ever read, whatever the client claims.
    """
    lengths = [v.strip() for v in headers.get_all("Content-Length") or []]
    if "chunked" in (headers.get("Transfer-Encoding") or "").lower() or not lengths:
        return text_answer(411, "a POST needs a Content-Length")
    if len(set(lengths)) != 1 or not (lengths[0].isascii() and lengths[0].isdigit()):
        return text_answer(400, "malformed Content-Length")
    if int(lengths[0]) > limit:
        return text_answer(413, f"the request body is larger than {limit} bytes")
    return int(lengths[0])


def handler_for(pool: Runner, settings: Settings, host: str) -> type[BaseHTTPRequestHandler]:
    """Return the request handler class bound to ``pool``, serving as ``host``."""
    hosts = allowed_hosts(host, settings.allow_hosts)

    class Handler(BaseHTTPRequestHandler):
        server_version = "mndkg"
        sys_version = ""
        timeout = settings.idle_timeout  # applied to the socket: an idle client is dropped

        def log_message(self, *args: object) -> None:
            del args

        def end_headers(self) -> None:
            """Add the headers every response carries, http.server's own errors included."""
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            self.send_header("X-Frame-Options", "DENY")
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def reply(self, answer: Answer, close: bool = False) -> None:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type + "; charset=utf-8")
            self.send_header("Content-Length", str(len(answer.body)))
            policy = PAGE_POLICY if answer.content_type == "text/html" else DATA_POLICY
            self.send_header("Content-Security-Policy", policy)
            if answer.truncated:
                self.send_header(
                    "X-Mndkg-Truncated", f"more than {settings.max_rows} {answer.truncated}"
                )
            if settings.cors:
                self.send_header("Access-Control-Allow-Origin", settings.cors)
            if close:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(answer.body)

        def misdirected(self) -> bool:
            """Refuse a Host we do not serve: a DNS-rebinding page names its own."""
            given = self.headers.get("Host")
            if given is None or "*" in settings.allow_hosts or host_name(given) in hosts:
                return False
            self.reply(
                text_answer(
                    HTTPStatus.MISDIRECTED_REQUEST,
                    f"this server does not answer for host {given!r}; "
                    "start it with --allow-host NAME to allow it",
                ),
                close=True,
            )
            return True

        def origin_allowed(self, origin: str) -> bool:
            """Return whether a browser's Origin is this server itself or the --cors origin."""
            if settings.cors in {"*", origin}:
                return True
            given = self.headers.get("Host")
            return given is not None and origin.lower() == f"http://{given.strip().lower()}"

        def cross_site(self) -> bool:
            """Refuse a POST a foreign page made (CSRF): its Origin, or Sec-Fetch-Site, says so."""
            origin = self.headers.get("Origin")
            if origin is not None:
                refused = not self.origin_allowed(origin)
            else:
                refused = (self.headers.get("Sec-Fetch-Site") or "").lower() == "cross-site"
            if refused:
                why = f"from origin {origin}" if origin else "from another site"
                self.reply(text_answer(403, f"cross-site POST refused ({why})"), close=True)
            return refused

        def body(self) -> bytes | None:
            """Read the body, at most ``max_body`` bytes; else reply, and return None."""
            length = body_length(self.headers, settings.max_body)
            if isinstance(length, Answer):
                self.reply(length, close=True)  # the body was not read: the connection ends
                return None
            return self.rfile.read(length)

        def do_GET(self) -> None:
            if self.misdirected():
                return
            url = urllib.parse.urlsplit(self.path)
            params = urllib.parse.parse_qs(url.query)
            if url.path == "/":
                self.reply(Answer(200, "text/html", home_page()))
            elif url.path == "/sparql" and "query" in params:
                self.run_query(params["query"][0], params.get("format", [""])[0])
            elif url.path == "/sparql" and "update" in params:
                self.refuse_update()
            else:
                self.reply(text_answer(404, "not found: try / or /sparql?query="))

        def do_POST(self) -> None:
            if self.misdirected() or self.cross_site():
                return
            if urllib.parse.urlsplit(self.path).path != "/sparql":
                self.reply(text_answer(404, "not found"), close=True)
                return
            raw = self.body()
            if raw is None:
                return
            body = raw.decode("utf-8", "replace")
            kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if kind == "application/sparql-update":
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
                    self.reply(text_answer(400, "no query given"))

        def do_OPTIONS(self) -> None:
            """Answer a CORS preflight when --cors is on (a POST of sparql-query needs one)."""
            if self.misdirected():
                return
            self.send_response(204 if settings.cors else 405)
            self.send_header("Allow", "GET, POST, OPTIONS")
            if settings.cors:
                self.send_header("Access-Control-Allow-Origin", settings.cors)
                self.send_header("Access-Control-Allow-Methods", "GET, POST")
                self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
                self.send_header("Access-Control-Max-Age", "600")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def refuse_update(self) -> None:
            self.reply(text_answer(HTTPStatus.FORBIDDEN, "this endpoint is read-only"))

        def run_query(self, text: str, wanted: str) -> None:
            self.reply(pool.run(text, wanted or self.headers.get("Accept", "")))

    return Handler


def busy_response() -> bytes:
    """Return the whole 503 sent, without a handler thread, when every slot is taken."""
    body = b"the server is busy; try again\n"
    head = (
        "HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nRetry-After: 1\r\nConnection: close\r\n"
        "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n\r\n"
    )
    return head.encode() + body


class Server(ThreadingHTTPServer):
    """The HTTP server: a deep listen backlog, and at most ``max_connections`` handler threads."""

    request_queue_size = BACKLOG
    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], slots: int
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.slots = threading.BoundedSemaphore(slots)
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Start a handler thread once a slot is free; after ``SLOT_WAIT`` s, answer 503."""
        if not self.slots.acquire(timeout=SLOT_WAIT):
            try:
                request.settimeout(1)
                request.sendall(busy_response())
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        """Handle one connection and give its slot back."""
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()


def listen(host: str, port: int, handler: type[BaseHTTPRequestHandler], slots: int) -> Server:
    """Bind the server, or fail with one line (port in use, unknown host) and exit code 2."""
    try:
        return Server((host, port), handler, slots)
    except OSError as err:
        reason = err.strerror or str(err)
        raise InputError(f"cannot listen on {host}:{port}: {reason}") from None


def serve(host: str, port: int, settings: Settings) -> None:
    """Bind the port, start the workers, then serve until interrupted.

    The port is bound first, so that a port in use fails before the graph is loaded.
    """
    pool = Pool(settings)
    server = listen(host, port, handler_for(pool, settings, host), settings.max_connections)
    try:
        pool.start()
        shown = f"[{host}]" if ":" in host else host
        sys.stdout.write(
            f"mndkg serving the graph at http://{shown}:{server.server_address[1]}/ "
            f"({settings.workers} workers, {settings.timeout:g} s, {settings.max_rows} rows)\n"
        )
        sys.stdout.flush()
        server.serve_forever()
    finally:
        server.server_close()
        pool.stop()
