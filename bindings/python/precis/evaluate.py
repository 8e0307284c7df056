"""One call for a notebook or a pipeline: every metric over a DataFrame, a list of dicts or a
JSONL file, into one DataFrame aligned with the input (docs/evaluate.md).

No record is ever lost: a record whose input cannot be scored (None, NaN, a number where text
belongs, invalid UTF-8, missing sources, an encoder that raises) keeps its row, with NaN scores
and an ``error`` that names the record and the field; every other record is scored.
"""

from __future__ import annotations

import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Union

import numpy as np

from . import _core
from .grounded import subject_names

__all__ = ["Evaluation", "evaluate", "EVALUATE_METRICS"]

REFERENCE_METRICS = ("rouge1", "rouge2", "rougeL", "rougeLsum", "bleu", "chrf", "chrfpp")
GROUNDED_METRICS = ("relevance", "faithfulness", "conciseness")
EVALUATE_METRICS = REFERENCE_METRICS + GROUNDED_METRICS + ("citations", "embedding", "schema",
                                                          "json_match")
DEFAULT_METRICS = ("relevance", "faithfulness", "conciseness", "citations")


@dataclass
class Evaluation:
    """``scores``: one row per input record (its index), flat columns, ``error``. The details are
    long-form tables keyed by ``record`` (the input's index label): ``sentences`` (grounded
    metrics per summary sentence), ``claims`` (citation support per claim), ``fields`` (schema
    violations and gold comparison per JSON field)."""
    scores: Any
    sentences: Any
    claims: Any
    fields: Any


# ---- input ------------------------------------------------------------------------------------

