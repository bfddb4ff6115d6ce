"""Just enough JSON-LD to read ODRL policies, without a network or a JSON-LD library.

ODRL policies come compacted with the ODRL context (``"permission"``, ``"use"``), with
``odrl:``-prefixed keys, fully expanded (what rdflib writes: full IRIs, ``{"@id": …}``
values, one flat list of nodes that refer to each other by ``@id``), or anything in
between. This module turns any of these into ``Node``s whose property names are full
IRIs and whose values keep their JSON pointer, so the importer reads one shape and
can say where a problem is. Contexts are never fetched: the ODRL context is known by
heart (every ODRL term is ``odrl:`` + the word, plus ``uid`` = ``@id`` and ``type`` =
``@type``); inline contexts define prefixes and terms; any other remote context is an
error.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from holoptic.rules.errors import InvalidOdrl, Problems, pointer_to

ODRL = "http://www.w3.org/ns/odrl/2/"
ODRL_CONTEXTS = frozenset({"http://www.w3.org/ns/odrl.jsonld", "https://www.w3.org/ns/odrl.jsonld"})
_ODRL_TERMS = {
    "odrl": ODRL,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "http://schema.org/",
    "cc": "http://creativecommons.org/ns#",
    "uid": "@id",
    "type": "@type",
    "dataType": ODRL + "datatype",
}
_MAX_DEPTH = 8  # of term definitions referring to terms


@dataclass(frozen=True)
class Context:
    """The active context: term definitions, and whether ODRL's bare words apply."""

    terms: Mapping[str, str] = field(default_factory=dict)
    odrl: bool = False
    vocab: str | None = None

    def extend(self, raw: object, pointer: str, problems: Problems) -> Context:
        """This context with ``raw`` (an ``@context`` value) processed on top."""
        current = self
        items = raw if isinstance(raw, list) else [raw]
        for index, item in enumerate(items):
            where = pointer_to(pointer, index) if isinstance(raw, list) else pointer
            current = current._extend_one(item, where, problems)
        return current

    def _extend_one(self, item: object, pointer: str, problems: Problems) -> Context:
        if item is None:
            return Context()
        if isinstance(item, str):
            if item in ODRL_CONTEXTS:
                return Context({**self.terms, **_ODRL_TERMS}, True, self.vocab)
            problems.add(
                InvalidOdrl,
                pointer,
                f"the remote context {item} is not fetched: only the ODRL context is known; "
                "define other prefixes inline",
            )
            return self
        if not isinstance(item, dict):
            problems.add(InvalidOdrl, pointer, "an @context entry must be a URL or an object")
            return self
        return self._with_definitions(item, pointer, problems)

    def _with_definitions(self, item: dict[str, Any], pointer: str, problems: Problems) -> Context:
        terms = dict(self.terms)
        vocab = self.vocab
        for key, definition in item.items():
            if key == "@vocab":
                vocab = definition if isinstance(definition, str) else None
            elif key.startswith("@"):
                continue  # @version, @base, @language, @protected: nothing to expand
            elif definition is None:
                terms.pop(key, None)
            elif isinstance(definition, str):
                terms[key] = definition
            elif isinstance(definition, dict) and isinstance(definition.get("@id"), str):
                terms[key] = definition["@id"]
            elif isinstance(definition, dict) and ":" in key:
                terms.pop(key, None)  # a compact-IRI key with only a type coercion
            else:
                problems.add(InvalidOdrl, pointer_to(pointer, key), f"the term {key!r} has no @id")
        return Context(terms, self.odrl, vocab)

    def expand(self, value: str, *, vocab: bool) -> str | None:
        """The IRI (or keyword) ``value`` stands for; None for an undefined bare word.

        ``vocab`` is true for keys, ``@type`` and values coerced to ``@vocab`` (ODRL's
        action, operator, leftOperand): there terms and bare words apply. Elsewhere
        (``@id``, targets, parties) only compact IRIs are expanded.
        """
        return self._expand(value, vocab, 0)

    def _expand(self, value: str, vocab: bool, depth: int) -> str | None:
        if value.startswith("@") or depth > _MAX_DEPTH:
            return value
        if vocab and value in self.terms:
            return self._expand(self.terms[value], True, depth + 1)
        prefix, colon, suffix = value.partition(":")
        if colon:
            if suffix.startswith("//") or prefix == "_" or prefix not in self.terms:
                return value
            base = self._expand(self.terms[prefix], True, depth + 1)
            return None if base is None else base + suffix
        if not vocab:
            return value  # a relative IRI: kept as written
        if self.odrl:
            return ODRL + value
        return self.vocab + value if self.vocab else None


@dataclass(frozen=True)
class Value:
    """One value of a property, as written, with where it was written."""

    raw: Any
    pointer: str
    context: Context

    def iri(self, *, vocab: bool = False) -> str | None:
        """The IRI this value names (``{"@id": …}`` or a string), or None."""
        raw = self.raw
        if isinstance(raw, dict) and isinstance(raw.get("@id"), str) and len(raw) == 1:
            return self.context.expand(raw["@id"], vocab=False)
        if isinstance(raw, str):
            return self.context.expand(raw, vocab=vocab)
        return None

    def literal(self) -> tuple[object, str | None] | None:
        """``(lexical value, datatype IRI)`` for a literal; None for a node or IRI."""
        raw = self.raw
        if isinstance(raw, dict) and "@value" in raw:
            datatype = raw.get("@type")
            kind = self.context.expand(datatype, vocab=True) if isinstance(datatype, str) else None
            return raw["@value"], kind
        if isinstance(raw, str | int | float | bool):
            return raw, None
        return None


