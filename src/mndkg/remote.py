"""Talk to a SPARQL server: load the graph into it, and run the same queries there.

Only the W3C protocols are used, so any server that speaks them works (Virtuoso,
Oxigraph, Fuseki, GraphDB, QLever): the SPARQL 1.1 Graph Store Protocol to load
(``PUT`` of N-Triples into a graph) and the SPARQL 1.1 Protocol to query
(``POST``, results as SPARQL JSON). Credentials come from the environment
(``MNDKG_ENDPOINT_USER``, ``MNDKG_ENDPOINT_PASSWORD``). A ``user:password@`` in
the endpoint URL works too, as in curl, but it lands in shell history, so the
environment is preferred. Either way credentials are never printed: every
message that shows an endpoint shows it through ``redact``, and the userinfo is
taken out of the URL before anything is sent (urllib would otherwise look
``user:password@host`` up as a host name). Nothing is sent unless the user
names an endpoint.
"""

from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from mndkg.errors import InputError
from mndkg.queries import Result, guard, with_prefixes

USER, PASSWORD = "MNDKG_ENDPOINT_USER", "MNDKG_ENDPOINT_PASSWORD"
TIMEOUT = 300


def redact(url: str) -> str:
    """Return ``url`` fit to print: the password of its userinfo becomes ``***``.

    Every message that shows an endpoint goes through here, so a ``user:secret@``
    given on the command line never reaches a terminal or a log.
    """
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    userinfo, _, host = parts.netloc.rpartition("@")
    user = userinfo.partition(":")[0]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}:***@{host}" if user else host))


@dataclass(frozen=True)
class Endpoint:
    """An endpoint as the user gave it: the URL to send to, the one to show, the credentials."""

    url: str
    shown: str
    user: str | None = None
    password: str | None = None

    def scrub(self, text: str) -> str:
        """Return ``text`` with the password replaced by ``***``.

        A server's error page or an OS error may quote what it was sent; this is
        the last guard that the secret is not printed with it.
        """
        return text.replace(self.password, "***") if self.password else text


def endpoint(url: str) -> Endpoint:
    """Split ``url`` into the address to send to and its credentials (environment first).

    Only http(s) URLs are accepted: a file: or other scheme is refused.
    """
    parts = urllib.parse.urlsplit(url)
    shown = redact(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InputError("an endpoint must be an http:// or https:// URL", shown)
    userinfo, _, host = parts.netloc.rpartition("@")
    bare = urllib.parse.urlunsplit(parts._replace(netloc=host))
    user, password = os.environ.get(USER), os.environ.get(PASSWORD)
    if not (user and password) and userinfo:
        name, _, secret = userinfo.partition(":")
        user, password = urllib.parse.unquote(name), urllib.parse.unquote(secret)
    return Endpoint(bare, shown, user or None, password or None)


def check_url(url: str) -> str:
    """Return ``url`` if it is http(s); a file: or other scheme is refused."""
    endpoint(url)
    return url


def opener(target: Endpoint) -> urllib.request.OpenerDirector:
    """Return an opener with basic and digest authentication when credentials are set."""
    handlers: list[urllib.request.BaseHandler] = []
    if target.user and target.password:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, target.url, target.user, target.password)
        handlers += [
            urllib.request.HTTPDigestAuthHandler(manager),
            urllib.request.HTTPBasicAuthHandler(manager),
        ]
    return urllib.request.build_opener(*handlers)


def exchange(request: urllib.request.Request, target: Endpoint) -> tuple[bytes, str]:
    """Send a request; return the body and its Content-Type, or raise one ``InputError``."""
    try:
        with opener(target).open(request, timeout=TIMEOUT) as response:
            body: bytes = response.read()
            return body, str(response.headers.get("Content-Type", ""))
    except urllib.error.HTTPError as err:
        detail = err.read().decode("utf-8", "replace").strip().splitlines()[:3]
        message = f"the server answered {err.code} {err.reason}: {' '.join(detail)}"
        raise InputError(target.scrub(message), target.shown) from err
    except (urllib.error.URLError, OSError) as err:
        raise InputError(target.scrub(f"cannot reach the server: {err}"), target.shown) from err


def send(request: urllib.request.Request, target: Endpoint | None = None) -> bytes:
    """Send a request; turn HTTP and connection errors into one clear ``InputError``."""
    return exchange(request, target or endpoint(request.full_url))[0]


def with_graph(url: str, graph: str | None, name: str = "graph") -> str:
    """Return ``url`` with the graph parameter of the Graph Store Protocol (or ``default``)."""
    separator = "&" if "?" in url else "?"
    query = urllib.parse.urlencode({name: graph}) if graph else "default"
    return f"{url}{separator}{query}"


