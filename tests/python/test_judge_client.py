"""precis.judge against a scripted OpenAI-compatible server on loopback (tests/python/
judge_server.py): retries on 429/5xx/timeouts/malformed and truncated bodies, per-row errors,
repairs, refusals, concurrency and rate limits, the SQLite cache, cost accounting, seeds,
log-probability weighted scores; and the judges with a user callable as the model."""

import asyncio
import json
import math

import pytest

pytest.importorskip("httpx")

import precis  # noqa: E402
from precis import judge  # noqa: E402
from judge_server import Action, FaultServer, rating_answer  # noqa: E402

SOURCE = "The council met on Monday and voted to rebuild the harbor wall before winter."


def client(server, **options):
    options.setdefault("backoff", 0.01)
    options.setdefault("max_backoff", 0.05)
    options.setdefault("timeout", 5.0)
    return judge.OpenAIClient("scripted", base_url=server.url, api_key_env="PRECIS_TEST_KEY",
                              **options)


def records(*ratings):
    return [{"summary": f"Summary {i} rating={r}", "source": SOURCE} for i, r in enumerate(ratings)]


def faulty(faults):
    """A script that gives the first len(faults[marker]) requests whose last message holds
    `marker` those actions, then the rating answer."""
    def script(body, n):
        for marker, actions in faults.items():
            if marker in body["messages"][-1]["content"] and n < len(actions):
                return actions[n]
        return rating_answer(body, n)
    return script


def test_scores_requests_and_api_key(monkeypatch):
    monkeypatch.setenv("PRECIS_TEST_KEY", "sk-test")
    with FaultServer() as server, client(server) as model:
        rj = judge.RubricJudge("relevance", model, logprobs=False, seed=7)
        out = rj.batch(records(1, 5, 4))
        assert [r["rating"] for r in out] == [1.0, 5.0, 4.0]
        assert [r["score"] for r in out] == [0.0, 1.0, 0.75]
        assert all(r["error"] is None for r in out)
        body, headers = server.requests[0]
        assert headers["Authorization"] == "Bearer sk-test"
        assert body["model"] == "scripted" and body["seed"] == 7 and body["temperature"] == 0
        assert body["response_format"]["type"] == "json_schema"
        assert body["response_format"]["json_schema"]["schema"]["properties"]["score"] == {
            "type": "integer", "minimum": 1, "maximum": 5, "enum": [1, 2, 3, 4, 5]}
        prompt = body["messages"][-1]["content"]
        assert "Relevance (1-5) - selection of important content" in prompt
        assert SOURCE in prompt and "Evaluation Steps:" in prompt


def test_retries_429_500_malformed_truncated_then_scores():
    faults = {
        "rating=2": [Action("status", status=429, retry_after="0")] * 2,
        "rating=3": [Action("status", status=500), Action("status", status=503)],
        "rating=4": [Action("malformed"), Action("truncated"), Action("no_choices")],
    }
    with FaultServer(faulty(faults)) as server, client(server, max_retries=3) as model:
        out = judge.RubricJudge("coherence", model, logprobs=False).batch(records(2, 3, 4, 5))
        assert [r["rating"] for r in out] == [2.0, 3.0, 4.0, 5.0]
        assert all(r["error"] is None for r in out)
        assert out.usage.calls == 4
        assert out.usage.attempts == 4 + 2 + 2 + 3
        assert len(server.requests) == 11


def test_exhausted_retries_and_timeouts_are_row_errors_not_a_failed_batch():
    faults = {"rating=2": [Action("status", status=500)] * 10,
              "rating=3": [Action("slow", delay=2.5, content='{"score": 3}')] * 10}
    with FaultServer(faulty(faults)) as server, client(server, max_retries=2,
                                                       timeout=1.0) as model:
        out = judge.RubricJudge("fluency", model, logprobs=False).batch(records(1, 2, 3, 5))
        assert [r["rating"] for r in out] == [1.0, None, None, 5.0]
        assert out[1]["error"] == ('HTTP 500: {"error": {"message": "scripted"}} (gave up after 3 '
                                   'attempts)')
        assert out[2]["error"] == "timed out after 1 s (gave up after 3 attempts)"
        assert out.usage.failures == 2 and out.usage.calls == 2
        assert sum("rating=2" in b["messages"][1]["content"] for b in server.bodies()) == 3


