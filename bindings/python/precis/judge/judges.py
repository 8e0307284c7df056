"""The LLM judges: G-Eval rubric judges, the claim-level citation support judge, the field-level
judge of JSON extractions, and pairwise comparison with the order swapped. Docs: docs/judge/.

Every judge asks its model through a versioned template, parses the answer strictly
(:func:`precis.structured.parse_json_output` and :class:`precis.structured.JsonSchema`), asks
again with the validation error when the answer does not fit (``max_repairs`` times), reads the
score from the log-probabilities where the endpoint gives them, and turns refusals and garbage
into a row's ``error`` instead of an aborted batch.
"""

from __future__ import annotations

import asyncio
import copy
import json
import math
import re
import statistics
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence, Union

from .. import structured
from .client import ChatModel, Completion, JudgeError, RefusalError, Usage, as_model
from .templates import (CITATION_SUPPORT, FIELD_SUPPORT, PAIRWISE, RUBRICS, Rubric, Template,
                        template_for)

__all__ = [
    "CitationSupportJudge", "ExtractionJudge", "JudgeResults", "PairwiseJudge", "RubricJudge",
    "format_sources", "weighted_choice",
]


def _error(message: str) -> Exception:
    from .._core import PrecisError

    return PrecisError(f"[precis.invalid_argument] {message}")


def format_sources(sources: Any) -> str:
    """Sources as the judges show them: one ``[id] text`` paragraph each. Takes a string, a list
    of strings (ids 1, 2, ...), a dict ``{id: text}``, or a list of ``{"id", "text"}`` dicts or
    ``(id, text)`` pairs."""
    if sources is None:
        return ""
    if isinstance(sources, str):
        return sources
    if isinstance(sources, Mapping):
        items = list(sources.items())
    else:
        items = []
        for i, s in enumerate(sources, 1):
            if isinstance(s, str):
                items.append((str(i), s))
            elif isinstance(s, Mapping):
                items.append((str(s.get("id", i)), str(s.get("text", ""))))
            else:
                sid, text = s
                items.append((str(sid), str(text)))
    return "\n\n".join(f"[{sid}] {text}" for sid, text in items)


_VALUE_START = r'"{field}"\s*:\s*"?'


def weighted_choice(completion: Completion, field: str,
                    choices: Mapping[str, float]) -> Optional[float]:
    """The probability-weighted mean of ``choices`` (answer text -> value) at the token where the
    answer's ``field`` value starts, from the completion's top log-probabilities (G-Eval's score:
    sum of p(s) * s over the score tokens, renormalized over the tokens that name a choice).

    An alternative token names a choice when, after the text the chosen token had before the
    value (a space, a quote), it equals the choice, or starts with it followed by punctuation,
    or (for word choices) is a prefix of exactly one choice. None when the completion has no
    log-probabilities, the field is not found, or no alternative names a choice.
    """
    if not completion.logprobs:
        return None
    match = re.search(_VALUE_START.format(field=re.escape(field)), completion.text)
    if match is None:
        return None
    value_at = match.end()
    offset = 0
    token = None
    for entry in completion.logprobs:
        text = entry.get("token", "")
        if offset <= value_at < offset + len(text) or (not text and offset == value_at):
            token = entry
            break
        offset += len(text)
    if token is None:
        return None
    lead = token.get("token", "")[:value_at - offset]
    alternatives = token.get("top_logprobs") or [
        {"token": token.get("token", ""), "logprob": token.get("logprob", 0.0)}]
    mass: dict = {}
    keys = list(choices)
    for alt in alternatives:
        text = alt.get("token", "")
        logprob = alt.get("logprob")
        if logprob is None or not text.startswith(lead):
            continue
        rest = text[len(lead):]
        if not rest:
            continue
        named = [k for k in keys if rest == k or (rest.startswith(k) and not (
            rest[len(k)].isalnum() or rest[len(k)] == "_"))]
        if not named and not rest[0].isdigit():
            named = [k for k in keys if k.startswith(rest)]
        if len(named) == 1:
            mass[named[0]] = mass.get(named[0], 0.0) + math.exp(logprob)
    total = sum(mass.values())
    if total <= 0:
        return None
    return sum(p * choices[k] for k, p in mass.items()) / total


