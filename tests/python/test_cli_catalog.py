"""Bad-input catalog of `precis score`: every bad line sits between two good ones in one file,
scored with every metric. The good lines must score; a bad line either scores its documented edge
values or carries an error that names its line, its record id (when the line holds a JSON object)
and the field; library internals never show (docs/reliability.md)."""
import json
import math
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLI = os.environ.get("PRECIS_CLI", str(ROOT / "build" / "src" / "cli" / "precis"))

ARTICLE = ("The city council of Port Elsin voted 7 to 2 on Tuesday to rebuild the north harbor "
           "wall. The project will cost 14.5 million euros and is expected to take two years. "
           "Mayor Ana Ribeiro said the wall protects more than 300 fishing families.")
GOOD = {"summary": "The council voted to rebuild the harbor wall [1].",
        "references": ["Port Elsin's council voted to rebuild the north harbor wall."],
        "sources": [{"id": "1", "text": ARTICLE}], "query": "What did the council decide?",
        "gold": {"decision": "rebuild the wall"}}
SCHEMA = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
METRICS = ("rouge1,bleu,chrf,relevance,faithfulness,conciseness,citations,embedding,schema,"
           "json_match")
MAX_LINE = 250_000


def record(id, **changes):
    r = dict(GOOD, id=id)
    for k, v in changes.items():
        if v is ...:
            r.pop(k, None)
        else:
            r[k] = v
    return json.dumps(r).encode()


def raw(id, text):
    """A line whose bytes are given, with the record's id spliced in."""
    return text.replace(b"@ID", id.encode())


# (name, line bytes from an id, expected): expected is the field the error names, "line" for a
# line that holds no record (id null), or None when the record must score.
CATALOG = [
    ("null summary", lambda i: record(i, summary=None), "summary"),
    ("missing summary", lambda i: record(i, summary=...), "summary"),
    ("number summary", lambda i: record(i, summary=5), "summary"),
    ("boolean summary", lambda i: record(i, summary=True), "summary"),
    ("NaN literal", lambda i: raw(i, b'{"id": "@ID", "summary": NaN}'), "line"),
    ("Infinity literal", lambda i: raw(i, b'{"id": "@ID", "summary": Infinity}'), "line"),
    ("invalid UTF-8 in summary",
     lambda i: record(i, summary="bad XX byte").replace(b"XX", b"\xff\xfe"), "summary"),
    ("lone surrogate escape", lambda i: raw(i, b'{"id": "@ID", "summary": "\\ud800"}'), "line"),
    ("null references", lambda i: record(i, references=None), "references"),
    ("number references", lambda i: record(i, references=3), "references"),
    ("null inside references", lambda i: record(i, references=[None]), "references[0]"),
    ("empty references", lambda i: record(i, references=[]), "references"),
    ("null sources", lambda i: record(i, sources=None), "sources"),
    ("number sources", lambda i: record(i, sources=7), "sources"),
    ("empty sources", lambda i: record(i, sources=[]), "sources"),
    ("source without text", lambda i: record(i, sources=[{"id": "a"}]), "sources[0]"),
    ("source with null text", lambda i: record(i, sources=[{"id": "a", "text": None}]),
     "sources[0].text"),
    ("source with object id", lambda i: record(i, sources=[{"id": {"x": 1}, "text": "t"}]),
     "sources[0].id"),
    ("source mapping to a number", lambda i: record(i, sources={"a": 5}), "sources.a"),
    ("invalid UTF-8 in a source",
     lambda i: record(i, sources=["fine", "bad XX"]).replace(b"XX", b"\xc3"), "sources[1]"),
    ("duplicate source ids",
     lambda i: record(i, sources=[{"id": "a", "text": "x y."}, {"id": "a", "text": "z w."}]),
     "sources"),
    ("number query", lambda i: record(i, query=12), "query"),
    ("object id", lambda i: raw(i, b'{"id": {"k": "@ID"}, "summary": "s"}'), "id"),
    ("invalid UTF-8 in id", lambda i: raw(i, b'{"id": "\xff@ID", "summary": "s"}'), "id"),
    ("a JSON array line", lambda i: b'["@ID", "summary"]', "line"),
    ("a JSON string line", lambda i: b'"just text"', "line"),
    ("truncated JSON", lambda i: record(i)[:-20], "line"),
    ("trailing garbage", lambda i: record(i) + b" x", "line"),
    ("empty object", lambda i: b"{}", "summary"),
    ("a line over --max-line-bytes", lambda i: record(i, summary="w " * MAX_LINE), "line"),
    ("summary nested 100,000 deep",
     lambda i: raw(i, b'{"id": "@ID", "summary": ' + b"[" * 100000 + b"]" * 100000 + b"}"),
     "summary"),
    ("deep nesting in a field not read",
     lambda i: record(i)[:-1] + b', "extra": ' + b"[" * 100000 + b"]" * 100000 + b"}", None),
    ("invalid UTF-8 in a field not read",
     lambda i: record(i)[:-1] + b', "note": "\xff"}', None),
    ("empty summary", lambda i: record(i, summary=""), "nothing to judge"),
    ("citations of unknown sources", lambda i: record(i, summary="The wall [7] [x]."), None),
    ("summary in a code fence", lambda i: record(i, summary='```json\n{"name": "Ana"}\n```'), None),
    ("NUL character in summary", lambda i: record(i, summary="a\u0000b wall"), None),
    ("CRLF line ending", lambda i: record(i) + b"\r", None),
    ("old 'source' field", lambda i: record(i, sources=..., source=ARTICLE), None),
    ("null gold", lambda i: record(i, gold=None), "gold"),
    ("gold text that is not JSON", lambda i: record(i, gold="{\"decision\": "), "gold"),
    ("gold as JSON text", lambda i: record(i, gold='{"decision": "rebuild the wall"}'), None),
]