def test_retry_after_is_honoured():
    faults = {"rating=2": [Action("status", status=429, retry_after="0.3")]}
    waits = []
    with FaultServer(faulty(faults)) as server, client(server, seed=1) as model:
        original = asyncio.sleep

        async def recording_sleep(seconds, *args):
            waits.append(seconds)
            await original(0)
        import precis.judge.client as c
        c.asyncio.sleep, saved = recording_sleep, c.asyncio.sleep
        try:
            judge.RubricJudge("fluency", model, logprobs=False)("Summary rating=2")
        finally:
            c.asyncio.sleep = saved
    assert waits == [pytest.approx(0.3)]  # longer than the jittered backoff (at most 0.01)


def test_backoff_is_exponential_with_full_jitter():
    waits = []
    with FaultServer(faulty({"rating=2": [Action("status", status=502)] * 4})) as server, \
            client(server, backoff=1.0, max_backoff=5.0, max_retries=4, seed=3) as model:
        import precis.judge.client as c

        async def recording_sleep(seconds, *args):
            waits.append(seconds)
        c.asyncio.sleep, saved = recording_sleep, c.asyncio.sleep
        try:
            judge.RubricJudge("fluency", model, logprobs=False)("Summary rating=2")
        finally:
            c.asyncio.sleep = saved
    import random
    rng = random.Random(3)
    assert waits == [rng.uniform(0, cap) for cap in (1.0, 2.0, 4.0, 5.0)]


def test_garbage_is_repaired_with_the_validation_error_then_errors():
    def script(body, n):
        prompt, repairing = body["messages"][1]["content"], len(body["messages"]) > 2
        if "rating=2" in prompt:   # out of range, then right after the repair message
            return Action(content='```json\n{"score": 2}\n```' if repairing else '{"score": 7}')
        if "rating=3" in prompt:   # prose every time
            return Action(content="I am sorry, I cannot rate this summary.")
        return rating_answer(body, n)
    with FaultServer(script) as server, client(server) as model:
        out = judge.RubricJudge("relevance", model, logprobs=False, max_repairs=2).batch(
            records(2, 3, 4))
        assert out[0]["rating"] == 2.0 and out[0]["repairs"] == 1 and out[0]["calls"] == 2
        repair = [b for b in server.bodies()
                  if len(b["messages"]) == 4 and "rating=2" in b["messages"][1]["content"]][0]
        assert repair["messages"][2] == {"role": "assistant", "content": '{"score": 7}'}
        assert "/score: " in repair["messages"][3]["content"] and "5" in \
            repair["messages"][3]["content"]
        assert out[1]["rating"] is None and out[1]["calls"] == 3
        assert out[1]["error"] == ("no valid answer after 2 repairs: the reply has no JSON "
                                   "(reply starts 'I am sorry, I cannot rate this summary.')")
        assert out[2]["rating"] == 4.0 and out[2]["error"] is None


def test_refusal_is_a_row_error_without_repairs():
    def script(body, n):
        if "rating=2" in last(body):
            return Action("refusal")
        return rating_answer(body, n)
    with FaultServer(script) as server, client(server) as model:
        out = judge.RubricJudge("relevance", model, logprobs=False).batch(records(2, 5))
        assert out[0]["error"] == "the model refused: I can't help with that."
        assert out[0]["calls"] == 1 and out[1]["rating"] == 5.0


def last(body):
    return body["messages"][-1]["content"]


def test_concurrency_limit_bounds_calls_in_flight():
    def script(body, n):
        return Action("slow", delay=0.3, content='{"score": 3}')
    with FaultServer(script) as server, client(server, concurrency=3) as model:
        out = judge.RubricJudge("fluency", model, logprobs=False).batch(records(*range(12)))
        assert all(r["rating"] == 3.0 for r in out)
        assert 2 <= server.max_in_flight <= 3


