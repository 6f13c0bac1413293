"""The shapes compiled to set-at-a-time SPARQL and answered by pyoxigraph.

pySHACL walks every focus node in Python over rdflib's store, so validation grows
with the graph at a few milliseconds per entity. Here the shapes graph is read once
and each (shape, constraint) becomes ONE SELECT over all focus nodes at once:
targets fill a private named graph (``FOCUS``), value constraints are FILTERs,
counts are GROUP BY/HAVING or NOT EXISTS, and nested shapes (``sh:node``,
``sh:qualifiedValueShape``) are a NOT EXISTS over the union of their violations.
The results are the ``Finding`` records pySHACL gives (tests/test_shacl_sparql.py
compares both engines). A shape form this compiler does not know raises
``Unsupported`` when compiling, never later, so the caller can use pySHACL instead.

The compiled queries expect the store prepared by ``mndkg.shacl_store``: typed
literals the store would rewrite, or that pySHACL counts as ill-typed, become
stand-ins with their lexical form and the datatype ``urn:mndkg:shacl:valid:D`` or
``...:invalid:D``, so ``sh:datatype`` is a name test that agrees with pySHACL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from mndkg.validation import SH, declared_prefixes, show

FOCUS = "urn:mndkg:shacl:focus"
HAS = "urn:mndkg:shacl:has"
STAND_IN = "urn:mndkg:shacl:"
META = {"label", "comment", "message", "severity", "deactivated", "name", "description",
        "order", "group", "defaultValue", "property", "path", "flags"}  # fmt: skip
TARGETS = {"targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target"}
CORE = {"minCount", "maxCount", "datatype", "nodeKind", "pattern", "minLength", "maxLength",
        "languageIn", "in", "hasValue", "class", "node", "qualifiedValueShape",
        "qualifiedMinCount", "qualifiedMaxCount", "minInclusive", "maxInclusive",
        "minExclusive", "maxExclusive", "sparql"}  # fmt: skip
SUPPORTED = META | TARGETS | CORE
SPARQL_KEYS = {"select", "message", "prefixes", "deactivated"}
COMPARE = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
KINDS = {"IRI": "isIRI(?_value)", "BlankNode": "isBlank(?_value)",
         "Literal": "isLiteral(?_value)", "BlankNodeOrIRI": "(isBlank(?_value) || isIRI(?_value))",
         "BlankNodeOrLiteral": "(isBlank(?_value) || isLiteral(?_value))",
         "IRIOrLiteral": "(isIRI(?_value) || isLiteral(?_value))"}  # fmt: skip


X = "?_value"  # stands for the value node in a compiled test
Pattern = tuple[str, str, str | None]


class Unsupported(ValueError):
    """A shape uses SHACL this compiler does not translate; validate it with pySHACL."""


@dataclass(frozen=True)
class Check:
    """One compiled (shape, constraint): a SELECT whose rows are its validation results."""

    shape: Node
    component: str
    severity: URIRef
    message: str
    path: Node | None
    query: str
    value: str | None = None  # the variable holding sh:value, if any
    sparql: bool = False  # a SPARQL-based constraint: rows bind ?path, ?value and more
    focus: str = "?this"  # the variable holding sh:focusNode


@dataclass(frozen=True)
class Program:
    """The compiled shapes: updates that fill the focus graph, then the checks."""

    targets: tuple[str, ...]
    checks: tuple[Check, ...]


def string(text: str) -> str:
    """Return ``text`` as a SPARQL string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\r", "\\r") + '"'


