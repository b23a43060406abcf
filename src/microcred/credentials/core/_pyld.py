"""Typed facade over pyld, the only module allowed to touch it.

pyld ships without type information, so everything it returns is checked or cast here and
the rest of the package sees plain typed Python. Each session has a private context cache:
pyld's global cache is keyed by URL only, and sharing it with other code in the process would
let a context fetched elsewhere stand in for the pinned one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypedDict, cast

from cachetools import LRUCache
from pyld import jsonld  # type: ignore[import-untyped]
from pyld.context_resolver import ContextResolver  # type: ignore[import-untyped]
from pyld.identifier_issuer import IdentifierIssuer  # type: ignore[import-untyped]

__all__ = ["ABSOLUTE_IRI", "PyldError", "RdfTerm", "RdfTriple", "RemoteDocument", "Session"]


class RemoteDocument(TypedDict):
    contentType: str
    contextUrl: str | None
    documentUrl: str
    document: Any


class RdfTerm(TypedDict, total=False):
    type: str
    value: str
    datatype: str
    language: str


class RdfTriple(TypedDict):
    subject: RdfTerm
    predicate: RdfTerm
    object: RdfTerm


Loader = Callable[[str, dict[str, Any]], RemoteDocument]

PyldError: type[Exception] = jsonld.JsonLdError
# pyld's own test for "absolute IRI" (blank node labels count): whatever fails it, pyld's toRDF
# silently skips, so safe mode (``jsonld.py``) must use exactly the same test.
ABSOLUTE_IRI = re.compile(r"(?:[A-Za-z][A-Za-z0-9+-.]*|_):\S*")


_MemoKey = tuple[str, int, bool, bool, bool]


class _MemoizingProcessor(jsonld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor, remembering processed contexts across documents of one session.

    pyld caches a processed context per *active* context, but it gives every clone of an
    active context a fresh ``_uuid``, and it clones for each type-scoped context (OB 3.0 has
    one per type). So every typed node re-processed its context from scratch: 60 % of the
    expansion time of a full OB 3.0 credential. Processed contexts are frozen and depend
    only on the active context (identified by its ``_uuid``), the local context (identified
    by the object, which the key keeps alive so its ``id`` is never reused) and the flags, so
    remembering them cannot change a result.
    """

    def __init__(self, memo: LRUCache[_MemoKey, tuple[Any, Any]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._memo = memo

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Any,
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        uuid = active_ctx.get("_uuid") if isinstance(active_ctx, Mapping) else None
        if not isinstance(uuid, str) or local_ctx is None or cycles:
            return super()._process_context(
                active_ctx,
                local_ctx,
                options,
                override_protected,
                propagate,
                validate_scoped,
                cycles,
            )
        key = (uuid, id(local_ctx), override_protected, propagate, validate_scoped)
        found = self._memo.get(key)
        if found is not None and found[0] is local_ctx:
            return found[1]
        result = super()._process_context(
            active_ctx, local_ctx, options, override_protected, propagate, validate_scoped
        )
        if isinstance(result, Mapping) and isinstance(result.get("_uuid"), str):
            self._memo[key] = (local_ctx, result)
        return result


class Session:
    """Expansion and RDF conversion sharing one resolved-context cache.

    Processing a context is the slow part of JSON-LD, so a session caches resolved and
    processed contexts; the caches only ever hold what ``loader`` served. Not thread-safe:
    use one per thread.
    """

    def __init__(self, loader: Loader) -> None:
        self._loader = loader
        self._resolver = ContextResolver(LRUCache(maxsize=64), loader)
        self._memo: LRUCache[_MemoKey, tuple[Any, Any]] = LRUCache(maxsize=4096)

    def _options(self) -> dict[str, Any]:
        return {"documentLoader": self._loader, "contextResolver": self._resolver, "base": None}

    def expand(
        self, document: Any, on_property_dropped: Callable[[str | None], None]
    ) -> list[dict[str, Any]]:
        """Expand with pyld, reporting every key it drops to ``on_property_dropped``."""
        processor = _MemoizingProcessor(self._memo, on_property_dropped=on_property_dropped)
        return cast(list[dict[str, Any]], processor.expand(document, self._options()))

    def to_rdf(self, expanded: list[dict[str, Any]]) -> dict[str, list[RdfTriple]]:
        """Convert an expanded document to pyld's dataset form (graph name -> triples).

        Calls the two steps of pyld's ``to_rdf`` after expansion directly: its public
        ``to_rdf`` would expand the already expanded document again, a third of the cost
        of signing. Relative graph names are skipped, as pyld does.
        """
        processor = jsonld.JsonLdProcessor()
        options = {
            **self._options(),
            "produceGeneralizedRdf": False,
            "processingMode": "json-ld-1.1",
        }
        issuer = IdentifierIssuer("_:b")
        node_map: dict[str, Any] = {"@default": {}}
        processor._create_node_map(expanded, node_map, "@default", issuer)
        dataset: dict[str, list[RdfTriple]] = {}
        for graph_name, graph in sorted(node_map.items()):
            if graph_name == "@default" or ABSOLUTE_IRI.fullmatch(graph_name):
                triples = processor._graph_to_rdf(graph, issuer, options)
                dataset[graph_name] = cast(list[RdfTriple], triples)
        return dataset
