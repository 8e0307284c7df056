"""Minimal pairs: a behavioral contract for the metrics (docs/metrics/behavior.md).

A *minimal pair* is a faithful summary and a twin that differs from it by one error of a known
kind: a number changed, an entity swapped, a citation pointed at the wrong source, ... A metric
that claims to detect that kind of error must score the faithful summary strictly higher. This
module builds the pairs from records whose summaries say, per sentence, which sources they cite,
and measures, per metric and kind of error, the share of pairs the metric orders correctly.

Records (``tests/data/behavior/records.jsonl`` is the project's set)::

    {"id": "news-03", "genre": "news", "query": "...",                  # query optional
     "subject": {"name": "Maria Lopez", "aliases": ["Maria"]},         # optional
     "sources": [{"id": "s1", "text": "...", "author": "..."}],
     "summary": [{"text": "One sentence.", "cites": ["s1"]}, ...]}

Every perturbation is deterministic for a given ``seed``. Usage::

    pairs = precis.behavior.minimal_pairs(records)
    matrix = precis.behavior.contract_matrix(pairs)      # {(metric, perturbation): accuracy}
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence

from . import split_sentences

__all__ = [
    "CONTRACT", "METRICS", "PERTURBATIONS", "Pair", "contract_matrix", "minimal_pairs",
    "render", "score_pair",
]

#: Kind of error -> what the corrupted twin does.
PERTURBATIONS: dict[str, str] = {
    "off_topic": "the summary of another record (about something else)",
    "appended_other": "a sentence from another record's source appended, citing a source",
    "truncated": "only the first sentence kept, where the summary had more",
    "number_changed": "a number of a cited claim changed (to another number of the source, "
                      "or to one it does not have)",
    "date_changed": "a year, month or weekday changed",
    "entity_swapped": "a name replaced by another name of the same source (from another "
                      "sentence)",
    "number_swapped_in_sentence": "a number replaced by another number of the sentence the "
                                  "claim comes from (no metric claims to catch it)",
    "entity_swapped_in_sentence": "a name replaced by another name of the sentence the claim "
                                  "comes from (no metric claims to catch it)",
    "negation_added": "a 'not' added to an affirmative claim",
    "negation_removed": "a negation of a claim removed",
    "padded": "filler sentences added",
    "repeated": "a sentence said twice",
    "citations_shuffled": "the claims' citations permuted among the claims",
    "wrong_citation": "one claim's citation pointed at another source",
    "multi_cite_wrong": "one of the sources of a claim citing several replaced by a wrong one",
}

#: Metric name -> function of a score_pair result row (higher is better).
METRICS: dict[str, Callable[[Mapping[str, Any]], float]] = {
    "relevance": lambda r: r["grounded"]["relevance"]["score"],
    "faithfulness": lambda r: r["grounded"]["faithfulness"]["score"],
    "conciseness": lambda r: r["grounded"]["conciseness"]["score"],
    "citation_support": lambda r: r["citations"]["mean_support"],
    "citation_precision": lambda r: r["citations"]["precision"],
}

#: What each metric promises to detect: the contract the tests hold it to (>= 95% of pairs).
CONTRACT: dict[str, tuple[str, ...]] = {
    "relevance": ("off_topic", "appended_other", "truncated", "padded", "repeated"),
    "faithfulness": ("off_topic", "appended_other", "number_changed", "date_changed",
                     "entity_swapped", "negation_added", "negation_removed"),
    "conciseness": ("padded", "repeated"),
    "citation_support": ("appended_other", "number_changed", "date_changed", "entity_swapped",
                         "negation_added", "negation_removed", "citations_shuffled",
                         "wrong_citation", "multi_cite_wrong"),
    # ALCE precision counts a citation as relevant only when its claim is supported, so a wrong
    # citation of a claim the lexical judge finds unsupported anyway changes nothing: measured,
    # not promised, for wrong_citation and multi_cite_wrong (docs/metrics/behavior.md).
    "citation_precision": ("citations_shuffled",),
}


@dataclass(frozen=True)
class Pair:
    """A faithful summary and its corrupted twin, both rendered with ``[n]`` markers."""

    record_id: str
    genre: str
    perturbation: str
    good: str
    bad: str
    sources: list = field(hash=False)
    query: Optional[str] = None
    subject: Optional[dict] = field(default=None, hash=False)
    what: str = ""  # the change, e.g. "'25' -> '38'"


_FILLERS = (
    "It is worth noting that this is, in many ways, quite important.",
    "Overall, there are many different aspects that one could consider here.",
    "In conclusion, this is something that matters to a lot of people in general.",
    "Needless to say, it goes without saying that all of this is very interesting.",
    "At the end of the day, it is what it is, as they say.",
    "Generally speaking, various things could basically be said about it.",
)
_MONTHS = ("January February March April May June July August September October November "
           "December").split()
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:,\d{3})*(?:\.\d+)?(?![\w]|[.,]\d)")
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_CAPITALIZED = re.compile(r"[A-Z][\w'-]*(?:\s+(?:of|de|van|von|the)?\s*[A-Z][\w'-]*)*")
_AUXILIARY = re.compile(r"\b(is|was|are|were|will|can|could|would|should|has|have|had)\b "
                        r"(?!not\b|never\b|no\b)")
_NEGATIONS = ((re.compile(r"\b(?:do|does|did)n't\s+"), ""),
              (re.compile(r"\b(is|was|are|were|has|have|had|could|would|should)n't\b"), r"\1"),
              (re.compile(r"\bcan't\b|\bcannot\b"), "can"), (re.compile(r"\bwon't\b"), "will"),
              (re.compile(r"\b(?:do|does|did) not\s+"), ""), (re.compile(r"\bnot\s+"), ""),
              (re.compile(r"\bnever\s+"), ""), (re.compile(r"\bno longer\b"), "still"))
_NEGATED = re.compile(r"\b(?:not|never|no|nobody|nothing|none|neither|nor|cannot|without)\b|n't\b",
                      re.I)


def render(sentences: Sequence[Mapping[str, Any]], sources: Sequence[Mapping[str, Any]]) -> str:
    """The summary text, each sentence's citations as ``[n]`` (n = 1-based source position)
    before its final punctuation, as LLM summaries write them."""
    position = {s["id"]: k + 1 for k, s in enumerate(sources)}
    out = []
    for s in sentences:
        text = s["text"].strip()
        marks = "".join(f"[{position[c]}]" if c in position else f"[{c}]" for c in s["cites"])
        if marks:
            end = len(text.rstrip(".!?"))
            text = f"{text[:end]} {marks}{text[end:]}"
        out.append(text)
    return " ".join(out)


def _cited_text(record: Mapping[str, Any], sentence: Mapping[str, Any]) -> str:
    texts = {s["id"]: s["text"] for s in record["sources"]}
    return "\n".join(texts[c] for c in sentence["cites"] if c in texts)


def _all_text(record: Mapping[str, Any]) -> str:
    return "\n".join(s["text"] for s in record["sources"])


def _replace_span(text: str, begin: int, end: int, new: str) -> str:
    return text[:begin] + new + text[end:]


def _subject_words(record: Mapping[str, Any]) -> set:
    subject = record.get("subject") or {}
    names = [subject.get("name", "")] + list(subject.get("aliases", []))
    return {w for n in names for w in n.split() if w}


def _numbers(text: str) -> list:
    return [m for m in _NUMBER.finditer(text) if not _YEAR.fullmatch(m.group())]


def _new_number(old: str, avoid: set, rng: random.Random) -> str:
    decimals = len(old.split(".")[1]) if "." in old else 0
    value = float(old.replace(",", ""))
    for _ in range(100):
        step = rng.choice((1, 2, 3, 5, 7, 10)) * max(1.0, round(abs(value) * 0.2))
        new = value + step if rng.random() < 0.6 or value - step <= 0 else value - step
        text = f"{new:,.{decimals}f}" if "," in old else f"{new:.{decimals}f}"
        if text not in avoid:
            return text
    raise AssertionError(f"no new number for {old!r}")


def _pick_other(rng: random.Random, own: str, pool: Sequence[str], avoid: set) -> Optional[str]:
    choices = sorted(x for x in pool if x != own and x not in avoid)
    return rng.choice(choices) if choices else None


def _names(text: str, skip: set) -> list:
    """Capitalized runs that are not at a sentence start, not a month, weekday or subject name."""
    found = []
    for m in _CAPITALIZED.finditer(text):
        before = text[:m.start()].rstrip()
        if not before or before[-1] in ".!?:\n\"":
            continue
        words = m.group().split()
        # Names only: not acronyms or units ("GB", "CI", "°C"), months, weekdays or "I".
        if any(w in skip or w in _MONTHS or w in _WEEKDAYS or w == "I" or w.startswith("I'")
               or w.isupper() or not w[1:].islower() and not w[1:].replace("'s", "").isalpha()
               for w in words) or text[m.start() - 1:m.start()] == "°":
            continue
        found.append(m)
    return found


def _split_elsewhere(cited: str, original: str, candidates: Iterable[str]) -> tuple:
    """Candidates written in no source sentence that writes `original` (elsewhere), and those
    written beside it (in_sentence)."""
    beside = [t for t, _, _ in split_sentences(cited) if original in t]
    elsewhere = sorted(c for c in candidates if not any(c in t for t in beside))
    in_sentence = sorted(c for c in candidates if any(c in t for t in beside))
    return elsewhere, in_sentence


def _sentence_variants(record, rng):
    """(perturbation, sentence index, new sentence text, what) for the per-sentence edits."""
    summary = record["summary"]
    skip = _subject_words(record)
    for i, s in enumerate(summary):
        text, cited = s["text"], _cited_text(record, s)
        if not s["cites"] or not cited:
            continue
        # number_changed: half the time to a number of another sentence of the cited source
        # (still a source number, so only a claim-level check sees it), else to a number no
        # source has. A number of the claim's own source sentence is a separate kind.
        for m in _numbers(text):
            if m.group() not in cited:
                continue
            others = {n.group() for n in _numbers(cited)} - {n.group() for n in _numbers(text)}
            elsewhere, beside = _split_elsewhere(cited, m.group(), others)
            new = rng.choice(elsewhere) if elsewhere and rng.random() < 0.5 else \
                _new_number(m.group(), {n.group() for n in _numbers(_all_text(record))}, rng)
            yield "number_changed", i, _replace_span(text, m.start(), m.end(), new), \
                f"{m.group()!r} -> {new!r}"
            if beside:
                new = rng.choice(beside)
                yield "number_swapped_in_sentence", i, \
                    _replace_span(text, m.start(), m.end(), new), f"{m.group()!r} -> {new!r}"
        # date_changed: a year, a month or a weekday.
        for m in _YEAR.finditer(text):
            if m.group() not in cited:
                continue
            others = sorted(set(_YEAR.findall(cited)) - set(_YEAR.findall(text)))
            new = rng.choice(others) if others and rng.random() < 0.5 else \
                str(int(m.group()) + rng.choice((-3, -2, -1, 1, 2, 3)))
            yield "date_changed", i, _replace_span(text, m.start(), m.end(), new), \
                f"{m.group()!r} -> {new!r}"
        for names in (_MONTHS, _WEEKDAYS):
            for m in re.finditer(r"\b(" + "|".join(names) + r")\b", text):
                if m.group() not in cited:
                    continue
                new = _pick_other(rng, m.group(), names, set())
                yield "date_changed", i, _replace_span(text, m.start(), m.end(), new), \
                    f"{m.group()!r} -> {new!r}"
        # entity_swapped: a name of the claim for another name the same source has.
        in_text = {m.group() for m in _names(text, skip)}
        pool = [m.group() for m in _names(cited, skip)]
        for m in _names(text, skip):
            if m.group() not in cited:
                continue
            candidates = {p for p in pool if p not in in_text and p not in m.group()
                          and m.group() not in p}
            elsewhere, beside = _split_elsewhere(cited, m.group(), candidates)
            for kind, found in (("entity_swapped", elsewhere),
                                ("entity_swapped_in_sentence", beside)):
                same_length = [p for p in found if len(p.split()) == len(m.group().split())]
                found = same_length or found
                if found:
                    new = rng.choice(found)
                    yield kind, i, _replace_span(text, m.start(), m.end(), new), \
                        f"{m.group()!r} -> {new!r}"
        # negation_added / negation_removed.
        if not _NEGATED.search(text):
            m = _AUXILIARY.search(text)
            if m and not (m.group(1) in ("has", "have", "had")
                          and not re.match(r"\w+(ed|en)\b", text[m.end():])):
                yield "negation_added", i, text[:m.end(1)] + " not" + text[m.end(1):], \
                    f"'not' after {m.group(1)!r}"
        else:
            for pattern, repl in _NEGATIONS:
                new, n = pattern.subn(repl, text, count=1)
                if n:
                    yield "negation_removed", i, new, f"{pattern.pattern!r} removed"
                    break


def _derangement(items: list, rng: random.Random) -> Optional[list]:
    for _ in range(200):
        perm = items[:]
        rng.shuffle(perm)
        if all(a != b for a, b in zip(items, perm)):
            return perm
    return None


def minimal_pairs(records: Iterable[Mapping[str, Any]], seed: int = 0) -> list:
    """Every minimal pair the records allow (see PERTURBATIONS), deterministic for ``seed``."""
    records = list(records)
    pairs = []
    for k, record in enumerate(records):
        rng = random.Random(f"{seed}:{record['id']}")
        sources, summary = record["sources"], record["summary"]
        good = render(summary, sources)

        def pair(kind, sentences, what=""):
            pairs.append(Pair(record["id"], record.get("genre", ""), kind, good,
                              render(sentences, sources), sources, record.get("query"),
                              record.get("subject"), what))

        def with_sentence(i, text=None, cites=None):
            out = [dict(s) for s in summary]
            if text is not None:
                out[i]["text"] = text
            if cites is not None:
                out[i]["cites"] = cites
            return out

        others = [r for j, r in enumerate(records) if j != k
                  and r.get("genre") != record.get("genre")] or \
            [r for j, r in enumerate(records) if j != k]
        other = others[rng.randrange(len(others))]
        first_id = sources[0]["id"]
        pair("off_topic", [{"text": s["text"], "cites": [first_id]} for s in other["summary"]],
             f"summary of {other['id']}")
        other_source = other["sources"][rng.randrange(len(other["sources"]))]["text"]
        stranger = split_sentences(other_source)[0][0].strip()
        cite = sources[rng.randrange(len(sources))]["id"]
        pair("appended_other", summary + [{"text": stranger, "cites": [cite]}],
             f"+ {stranger[:40]!r}")
        if len(summary) >= 2:
            pair("truncated", summary[:1])
        padding = rng.sample(_FILLERS, 2)
        pair("padded", summary + [{"text": f, "cites": []} for f in padding])
        i = rng.randrange(len(summary))
        pair("repeated", summary + [dict(summary[i])], f"sentence {i} again")
        for kind, i, text, what in _sentence_variants(record, rng):
            pair(kind, with_sentence(i, text=text), f"sentence {i}: {what}")
        ids = [s["id"] for s in sources]
        cites = [list(s["cites"]) for s in summary]
        if len({tuple(c) for c in cites}) > 1:
            perm = _derangement(cites, rng)
            if perm is not None:
                pair("citations_shuffled",
                     [dict(s, cites=c) for s, c in zip(summary, perm)])
        if len(ids) > 1:
            i = rng.randrange(len(summary))
            wrong = _pick_other(rng, "", ids, set(summary[i]["cites"]))
            if wrong is not None and summary[i]["cites"]:
                pair("wrong_citation", with_sentence(i, cites=[wrong]),
                     f"sentence {i} cites {wrong}")
        for i, s in enumerate(summary):
            if len(s["cites"]) >= 2:
                wrong = _pick_other(rng, "", ids, set(s["cites"]))
                if wrong is None:
                    continue
                j = rng.randrange(len(s["cites"]))
                new = list(s["cites"])
                replaced, new[j] = new[j], wrong
                pair("multi_cite_wrong", with_sentence(i, cites=new),
                     f"sentence {i}: {replaced} -> {wrong}")
    return pairs


def score_pair(pair: Pair, **options: Any) -> tuple:
    """(good, bad) rows of ``{"grounded": ..., "citations": ...}`` for one pair."""
    from .citations import citations
    from .grounded import grounded

    sources = [{"id": s["id"], "text": s["text"]} for s in pair.sources]
    rows = []
    for summary in (pair.good, pair.bad):
        rows.append({"grounded": grounded(summary, sources, pair.query, subject=pair.subject,
                                          **options),
                     "citations": citations(summary, sources, subject=pair.subject)})
    return tuple(rows)


def contract_matrix(pairs: Sequence[Pair], metrics: Optional[Mapping[str, Callable]] = None,
                    **options: Any) -> dict:
    """``{(metric, perturbation): (correct, total)}``: pairs where the faithful summary scores
    strictly higher, over all pairs of that perturbation."""
    metrics = METRICS if metrics is None else metrics
    counts: dict = {}
    for pair in pairs:
        good, bad = score_pair(pair, **options)
        for name, value in metrics.items():
            key = (name, pair.perturbation)
            correct, total = counts.get(key, (0, 0))
            counts[key] = (correct + (value(good) > value(bad)), total + 1)
    return counts
