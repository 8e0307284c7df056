"""Prompt templates of the LLM judges: versioned, documented (docs/judge/templates.md), overridable.

The built-in templates and rubrics are read from data/judge/templates.json, the one source that
the C++ judges (include/precis/judge/) render too: both send byte-identical messages.

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


def _data() -> dict:
    """data/judge/templates.json: the prompts and rubrics of the Python judges and of the C++ ones
    (include/precis/judge/), one file; the C++ library embeds it and the module hands it over."""
    import json

    from .. import _core

    return json.loads(_core.judge_templates_json())


_DATA = _data()


def _builtin_template(name: str) -> Template:
    t = next(t for t in _DATA["templates"] if t["name"] == name)
    return Template(name=t["name"], version=t["version"], system="\n".join(t["system"]),
                    user="\n".join(t["user"]), schema=t["schema"], description=t["description"])


def _builtin_rubric(name: str) -> Rubric:
    r = next(r for r in _DATA["rubrics"] if r["name"] == name)
    return Rubric(name=r["name"], criteria=r["criteria"], steps=tuple(r["steps"]), low=r["low"],
                  high=r["high"], needs_source=r["needs_source"], version=r["version"])


RUBRIC = _builtin_template("geval-rubric")
RUBRIC_WITHOUT_SOURCE = _builtin_template("geval-rubric-summary-only")
RELEVANCE = _builtin_rubric("relevance")
CONSISTENCY = _builtin_rubric("consistency")
COHERENCE = _builtin_rubric("coherence")
FLUENCY = _builtin_rubric("fluency")
CONCISENESS = _builtin_rubric("conciseness")

RUBRICS = {r.name: r for r in (RELEVANCE, CONSISTENCY, COHERENCE, FLUENCY, CONCISENESS)}

CITATION_SUPPORT = _builtin_template("citation-support")
FIELD_SUPPORT = _builtin_template("field-support")
PAIRWISE = _builtin_template("pairwise")

TEMPLATES = {t.name: t for t in (RUBRIC, RUBRIC_WITHOUT_SOURCE, CITATION_SUPPORT, FIELD_SUPPORT,
                                 PAIRWISE)}


def template_for(rubric: Rubric, template: Optional[Template] = None) -> Template:
    """The rubric template that fits ``rubric`` (the summary-only one when it needs no source)."""
    if template is not None:
        return template
    return RUBRIC if rubric.needs_source else RUBRIC_WITHOUT_SOURCE


_DOC_HEAD = """\
# Judge templates

The prompts of `precis.judge` and of the C++ judges ([cpp.md](cpp.md)), as
`data/judge/templates.json` defines them: one file, embedded in the C++ library and read by
`precis.judge.templates`; both languages render byte-identical messages (a test checks). This
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
