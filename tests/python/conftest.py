import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Fixtures the repository owns: its own texts with the reference tools' numbers, written by
# tests/data/make_fixtures.py. Tests never read ../shared (a user's clone has none).
DATA = ROOT / "tests" / "data"


def read_jsonl(name):
    with open(DATA / name, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="session")
def rouge_parity():
    return read_jsonl("rouge-parity.jsonl")


@pytest.fixture(scope="session")
def sacrebleu_parity():
    return read_jsonl("sacrebleu-parity.jsonl")


@pytest.fixture(scope="session")
def corpus():
    """741 records {id, doc_id, system_id, summary, source, references}: the example articles and
    biographies and paragraphs of the docs (tests/data/corpus.jsonl)."""
    return read_jsonl("corpus.jsonl")
