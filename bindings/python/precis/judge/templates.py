"""Prompt templates of the LLM judges: versioned, documented (docs/judge/templates.md), overridable.

A :class:`Template` is a system and a user message with ``$name`` placeholders
(:class:`string.Template`, so JSON braces in a prompt need no escaping) and the JSON Schema of
the answer it asks for. Its ``name`` and ``version`` are part of every cache key: change a prompt
and give it a new version (``template.replace(user=..., version="my-1")``), and cached answers
of the old prompt are not reused.

The rubric judges follow G-Eval (Liu et al., 2023, "G-Eval: NLG Evaluation using GPT-4 with
Better Human Alignment"): a task introduction, the evaluation criteria, the evaluation steps
(the chain of thought the paper has the model write once per criterion, fixed here), the input,
and a form that asks for the score only. The criteria paraphrase the SummEval annotation
guidelines (Fabbri et al., 2021) for relevance, consistency, coherence and fluency; conciseness
is ours. Where G-Eval reads the score as free text, these templates ask for a JSON object, so that
the answer is parsed strictly against a schema.
"""

from __future__ import annotations

import dataclasses
import string
from typing import Any, Mapping, Optional

__all__ = [
    "CITATION_SUPPORT", "COHERENCE", "CONCISENESS", "CONSISTENCY", "FIELD_SUPPORT", "FLUENCY",
    "PAIRWISE", "RELEVANCE", "RUBRIC", "RUBRICS", "Rubric", "Template",
]


@dataclasses.dataclass(frozen=True)
class Template:
    """A versioned prompt: ``system`` and ``user`` messages with ``$placeholders`` and the JSON
    Schema of the answer. ``render(**values)`` fills every placeholder (a missing one raises
    :class:`precis.PrecisError`)."""

    name: str
    version: str
    system: str
    user: str
    schema: Mapping[str, Any]
    description: str = ""

    @property
    def tag(self) -> str:
        """``name@version``, the template's part of a cache key."""
        return f"{self.name}@{self.version}"

    def placeholders(self) -> set:
        """Names of the ``$placeholders`` of both messages."""
        names = set()
        for text in (self.system, self.user):
            for match in string.Template.pattern.finditer(text):
                name = match.group("named") or match.group("braced")
                if name:
                    names.add(name)
        return names

    def render(self, **values: Any) -> list:
        """The chat messages with every placeholder filled."""
        from .._core import PrecisError

        missing = sorted(self.placeholders() - set(values))
        if missing:
            raise PrecisError(f"[precis.invalid_argument] template '{self.tag}' needs "
                              f"{', '.join(missing)}")
        text = {k: str(v) for k, v in values.items()}
        messages = []
        if self.system:
            messages.append({"role": "system",
                             "content": string.Template(self.system).substitute(text)})
        messages.append({"role": "user", "content": string.Template(self.user).substitute(text)})
        return messages

    def replace(self, **changes: Any) -> "Template":
        """A copy with fields changed; give a changed prompt a new ``version``."""
        return dataclasses.replace(self, **changes)


@dataclasses.dataclass(frozen=True)
class Rubric:
    """One G-Eval criterion: its name, definition, evaluation steps, the integer scale and whether
    the judge needs the source (fluency does not)."""

    name: str
    criteria: str
    steps: tuple
    low: int = 1
    high: int = 5
    needs_source: bool = True
    version: str = "1"

    def fill(self) -> dict:
        """The template values this rubric provides."""
        return {
            "criterion": self.name,
            "Criterion": self.name[:1].upper() + self.name[1:],
            "criteria": self.criteria,
            "steps": "\n".join(f"{i}. {step}" for i, step in enumerate(self.steps, 1)),
            "low": self.low,
            "high": self.high,
        }


RUBRIC = Template(
    name="geval-rubric",
    version="1",
    description="G-Eval rubric judge: criteria, evaluation steps, source and summary; answers "
                "{\"score\": integer in [low, high]}.",
    system="You evaluate summaries. You follow the evaluation steps and answer with a JSON object "
           "only.",
    user="""You will be given one summary written for a source text.

Your task is to rate the summary on one criterion: $criterion.

Please make sure you read and understand these instructions carefully.

Evaluation Criteria:

$Criterion ($low-$high) - $criteria

Evaluation Steps:

$steps

Source Text:

$source

Summary:

$summary

Evaluation Form (score ONLY): answer with a JSON object {"score": N}, where N is an integer from \
$low to $high.""",
    schema={"type": "object", "properties": {"score": {"type": "integer"}},
            "required": ["score"]},
)

