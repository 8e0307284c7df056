"""The HTML report: rendered in headless Chromium (Debian's `chromium`), the page loads with no
console errors, its script runs to the end, and the expected records and charts are there. A
screenshot is kept in build/artifacts/ (or $PRECIS_ARTIFACTS)."""
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import precis

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(os.environ.get("PRECIS_ARTIFACTS", ROOT / "build" / "artifacts"))
KINDS = ["faithful", "hallucinated", "wrong_citation", "dangling", "uncited", "redundant",
         "verbose", "over_cited"]


def _biographies():
    with open(ROOT / "examples" / "data" / "biographies.jsonl", encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    for r in records:
        r["doc_id"] = r["id"].split("/")[0]
    return records


def _chromium(args, tmp_path):
    """Headless Chromium that reaches no network; returns (stdout, stderr)."""
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update", "--no-first-run",
           "--disable-sync", "--enable-logging=stderr", "--v=0",
           f"--user-data-dir={tmp_path / 'profile'}", *args]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout, run.stderr


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    records = _biographies()
    # Labels that say what each record is: 1 for the faithful summaries, 0 for the broken ones.
    human = pd.DataFrame({"faithful": [float(r["kind"] == "faithful") for r in records]})
    path = precis.report(records, tmp / "report.html", human=human, system="kind",
                         max_records=50, resamples=200, title="biographies")
    return tmp, path, records


def test_report_is_one_self_contained_file(page):
    _, path, records = page
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), "loads from the network"
    assert "<script>" in text and "<style>" in text
    assert text.count('<article class="record"') == 50
    assert f"50 of {len(records)} records" in text and "seed 0" in text  # the sampling is stated
    assert "Agreement with human labels" in text
    assert text.count('data-chart="systems"') == 7  # one per headline metric
    assert not path.with_name(path.name + ".partial").exists()


def test_sentences_are_highlighted_with_their_evidence(tmp_path):
    records = [r for r in _biographies() if r["doc_id"] == "bio_01"]
    text = precis.report(records, tmp_path / "one.html").read_text(encoding="utf-8")
    # The invented championship of bio_01's hallucinated summary: unsupported, with a tooltip.
    card = text[text.index("bio_01/text/hallucinated</h3>"):]
    card = card[:card.index("</article>")]
    flagged = re.search(r'<span class="s ([^"]*)"[^>]*data-tip="([^"]*)"[^>]*>Maria won a '
                        r'national skydiving championship', card)
    assert flagged and "unsupported" in flagged.group(1), card
    assert "support 0." in flagged.group(2)
    # A supported sentence names its best source sentence in the tooltip.
    assert re.search(r'data-tip="support 1\.000 \| best source post_4: “[^"]*Mercy Hospital', card)


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (./dev.sh deps)")
def test_report_renders_in_headless_chromium(page):
    tmp, path, records = page
    dom, log = _chromium(["--virtual-time-budget=5000", "--dump-dom", path.as_uri()], tmp)
    errors = [line for line in log.splitlines()
              if "CONSOLE" in line and re.search(r"Uncaught|Error", line)]
    assert not errors, errors
    body = re.search(r"<body([^>]*)>", dom).group(1)
    assert 'data-ready="1"' in body, "the page script did not run to its end"
    assert 'data-records="50"' in body
    charts = int(re.search(r'data-charts="(\d+)"', body).group(1))
    assert charts == 7 + 7  # a histogram and a systems chart per headline metric
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "report.png"
    _chromium(["--window-size=1280,2000", f"--screenshot={shot}", path.as_uri()], tmp)
    assert shot.stat().st_size > 20_000


def test_cards_flag_miscitations_and_repeats(tmp_path):
    records = [r for r in _biographies() if r["id"] in ("bio_01/text/wrong_citation",
                                                          "bio_01/text/redundant")]
    text = precis.report(records, tmp_path / "two.html", system=None).read_text(encoding="utf-8")
    assert re.search(r'<span class="s[^"]*miscited[^"]*"[^>]*better: post_3', text)
    assert re.search(r'<span class="s[^"]*redundant[^"]*"[^>]*repeats sentence 1', text)
    assert 'id="filter"' in text


def test_report_command(tmp_path):
    import sys
    env = dict(os.environ, PYTHONPATH=str(Path(precis.__file__).resolve().parents[1]))
    out = tmp_path / "cli.html"
    run = subprocess.run([sys.executable, "-m", "precis", "report",
                          str(ROOT / "examples" / "data" / "biographies.jsonl"), "-o", str(out),
                          "--system", "kind", "--max-records", "20"],
                         capture_output=True, text=True, cwd=tmp_path, env=env)
    assert run.returncode == 0, run.stderr
    text = out.read_text(encoding="utf-8")
    assert text.count('<article class="record"') == 20 and "8 systems" in text
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"summary": "x", "sources": ["y"]}\n{oops\n', encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "precis", "report", str(bad)],
                         capture_output=True, text=True, cwd=tmp_path, env=env)
    assert run.returncode != 0 and "bad.jsonl:2: not a JSON object" in run.stderr
