"""The C++ judges (include/precis/judge/) against the Python ones (precis.judge): one template
file (data/judge/templates.json), byte-identical messages for the same inputs, the same schema
text, the same repair turns and the same scores, driven by the same scripted replies."""

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import precis
from precis import _core, judge
from precis.judge import templates

SOURCE = [{"id": "a", "text": "The council met on Monday."},
          {"id": "b", "text": "It voted to rebuild the harbor wall, for $2 million."}]


def test_python_reads_the_file_the_library_embeds():
    data = json.loads(_core.judge_templates_json())
    assert [t["name"] for t in data["templates"]] == list(templates.TEMPLATES)
    assert [r["name"] for r in data["rubrics"]] == list(templates.RUBRICS)
    # The versions that cache keys carry are unchanged by the move to the data file.
    assert {t.tag for t in templates.TEMPLATES.values()} == {
        "geval-rubric@1", "geval-rubric-summary-only@1", "citation-support@1", "field-support@1",
        "pairwise@1"}
    assert all(r.version == "1" for r in templates.RUBRICS.values())


def cpp_render(template, values):
    return _core.judge_render(template.name, template.version, template.system, template.user,
                              {k: str(v) for k, v in values.items()})


text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=200, deadline=None)
@given(name=st.sampled_from(sorted(templates.TEMPLATES)), value=text, other=text)
def test_every_builtin_template_renders_identically(name, value, other):
    template = templates.TEMPLATES[name]
    values = {p: (value if i % 2 else other + "$" + p) for i, p in
              enumerate(sorted(template.placeholders()))}
    assert cpp_render(template, values) == template.render(**values)


@settings(max_examples=300, deadline=None)
@given(body=st.lists(st.sampled_from(["$a", "${a}", "$$", "$a_1", "${b}x", " ", "é", "{", "}",
                                      "\n", "a", "$$a"]), max_size=12).map("".join),
       value=text)
def test_string_template_semantics_match(body, value):
    template = judge.Template("t", "1", system="S $a" if "b" in body else "", user=body,
                              schema={})
    values = {"a": value, "a_1": "x", "b": "$a"}
    assert outcome(lambda: cpp_render(template, values)) == outcome(
        lambda: template.render(**values))


def outcome(render):
    """The messages, or the error (a placeholder without a value: "$aa")."""
    try:
        return render()
    except precis.PrecisError as e:
        return str(e)


def test_invalid_and_missing_placeholders_fail_in_both():
    bad = judge.Template("t", "1", system="", user="costs $5", schema={})
    with pytest.raises(ValueError):
        bad.render()
    with pytest.raises(precis.PrecisError, match="invalid placeholder"):
        cpp_render(bad, {})
    needs = judge.Template("t", "1", system="", user="$a $b", schema={})
    with pytest.raises(precis.PrecisError, match=r"template 't@1' needs a, b"):
        needs.render()
    with pytest.raises(precis.PrecisError, match=r"template 't@1' needs a, b"):
        cpp_render(needs, {})


def python_run(make_judge, inputs, replies, by_seed=False):
    """Runs a Python judge against scripted replies (in order, or by seed when samples run
    concurrently); its requests and result row."""
    seen = []
    state = {"next": 0}

    def model(messages, params):
        seen.append({"messages": messages, **params})
        if by_seed:
            text = replies[params["seed"]]
        else:
            text = replies[min(state["next"], len(replies) - 1)]
            state["next"] += 1
        if text == "!raise":
            raise RuntimeError("scripted failure")
        if isinstance(text, dict):
            return judge.Completion(text=text["text"], logprobs=text["logprobs"])
        return text

    with judge.CallableModel(model) as chat:
        row = make_judge(chat).batch([inputs])[0]
    return seen, row


def same_requests(cpp, python):
    assert len(cpp) == len(python)
    for c, p in zip(cpp, python):
        assert c["messages"] == p["messages"]
        assert c["schema"] == json.dumps(p["schema"], ensure_ascii=False)
        assert c["temperature"] == p["temperature"]
        assert c["max_tokens"] == p["max_tokens"]
        assert c["seed"] == p["seed"]
        assert c["logprobs"] == p["logprobs"]
        assert c["top_logprobs"] == p["top_logprobs"]


SCRIPTS = [
    ["{\"score\": 4}"],
    ["{\"score\": 7}", "```json\n{\"score\": 3}\n```"],
    ["{\"score\": ", "Sure! {\"score\": 2,}"],
    ["garbage"],
    ["!raise"],
]


@pytest.mark.parametrize("criterion", sorted(templates.RUBRICS))
@pytest.mark.parametrize("script", range(len(SCRIPTS)))
@pytest.mark.parametrize("source", ["plain", "list"])
def test_rubric_judges_send_and_score_the_same(criterion, script, source):
    replies = SCRIPTS[script]
    inputs = {"summary": "The council will rebuild the wall ($2m).\nIt met Monday.",
              "source": SOURCE if source == "list" else "The council met. It costs $2m."}
    cpp = _core.judge_replay(f"rubric:{criterion}", inputs, replies)
    seen, row = python_run(lambda m: judge.RubricJudge(criterion, m, logprobs=False), inputs,
                           replies)
    same_requests(cpp["requests"], seen)
    for request in cpp["requests"]:
        assert request["template"] == f"geval-rubric{'' if criterion != 'fluency' else '-summary-only'}@1+{criterion}-1"
    result = cpp["result"]
    if row["error"] is None:
        assert result["error"] is None
        assert (result["score"], result["rating"], result["ratings"]) == (
            row["score"], row["rating"], row["ratings"])
    else:
        assert result["error"] is not None
        if "no valid answer" in row["error"]:
            assert result["error"].endswith(row["error"])
    assert (result["calls"], result["repairs"]) == (row["calls"], row["repairs"])