RUBRIC_WITHOUT_SOURCE = RUBRIC.replace(
    name="geval-rubric-summary-only",
    description="G-Eval rubric judge for criteria that read the summary alone (fluency).",
    user="""You will be given one summary.

Your task is to rate the summary on one criterion: $criterion.

Please make sure you read and understand these instructions carefully.

Evaluation Criteria:

$Criterion ($low-$high) - $criteria

Evaluation Steps:

$steps

Summary:

$summary

Evaluation Form (score ONLY): answer with a JSON object {"score": N}, where N is an integer from \
$low to $high.""",
)

RELEVANCE = Rubric(
    name="relevance",
    criteria="selection of important content from the source. The summary should include only "
             "important information from the source text. Penalize summaries that contain "
             "redundancies and excess information.",
    steps=("Read the summary and the source text carefully.",
           "Compare the summary to the source text and identify the main points of the source.",
           "Assess how well the summary covers the main points of the source, and how much "
           "irrelevant or redundant information it contains.",
           "Assign a relevance score from 1 to 5."),
)
CONSISTENCY = Rubric(
    name="consistency",
    criteria="the factual alignment between the summary and the source. A factually consistent "
             "summary contains only statements that are entailed by the source text. Penalize "
             "summaries that contain hallucinated facts.",
    steps=("Read the source text carefully and identify the main facts and details it presents.",
           "Read the summary and compare it to the source text. Check whether the summary "
           "contains any factual errors that are not supported by the source text.",
           "Assign a score for consistency from 1 to 5."),
)
COHERENCE = Rubric(
    name="coherence",
    criteria="the collective quality of all sentences. The summary should be well-structured and "
             "well-organized. It should not be a heap of related information, but should build "
             "from sentence to sentence to a coherent body of information about a topic.",
    steps=("Read the source text carefully and identify the main topic and key points.",
           "Read the summary and compare it to the source text. Check whether the summary covers "
           "the main topic and key points, and whether it presents them in a clear and logical "
           "order.",
           "Assign a score for coherence from 1 to 5."),
)
FLUENCY = Rubric(
    name="fluency",
    criteria="the quality of the summary in terms of grammar, spelling, punctuation, word choice "
             "and sentence structure. 1: many errors that make the text hard to understand; 3: "
             "some errors that affect clarity or smoothness, main points still comprehensible; "
             "5: few or no errors, easy to read and follow.",
    steps=("Read the summary and check its grammar, spelling, punctuation, word choice and "
           "sentence structure.",
           "Assign a fluency score from 1 to 5."),
    needs_source=False,
)
CONCISENESS = Rubric(
    name="conciseness",
    criteria="how economically the summary conveys the source's important content. A concise "
             "summary has no repetition, filler, or detail that the reader of a summary does not "
             "need; it is not judged by its length alone, but by how much of it carries "
             "important information.",
    steps=("Read the source text and identify its important content.",
           "Read the summary sentence by sentence and mark repeated statements, filler and "
           "unimportant detail.",
           "Assign a conciseness score from 1 to 5: 5 when nearly every sentence carries "
           "important content, 1 when most of the summary is repetition or filler."),
)

RUBRICS = {r.name: r for r in (RELEVANCE, CONSISTENCY, COHERENCE, FLUENCY, CONCISENESS)}

CITATION_SUPPORT = Template(
    name="citation-support",
    version="1",
    description="Claim-level citation support: a claim and the evidence it cites; answers a "
                "verdict (supported, partially_supported, not_supported) and a rationale.",
    system="You check whether cited evidence supports a claim. You answer with a JSON object only.",
    user="""Decide whether the cited evidence supports the claim.

- "supported": everything the claim states is stated in or directly follows from the evidence.
- "partially_supported": some of the claim is supported, some is not in the evidence.
- "not_supported": the evidence does not support the claim, or contradicts it.

Use only the evidence, not what you know.

Evidence:

$evidence

Claim: $claim

Answer with a JSON object {"verdict": "supported" | "partially_supported" | "not_supported", \
"rationale": "<one sentence>"}.""",
    schema={"type": "object",
            "properties": {"verdict": {"enum": ["supported", "partially_supported",
                                                "not_supported"]},
                           "rationale": {"type": "string"}},
            "required": ["verdict"]},
)