def test_rate_limiter_requests_and_tokens_per_minute():
    now = [0.0]
    slept = []

    async def fake_sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    async def run():
        rpm = judge.RateLimiter(requests_per_minute=2, clock=lambda: now[0], sleep=fake_sleep)
        times = []
        for _ in range(5):
            await rpm.acquire(10)
            times.append(now[0])
        return times
    assert asyncio.run(run()) == [0.0, 0.0, 60.0, 60.0, 120.0]

    now[0] = 0.0
    slept.clear()

    async def run_tokens():
        tpm = judge.RateLimiter(tokens_per_minute=100, clock=lambda: now[0], sleep=fake_sleep)
        a = await tpm.acquire(60)
        await tpm.acquire(40)              # 100 in the window: fits exactly
        first = now[0]
        judge.RateLimiter.settle(a, 30)    # the first call used 30, not 60
        await tpm.acquire(30)              # 30 + 40 + 30 = 100: fits without waiting
        second = now[0]
        await tpm.acquire(500)             # larger than the budget: goes alone, once empty
        return first, second, now[0]
    assert asyncio.run(run_tokens()) == (0.0, 0.0, 60.0)


def test_rate_limit_through_the_client_counts_requests():
    # 3 requests per minute allowed; the 4th would wait a minute: run 3 and check none waited.
    with FaultServer() as server, client(server, requests_per_minute=3) as model:
        out = judge.RubricJudge("fluency", model, logprobs=False).batch(records(1, 2, 3))
        assert [r["rating"] for r in out] == [1.0, 2.0, 3.0]
        assert len(model.limiter._entries) == 3
        assert [e[1] for e in model.limiter._entries] == [105, 105, 105]  # settled to usage


def test_cache_makes_a_rerun_free(tmp_path):
    prices = judge.Prices(input_per_million=2.0, output_per_million=8.0)
    path = tmp_path / "judge.sqlite"
    with FaultServer() as server:
        with client(server, cache=path, prices=prices) as model:
            first = judge.RubricJudge("relevance", model, logprobs=False).batch(records(1, 2, 3))
            assert first.usage.calls == 3 and first.usage.cache_hits == 0
            assert first.usage.cost == pytest.approx(3 * (100 * 2.0 + 5 * 8.0) / 1e6)
            assert [r["cost"] for r in first] == [pytest.approx((200 + 40) / 1e6)] * 3
        with client(server, cache=str(path), prices=prices) as model:  # a new process, same file
            again = judge.RubricJudge("relevance", model, logprobs=False).batch(records(1, 2, 3))
            assert [r["rating"] for r in again] == [r["rating"] for r in first]
            assert again.usage.calls == 0 and again.usage.cache_hits == 3
            assert again.usage.cost == 0 and again.usage.saved_cost == pytest.approx(
                first.usage.cost)
            assert all(r["cached_calls"] == 1 and r["cost"] == 0 for r in again)
            # Another template version, criterion, model parameter or input misses the cache.
            other = judge.RubricJudge("relevance", model, logprobs=False, seed=1).batch(
                records(1))
            changed = judge.RubricJudge("relevance", model, logprobs=False,
                                        template=judge.templates.RUBRIC.replace(version="2"))
            assert changed.batch(records(1)).usage.calls == 1 and other.usage.calls == 1
            assert judge.RubricJudge("coherence", model, logprobs=False).batch(
                records(1)).usage.calls == 1
        assert len(server.requests) == 3 + 3
        assert len(judge.JudgeCache(path)) == 6


def test_duplicate_rows_in_a_batch_make_one_call_and_score_alike(tmp_path):
    # SummEval has systems with identical summaries of an article: with a cache, the second of
    # two identical calls in flight waits for the first instead of asking again (a local model's
    # answer can differ in the last digits between two asks, and the cache would keep only one).
    answers = iter([2, 5, 3, 4])
    started = []

    async def model_fn(messages):
        started.append(messages[-1]["content"][-20:])
        await asyncio.sleep(0.05)  # both rows are in flight together
        return json.dumps({"score": next(answers)})

    rows = [{"summary": "Same words.", "source": "A source."},
            {"summary": "Other words.", "source": "A source."},
            {"summary": "Same words.", "source": "A source."}]
    with judge.CallableModel(model_fn, model="m", concurrency=4,
                             cache=tmp_path / "c.sqlite") as model:
        first = judge.RubricJudge("relevance", model, logprobs=False).batch(rows)
        again = judge.RubricJudge("relevance", model, logprobs=False).batch(rows)
    assert len(started) == 2
    assert [r["rating"] for r in first] == [2.0, 5.0, 2.0]
    assert [r["cached_calls"] for r in first] == [0, 0, 1]
    assert first.usage.calls == 2 and first.usage.cache_hits == 1
    assert [r["rating"] for r in again] == [r["rating"] for r in first]
    assert again.usage.calls == 0 and again.usage.cache_hits == 3


