"""Structured LLM output: tolerant JSON parsing, JSON Schema validation, gold comparison.

Every function runs in C++ (``precis._core``); this module only turns Python objects into JSON
text (``json.dumps``) and the repaired JSON text back into Python values (``json.loads``).
Offsets are Python string indices (code points) into the text given. Docs:
docs/structured/json_output.md and docs/structured/json_schema.md.
"""

from __future__ import annotations

import json
from typing import Any, Mapping, Optional, Sequence, Union

from . import _core

__all__ = ["JsonSchema", "ValidationTable", "compare_json", "parse_json_output", "schema_of"]

Json = Any


def _to_text(value: Json) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def parse_json_output(text: str, *, max_depth: int = 1000, strip_code_fences: bool = True,
                      strip_prose: bool = True, allow_trailing_commas: bool = True) -> dict:
    """Extracts the JSON value in LLM output, reporting every repair.

    Code fences, prose before/after the outermost object or array, a byte-order mark and trailing
    commas are removed; nothing else is guessed. Returns ``{"value", "json", "repairs", "error",
    "begin", "end"}``: ``value`` is the parsed Python value (None on error), ``json`` the repaired
    text, ``repairs`` a list of ``{"kind", "begin", "end"}`` (string indices into ``text``),
    ``error`` None or ``{"kind", "offset", "byte_offset", "message"}`` with kind one of
    ``empty``, ``truncated``, ``syntax``, ``invalid_utf8``, ``too_deep``.
    """
    out = _core.structured_parse_json_output(text, max_depth, strip_code_fences, strip_prose,
                                        allow_trailing_commas)
    out["value"] = None
    if out["error"] is None:
        try:
            out["value"] = json.loads(out["json"])
        except RecursionError:
            # Valid JSON deeper than Python's json module can build (about 1,000 levels under the
            # default recursion limit): reported like any too-deep input; "json" keeps the text.
            out["error"] = {"kind": "too_deep", "offset": out["begin"], "byte_offset": None,
                            "message": "nesting too deep to build a Python value (the repaired "
                                       "text is in 'json')"}
    return out


class ValidationTable(dict):
    """Columns of :meth:`JsonSchema.validate_batch`: ``score``, ``valid``, ``n_violations``,
    ``violations``, ``repaired``, ``error``. ``pandas.DataFrame(table)`` makes a DataFrame."""

    def to_pandas(self):
        import pandas as pd

        return pd.DataFrame(self)


def schema_of(schema: Any) -> Any:
    """A JSON Schema as given (dict, bool or JSON text), or the schema of a Pydantic model class
    (anything with ``model_json_schema()``, Pydantic v2; v1's ``schema()`` too)."""
    if isinstance(schema, type):
        if hasattr(schema, "model_json_schema"):
            return schema.model_json_schema()
        if hasattr(schema, "schema") and hasattr(schema, "__fields__"):
            return schema.schema()
    return schema


class JsonSchema:
    """A JSON Schema (draft 2020-12 subset) compiled once; immutable and thread-safe.

    ``schema`` is a dict, JSON text, or a Pydantic model class (its ``model_json_schema()``).
    ``check_formats``: check the ``format`` keywords precis knows (date, time, date-time, email,
    hostname, ipv4, ipv6, uri, uri-reference, uuid, json-pointer); the others, and all of them
    when False, are listed in :attr:`unchecked_formats`. Raises :class:`precis.PrecisError` for
    an invalid or unsupported schema.
    """

    def __init__(self, schema: Union[Mapping[str, Any], bool, str, type], *,
                 max_depth: int = 1000, max_violations: int = 1000, check_formats: bool = True):
        self._schema = _core.StructuredJsonSchema(_to_text(schema_of(schema)), max_depth,
                                                  max_violations, check_formats)

    @property
    def unchecked_formats(self) -> list:
        """The ``format`` keywords not checked, as ``{"pointer", "format"}`` (pointer: the schema
        object holding it), so that none is ignored silently."""
        return self._schema.unchecked_formats

    def validate(self, document: Json, *, tolerant: Optional[bool] = None) -> dict:
        """Validates one document: a Python value, or text (LLM output).

        Text is parsed tolerantly (fences, prose ... removed and reported in ``parse``) unless
        ``tolerant=False``; Python values are serialized and validated strictly. Returns
        ``{"score", "valid", "violations": [{"pointer", "keyword", "message"}], "parse"}``.
        """
        is_text = isinstance(document, str)
        if tolerant is None:
            tolerant = is_text
        return self._schema.validate(_to_text(document), tolerant)

    def validate_batch(self, documents: Sequence[Json], *, tolerant: bool = True,
                       threads: int = 0) -> ValidationTable:
        """Validates many documents in C++ on ``threads`` threads (0 = all cores), GIL released.

        Strings are taken as LLM output (tolerant parse unless ``tolerant=False``); other values
        are serialized first. One row per document, in order.
        """
        texts = [_to_text(d) for d in documents]
        return ValidationTable(self._schema.validate_batch(texts, tolerant, threads))


def compare_json(output: Json, gold: Json, *, strings: str = "normalized", lists: str = "set",
                 tolerance: float = 0.0, relative_tolerance: float = 0.0,
                 rules: Optional[Mapping[str, Union[str, Mapping[str, Any]]]] = None) -> dict:
    """Compares a structured summary with a gold object, field by field.

    ``output``: LLM output text (parsed tolerantly) or a Python value; ``gold``: a Python value
    or strict JSON text. ``strings``: ``"normalized"`` (NFKC + case folding + whitespace) or
    ``"exact"``; ``lists``: ``"set"`` (F1 of a one-to-one matching) or ``"ordered"``; numbers
    match within ``max(tolerance, relative_tolerance * |gold|)``. ``rules`` maps a JSON Pointer
    of the gold to overrides: a dict with ``strings``, ``lists``, ``tolerance``,
    ``relative_tolerance``, ``ignore``, or a shorthand string ``"exact"``, ``"normalized"``,
    ``"set"``, ``"ordered"``, ``"ignore"``.

    Returns ``{"score", "fields", "matched", "missing", "details": [{"pointer", "method",
    "score", "precision", "recall", "expected", "actual"}], "extra", "parse"}``.
    """
    rule_list = []
    for pointer, spec in (rules or {}).items():
        if isinstance(spec, str):
            if spec in ("exact", "normalized"):
                spec = {"strings": spec}
            elif spec in ("set", "ordered"):
                spec = {"lists": spec}
            elif spec == "ignore":
                spec = {"ignore": True}
            else:
                raise _core.PrecisError(f"[precis.invalid_argument] rule for '{pointer}': unknown "
                                        f"shorthand '{spec}' (expected exact, normalized, set, "
                                        "ordered or ignore)")
        rule_list.append((pointer, dict(spec)))
    return _core.structured_compare_json(_to_text(output), _to_text(gold), strings, lists,
                                    float(tolerance), float(relative_tolerance), rule_list)
