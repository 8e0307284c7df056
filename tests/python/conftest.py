import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("PRECIS_DATA_DIR", ROOT.parent / "shared" / "data"))


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
def summeval():
    return read_jsonl("summeval-dev.jsonl")