def test_a_failed_call_in_flight_lets_its_duplicate_try_again(tmp_path):
    outcomes = iter([judge.JudgeError("first ask failed"), json.dumps({"score": 4})])

    async def model_fn(messages):
        await asyncio.sleep(0.05)
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    rows = [{"summary": "Same.", "source": "S."}] * 2
    with judge.CallableModel(model_fn, model="m", concurrency=4, max_retries=0,
                             cache=tmp_path / "c.sqlite") as model:
        out = judge.RubricJudge("relevance", model, logprobs=False).batch(rows)
    assert "first ask failed" in out[0]["error"]
    assert out[1]["error"] is None and out[1]["rating"] == 4.0


def test_samples_use_successive_seeds_and_report_mean_and_spread():
    def script(body, n):
        return Action(content=json.dumps({"score": {10: 2, 11: 4, 12: 3}[body["seed"]]}))
    with FaultServer(script) as server, client(server) as model:
        row = judge.RubricJudge("fluency", model, samples=3, seed=10, logprobs=False)("A summary.")
        assert sorted(b["seed"] for b in server.bodies()) == [10, 11, 12]
        assert {b["temperature"] for b in server.bodies()} == {1.0}
        assert row["ratings"] == [2.0, 4.0, 3.0] and row["rating"] == 3.0
        assert row["spread"] == pytest.approx(math.sqrt(2 / 3))
        assert row["score"] == 0.5


def logprob_tokens(text, at, top):
    """Tokens of `text`: one per character, except that the character at `at` carries `top`."""
    out = []
    for i, ch in enumerate(text):
        entry = {"token": ch, "logprob": 0.0, "top_logprobs": []}
        if i == at:
            entry["top_logprobs"] = [{"token": t, "logprob": math.log(p)} for t, p in top]
            entry["logprob"] = math.log(top[0][1])
        out.append(entry)
    return out


def test_logprob_weighted_score_as_g_eval():
    text = '{"score": 4}'
    top = [("4", 0.5), ("3", 0.2), ("5", 0.2), ("x", 0.1)]
    def script(body, n):
        assert body["logprobs"] is True and body["top_logprobs"] == 5
        return Action(content=text, logprobs=logprob_tokens(text, text.index("4"), top))
    with FaultServer(script) as server, client(server) as model:
        row = judge.RubricJudge("relevance", model, top_logprobs=5)("s", SOURCE)
    # renormalized over the score tokens: (0.5*4 + 0.2*3 + 0.2*5) / 0.9
    assert row["rating"] == pytest.approx((2.0 + 0.6 + 1.0) / 0.9)
    assert row["weighted"] == 1


def test_weighted_choice_matches_tokens_with_leading_text_and_prefixes():
    c = judge.Completion(text='{"verdict": "partially_supported"}', logprobs=[
        {"token": '{"', "logprob": 0.0}, {"token": 'verdict', "logprob": 0.0},
        {"token": '":', "logprob": 0.0},
        {"token": ' "part', "logprob": math.log(0.6), "top_logprobs": [
            {"token": ' "part', "logprob": math.log(0.6)},
            {"token": ' "supported', "logprob": math.log(0.3)},
            {"token": ' "not', "logprob": math.log(0.05)},
            {"token": "\n", "logprob": math.log(0.05)}]},
        {"token": 'ially_supported"}', "logprob": 0.0}])
    values = {"supported": 1.0, "partially_supported": 0.5, "not_supported": 0.0}
    assert judge.weighted_choice(c, "verdict", values) == pytest.approx(
        (0.6 * 0.5 + 0.3 * 1.0) / 0.95)
    assert judge.weighted_choice(c, "missing", values) is None
    assert judge.weighted_choice(judge.Completion(text=c.text), "verdict", values) is None
    # Digits: "1" must not be taken for "10" on a 1..10 scale; "10," is 10.
    d = judge.Completion(text='{"score": 10}', logprobs=[
        {"token": '{"score": ', "logprob": 0.0},
        {"token": "10", "logprob": math.log(0.5), "top_logprobs": [
            {"token": "10", "logprob": math.log(0.5)}, {"token": "1", "logprob": math.log(0.25)},
            {"token": "9", "logprob": math.log(0.25)}]},
        {"token": "}", "logprob": 0.0}])
    scale = {str(k): float(k) for k in range(1, 11)}
    assert judge.weighted_choice(d, "score", scale) == pytest.approx((0.5 * 10 + 0.25 * 1 + 0.25 * 9))