@dataclass(frozen=True)
class Node:
    """A node object: its ``@id``, its types, and its properties keyed by full IRI."""

    id: str | None
    types: frozenset[str]
    properties: Mapping[str, tuple[Value, ...]]
    pointer: str
    unknown_keys: tuple[str, ...] = ()  # keys no context defines

    def values(self, iri: str) -> tuple[Value, ...]:
        return self.properties.get(iri, ())


def read_node(raw: dict[str, Any], context: Context, pointer: str, problems: Problems) -> Node:
    """A JSON object read as a node, under ``context`` plus its own ``@context``."""
    if "@context" in raw:
        context = context.extend(raw["@context"], pointer_to(pointer, "@context"), problems)
    node_id: str | None = None
    types: set[str] = set()
    properties: dict[str, list[Value]] = {}
    unknown: list[str] = []
    for key, value in raw.items():
        if key == "@context":
            continue
        iri = context.expand(key, vocab=True)
        where = pointer_to(pointer, key)
        if iri == "@id" and isinstance(value, str):
            node_id = node_id or context.expand(value, vocab=False)
        elif iri == "@type":
            types.update(_types(value, context))
        elif iri is None or iri.startswith("@"):
            unknown.append(key)
        else:
            properties.setdefault(iri, []).extend(_values(value, where, context))
    frozen = {key: tuple(values) for key, values in properties.items()}
    return Node(node_id, frozenset(types), frozen, pointer, tuple(unknown))


def _types(value: object, context: Context) -> Iterator[str]:
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            expanded = context.expand(item, vocab=True)
            if expanded:
                yield expanded


def _values(value: object, pointer: str, context: Context) -> Iterator[Value]:
    """Every value of a property: arrays and ``@list``/``@set`` objects unwrapped."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from _values(item, pointer_to(pointer, index), context)
    elif isinstance(value, dict) and ("@list" in value or "@set" in value):
        key = "@list" if "@list" in value else "@set"
        yield from _values(value[key], pointer_to(pointer, key), context)
    elif value is not None:
        yield Value(value, pointer, context)


@dataclass(frozen=True)
class Graph:
    """The top-level nodes of a document, and every one of them by ``@id``."""

    nodes: tuple[Node, ...]
    by_id: Mapping[str, Node]

    def describes(self, value: Value) -> bool:
        """Whether ``value`` is a node object, or refers to a node of the document."""
        raw = value.raw
        if isinstance(raw, dict) and set(raw) != {"@id"} and "@value" not in raw:
            return True
        iri = value.iri()
        return iri is not None and iri in self.by_id

    def node(self, value: Value, problems: Problems) -> Node | None:
        """The node ``value`` is, or refers to; a problem (and None) when it is neither."""
        raw = value.raw
        reference = isinstance(raw, dict) and set(raw) == {"@id"}
        if isinstance(raw, dict) and not reference and "@value" not in raw:
            node = read_node(raw, value.context, value.pointer, problems)
            bare = not node.properties and not node.types and not node.unknown_keys
            return self.by_id.get(node.id, node) if bare and node.id else node
        iri = value.iri()
        if iri is not None and iri in self.by_id:
            return self.by_id[iri]
        message = "expected an object here (or the @id of one)"
        if isinstance(raw, str):
            message += f"; {raw!r} names no node of the document"
        problems.add(InvalidOdrl, value.pointer, message)
        return None


def read_graph(document: object, problems: Problems) -> Graph:
    """The nodes of ``document``: one object, an object with ``@graph``, or a list."""
    context = Context()
    raw_nodes: list[tuple[object, str]]
    if isinstance(document, dict) and "@graph" in document:
        if "@context" in document:
            context = context.extend(document["@context"], "/@context", problems)
        graph = document["@graph"]
        items = graph if isinstance(graph, list) else [graph]
        raw_nodes = [(item, pointer_to("/@graph", i)) for i, item in enumerate(items)]
    elif isinstance(document, dict):
        if "@context" not in document and any(_bare(key) for key in document):
            problems.add(
                InvalidOdrl,
                "",
                'the policy has no @context: add "@context": "http://www.w3.org/ns/odrl.jsonld"',
            )
            context = context.extend(sorted(ODRL_CONTEXTS)[0], "", problems)
        raw_nodes = [(document, "")]
    elif isinstance(document, list):
        raw_nodes = [(item, pointer_to("", i)) for i, item in enumerate(document)]
    else:
        problems.add(InvalidOdrl, "", "an ODRL policy is a JSON object")
        raw_nodes = []
    nodes: list[Node] = []
    for raw, pointer in raw_nodes:
        if isinstance(raw, dict):
            nodes.append(read_node(raw, context, pointer, problems))
        else:
            problems.add(InvalidOdrl, pointer, "a node of the graph must be a JSON object")
    return Graph(tuple(nodes), {node.id: node for node in nodes if node.id})


def _bare(key: str) -> bool:
    return not key.startswith("@") and ":" not in key
