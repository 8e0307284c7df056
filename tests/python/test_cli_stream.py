"""The streaming `precis score`: lines are written in input order as windows finish, an
interrupted run (SIGINT, SIGTERM, SIGKILL at random points) leaves OUT unchanged and a valid
OUT.partial whose OUT.checkpoint says where it stopped, and --resume completes it byte for byte
as an uninterrupted run (docs/cli.md, docs/reliability.md)."""
import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI = os.environ.get("PRECIS_CLI", str(ROOT / "build" / "src" / "cli" / "precis"))
ARTICLES = ROOT / "examples" / "data" / "articles.jsonl"
METRICS = "rouge1,rougeL,bleu,chrf,relevance,faithfulness"


def run(*args, **kwargs):
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=300, **kwargs)


def big_input(path, n, seed=0):
    rows = [json.loads(l) for l in ARTICLES.read_text().splitlines()]
    rng = random.Random(seed)
    with open(path, "w") as f:
        for i in range(n):
            r = dict(rows[i % len(rows)])
            r["id"] = f"r{i}"
            if i % 97 == 5:
                f.write('{"id": "broken' + str(i) + '", "summary": \n')  # a malformed line
                continue
            if i % 89 == 7:
                r["summary"] = None  # a record with a bad field
            if rng.random() < 0.02:
                f.write("\n")  # blank lines are skipped, not counted
            f.write(json.dumps(r) + "\n")


def valid_partial(out: Path, complete: bytes):
    """OUT.partial up to its checkpoint: whole JSON lines, a prefix of the complete output."""
    partial = Path(str(out) + ".partial")
    checkpoint = Path(str(out) + ".checkpoint")
    assert partial.exists() and checkpoint.exists()
    saved = json.loads(checkpoint.read_text())
    assert saved["format"] == "precis-checkpoint/1"
    state = saved["state"]
    data = partial.read_bytes()
    assert len(data) >= state["output_bytes"]
    done = data[:state["output_bytes"]]
    assert complete.startswith(done)
    lines = done.decode().splitlines()
    assert len(lines) == state["rows"]
    rows = [json.loads(line) for line in lines]  # every line is whole JSON
    if rows:
        assert rows[-1]["line"] == state["next_line"] - 1
    return saved, data


def test_interrupted_runs_resume_to_identical_output(tmp_path):
    data = tmp_path / "big.jsonl"
    big_input(data, 3000)
    out = tmp_path / "out.jsonl"
    args = ["score", str(data), "-m", METRICS, "--batch-size", "64", "-j", "2"]
    start = time.monotonic()
    full = run(*args, "-o", str(out))
    duration = time.monotonic() - start
    assert full.returncode == 3, full.stderr  # the bad lines fail; every other line scores
    complete = out.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.jsonl", "out.jsonl"]
    rows = [json.loads(line) for line in complete.decode().splitlines()]
    assert [r["line"] for r in rows] == sorted(r["line"] for r in rows)  # input order
    # Scored: no error, or the empty example summary's "no words to judge" (NaN scores).
    assert sum(r["error"] is None or r["error"].startswith("[precis.empty_summary]")
               for r in rows) > 2900

    rng = random.Random(20261203)
    old = b"previous results\n" * 100
    outcomes = set()
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGKILL]
    for trial in range(18):
        sig = signals[trial % 3]
        out.write_bytes(old)
        proc = subprocess.Popen([CLI, *args, "-o", str(out)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.05, 1.1) * duration)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=300)
        if proc.returncode == 3 or "after the output was complete" in err:
            assert out.read_bytes() == complete  # finished before the signal, or while the
            outcomes.add("finished")              # last lines were written
            assert sorted(p.name for p in tmp_path.iterdir()) == ["big.jsonl", "out.jsonl"]
            continue
        assert out.read_bytes() == old, (trial, err)  # OUT is replaced only when complete
        if sig == signal.SIGKILL:
            assert proc.returncode == -signal.SIGKILL
        else:
            assert proc.returncode == 128 + sig, (proc.returncode, err)
            name = "SIGINT" if sig == signal.SIGINT else "SIGTERM"
            assert f"precis: stopped by {name} after input line" in err, err
            assert "continue with --resume" in err
        saved, partial = valid_partial(out, complete)
        if sig != signal.SIGKILL:
            assert saved["status"] == "stopped" and "stopped by" in saved["reason"]
            assert len(partial) == saved["state"]["output_bytes"]  # nothing past the checkpoint
        outcomes.add(f"{sig.name} after {saved['state']['rows'] > 0}")
        resumed = run(*args, "-o", str(out), "--resume")
        assert resumed.returncode == 3, resumed.stderr
        assert "resuming" in resumed.stderr or "nothing to resume" in resumed.stderr
        assert out.read_bytes() == complete, trial  # byte for byte
        assert resumed.stdout == full.stdout  # the summary table too, from the checkpoint
        assert sorted(p.name for p in tmp_path.iterdir()) == ["big.jsonl", "out.jsonl"]
    print(sorted(outcomes))
    assert any(o.endswith("True") for o in outcomes)  # some run stopped part way