def _load(data):
    """(rows as dicts, index labels) from a DataFrame, a list of dicts or a JSONL path."""
    if isinstance(data, (str, Path)):
        rows = []
        with open(data, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    value = json.loads(line)
                except json.JSONDecodeError as e:
                    value = {"__error__": f"line {number}: malformed JSON ({e.msg})"}
                if not isinstance(value, dict):
                    value = {"__error__": f"line {number}: not a JSON object"}
                rows.append(value)
        return rows, list(range(len(rows)))
    if hasattr(data, "to_dict") and hasattr(data, "index"):
        return data.to_dict("records"), list(data.index)
    rows = list(data)
    return [r if isinstance(r, Mapping) else {"__error__": f"not a mapping: {type(r).__name__}"}
            for r in rows], list(range(len(rows)))


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _text(value, field: str) -> str:
    """The text of a field, or ValueError naming what is wrong with it."""
    if _missing(value):
        raise ValueError(f"field '{field}' is missing (None/NaN)")
    if isinstance(value, (dict, list)) and field != "summary":
        raise ValueError(f"field '{field}' must be text, not {type(value).__name__}")
    if isinstance(value, (dict, list)):  # a structured summary given as a parsed object
        return json.dumps(value, ensure_ascii=False)
    if not isinstance(value, str):
        raise ValueError(f"field '{field}' must be text, not {type(value).__name__}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise ValueError(f"field '{field}': invalid UTF-8 (lone surrogate at character "
                         f"{e.start})") from None
    return value


def _sources(value, field: str):
    if _missing(value):
        raise ValueError(f"field '{field}' is missing (None/NaN)")
    if isinstance(value, str):
        return _text(value, field)
    if isinstance(value, Mapping):
        return {str(k): _text(v, f"{field}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        items = value.tolist() if hasattr(value, "tolist") else value
        if not items:
            raise ValueError(f"field '{field}' is empty")
        out = []
        for k, item in enumerate(items):
            if isinstance(item, Mapping):
                if "text" not in item:
                    raise ValueError(f"field '{field}[{k}]' has no 'text'")
                out.append({"id": str(item.get("id", k + 1)),
                            "text": _text(item["text"], f"{field}[{k}].text")})
            else:
                out.append(_text(item, f"{field}[{k}]"))
        return out
    raise ValueError(f"field '{field}' must be text, a list or a mapping, not "
                     f"{type(value).__name__}")


def _references(value, field: str):
    if _missing(value):
        raise ValueError(f"field '{field}' is missing (None/NaN)")
    if isinstance(value, str):
        return [_text(value, field)]
    items = value.tolist() if hasattr(value, "tolist") else value
    if not isinstance(items, (list, tuple)) or not items:
        raise ValueError(f"field '{field}' must be text or a non-empty list of texts")
    return [_text(v, f"{field}[{k}]") for k, v in enumerate(items)]


def _has_ids(sources) -> bool:
    return isinstance(sources, Mapping) or (
        isinstance(sources, list) and any(isinstance(s, Mapping) for s in sources))


# ---- progress ---------------------------------------------------------------------------------

class _Progress:
    """A tqdm bar on stderr over records, when asked for or when stderr is a terminal."""

    def __init__(self, enabled: Optional[bool], total: int, desc: str):
        if enabled is None:
            enabled = sys.stderr.isatty() and total >= 1000
        self.bar = None
        if enabled:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                tqdm = None
            if tqdm is not None:
                self.bar = tqdm(total=total, desc=desc, unit="rec", file=sys.stderr)

    def update(self, n: int):
        if self.bar is not None:
            self.bar.update(n)

    def close(self):
        if self.bar is not None:
            self.bar.close()


def _chunks(positions: List[int], size: int):
    for start in range(0, len(positions), size):
        yield positions[start:start + size]


def _author_of(sources) -> tuple:
    """The one ``author`` that every ``{id, text, author}`` source shares, as a subject."""
    if not isinstance(sources, (list, tuple)) or not sources:
        return ()
    authors = {s.get("author") if isinstance(s, Mapping) else None for s in sources}
    if len(authors) == 1:
        (author,) = authors
        if isinstance(author, str) and author.strip():
            return (author,)
    return ()


# ---- the call ---------------------------------------------------------------------------------

def evaluate(data, metrics: Sequence[str] = DEFAULT_METRICS, *, summary: str = "summary",
             sources: str = "sources", references: str = "references", query: str = "query",
             gold: str = "gold", subject: str = "subject", id: Optional[str] = None,
             schema: Any = None,
             encoder: Any = None, threads: int = 0, batch_size: int = 2048,
             progress: Optional[bool] = None, details: bool = False,
             rouge: Optional[Mapping[str, Any]] = None, bleu: Optional[Mapping[str, Any]] = None,
             chrf: Optional[Mapping[str, Any]] = None,
             grounded: Optional[Mapping[str, Any]] = None,
             citations: Optional[Mapping[str, Any]] = None) -> Union[Any, Evaluation]:
    """Scores every record with every metric in ``metrics`` and returns a pandas DataFrame with
    one row per record (the input's index), flat metric columns and an ``error`` column.

    ``data``: a DataFrame, a list of dicts or the path of a JSONL file. Column names: ``summary``
    (text, or a JSON object for structured summaries), ``sources`` (text, a list of texts,
    ``{id, text}`` items or an ``{id: text}`` mapping; a ``source`` column is used when there is
    no ``sources``), ``references`` (text or a list), ``query``, ``gold`` (a JSON value),
    ``subject`` (a name, a list of names, or ``{"name", "aliases"}``: the person the summary is
    about; when absent, the ``author`` that all of a record's ``{id, text, author}`` sources
    share, as for first-person posts) and ``id`` (default: the index). ``metrics``: rouge1, rouge2, rougeL, rougeLsum, bleu, chrf,
    chrfpp (need references); relevance, faithfulness, conciseness, citations, embedding (need
    sources); schema (``schema=`` a JSON Schema dict or a Pydantic model class); json_match (needs
    ``gold``). ``progress``: a tqdm bar on stderr (default: when stderr is a terminal and there
    are 1,000 records or more). ``details=True`` returns an :class:`Evaluation` with the
    per-sentence, per-claim and per-field tables too.

    ``encoder``: the encoder of the ``embedding`` metric: ``None`` (default: ``BertEncoder`` with
    the packaged all-MiniLM-L6-v2; the hashed encoder, with a warning, when the model package is
    missing), ``"hashed"``, ``"bert"``, a model name or folder, a precis ``Encoder`` or a callable
    (``precis.resolve_encoder``). ``frame.attrs["signatures"]["embedding"]`` names the encoder,
    its model digest and the options. The grounded metrics take one through
    ``grounded={"encoder": ...}`` (default: none, lexical support).
    """
    import pandas as pd
    from .citations import CitationScorer, citation_batch
    from .embed import embedding_score
    from .grounded import grounded_batch, grounded_sentences
    from .structured import JsonSchema, compare_json
    from . import score as reference_score

    unknown = [m for m in metrics if m not in EVALUATE_METRICS]
    if unknown:
        raise ValueError(f"unknown metric(s) {unknown}; known: {', '.join(EVALUATE_METRICS)}")
    if "schema" in metrics and schema is None:
        raise ValueError("metric 'schema' needs schema= (a JSON Schema or a Pydantic model class)")
    rows, index = _load(data)
    n = len(rows)
    ids = [str(r.get(id)) if id and not _missing(r.get(id)) else str(label)
           for r, label in zip(rows, index)]
    errors: List[List[str]] = [[] for _ in range(n)]
    columns: Dict[str, np.ndarray] = {}
    sentence_tables, claim_rows, field_rows = [], [], []

    def fail(i: int, message: str):
        errors[i].append(f"record {ids[i]}: {message}")

    for i, r in enumerate(rows):
        if "__error__" in r:
            fail(i, r["__error__"])

    def prepared(field_reader: Callable, field: str, fallback: Optional[str] = None):
        """Per row: the checked value of `field`, or None after recording why not."""
        out = []
        for i, r in enumerate(rows):
            if "__error__" in r:
                out.append(None)
                continue
            name = field if field in r or fallback is None or fallback not in r else fallback
            try:
                out.append(field_reader(r.get(name), name))
            except ValueError as e:
                fail(i, str(e))
                out.append(None)
        return out

    summaries = prepared(_text, summary)

    def scatter(name: str, positions: List[int], values):
        column = columns.setdefault(name, np.full(n, np.nan))
        column[positions] = np.asarray(values, dtype=np.float64)

    def run(desc: str, ready: List[int], fn: Callable[[List[int]], None]):
        bar = _Progress(progress, len(ready), desc)
        try:
            for chunk in _chunks(ready, batch_size):
                fn(chunk)
                bar.update(len(chunk))
        finally:
            bar.close()

    wanted_reference = [m for m in metrics if m in REFERENCE_METRICS]
    if wanted_reference:
        refs = prepared(_references, references)
        ready = [i for i in range(n) if summaries[i] is not None and refs[i] is not None]

        def reference_chunk(chunk):
            table = reference_score(summaries=[summaries[i] for i in chunk],
                                    references=[refs[i] for i in chunk], ids=[ids[i] for i in chunk],
                                    metrics=wanted_reference, threads=threads, rouge=rouge,
                                    bleu=bleu, chrf=chrf)
            _collect(table, chunk, scatter, fail, "reference metrics")
        run("reference metrics", ready, reference_chunk)

    needs_sources = [m for m in metrics if m in GROUNDED_METRICS + ("citations", "embedding")]
    srcs = prepared(_sources, sources, fallback="source") if needs_sources else [None] * n
    queries = [None if _missing(r.get(query)) or not isinstance(r.get(query), str)
               else r.get(query) for r in rows]

    # The subject of each record (docs/metrics/faithfulness.md, "The subject"): the column, or
    # the one author of all its sources. Records are scored in groups of one subject.
    subjects = [tuple(subject_names(r.get(subject))) if not _missing(r.get(subject)) else
                _author_of(r.get(sources) if r.get(sources) is not None else r.get("source"))
                for r in rows]

    def by_subject(chunk):
        groups: Dict[tuple, List[int]] = {}
        for i in chunk:
            groups.setdefault(subjects[i], []).append(i)
        return groups.items()

    wanted_grounded = [m for m in metrics if m in GROUNDED_METRICS]
    if wanted_grounded:
        ready = [i for i in range(n) if summaries[i] is not None and srcs[i] is not None]

        def grounded_chunk(whole):
            for names, chunk in by_subject(whole):
                options = dict(grounded or {})
                if names and "subject" not in options:
                    options["subject"] = list(names)
                kwargs = dict(summaries=[summaries[i] for i in chunk],
                              sources=[srcs[i] for i in chunk],
                              queries=[queries[i] for i in chunk],
                              ids=[ids[i] for i in chunk], threads=threads, **options)
                _collect(grounded_batch(metrics=wanted_grounded, **kwargs), chunk, scatter, fail,
                         "grounded metrics")
                if details:
                    per = pd.DataFrame(dict(grounded_sentences(**kwargs)))
                    if len(per):
                        per["record"] = [index[chunk[k]] for k in per["record"]]
                    sentence_tables.append(per)
        run("grounded metrics", ready, grounded_chunk)

    if "citations" in metrics:
        ready = [i for i in range(n) if summaries[i] is not None and srcs[i] is not None]

        def citation_chunk(chunk):
            # A structured summary (a JSON object, or text that starts with { or a code fence)
            # is read field by field, as the CLI does; the rest as text with markers.
            for names, group in by_subject(chunk):
                options = dict(citations or {})
                if names and "subject" not in options:
                    options["subject"] = list(names)
                for structured in (False, True):
                    part = [i for i in group if _looks_structured(summaries[i]) == structured]
                    if part:
                        table = citation_batch(summaries=[summaries[i] for i in part],
                                               sources=[srcs[i] for i in part],
                                               ids=[ids[i] for i in part],
                                               structured=structured, threads=threads, **options)
                        _collect(table, part, scatter, fail, "citations")
            if details:
                for i in chunk:
                    if errors[i]:
                        continue
                    options = dict(citations or {})
                    if subjects[i] and "subject" not in options:
                        options["subject"] = list(subjects[i])
                    result = CitationScorer(srcs[i], **options).details_batch(
                        [summaries[i]], structured=_looks_structured(summaries[i]))[0]
                    for k, claim in enumerate(result.get("claim_details", [])
                                              if isinstance(result, dict) else []):
                        claim_rows.append({"record": index[i], "id": ids[i], "claim": k,
                                           "text": claim["text"], "cited": claim["cited"],
                                           "support": claim["support"],
                                           "supported": claim["supported"],
                                           "misattributed": claim["misattributed"],
                                           "better_source": claim["better_source"],
                                           "dangling": claim["dangling"],
                                           "cited_support": claim["cited_support"],
                                           "unsupporting": claim["unsupporting"],
                                           # per cited id: the parts of the claim it supports
                                           "cited_parts": {
                                               sid: [p["text"] for p in parts]
                                               for sid, parts in zip(claim["cited"],
                                                                     claim["cited_parts"])}})
        run("citations", ready, citation_chunk)

    signatures: Dict[str, str] = {}
    if "embedding" in metrics:
        from .embed import embedding_signature, resolve_encoder

        ready = [i for i in range(n) if summaries[i] is not None and srcs[i] is not None]
        encoder = resolve_encoder(encoder)
        signatures["embedding"] = embedding_signature(encoder)
        if not isinstance(encoder, _core.CachedEncoder):
            # Records often share their sources: each distinct text is encoded once per call
            # (same id, so the signature holds; token vectors are not cached).
            encoder = _core.CachedEncoder(encoder)

        def as_texts(s):
            if isinstance(s, str):
                return s
            if isinstance(s, Mapping):
                return list(s.values())
            return [x["text"] if isinstance(x, Mapping) else x for x in s]

        def embedding_chunk(chunk):
            try:
                table = embedding_score([summaries[i] for i in chunk],
                                        [as_texts(srcs[i]) for i in chunk], encoder=encoder,
                                        threads=threads or 0)
            except Exception as e:  # a user encoder that raises: every row of the chunk says so
                for i in chunk:
                    fail(i, f"embedding: the encoder raised {type(e).__name__}: {e}")
                return
            _collect(table, chunk, scatter, fail, "embedding")
        run("embedding", ready, embedding_chunk)

    if "schema" in metrics:
        validator = JsonSchema(_schema_of(schema))
        ready = [i for i in range(n) if summaries[i] is not None]

        def schema_chunk(chunk):
            table = validator.validate_batch([summaries[i] for i in chunk], threads=threads)
            scatter("schema_score", chunk, table["score"])
            scatter("schema_valid", chunk, [float(v) for v in table["valid"]])
            scatter("schema_violations", chunk, table["n_violations"])
            for k, i in enumerate(chunk):
                if table["error"][k]:
                    fail(i, f"schema: field '{summary}': {table['error'][k]}")
                for v in table["violations"][k]:
                    field_rows.append({"record": index[i], "id": ids[i], "check": "schema",
                                       "pointer": v["pointer"], "keyword": v["keyword"],
                                       "score": np.nan, "message": v["message"]})
        run("schema", ready, schema_chunk)

    if "json_match" in metrics:
        golds = []
        for i, r in enumerate(rows):
            value = r.get(gold)
            if _missing(value):
                fail(i, f"field '{gold}' is missing (None/NaN)")
                golds.append(None)
            else:
                golds.append(value)
        ready = [i for i in range(n) if summaries[i] is not None and golds[i] is not None]

        def match_chunk(chunk):
            scores = []
            for i in chunk:
                try:
                    result = compare_json(summaries[i], golds[i])
                except (ValueError, _core.PrecisError) as e:
                    fail(i, f"field '{gold}': {e}")
                    scores.append(np.nan)
                    continue
                scores.append(result["score"])
                if result["parse"]["error"]:
                    fail(i, f"json_match: field '{summary}': {result['parse']['error']}")
                for d in result["details"]:
                    field_rows.append({"record": index[i], "id": ids[i], "check": "gold",
                                       "pointer": d["pointer"], "keyword": d["method"],
                                       "score": d["score"],
                                       "message": f"expected {d['expected']}, got {d['actual']}"})
            scatter("json_match", chunk, scores)
        run("json_match", ready, match_chunk)

    frame = pd.DataFrame({"id": ids, **columns}, index=pd.Index(index))
    frame["error"] = [("; ".join(e) if e else None) for e in errors]
    # What scored: the embedding metrics' encoder, model and options (frame.attrs survives
    # pandas' copies; DataFrame.to_json/CSV do not carry it: store it beside the results).
    frame.attrs["signatures"] = signatures
    if not details:
        return frame
    sentences = (pd.concat(sentence_tables, ignore_index=True) if sentence_tables
                 else pd.DataFrame(columns=["record", "id", "sentence"]))
    return Evaluation(scores=frame, sentences=sentences,
                      claims=pd.DataFrame(claim_rows, columns=[
                          "record", "id", "claim", "text", "cited", "support", "supported",
                          "misattributed", "better_source", "dangling", "cited_support",
                          "unsupporting", "cited_parts"]),
                      fields=pd.DataFrame(field_rows, columns=[
                          "record", "id", "check", "pointer", "keyword", "score", "message"]))


def _collect(table, chunk: List[int], scatter, fail, family: str):
    """Moves a batch table's numeric columns into place and its errors into the error list. A
    batch names its rows by position within the chunk; that part gives way to the record's id,
    and a Python traceback appended by the bindings is left out."""
    for name, values in table.items():
        if name in ("id", "error"):
            continue
        scatter(name, chunk, values)
    for k, message in enumerate(table["error"]):
        if message:
            text = str(message).split("\n\nAt:")[0].strip()
            text = re.sub(r"^(\[precis\.\w+\] )?record [^,:]+(, |: )", r"\1", text)
            fail(chunk[k], f"{family}: {text}")


def _looks_structured(text: str) -> bool:
    head = text.lstrip()
    return head.startswith("{") or head.startswith("```")


def _schema_of(schema):
    """A JSON Schema dict, or the schema of a Pydantic model class (``model_json_schema()``)."""
    if hasattr(schema, "model_json_schema"):
        return schema.model_json_schema()
    return schema