def answer_challenge(request: urllib.request.Request, target: Endpoint) -> None:
    """Add the ``Authorization`` header a server will ask for, before the body is sent.

    urllib sends a request without credentials and answers the 401 that comes back.
    A server may close the connection on that 401 while a large body is still
    arriving (Virtuoso does above about 2 MB), and the client sees a reset instead
    of the challenge. So a body-less GET of the same URL (a read, never a change)
    fetches the challenge first, and the PUT carries its answer: digest, or basic.
    """
    user, password = target.user, target.password
    if not (user and password):
        return
    probe = urllib.request.Request(request.full_url, method="GET")  # noqa: S310 (http(s) only)
    try:
        with urllib.request.build_opener().open(probe, timeout=TIMEOUT):
            return  # readable without credentials: let urllib answer any later challenge
    except urllib.error.HTTPError as err:
        scheme, _, fields = err.headers.get("WWW-Authenticate", "").partition(" ")
        err.close()
    except (urllib.error.URLError, OSError) as err:
        raise InputError(target.scrub(f"cannot reach the server: {err}"), target.shown) from err
    manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    manager.add_password(None, request.full_url, user, password)
    if scheme.lower() == "digest":
        challenge = urllib.request.parse_keqv_list(urllib.request.parse_http_list(fields))
        answer = urllib.request.HTTPDigestAuthHandler(manager).get_authorization(request, challenge)
        if answer:
            request.add_unredirected_header("Authorization", f"Digest {answer}")
    elif scheme.lower() == "basic":
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        request.add_unredirected_header("Authorization", f"Basic {token}")


def publish(
    data: bytes, endpoint_url: str, graph: str | None = None, graph_parameter: str = "graph"
) -> None:
    """Replace the graph at a Graph Store endpoint with N-Triples ``data``."""
    from mndkg.progress import Upload

    target = endpoint(with_graph(endpoint_url, graph, graph_parameter))
    body = Upload(data, f"publishing to {urllib.parse.urlsplit(target.url).netloc}")
    request = urllib.request.Request(  # noqa: S310 (endpoint() checks the scheme)
        target.url,
        data=body,
        method="PUT",
        headers={"Content-Type": "application/n-triples", "Content-Length": str(len(body))},
    )
    answer_challenge(request, target)
    send(request, target)


def term(binding: dict[str, str]) -> Any:
    """Turn one SPARQL JSON binding into a pyoxigraph term (imported here: ``redact`` is light)."""
    import pyoxigraph as ox

    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if "xml:lang" in binding:
        return ox.Literal(value, language=binding["xml:lang"])
    datatype = binding.get("datatype")
    return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value)


def not_results(content_type: str, body: bytes) -> str:
    """Say what an endpoint sent instead of SPARQL JSON results, in a few words."""
    kind = content_type.split(";")[0].strip() or "an answer without Content-Type"
    start = body[:60].decode("utf-8", "replace").split("\n")[0].strip()
    return f"the endpoint returned {kind}, not SPARQL JSON results" + (
        f" (it begins {start!r})" if start else " (an empty body)"
    )


def parse_results(body: bytes, content_type: str) -> Result:
    """Read a SPARQL JSON results document; anything else is one clear error.

    A wrong path (a web page at the endpoint's address, a proxy's login page)
    answers 200 with HTML; that must say so, not fail deep in a JSON parser.
    """
    try:
        doc = json.loads(body)
        if "boolean" in doc:
            return Result("ask", boolean=bool(doc["boolean"]))
        columns = [str(c) for c in doc["head"]["vars"]]
        rows = [
            tuple(term(b[c]) if c in b else None for c in columns)
            for b in doc["results"]["bindings"]
        ]
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise ValueError(not_results(content_type, body)) from err
    return Result("select", columns=columns, rows=rows)


def remote_query(
    endpoint_url: str, text: str, source: str = "query", graph: str | None = None
) -> Result:
    """Run a SELECT or ASK query on a SPARQL endpoint; return the same ``Result`` as embedded."""
    guard(text, source)
    target = endpoint(endpoint_url)
    fields = {"query": with_prefixes(text)}
    if graph:
        fields["default-graph-uri"] = graph
    request = urllib.request.Request(  # noqa: S310 (endpoint() checks the scheme)
        target.url,
        data=urllib.parse.urlencode(fields).encode(),
        method="POST",
        headers={
            "Accept": "application/sparql-results+json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    body, content_type = exchange(request, target)
    try:
        return parse_results(body, content_type)
    except ValueError as err:
        raise InputError(target.scrub(str(err)), target.shown) from err