class JudgeResults(list):
    """One result dict per row, in order, with ``usage`` (:class:`Usage` of the batch) and
    ``to_pandas()``. Failed rows keep their place with ``error`` set."""

    usage: Usage

    def to_pandas(self):
        import pandas as pd

        return pd.DataFrame(list(self))


def _schema_text(schema: Mapping[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False)


class _Judge:
    """What every judge shares: the model, template, sampling, strict parsing and repairs."""

    template: Template

    def __init__(self, model: Union[ChatModel, Callable[..., Any]], *, template: Optional[Template],
                 samples: int = 1, temperature: Optional[float] = None, max_tokens: int = 256,
                 logprobs: bool = True, top_logprobs: int = 10, seed: Optional[int] = 0,
                 max_repairs: int = 2):
        if samples < 1:
            raise _error("samples must be at least 1")
        if max_repairs < 0:
            raise _error("max_repairs must be >= 0")
        self.model = as_model(model)
        if template is not None:
            self.template = template
        self.samples = samples
        # G-Eval samples at temperature 1 (n = 20); one sample is greedy.
        self.temperature = (0.0 if samples == 1 else 1.0) if temperature is None else temperature
        self.max_tokens = max_tokens
        self.logprobs = logprobs
        self.top_logprobs = top_logprobs
        self.seed = seed
        self.max_repairs = max_repairs
        self._validators: dict = {}

    # -- one question, strictly parsed ------------------------------------------------------

    def _validator(self, schema: Mapping[str, Any]) -> structured.JsonSchema:
        key = _schema_text(schema)
        if key not in self._validators:
            self._validators[key] = structured.JsonSchema(schema)
        return self._validators[key]

    async def _ask(self, messages: list, schema: Mapping[str, Any], template: Template,
                   sample: int, tally: dict) -> tuple:
        """The parsed answer and the completion it came from; repairs with the validation error.
        Raises JudgeError."""
        schema = structured.schema_of(schema)  # a Pydantic model class works too
        validator = self._validator(schema)
        seed = None if self.seed is None else self.seed + sample
        conversation = list(messages)
        for repair in range(self.max_repairs + 1):
            completion = await self.model.acomplete(
                conversation, temperature=self.temperature, max_tokens=self.max_tokens,
                seed=seed, logprobs=self.logprobs, top_logprobs=self.top_logprobs if self.logprobs
                else 0, schema=schema, template=template.tag, sample=sample)
            tally["calls"] += 1
            if completion.cached:
                tally["cached"] += 1
                tally["cached_prompt_tokens"] += completion.prompt_tokens
                tally["cached_completion_tokens"] += completion.completion_tokens
            else:
                tally["prompt_tokens"] += completion.prompt_tokens
                tally["completion_tokens"] += completion.completion_tokens
            if completion.refusal is not None or completion.finish_reason == "content_filter":
                raise RefusalError(f"the model refused: {completion.refusal or 'content_filter'}")
            problem = self._problem(completion, validator)
            if problem is None:
                return structured.parse_json_output(completion.text)["value"], completion
            if repair == self.max_repairs:
                head = completion.text.strip().replace("\n", " ")[:120]
                raise JudgeError(f"no valid answer after {self.max_repairs} repairs: {problem} "
                                 f"(reply starts {head!r})")
            tally["repairs"] += 1
            cut = (f" The reply was cut off at max_tokens={self.max_tokens}."
                   if completion.finish_reason == "length" else "")
            conversation = conversation + [
                {"role": "assistant", "content": completion.text},
                {"role": "user", "content": f"That answer cannot be used: {problem}.{cut} Answer "
                                            "again with only a JSON object that satisfies this "
                                            f"JSON Schema: {_schema_text(schema)}"}]
        raise AssertionError("unreachable")

    @staticmethod
    def _problem(completion: Completion, validator: structured.JsonSchema) -> Optional[str]:
        parsed = structured.parse_json_output(completion.text)
        if parsed["error"] is not None:
            kind = parsed["error"]["kind"]
            return ("the reply has no JSON" if kind == "empty"
                    else f"the JSON is {kind}: {parsed['error']['message']}")
        result = validator.validate(parsed["json"], tolerant=False)
        if not result["valid"]:
            return "; ".join(f"{v['pointer'] or '/'}: {v['message']}"
                             for v in result["violations"][:5])
        return None

    # -- rows -------------------------------------------------------------------------------

    @staticmethod
    def _tally() -> dict:
        return {"calls": 0, "cached": 0, "repairs": 0, "prompt_tokens": 0,
                "completion_tokens": 0, "cached_prompt_tokens": 0, "cached_completion_tokens": 0}

    def _finish(self, row: dict, tally: dict) -> dict:
        row["calls"] = tally["calls"]
        row["cached_calls"] = tally["cached"]
        row["repairs"] = tally["repairs"]
        row["prompt_tokens"] = tally["prompt_tokens"]
        row["completion_tokens"] = tally["completion_tokens"]
        row["cost"] = self.model.prices.cost(tally["prompt_tokens"], tally["completion_tokens"])
        return row

    async def _row(self, inputs: Mapping[str, Any]) -> dict:
        tally = self._tally()
        try:
            row = await self._judge(inputs, tally)
            row.setdefault("error", None)
        except JudgeError as e:
            row = self._empty()
            row["error"] = str(e)
        return self._finish(row, tally)

    async def _judge(self, inputs: Mapping[str, Any], tally: dict) -> dict:
        raise NotImplementedError

    def _empty(self) -> dict:
        raise NotImplementedError

    def _inputs(self, record: Mapping[str, Any], columns: Mapping[str, str]) -> dict:
        return {name: record.get(columns.get(name, name)) for name in self.inputs}

    inputs: tuple = ()

    async def abatch(self, records: Any, *, columns: Optional[Mapping[str, str]] = None
                     ) -> JudgeResults:
        """Judges every record concurrently (the model's ``concurrency`` bounds calls in flight);
        see :meth:`batch`."""
        return await self.model.arun(self._batch(records, columns or {}))

    def batch(self, records: Any, *, columns: Optional[Mapping[str, str]] = None) -> JudgeResults:
        """Judges every record: a list of dicts or a pandas DataFrame with the judge's inputs
        (``columns`` maps an input name to another column name). One result per record, in
        order; a record whose calls or answers failed has ``error`` set and the rest are scored."""
        return self.model.run(self._batch(records, columns or {}))

    async def _batch(self, records: Any, columns: Mapping[str, str]) -> JudgeResults:
        if hasattr(records, "to_dict") and hasattr(records, "columns"):
            records = records.to_dict("records")
        before = self.model.usage
        rows = await asyncio.gather(*(self._row(self._inputs(r, columns)) for r in records))
        out = JudgeResults(rows)
        out.usage = self.model.usage - before
        return out

    def _one(self, inputs: Mapping[str, Any]) -> dict:
        row = self.model.run(self._row(inputs))
        if row["error"] is not None:
            raise JudgeError(row["error"])
        return row


def _spread(values: Sequence[float]) -> float:
    return statistics.pstdev(values) if len(values) > 1 else 0.0


class RubricJudge(_Judge):
    """A G-Eval rubric judge (Liu et al., 2023): criteria and evaluation steps, the source and the
    summary; the model answers ``{"score": N}`` on the rubric's scale (1-5).

    ``criterion``: ``relevance``, ``consistency``, ``coherence``, ``fluency``, ``conciseness`` or a
    :class:`Rubric` of your own. With log-probabilities the rating of a sample is G-Eval's
    probability-weighted mean over the score tokens, else the integer answered. ``samples`` > 1
    draws that many answers (seeds ``seed``, ``seed + 1``, ...; temperature 1 by default) and
    reports their mean and spread (population standard deviation).

    A result row: ``score`` (the mean rating mapped to 0..1: (rating - low) / (high - low)),
    ``rating`` (on the rubric's scale), ``spread``, ``ratings`` (per sample), ``weighted`` (how
    many samples had log-probability weights), ``error``, and the accounting columns
    ``calls``, ``cached_calls``, ``repairs``, ``prompt_tokens``, ``completion_tokens``, ``cost``.
    """

    inputs = ("summary", "source")

    def __init__(self, criterion: Union[str, Rubric], model: Union[ChatModel, Callable[..., Any]],
                 *, template: Optional[Template] = None, max_tokens: int = 32, **options: Any):
        if isinstance(criterion, str):
            if criterion not in RUBRICS:
                raise _error(f"unknown criterion '{criterion}' (expected "
                             f"{', '.join(RUBRICS)} or a Rubric)")
            criterion = RUBRICS[criterion]
        self.rubric = criterion
        super().__init__(model, template=template_for(criterion, template), max_tokens=max_tokens,
                         **options)
        schema = copy.deepcopy(dict(self.template.schema))
        schema["properties"] = dict(schema["properties"])
        # The enum lets an endpoint that compiles the schema into a grammar (llama.cpp) allow
        # exactly the scale's values; minimum and maximum give the clearer violation message.
        schema["properties"]["score"] = {"type": "integer", "minimum": criterion.low,
                                         "maximum": criterion.high,
                                         "enum": list(range(criterion.low, criterion.high + 1))}
        self.schema = schema
        # The rubric's own version joins the template's in the cache key.
        self._tagged = self.template.replace(
            version=f"{self.template.version}+{criterion.name}-{criterion.version}")

    def _empty(self) -> dict:
        return {"score": None, "rating": None, "spread": None, "ratings": [], "weighted": 0}

    async def _judge(self, inputs: Mapping[str, Any], tally: dict) -> dict:
        summary = inputs.get("summary")
        if not isinstance(summary, str):
            raise JudgeError("summary: expected a string")
        source = inputs.get("source")
        if self.rubric.needs_source and source is None:
            raise JudgeError("source: missing (this criterion reads the source)")
        messages = self.template.render(summary=summary, source=format_sources(source),
                                        **self.rubric.fill())
        choices = {str(k): float(k) for k in range(self.rubric.low, self.rubric.high + 1)}
        answers = await asyncio.gather(*(self._ask(messages, self.schema, self._tagged, s, tally)
                                         for s in range(self.samples)))
        ratings, weighted = [], 0
        for value, completion in answers:
            w = weighted_choice(completion, "score", choices)
            if w is not None:
                weighted += 1
                ratings.append(w)
            else:
                ratings.append(float(value["score"]))
        rating = statistics.fmean(ratings)
        return {"score": (rating - self.rubric.low) / (self.rubric.high - self.rubric.low),
                "rating": rating, "spread": _spread(ratings), "ratings": ratings,
                "weighted": weighted}

    def __call__(self, summary: str, source: Any = None) -> dict:
        """Judges one summary; raises :class:`JudgeError` when it fails."""
        return self._one({"summary": summary, "source": source})

    async def ajudge(self, summary: str, source: Any = None) -> dict:
        row = await self.model.arun(self._row({"summary": summary, "source": source}))
        if row["error"] is not None:
            raise JudgeError(row["error"])
        return row


SUPPORT_VALUES = {"supported": 1.0, "partially_supported": 0.5, "not_supported": 0.0}


class CitationSupportJudge(_Judge):
    """Claim-level citation support: a claim and the evidence it cites -> ``supported`` (1),
    ``partially_supported`` (0.5) or ``not_supported`` (0), with a rationale.

    Usable as the citation metrics' judge: ``precis.citations(summary, sources,
    support=judge)`` or ``CitationScorer(sources, support=judge)`` call it as ``judge(claim, ids,
    texts) -> float`` (with log-probabilities: the probability-weighted support). A claim whose
    judging fails raises :class:`JudgeError`, which fails that summary's row, not the batch.
    ``batch`` takes records with ``claim`` and ``evidence`` (sources in any form
    :func:`format_sources` reads) and gives ``score``, ``verdict``, ``rationale``, ``spread``."""

    template = CITATION_SUPPORT
    inputs = ("claim", "evidence")

    def __init__(self, model: Union[ChatModel, Callable[..., Any]], *,
                 template: Optional[Template] = None, max_tokens: int = 160, **options: Any):
        super().__init__(model, template=template, max_tokens=max_tokens, **options)

    def _empty(self) -> dict:
        return {"score": None, "verdict": None, "rationale": None, "spread": None}

    async def _judge(self, inputs: Mapping[str, Any], tally: dict) -> dict:
        claim = inputs.get("claim")
        if not isinstance(claim, str):
            raise JudgeError("claim: expected a string")
        evidence = format_sources(inputs.get("evidence"))
        if not evidence.strip():
            return {"score": 0.0, "verdict": "not_supported",
                    "rationale": "no evidence text is cited", "spread": 0.0}
        messages = self.template.render(claim=claim, evidence=evidence)
        answers = await asyncio.gather(*(
            self._ask(messages, self.template.schema, self.template, s, tally)
            for s in range(self.samples)))
        values = []
        for value, completion in answers:
            w = weighted_choice(completion, "verdict", SUPPORT_VALUES)
            values.append(SUPPORT_VALUES[value["verdict"]] if w is None else w)
        first = answers[0][0]
        return {"score": statistics.fmean(values), "verdict": first["verdict"],
                "rationale": first.get("rationale"), "spread": _spread(values)}

    def judge(self, claim: str, evidence: Any) -> dict:
        """One claim against its evidence; raises :class:`JudgeError` when it fails."""
        return self._one({"claim": claim, "evidence": evidence})

    def __call__(self, claim: str, ids: Sequence[str], texts: Sequence[str]) -> float:
        """The citation scorer's ``support=`` signature."""
        return self.judge(claim, list(zip(ids, texts)))["score"]


def _leaves(value: Any, pointer: str = "") -> Iterable[tuple]:
    if isinstance(value, Mapping):
        for k, v in value.items():
            yield from _leaves(v, f"{pointer}/{str(k).replace('~', '~0').replace('/', '~1')}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, f"{pointer}/{i}")
    else:
        yield pointer, value


FIELD_VALUES = {"correct": 1.0, "incorrect": 0.0, "not_in_sources": 0.0}


class ExtractionJudge(_Judge):
    """Field-level judge of a JSON extraction against its sources: every leaf field (by JSON
    Pointer) is judged ``correct``, ``incorrect`` or ``not_in_sources``, concurrently.

    Records have ``extraction`` (a JSON value, or LLM output text parsed tolerantly) and
    ``sources``. A result row: ``score`` (share of fields judged correct), ``fields`` (per field:
    ``pointer``, ``value``, ``verdict``, ``rationale``, ``score``), ``correct``, ``incorrect``,
    ``not_in_sources``. ``ignore``: JSON Pointers (and their subtrees) not to judge. A field whose
    judging failed makes the row's ``error`` name it (and ``score`` None)."""

    template = FIELD_SUPPORT
    inputs = ("extraction", "sources")

    def __init__(self, model: Union[ChatModel, Callable[..., Any]], *,
                 template: Optional[Template] = None, max_tokens: int = 160,
                 ignore: Sequence[str] = (), **options: Any):
        super().__init__(model, template=template, max_tokens=max_tokens, **options)
        self.ignore = tuple(ignore)

    def _empty(self) -> dict:
        return {"score": None, "fields": [], "correct": None, "incorrect": None,
                "not_in_sources": None}

    async def _field(self, pointer: str, value: Any, sources: str, tally: dict) -> dict:
        text = json.dumps(value, ensure_ascii=False)
        messages = self.template.render(pointer=pointer, value=text, sources=sources)
        try:
            answers = await asyncio.gather(*(
                self._ask(messages, self.template.schema, self.template, s, tally)
                for s in range(self.samples)))
        except JudgeError as e:
            return {"pointer": pointer, "value": value, "verdict": None, "rationale": None,
                    "score": None, "error": str(e)}
        scores = []
        for answer, completion in answers:
            w = weighted_choice(completion, "verdict", {"correct": 1.0, "incorrect": 0.0,
                                                        "not_in_sources": 0.0})
            scores.append(FIELD_VALUES[answer["verdict"]] if w is None else w)
        first = answers[0][0]
        return {"pointer": pointer, "value": value, "verdict": first["verdict"],
                "rationale": first.get("rationale"), "score": statistics.fmean(scores),
                "error": None}

    async def _judge(self, inputs: Mapping[str, Any], tally: dict) -> dict:
        extraction = inputs.get("extraction")
        if isinstance(extraction, str):
            parsed = structured.parse_json_output(extraction)
            if parsed["error"] is not None:
                raise JudgeError(f"extraction: {parsed['error']['message']}")
            extraction = parsed["value"]
        sources = format_sources(inputs.get("sources"))
        leaves = [(p, v) for p, v in _leaves(extraction)
                  if not any(p == i or p.startswith(i + "/") for i in self.ignore)]
        fields = await asyncio.gather(*(self._field(p, v, sources, tally) for p, v in leaves))
        failed = [f["pointer"] or "/" for f in fields if f["error"] is not None]
        verdicts = [f["verdict"] for f in fields]
        row = {"fields": fields, "correct": verdicts.count("correct"),
               "incorrect": verdicts.count("incorrect"),
               "not_in_sources": verdicts.count("not_in_sources")}
        if failed:
            row["score"] = None
            first = next(f["error"] for f in fields if f["error"] is not None)
            row["error"] = (f"{len(failed)} of {len(fields)} fields could not be judged "
                            f"({', '.join(failed[:5])}): {first}")
        else:
            row["score"] = (statistics.fmean(f["score"] for f in fields) if fields else None)
        return row

    def __call__(self, extraction: Any, sources: Any) -> dict:
        """Judges one extraction; raises :class:`JudgeError` when it fails."""
        return self._one({"extraction": extraction, "sources": sources})


class PairwiseJudge(_Judge):
    """Pairwise comparison of two summaries of one source on one criterion, asked twice with the
    order swapped to cancel position bias (Zheng et al., 2023, "Judging LLM-as-a-Judge").

    A result row: ``preference`` (how much A is preferred, 0..1: the mean over both orders of
    1 for A, 0.5 for a tie, 0 for B, or with log-probabilities the probability-weighted value),
    ``winner`` (``A`` or ``B`` when both orders agree on it, else ``tie``), ``consistent`` (both
    orders gave the same verdict), ``verdicts`` (as asked, then swapped and mapped back)."""

    template = PAIRWISE
    inputs = ("summary_a", "summary_b", "source")

    def __init__(self, model: Union[ChatModel, Callable[..., Any]], criterion: Union[str, Rubric] =
                 "relevance", *, template: Optional[Template] = None, max_tokens: int = 32,
                 **options: Any):
        if isinstance(criterion, str):
            if criterion not in RUBRICS:
                raise _error(f"unknown criterion '{criterion}'")
            criterion = RUBRICS[criterion]
        self.rubric = criterion
        super().__init__(model, template=template, max_tokens=max_tokens, **options)
        self._tagged = self.template.replace(
            version=f"{self.template.version}+{criterion.name}-{criterion.version}")

    def _empty(self) -> dict:
        return {"preference": None, "winner": None, "consistent": None, "verdicts": []}

    async def _order(self, first: str, second: str, source: str, sample: int, tally: dict,
                     swapped: bool) -> tuple:
        fill = self.rubric.fill()
        messages = self.template.render(summary_a=first, summary_b=second, source=source,
                                        criterion=fill["criterion"], Criterion=fill["Criterion"],
                                        criteria=fill["criteria"])
        value, completion = await self._ask(messages, self.template.schema, self._tagged, sample,
                                            tally)
        prefs = {"A": 1.0, "B": 0.0, "tie": 0.5}
        w = weighted_choice(completion, "winner", prefs)
        pref = prefs[value["winner"]] if w is None else w
        verdict = value["winner"]
        if swapped:  # the first summary shown was B
            pref = 1.0 - pref
            verdict = {"A": "B", "B": "A", "tie": "tie"}[verdict]
        return pref, verdict

    async def _judge(self, inputs: Mapping[str, Any], tally: dict) -> dict:
        a, b = inputs.get("summary_a"), inputs.get("summary_b")
        if not isinstance(a, str) or not isinstance(b, str):
            raise JudgeError("summary_a, summary_b: expected strings")
        source = format_sources(inputs.get("source"))
        runs = await asyncio.gather(*(
            self._order(x, y, source, s, tally, swapped)
            for s in range(self.samples)
            for x, y, swapped in ((a, b, False), (b, a, True))))
        prefs = [p for p, _ in runs]
        verdicts = [v for _, v in runs]
        consistent = len(set(verdicts)) == 1
        winner = verdicts[0] if consistent else "tie"
        return {"preference": statistics.fmean(prefs), "winner": winner,
                "consistent": consistent, "verdicts": verdicts}

    def __call__(self, summary_a: str, summary_b: str, source: Any = None) -> dict:
        """Compares one pair; raises :class:`JudgeError` when it fails."""
        return self._one({"summary_a": summary_a, "summary_b": summary_b, "source": source})