FIELD_SUPPORT = Template(
    name="field-support",
    version="1",
    description="Field-level check of a JSON extraction: one field (JSON Pointer and value) and "
                "the sources; answers a verdict (correct, incorrect, not_in_sources).",
    system="You check fields extracted from source texts. You answer with a JSON object only.",
    user="""A field was extracted from the sources below into a JSON record.

Field: $pointer
Value: $value

Decide whether the value is right according to the sources:
- "correct": the sources state this value for this field.
- "incorrect": the sources state something else for this field.
- "not_in_sources": the sources say nothing about this field.

Use only the sources, not what you know.

Sources:

$sources

Answer with a JSON object {"verdict": "correct" | "incorrect" | "not_in_sources", \
"rationale": "<one sentence>"}.""",
    schema={"type": "object",
            "properties": {"verdict": {"enum": ["correct", "incorrect", "not_in_sources"]},
                           "rationale": {"type": "string"}},
            "required": ["verdict"]},
)

PAIRWISE = Template(
    name="pairwise",
    version="1",
    description="Pairwise comparison of two summaries of one source on one criterion; answers "
                "the winner (A, B or tie). The judge runs it in both orders.",
    system="You compare two summaries. You answer with a JSON object only.",
    user="""Compare two summaries of the same source text on one criterion: $criterion.

$Criterion: $criteria

Source Text:

$source

Summary A:

$summary_a

Summary B:

$summary_b

Which summary is better on $criterion? Answer with a JSON object {"winner": "A" | "B" | "tie"}.""",
    schema={"type": "object", "properties": {"winner": {"enum": ["A", "B", "tie"]}},
            "required": ["winner"]},
)

TEMPLATES = {t.name: t for t in (RUBRIC, RUBRIC_WITHOUT_SOURCE, CITATION_SUPPORT, FIELD_SUPPORT,
                                 PAIRWISE)}


def template_for(rubric: Rubric, template: Optional[Template] = None) -> Template:
    """The rubric template that fits ``rubric`` (the summary-only one when it needs no source)."""
    if template is not None:
        return template
    return RUBRIC if rubric.needs_source else RUBRIC_WITHOUT_SOURCE


_DOC_HEAD = """\
# Judge templates

The prompts of `precis.judge`, as `bindings/python/precis/judge/templates.py` defines them. This
page is `precis.judge.templates.markdown()`; a test checks that the two agree. A template is a
system and a user message with `$placeholders` (Python's `string.Template`: JSON braces need no
escaping) and the JSON Schema of the answer. Its `name@version` is part of every cache key.

**Override** one by passing `template=` to a judge; give a changed prompt a new version so that
cached answers of the old one are not reused:

```python
mine = judge.templates.RUBRIC.replace(version="team-2", user="...$summary...$source...")
judge.RubricJudge("relevance", model, template=mine)
own = judge.Rubric("tone", "how polite the summary is", ("Read it.", "Rate 1-3."), high=3,
                   needs_source=False)
judge.RubricJudge(own, model)
```

A rubric judge fills `$criterion`, `$Criterion`, `$criteria`, `$steps`, `$low`, `$high` from its
`Rubric` and `$summary`, `$source` from the record; its cache tag is the template's plus the
rubric's name and version (`geval-rubric@1+relevance-1`). The pairwise judge fills `$criterion`,
`$Criterion`, `$criteria` from its rubric.

## Rubrics (G-Eval criteria)

Relevance, consistency, coherence and fluency paraphrase the SummEval annotation guidelines
(Fabbri et al., 2021) as G-Eval (Liu et al., 2023) uses them; the evaluation steps stand for the
chain of thought G-Eval has the model write once per criterion, fixed here. Conciseness is ours.
"""


def markdown() -> str:
    """docs/judge/templates.md: every rubric and template, in full."""
    import json

    out = [_DOC_HEAD]
    for r in RUBRICS.values():
        scope = "" if r.needs_source else ", summary only"
        out += [f"### `{r.name}` (version {r.version}, scale {r.low}-{r.high}{scope})", "",
                f"Criteria: {r.criteria}", "", "Evaluation steps:", ""]
        out += [f"{i}. {s}" for i, s in enumerate(r.steps, 1)] + [""]
    out += ["## Templates", ""]
    for t in TEMPLATES.values():
        out += [f"### `{t.tag}`", "", t.description, "",
                "Placeholders: " + ", ".join(f"`${p}`" for p in sorted(t.placeholders())) + ".",
                "", f"Answer schema: `{json.dumps(dict(t.schema))}`", "", "System:", "",
                "```text", t.system, "```", "", "User:", "", "```text", t.user, "```", ""]
    return "\n".join(out)
