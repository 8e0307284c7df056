"""The precis command: every input line gets an output line, in order; bad ones carry why."""
import json
import os
import subprocess
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
