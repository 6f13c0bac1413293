"""Talk to a SPARQL server: load the graph into it, and run the same queries there.

Only the W3C protocols are used, so any server that speaks them works (Virtuoso,
Oxigraph, Fuseki, GraphDB, QLever): the SPARQL 1.1 Graph Store Protocol to load
(``PUT`` of N-Triples into a graph) and the SPARQL 1.1 Protocol to query
(``POST``, results as SPARQL JSON). Credentials come from the environment
(``MNDKG_ENDPOINT_USER``, ``MNDKG_ENDPOINT_PASSWORD``), never from the command
line, and are never printed. Nothing is sent unless the user names an endpoint.
"""

from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pyoxigraph as ox

from mndkg.errors import InputError
from mndkg.queries import Result, guard, with_prefixes

USER, PASSWORD = "MNDKG_ENDPOINT_USER", "MNDKG_ENDPOINT_PASSWORD"
TIMEOUT = 300


def opener(url: str) -> urllib.request.OpenerDirector:
    """Return an opener with basic and digest authentication when credentials are set."""
    handlers: list[urllib.request.BaseHandler] = []
    user, password = os.environ.get(USER), os.environ.get(PASSWORD)
    if user and password:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, url, user, password)
        handlers += [
            urllib.request.HTTPDigestAuthHandler(manager),
            urllib.request.HTTPBasicAuthHandler(manager),
        ]
    return urllib.request.build_opener(*handlers)


def check_url(url: str) -> str:
    """Return ``url`` if it is http(s); a file: or other scheme is refused."""
    if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
        raise InputError("an endpoint must be an http:// or https:// URL", url)
    return url


def send(request: urllib.request.Request) -> bytes:
    """Send a request; turn HTTP and connection errors into one clear ``InputError``."""
    check_url(request.full_url)
    try:
        with opener(request.full_url).open(request, timeout=TIMEOUT) as response:
            body: bytes = response.read()
            return body
    except urllib.error.HTTPError as err:
        detail = err.read().decode("utf-8", "replace").strip().splitlines()[:3]
        raise InputError(
            f"the server answered {err.code} {err.reason}: {' '.join(detail)}", request.full_url
        ) from err
    except (urllib.error.URLError, OSError) as err:
        raise InputError(f"cannot reach the server: {err}", request.full_url) from err


def with_graph(url: str, graph: str | None, name: str = "graph") -> str:
    """Return ``url`` with the graph parameter of the Graph Store Protocol (or ``default``)."""
    separator = "&" if "?" in url else "?"
    query = urllib.parse.urlencode({name: graph}) if graph else "default"
    return f"{url}{separator}{query}"


def answer_challenge(request: urllib.request.Request) -> None:
    """Add the ``Authorization`` header a server will ask for, before the body is sent.

    urllib sends a request without credentials and answers the 401 that comes back.
    A server may close the connection on that 401 while a large body is still
    arriving (Virtuoso does above about 2 MB), and the client sees a reset instead
    of the challenge. So a body-less GET of the same URL (a read, never a change)
    fetches the challenge first, and the PUT carries its answer: digest, or basic.
    """
    user, password = os.environ.get(USER), os.environ.get(PASSWORD)
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
        raise InputError(f"cannot reach the server: {err}", request.full_url) from err
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
    data: bytes, endpoint: str, graph: str | None = None, graph_parameter: str = "graph"
) -> None:
    """Replace the graph at a Graph Store endpoint with N-Triples ``data``."""
    from mndkg.progress import Upload

    body = Upload(data, f"publishing to {urllib.parse.urlsplit(endpoint).netloc}")
    request = urllib.request.Request(  # noqa: S310 (send checks the scheme)
        check_url(with_graph(endpoint, graph, graph_parameter)),
        data=body,
        method="PUT",
        headers={"Content-Type": "application/n-triples", "Content-Length": str(len(body))},
    )
    answer_challenge(request)
    send(request)


def term(binding: dict[str, str]) -> Any:
    """Turn one SPARQL JSON binding into a pyoxigraph term."""
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if "xml:lang" in binding:
        return ox.Literal(value, language=binding["xml:lang"])
    datatype = binding.get("datatype")
    return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value)


def remote_query(
    endpoint: str, text: str, source: str = "query", graph: str | None = None
) -> Result:
    """Run a SELECT or ASK query on a SPARQL endpoint; return the same ``Result`` as embedded."""
    guard(text, source)
    fields = {"query": with_prefixes(text)}
    if graph:
        fields["default-graph-uri"] = graph
    request = urllib.request.Request(  # noqa: S310 (send checks the scheme)
        endpoint,
        data=urllib.parse.urlencode(fields).encode(),
        method="POST",
        headers={
            "Accept": "application/sparql-results+json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    doc = json.loads(send(request))
    if "boolean" in doc:
        return Result("ask", boolean=bool(doc["boolean"]))
    columns = list(doc["head"]["vars"])
    rows = [
        tuple(term(b[c]) if c in b else None for c in columns) for b in doc["results"]["bindings"]
    ]
    return Result("select", columns=columns, rows=rows)