def test_resume_checks_options_and_input(tmp_path):
    data = tmp_path / "big.jsonl"
    big_input(data, 600)
    out = tmp_path / "out.jsonl"
    args = ["score", str(data), "-m", "rouge1,bleu", "--batch-size", "50", "-j", "1", "-q"]
    complete = run(*args, "-o", str(out))
    assert complete.returncode == 3
    expected = out.read_bytes()
    out.unlink()
    # Make a partial output: stop a run with SIGINT as soon as lines are written.
    proc = subprocess.Popen([CLI, *args, "-o", str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    partial = Path(str(out) + ".partial")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not partial.exists() or partial.stat().st_size == 0):
        time.sleep(0.002)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=60)
    if proc.returncode == 3:
        pytest.skip("the run finished before the signal")
    # Other options: refused, the partial output is kept.
    other = run("score", str(data), "-m", "rouge1", "-o", str(out), "--resume", "-q")
    assert other.returncode == 2 and "written with other options" in other.stderr
    assert partial.exists()
    # A changed input: refused.
    changed = tmp_path / "changed.jsonl"
    text = data.read_text()
    changed.write_text("\n" + text)
    moved = run("score", str(changed), "-m", "rouge1,bleu", "--batch-size", "50", "-j", "1",
                "-q", "-o", str(out), "--resume")
    assert moved.returncode == 2 and "is not the input" in moved.stderr
    # stdout cannot be resumed.
    assert run(*args, "-o", "-", "--resume").returncode == 2
    # The right input and options complete it.
    done = run(*args, "-o", str(out), "--resume")
    assert done.returncode == 3, done.stderr
    assert out.read_bytes() == expected
    # Without --resume a run starts over (and still gives the same output).
    assert run(*args, "-o", str(out)).returncode == 3 and out.read_bytes() == expected


def test_second_run_on_the_same_output_is_refused(tmp_path):
    data = tmp_path / "big.jsonl"
    big_input(data, 2000)
    out = tmp_path / "out.jsonl"
    args = ["score", str(data), "-m", METRICS, "--batch-size", "32", "-j", "1", "-q"]
    first = subprocess.Popen([CLI, *args, "-o", str(out)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    partial = Path(str(out) + ".partial")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not partial.exists():
        time.sleep(0.002)
    second = run(*args, "-o", str(out))
    first.communicate(timeout=300)
    if first.returncode == 3 and second.returncode == 3:
        pytest.skip("the first run finished before the second started")
    assert second.returncode == 4 and "another precis run is writing it" in second.stderr


def test_stdout_streams_lines_before_the_input_ends(tmp_path):
    # A FIFO as input: the first window's lines come out while the input is still open.
    fifo = tmp_path / "in.fifo"
    os.mkfifo(fifo)
    proc = subprocess.Popen([CLI, "score", str(fifo), "-m", "rouge1", "--batch-size", "4",
                             "-o", "-", "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    record = {"summary": "the cat sat", "references": ["the cat sat on the mat"]}
    with open(fifo, "w") as w:
        for i in range(8):
            w.write(json.dumps(dict(record, id=f"a{i}")) + "\n")
        w.flush()
        first = [json.loads(proc.stdout.readline()) for _ in range(4)]  # before the input ends
        assert [r["id"] for r in first] == ["a0", "a1", "a2", "a3"]
        w.write(json.dumps(dict(record, id="last")) + "\n")
    rest, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert [json.loads(l)["id"] for l in rest.splitlines()] == ["a4", "a5", "a6", "a7", "last"]


def test_progress_bar_only_when_asked_or_on_a_terminal(tmp_path):
    out = tmp_path / "o.jsonl"
    quiet = run("score", str(ARTICLES), "-o", str(out), "-q")
    assert "precis:" not in quiet.stderr and "%" not in quiet.stderr  # stderr is a pipe
    shown = run("score", str(ARTICLES), "-o", str(out), "-q", "--progress")
    assert "100% [########################] 10 lines" in shown.stderr
    assert run("score", str(ARTICLES), "--progress", "--no-progress").returncode == 2