def test_rubric_samples_match():
    replies = ["{\"score\": 2}", "{\"score\": 5}", "{\"score\": 4}"]
    inputs = {"summary": "s", "source": SOURCE}
    cpp = _core.judge_replay("rubric:relevance", inputs, replies, samples=3)
    seen, row = python_run(lambda m: judge.RubricJudge("relevance", m, samples=3,
                                                       logprobs=False), inputs, replies,
                           by_seed=True)
    same_requests(cpp["requests"], sorted(seen, key=lambda r: r["seed"]))
    assert cpp["result"]["ratings"] == row["ratings"] == [2.0, 5.0, 4.0]
    assert cpp["result"]["rating"] == pytest.approx(row["rating"], abs=1e-15)
    assert cpp["result"]["spread"] == pytest.approx(row["spread"], abs=1e-15)


CITATION_SCRIPTS = [
    ["{\"verdict\": \"supported\", \"rationale\": \"It says so.\"}"],
    ["{\"verdict\": \"mostly\"}", "{\"verdict\": \"partially_supported\"}"],
    ["no"],
    ["!raise"],
]


@pytest.mark.parametrize("script", range(len(CITATION_SCRIPTS)))
@pytest.mark.parametrize("evidence", ["plain", "list", "blank"])
def test_citation_support_judges_send_and_score_the_same(script, evidence):
    replies = CITATION_SCRIPTS[script]
    inputs = {"claim": "The wall costs \u20ac2 million [1].",
              "evidence": {"plain": "It costs $2m.", "list": SOURCE, "blank": "  "}[evidence]}
    cpp = _core.judge_replay("citation", inputs, replies)
    seen, row = python_run(lambda m: judge.CitationSupportJudge(m, logprobs=False), inputs,
                           replies)
    same_requests(cpp["requests"], seen)
    result = cpp["result"]
    if row["error"] is None:
        assert result["error"] is None
        assert (result["score"], result["verdict"], result["rationale"]) == (
            row["score"], row["verdict"], row["rationale"] or "")
    else:
        assert result["error"] is not None
        if "no valid answer" in row["error"]:
            assert result["error"].endswith(row["error"])
    assert (result["calls"], result["repairs"]) == (row["calls"], row["repairs"])


def tokens(*pieces):
    """OpenAI-shaped logprobs: each piece is a token, or (token, [(alternative, p), ...])."""
    out = []
    for piece in pieces:
        token, alternatives = (piece, []) if isinstance(piece, str) else piece
        top = [{"token": t, "logprob": math.log(p)} for t, p in alternatives]
        out.append({"token": token, "logprob": top[0]["logprob"] if top else 0.0,
                    "top_logprobs": top})
    return out


LOGPROB_REPLIES = {
    "rubric:relevance": [
        {"text": "{\"score\": 4}",
         "logprobs": tokens("{\"", "score", "\":", (" 4", [(" 4", 0.6), (" 5", 0.3), (" 3", 0.05),
                                                          (" 45", 0.02), ("\n", 0.03)]), "}")},
        {"text": "```json\n{\"score\":2}\n```",
         "logprobs": tokens("```", "json", "\n{\"", "score", "\":", ("2", [("2", 0.5), ("1", 0.25),
                                                                       ("2}", 0.25)]), "}\n```")},
        {"text": "{\"score\": 3}", "logprobs": tokens("{\"score\": ", ("3", [("x", 1.0)]), "}")},
    ],
    "citation": [
        {"text": "{\"verdict\": \"partially_supported\"}",
         "logprobs": tokens("{\"", "verdict", "\":", " \"", ("part", [("part", 0.5),
                                                                 ("supported", 0.3),
                                                                 ("not", 0.15), ("s", 0.05)]),
                            "ially_supported", "\"}")},
        {"text": "{\"verdict\": \"supported\"}",
         "logprobs": tokens("{\"verdict\": \"", ("supported", [("supported", 0.9),
                                                             ("supported\"", 0.05),
                                                             ("n", 0.05)]), "\"}")},
    ],
}


@pytest.mark.parametrize("kind", sorted(LOGPROB_REPLIES))
@pytest.mark.parametrize("reply", [0, 1, 2])
@pytest.mark.parametrize("logprobs", [True, False])
def test_log_probability_weights_match(kind, reply, logprobs):
    replies = LOGPROB_REPLIES[kind]
    if reply >= len(replies):
        pytest.skip("no such reply")
    scripted = [replies[reply]]
    if kind == "citation":
        inputs = {"claim": "c", "evidence": SOURCE}
        make = lambda m: judge.CitationSupportJudge(m, logprobs=logprobs)  # noqa: E731
    else:
        inputs = {"summary": "s", "source": SOURCE}
        make = lambda m: judge.RubricJudge("relevance", m, logprobs=logprobs)  # noqa: E731
    cpp = _core.judge_replay(kind, inputs, scripted, logprobs=logprobs)
    seen, row = python_run(make, inputs, scripted)
    same_requests(cpp["requests"], seen)
    result = cpp["result"]
    assert result["error"] is None and row["error"] is None
    assert result["score"] == pytest.approx(row["score"], abs=1e-12)
    if kind != "citation":
        assert result["weighted"] == row["weighted"]
        assert result["rating"] == pytest.approx(row["rating"], abs=1e-12)