def test_bad_input_catalog(tmp_path):
    assert len(CATALOG) >= 30
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(SCHEMA))
    lines = [record("good-0")]
    for k, (_, make, _) in enumerate(CATALOG):
        lines.append(make(f"bad-{k}"))
        lines.append(record(f"good-{k + 1}"))
    data = tmp_path / "catalog.jsonl"
    data.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "out.jsonl"
    proc = subprocess.run([CLI, "score", str(data), "-o", str(out), "-m", METRICS, "--schema",
                           str(schema), "--max-line-bytes", str(MAX_LINE), "-j", "2"],
                          capture_output=True, timeout=300)
    stderr = proc.stderr.decode()
    assert proc.returncode == 3, stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == len(lines)  # no line lost
    columns = [c for c in rows[0] if c not in ("line", "id", "error")]
    assert {"embedding_cosine", "schema_score", "citation_score", "relevance"} <= set(columns)

    def scored(row):
        return row["error"] is None and all(
            isinstance(row[c], float) and math.isfinite(row[c])
            for c in ("rouge1", "relevance", "citation_score", "embedding_cosine",
                      "schema_score", "json_match"))

    for k, (name, _, expected) in enumerate(CATALOG):
        before, row, after = rows[2 * k], rows[2 * k + 1], rows[2 * k + 2]
        line = 2 * k + 2
        assert scored(before) and scored(after), name
        assert before["id"] == f"good-{k}" and after["id"] == f"good-{k + 1}"
        assert row["line"] == line, name
        if expected is None:
            assert scored(row), (name, row["error"])
            continue
        if expected == "nothing to judge":  # scored, no words: NaN source scores and why
            assert row["error"].startswith(
                f"[precis.empty_summary] line {line} (id 'bad-{k}'), field 'summary'"), row
            assert row["rouge1"] == 0.0
            assert row["relevance"] is None or math.isnan(row["relevance"])
            continue
        error = row["error"]
        assert error and error.startswith("[precis."), name
        assert "json.exception" not in error and "last read" not in error, (name, error)
        assert all(row[c] is None for c in columns), name
        assert error in stderr, name
        if expected == "line":
            assert row["id"] is None, (name, error)
            assert error.startswith(f"[precis.parse_error] line {line}: "), (name, error)
            continue
        record_id = row["id"]
        assert record_id in (f"bad-{k}", f"line {line}"), (name, record_id)
        assert f"line {line} (id '{record_id}')" in error, (name, error)
        names_field = f"field '{expected}'" in error or (
            expected.startswith("sources") and "source '" in error)
        assert names_field, (name, error)
    # The summary table counts them apart: records that scored or failed, lines that held none.
    kinds = [expected for _, _, expected in CATALOG]
    scored = (None, "nothing to judge")  # a summary without words is scored, with NaN
    scored_count = len(CATALOG) + 1 + sum(kinds.count(k) for k in scored)
    failed = sum(1 for e in kinds if e not in scored + ("line",))
    assert (f"{scored_count} records scored, {failed} failed, {kinds.count('line')} malformed "
            f"lines") in proc.stdout.decode()