def python_dollar(pattern: str) -> str:
    r"""Rewrite ``$`` as ``\n?$``: Python's ``$`` (pySHACL) also matches before a final newline."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        in_class = (in_class and char != "]") or char == "["
        out.append("\\n?$" if char == "$" and not in_class else char)
        i += 1
    return "".join(out)


class Compiler:
    """Translate a shapes graph into a ``Program``; raise ``Unsupported`` for anything else."""

    def __init__(self, shapes: Graph) -> None:
        """Keep the shapes graph; variables are numbered across the whole program."""
        self.g = shapes
        self.count = 0
        self.probe = ox.Store()

    def fresh(self) -> str:
        """Return a new variable name, so nested patterns never capture each other."""
        self.count += 1
        return f"?v{self.count}"

    def one(self, shape: Node, name: str) -> Node | None:
        """Return the single value of ``sh:name`` on ``shape`` (several are unsupported)."""
        values = list(self.g.objects(shape, SH[name]))
        if len(values) > 1:
            raise Unsupported(f"{show(self.g, shape)} has {len(values)} values of sh:{name}")
        return values[0] if values else None

    def term(self, node: Node) -> str:
        """Return an IRI or a string for a query (a typed literal would be normalised)."""
        if isinstance(node, URIRef) or (
            isinstance(node, Literal) and (node.language or node.datatype in (None, XSD.string))
        ):
            return node.n3()
        raise Unsupported(f"term {node!r} in a shape: only IRIs and strings are compiled")

    def path(self, node: Node) -> str:
        """Return a SHACL property path as a SPARQL property path (same semantics)."""
        if isinstance(node, URIRef):
            return node.n3()
        if (node, RDF.first, None) in self.g:
            return "(" + "/".join(self.path(n) for n in Collection(self.g, node)) + ")"
        forms = {"inversePath": "^({})", "oneOrMorePath": "({})+", "zeroOrMorePath": "({})*",
                 "zeroOrOnePath": "({})?", "alternativePath": None}  # fmt: skip
        found = [(k, v) for k, v in forms.items() if (node, SH[k], None) in self.g]
        if len(found) != 1 or len(list(self.g.predicate_objects(node))) != 1:
            raise Unsupported(f"path {show(self.g, node)} is not a SHACL path this compiler knows")
        name, fmt = found[0]
        inner = self.g.value(node, SH[name])
        if fmt is None:
            return "(" + "|".join(self.path(n) for n in Collection(self.g, inner)) + ")"
        return fmt.format(self.path(inner))

    def audit(self, shape: Node) -> None:
        """Raise ``Unsupported`` for a SHACL predicate on ``shape`` outside the compiled subset."""
        for predicate in set(self.g.predicates(shape)):
            name = str(predicate).removeprefix(str(SH))
            if str(predicate).startswith(str(SH)) and name not in SUPPORTED:
                raise Unsupported(f"sh:{name} on {show(self.g, shape)} is not supported")
        if (shape, RDF.type, RDFS.Class) in self.g:
            raise Unsupported(f"{show(self.g, shape)}: implicit class targets are not supported")
        if self.g.value(shape, SH.path) is not None and self.g.value(shape, SH.property):
            raise Unsupported(f"{show(self.g, shape)}: sh:property on a property shape")

    def off(self, shape: Node) -> bool:
        """Return whether ``shape`` is deactivated (it then gives no results, nor fails)."""
        return self.one(shape, "deactivated") == Literal(True)

    def compile(self) -> Program:
        """Compile every targeted shape and the property shapes under it."""
        if any(self.g.subjects(RDF.type, SH.ConstraintComponent)):
            raise Unsupported("custom constraint components (sh:ConstraintComponent)")
        targeted = sorted({s for p in TARGETS for s in self.g.subjects(SH[p], None)}, key=str)
        updates, sources = [], {}
        for number, shape in enumerate(targeted):
            self.audit(shape)
            if self.off(shape):
                continue
            key = f"<{STAND_IN}shape:{number}>"
            updates += self.targets(shape, key)
            for owner in (shape, *self.g.objects(shape, SH.property)):
                sources.setdefault(owner, []).append(key)
        checks = []
        for shape, keys in sources.items():
            self.audit(shape)
            if not self.off(shape):
                checks += self.checks(shape, keys)
        return Program(tuple(updates), tuple(checks))

    def targets(self, shape: Node, key: str) -> list[str]:
        """Return the updates that put the focus nodes of ``shape`` in the focus graph."""
        insert = f"INSERT {{ GRAPH <{FOCUS}> {{ {key} <{HAS}> ?this }} }} WHERE "
        out = [
            f"INSERT DATA {{ GRAPH <{FOCUS}> {{ {key} <{HAS}> {self.term(n)} }} }}"
            for n in self.g.objects(shape, SH.targetNode)
        ]
        for c in self.g.objects(shape, SH.targetClass):
            out.append(insert + f"{{ ?this a/<{RDFS.subClassOf}>* {self.term(c)} }}")
        for p in self.g.objects(shape, SH.targetSubjectsOf):
            out.append(insert + f"{{ ?this {self.term(p)} ?o }}")
        for p in self.g.objects(shape, SH.targetObjectsOf):
            out.append(insert + f"{{ ?s {self.term(p)} ?this }}")
        for target in self.g.objects(shape, SH.target):
            select = self.g.value(target, SH.select)
            extra = {str(p) for p in self.g.predicates(target)} - {
                str(RDF.type),
                str(SH.select),
                str(SH.prefixes),
            }
            if (target, RDF.type, SH.SPARQLTarget) not in self.g or select is None or extra:
                raise Unsupported(f"target {show(self.g, target)}: only sh:SPARQLTarget")
            if re.search(r"\b(PREFIX|BASE)\b", str(select), re.IGNORECASE):
                raise Unsupported(f"target {show(self.g, target)}: PREFIX inside sh:select")
            out.append(declared_prefixes(self.g, target) + "\n" + insert + f"{{ {select} }}")
        return out

    def plain_select(self, text: str, node: Node) -> None:
        """Refuse a SELECT whose meaning would change as a sub-select joined on ``?this``."""
        words = r"\b(LIMIT|OFFSET|ORDER\s+BY|GROUP\s+BY|HAVING|PREFIX|BASE|SERVICE|COUNT|SUM|AVG|SAMPLE|GROUP_CONCAT)\b"  # noqa: E501
        if re.search(words, text, re.IGNORECASE) or re.search(
            r"\$(PATH|shapesGraph|currentShape)\b|[?$]failure\b", text
        ):
            raise Unsupported(f"SPARQL of {show(self.g, node)} needs pre-binding, not a join")

    def checks(self, shape: Node, keys: list[str]) -> list[Check]:
        """Return one ``Check`` per constraint of ``shape``, over the focus nodes of ``keys``."""
        focus = (
            f"GRAPH <{FOCUS}> {{ {keys[0]} <{HAS}> ?this }}"
            if len(keys) == 1
            else f"VALUES ?focusKey {{ {' '.join(keys)} }} "
            f"GRAPH <{FOCUS}> {{ ?focusKey <{HAS}> ?this }}"
        )
        severity = self.one(shape, "severity") or SH.Violation
        path = self.one(shape, "path")
        out = [
            self.sparql(shape, c, focus, severity, path) for c in self.g.objects(shape, SH.sparql)
        ]
        return out + self.core(shape, focus, "?this", [])

    def core(self, shape: Node, focus: str, f: str, stack: list[Node]) -> list[Check]:
        """Return the checks of the core constraints of ``shape`` for the nodes ``f`` of ``focus``.

        pySHACL also reports the results that made a value fail ``sh:node`` (its
        ``sh:detail``), with the value as focus node; they are checks here too, run on
        the values of ``f`` (the outer ``?this`` stays projected, one row per outer result).
        """
        out, patterns = [], self.patterns(shape, f, focus, stack)
        severity = self.one(shape, "severity") or SH.Violation
        path = self.one(shape, "path")
        if patterns:
            messages = list(self.g.objects(shape, SH.message))
            if len(messages) != 1:
                raise Unsupported(f"{show(self.g, shape)} needs exactly one sh:message")
            for component, body, value in patterns:
                shown = " ".join(dict.fromkeys(v for v in ("?this", f, value) if v))
                query = f"SELECT DISTINCT {shown} WHERE {{ {body} }}"
                out.append(Check(shape, component, severity, str(messages[0]), path, query,
                                 value, focus=f))  # fmt: skip
        for other in self.g.objects(shape, SH.node):
            if shape in stack or other in stack:
                raise Unsupported(f"recursive shape {show(self.g, other)}")
            x = self.fresh() if path is not None else f
            step = f"{f} {self.path(path)} {x} ." if path is not None else ""
            members = [] if self.off(other) else [other, *self.g.objects(other, SH.property)]
            for member in members:
                self.audit(member)
                if not self.off(member):
                    out += self.core(member, f"{focus} {step}", x, [*stack, shape])
        return out

    def sparql(
        self, shape: Node, node: Node, focus: str, severity: Node, path: Node | None
    ) -> Check:
        """Compile a SPARQL-based constraint as a sub-select joined with the focus nodes."""
        select = self.g.value(node, SH.select)
        messages = list(self.g.objects(node, SH.message)) + list(self.g.objects(shape, SH.message))
        used = {str(p).removeprefix(str(SH)) for p in self.g.predicates(node) if p in SH}
        if select is None or len(messages) != 1 or used - SPARQL_KEYS:
            raise Unsupported(
                f"SPARQL constraint of {show(self.g, shape)}: one sh:select, one sh:message"
            )
        self.plain_select(str(select), node)
        where = f"{{ {focus} {{ {select} }} }}"
        query = f"{declared_prefixes(self.g, node)}\nSELECT DISTINCT * WHERE {where}"
        if self.off(node):
            query = "SELECT * WHERE { FILTER(false) }"
        return Check(shape, "SPARQLConstraintComponent", severity, str(messages[0]), path, query,
                     sparql=True)  # fmt: skip

    def patterns(self, shape: Node, f: str, focus: str, stack: list[Node]) -> list[Pattern]:
        """Return (component, pattern, value variable) for each core constraint of ``shape``.

        A pattern's solutions are the results. ``focus`` binds ``f`` at the top level; it is
        empty inside a nested shape, where ``f`` is already bound and aggregates cannot go.
        In a test, ``X`` stands for the value node.
        """
        g, out, nested = self.g, [], not focus
        path_node = self.one(shape, "path")
        path = self.path(path_node) if path_node is not None else None

        def each(component: str, test: str) -> None:
            x = self.fresh() if path else f
            step = f"{f} {path} {x} ." if path else ""
            test = test.replace(X, x)
            out.append((component, f"{focus} {step} FILTER(!COALESCE({test}, false))", x))

        def cardinal(component: str, n: int, bound: str, condition: str = "") -> None:
            if path is None:
                raise Unsupported(f"{component} on node shape {show(g, shape)}")
            a, b = self.fresh(), self.fresh()
            ca, cb = condition.replace(X, a), condition.replace(X, b)
            if bound == "<" and n == 1:
                body = f"FILTER NOT EXISTS {{ {f} {path} {a} {ca} }}"
            elif bound == ">" and n == 0:
                body = f"FILTER EXISTS {{ {f} {path} {a} {ca} }}"
            elif nested and bound == ">" and n == 1:
                body = f"FILTER EXISTS {{ {f} {path} {a} {ca} {f} {path} {b} {cb} "
                body += f"FILTER(!sameTerm({a}, {b})) }}"
            elif nested:
                raise Unsupported(f"{component} {n} in nested shape {show(g, shape)}")
            else:
                step = f"{f} {path} {a} {ca}"
                inner = f"OPTIONAL {{ {step} }}" if bound == "<" else step
                having = f"HAVING (COUNT(DISTINCT {a}) {bound} {n})"
                keys = " ".join(dict.fromkeys(("?this", f)))
                body = f"{{ SELECT {keys} WHERE {{ {focus} {inner} }} GROUP BY {keys} {having} }}"
                out.append((component, body, None))
                return
            out.append((component, f"{focus} {body}", None))

        def fails(other: Node) -> str:
            return "EXISTS { " + self.nonconforming(other, X, [*stack, shape]) + " }"

        for name, bound in (("minCount", "<"), ("maxCount", ">")):
            limit = self.one(shape, name)
            if limit is not None and not (bound == "<" and int(limit) == 0):
                cardinal(f"{name[:3].title()}CountConstraintComponent", int(limit), bound)
        datatype = self.one(shape, "datatype")
        if datatype is not None:
            each("DatatypeConstraintComponent", self.datatype_test(datatype))
        kind = self.one(shape, "nodeKind")
        if kind is not None:
            test = KINDS.get(str(kind).removeprefix(str(SH)))
            if test is None:
                raise Unsupported(f"sh:nodeKind {kind!r} on {show(g, shape)}")
            each("NodeKindConstraintComponent", test)
        for pattern in g.objects(shape, SH.pattern):
            each("PatternConstraintComponent", self.regex(shape, str(pattern)))
        for name, op in (("minLength", ">="), ("maxLength", "<=")):
            limit = self.one(shape, name)
            if limit is not None:
                test = f"(!isBlank({X}) && STRLEN(STR({X})) {op} {int(limit)})"
                each(f"{name[:3].title()}LengthConstraintComponent", test)
        languages = self.one(shape, "languageIn")
        if languages is not None:
            tests = [f"langMatches(lang({X}), {string(str(t))})" for t in Collection(g, languages)]
            each("LanguageInConstraintComponent", "(" + " || ".join(tests or ["false"]) + ")")
        members = self.one(shape, "in")
        if members is not None:
            tests = [f"sameTerm({X}, {self.term(m)})" for m in Collection(g, members)]
            each("InConstraintComponent", "(" + " || ".join(tests or ["false"]) + ")")
        for name, op in COMPARE.items():
            limit = self.one(shape, name)
            if limit is not None:
                test = f"({real(X)} {op} {Literal(limit).n3()})"
                each(f"{name[0].upper()}{name[1:]}ConstraintComponent", test)
        for value in g.objects(shape, SH.hasValue):
            if path is None:
                raise Unsupported(f"sh:hasValue on node shape {show(g, shape)}")
            body = f"FILTER NOT EXISTS {{ {f} {path} {self.term(value)} }}"
            out.append(("HasValueConstraintComponent", f"{focus} {body}", None))
        for cls in g.objects(shape, SH["class"]):
            test = f"EXISTS {{ {X} a/<{RDFS.subClassOf}>* {self.term(cls)} }}"
            each("ClassConstraintComponent", test)
        for other in g.objects(shape, SH.node):
            each("NodeConstraintComponent", "!" + fails(other))
        qualified = self.one(shape, "qualifiedValueShape")
        if qualified is not None:
            if self.one(shape, "qualifiedValueShapesDisjoint") == Literal(True):
                raise Unsupported("sh:qualifiedValueShapesDisjoint")
            condition = "FILTER NOT " + fails(qualified)
            for name, bound in (("qualifiedMinCount", "<"), ("qualifiedMaxCount", ">")):
                limit = self.one(shape, name)
                if limit is not None and not (bound == "<" and int(limit) == 0):
                    component = name[0].upper() + name[1:] + "ConstraintComponent"
                    cardinal(component, int(limit), bound, condition)
        return out

    def nonconforming(self, shape: Node, x: str, stack: list[Node]) -> str:
        """Return a pattern with a solution iff the bound node ``x`` does not conform to it."""
        if shape in stack:
            raise Unsupported(f"recursive shape {show(self.g, shape)}")
        self.audit(shape)
        if any(self.g.objects(shape, SH.sparql)):
            raise Unsupported(f"SPARQL constraint in nested shape {show(self.g, shape)}")
        parts = []
        if not self.off(shape):
            for member in (shape, *self.g.objects(shape, SH.property)):
                self.audit(member)
                if not self.off(member):
                    parts += [p for _, p, _ in self.patterns(member, x, "", stack)]
        return " UNION ".join("{ " + p + " }" for p in parts) or "FILTER(false)"

    def datatype_test(self, datatype: Node) -> str:
        """Return the test that a value is a well-formed literal of ``datatype``, as pySHACL does.

        Every literal the store keeps as written is one pySHACL accepts (``faithful_store``),
        so a datatype is a name test; the others carry pySHACL's verdict in their stand-in.
        """
        if datatype == RDFS.Literal:
            return f"isLiteral({X})"
        if datatype == RDF.langString:
            return f"(isLiteral({X}) && lang({X}) != '')"
        if not isinstance(datatype, URIRef) or datatype == RDFS.Datatype:
            raise Unsupported(f"sh:datatype {datatype!r}")
        test = f"sameTerm(datatype({X}), <{datatype}>)"
        if datatype == XSD.string:
            return test
        return f"({test} || sameTerm(datatype({X}), <{STAND_IN}valid:{datatype}>))"

    def regex(self, shape: Node, pattern: str) -> str:
        """Return the REGEX test of ``sh:pattern`` (with ``sh:flags``), checked to compile."""
        flags = str(self.one(shape, "flags") or "")
        if set(flags) - {"i", "m"}:
            raise Unsupported(f"sh:flags {flags!r}: pySHACL only honours i and m")
        translated = pattern if "m" in flags else python_dollar(pattern)
        test = f"REGEX(STR({X}), {string(translated)}, {string(flags)})"
        probe = self.probe.query("SELECT ?ok WHERE { BIND(" + test.replace(X, '""') + " AS ?ok) }")
        if next(iter(probe))["ok"] is None:  # type: ignore[index]
            raise Unsupported(f"sh:pattern {pattern!r} is not a regular expression pyoxigraph runs")
        return f"(!isBlank({X}) && {test})"


def real(var: str) -> str:
    """Return a SPARQL expression giving the literal a stand-in stands for (else ``var``)."""
    dt = f"STR(DATATYPE({var}))"
    original = f'IRI(REPLACE({dt}, "^{STAND_IN}(in)?valid:", ""))'
    return f'IF(STRSTARTS({dt}, "{STAND_IN}"), STRDT(STR({var}), {original}), {var})'


def compile_shapes(shapes: Graph) -> Program:
    """Compile ``shapes`` once; raise ``Unsupported`` if any shape needs pySHACL."""
    return Compiler(shapes).compile()