def test_callable_models_sync_and_async_and_errors():
    seen = []

    def sync_model(messages, params):
        seen.append(params)
        if "boom" in messages[-1]["content"]:
            raise RuntimeError("backend down")
        return '{"score": 4}'

    async def async_model(messages):
        await asyncio.sleep(0)
        return {"choices": [{"message": {"content": '{"score": 2}'}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 10, "completion_tokens": 2}}

    out = judge.RubricJudge("fluency", sync_model).batch(
        [{"summary": "ok"}, {"summary": "boom"}])
    assert out[0]["rating"] == 4.0
    assert out[1]["error"] == "model function raised RuntimeError: backend down"
    assert seen[0]["max_tokens"] == 32 and seen[0]["schema"]["required"] == ["score"]
    row = judge.RubricJudge("fluency", async_model)("fine")
    assert row["rating"] == 2.0 and row["prompt_tokens"] == 10

    async def in_a_users_loop():
        return await judge.RubricJudge("fluency", async_model).abatch([{"summary": "x"}] * 3)
    assert [r["rating"] for r in asyncio.run(in_a_users_loop())] == [2.0, 2.0, 2.0]
    with pytest.raises(judge.JudgeError, match="backend down"):
        judge.RubricJudge("fluency", sync_model)("boom")


def test_missing_inputs_and_bad_arguments():
    model = judge.CallableModel(lambda m: '{"score": 3}')
    out = judge.RubricJudge("relevance", model).batch([{"summary": "s"}, {"source": "x"}])
    assert out[0]["error"] == "source: missing (this criterion reads the source)"
    assert out[1]["error"] == "summary: expected a string"
    with pytest.raises(precis.PrecisError, match="unknown criterion 'tone'"):
        judge.RubricJudge("tone", model)
    with pytest.raises(precis.PrecisError, match=r"^\[precis.invalid_argument\] template "
                       "'geval-rubric@1' needs source$"):
        judge.templates.RUBRIC.render(summary="s", **judge.templates.RELEVANCE.fill())


def test_citation_support_judge_as_the_citation_metrics_support_judge():
    def model(messages):
        text = messages[-1]["content"]
        claim = text.split("Claim: ")[1].split("\n")[0]
        evidence = text.split("Evidence:")[1].split("Claim:")[0]
        words = set(claim.lower().rstrip(".").split())
        if words <= set(evidence.lower().replace(".", "").split()):
            verdict = "supported"
        elif words & {"nurse", "denver"} and any(w in evidence.lower() for w in words):
            verdict = "partially_supported"
        else:
            verdict = "not_supported"
        return json.dumps({"verdict": verdict, "rationale": "scripted"})

    support = judge.CitationSupportJudge(model)
    assert support.judge("Ann is a nurse.", {"a": "Ann is a nurse."})["verdict"] == "supported"
    sources = {"a": "Ann is a nurse", "b": "Ann lives in Oslo"}
    r = precis.citations("Ann is a nurse [a]. Ann is a pilot [b].", sources, support=support)
    assert [c["support"] for c in r["claim_details"]] == [1.0, 0.0]
    assert r["support_recall"] == 0.5
    rows = support.batch([{"claim": "Ann is a nurse in Denver.", "evidence": ["Ann is a nurse"]},
                          {"claim": "x", "evidence": []}])
    assert rows[0]["verdict"] == "partially_supported" and rows[0]["score"] == 0.5
    assert rows[1]["verdict"] == "not_supported" and rows[1]["calls"] == 0


def test_citation_support_judge_failure_fails_that_summary_only():
    def model(messages):
        if "pilot" in messages[-1]["content"]:
            return "no idea"
        return '{"verdict": "supported"}'
    support = judge.CitationSupportJudge(model, max_repairs=0)
    scorer = precis.CitationScorer({"a": "Ann is a nurse", "b": "Ann is a pilot"}, support=support)
    table = scorer.score_batch(["Ann is a nurse [a].", "Ann is a pilot [b].", "Ann nurses [a]."],
                               threads=2)
    assert list(table["citation_support"][[0, 2]]) == [1.0, 1.0]
    assert table["error"][0] is None and table["error"][2] is None
    assert table["error"][1] == (
        "[precis.support_failed] summary 1: support judge raised JudgeError: no valid answer "
        "after 0 repairs: the reply has no JSON (reply starts 'no idea')")
    with pytest.raises(precis.PrecisError, match="support judge raised JudgeError"):
        scorer.score("Ann is a pilot [b].")


def test_extraction_judge_field_by_field():
    def model(messages):
        text = messages[-1]["content"]
        pointer = text.split("Field: ")[1].split("\n")[0]
        verdict = {"/name": "correct", "/city": "incorrect", "/pets/0": "correct",
                   "/age": "not_in_sources"}[pointer]
        return json.dumps({"verdict": verdict, "rationale": pointer})
    ej = judge.ExtractionJudge(model)
    row = ej('```json\n{"name": "Ann", "city": "Rome", "pets": ["cat"], "age": 30}\n```',
             ["Ann has a cat and lives in Oslo."])
    assert [f["pointer"] for f in row["fields"]] == ["/name", "/city", "/pets/0", "/age"]
    assert row["score"] == 0.5 and (row["correct"], row["incorrect"], row["not_in_sources"]) == (
        2, 1, 1)
    assert ej.batch([{"extraction": "{oops", "sources": "x"}])[0]["error"].startswith(
        "extraction: ")
    skip = judge.ExtractionJudge(model, ignore=["/pets", "/age"])({"name": "Ann", "city": "Rome",
                                                                   "pets": ["cat"]}, "x")
    assert [f["pointer"] for f in skip["fields"]] == ["/name", "/city"] and skip["score"] == 0.5


def test_pairwise_swaps_the_order_to_cancel_position_bias():
    def always_first(messages):
        return '{"winner": "A"}'

    def fair(messages):
        text = messages[-1]["content"]
        a = text.split("Summary A:")[1].split("Summary B:")[0]
        return '{"winner": "A"}' if "good" in a else '{"winner": "B"}'

    biased = judge.PairwiseJudge(always_first)("good summary", "bad summary", SOURCE)
    assert biased["preference"] == 0.5 and not biased["consistent"]
    assert biased["winner"] == "tie" and biased["verdicts"] == ["A", "B"]
    right = judge.PairwiseJudge(fair).batch([
        {"summary_a": "good one", "summary_b": "poor one", "source": SOURCE},
        {"summary_a": "poor one", "summary_b": "good one", "source": SOURCE}])
    assert [r["winner"] for r in right] == ["A", "B"]
    assert [r["preference"] for r in right] == [1.0, 0.0] and all(r["consistent"] for r in right)


def test_templates_are_versioned_documented_and_overridable():
    names = {t.tag for t in judge.templates.TEMPLATES.values()}
    assert names == {"geval-rubric@1", "geval-rubric-summary-only@1", "citation-support@1",
                     "field-support@1", "pairwise@1"}
    for t in judge.templates.TEMPLATES.values():
        assert t.description and precis.structured.JsonSchema(t.schema)
    mine = judge.templates.RUBRIC.replace(version="team-2", user="Rate $summary on $criterion "
                                          "against $source: JSON {\"score\": N}")
    seen = []

    def model(messages):
        seen.append(messages[-1]["content"])
        return '{"score": 5}'
    assert judge.RubricJudge("relevance", model, template=mine)("s", "src")["rating"] == 5.0
    assert seen == ["Rate s on relevance against src: JSON {\"score\": N}"]
    own = judge.Rubric("tone", "how polite the summary is", ("Read it.", "Rate 1-3."), high=3,
                       needs_source=False)
    row = judge.RubricJudge(own, lambda m: '{"score": 2}')("s")
    assert row["rating"] == 2.0 and row["score"] == 0.5


def test_templates_page_is_generated_from_the_code():
    from conftest import ROOT
    page = (ROOT / "docs" / "judge" / "templates.md").read_text(encoding="utf-8")
    assert page == judge.templates.markdown(), \
        "docs/judge/templates.md is stale: write precis.judge.templates.markdown() to it"
