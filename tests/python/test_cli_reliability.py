"""The precis command under hostile conditions (docs/reliability.md): a deep line is that line's
error, writes are checked (exit 4 naming the path), output is replaced only when complete.
Interrupted runs and --resume: test_cli_stream.py."""
import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI = os.environ.get("PRECIS_CLI", str(ROOT / "build" / "src" / "cli" / "precis"))
ARTICLES = ROOT / "examples" / "data" / "articles.jsonl"


def run(*args, **kwargs):
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=300, **kwargs)


def test_deeply_nested_summary_is_one_lines_error(tmp_path):
    data = tmp_path / "d.jsonl"
    deep = "[" * 100000 + "]" * 100000
    data.write_text('{"summary":' + deep + '}\n'
                    '{"id": "ok", "summary": "a b c", "references": ["a b c"]}\n')
    out = tmp_path / "out.jsonl"
    proc = run("score", str(data), "-o", str(out), "-q")
    assert proc.returncode == 3, proc.stderr  # was SIGSEGV (-11) with nothing written
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows[0]["line"] == 1 and rows[0]["id"] == "line 1" and rows[0]["rouge1"] is None
    assert rows[0]["error"] == ("[precis.parse_error] line 1 (id 'line 1'), field 'summary' is "
                                "nested deeper than 512 levels")
    assert rows[1]["id"] == "ok" and rows[1]["rouge1"] == 1.0 and rows[1]["error"] is None


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_failed_write_exits_4_naming_the_path(tmp_path):
    proc = run("score", str(ARTICLES), "-o", "/dev/full", "-q")
    assert proc.returncode == 4  # was 0 with every line lost
    assert "[precis.io_error] cannot write '/dev/full': No space left on device" in proc.stderr
    with open("/dev/full", "w") as full:  # stdout that cannot be written
        proc = subprocess.run([CLI, "score", str(ARTICLES), "-q"], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    assert proc.returncode == 4
    assert "cannot write '<stdout>'" in proc.stderr
    # The table on a full stdout while the lines go to a file.
    with open("/dev/full", "w") as full:
        proc = subprocess.run([CLI, "score", str(ARTICLES), "-o", str(tmp_path / "o.jsonl")],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert proc.returncode == 4 and "cannot write '<stdout>'" in proc.stderr


def test_unwritable_output_is_an_io_error_not_a_usage_error(tmp_path):
    proc = run("score", str(ARTICLES), "-o", str(tmp_path / "missing" / "out.jsonl"))
    assert proc.returncode == 4, proc.stderr  # was 2, reserved for usage errors
    assert f"cannot write '{tmp_path / 'missing' / 'out.jsonl'}'" in proc.stderr
    proc = run("score", str(ARTICLES), "-o", str(tmp_path))
    assert proc.returncode == 4 and "is a directory" in proc.stderr
    # Usage errors keep 2.
    assert run("score", str(ARTICLES), "-m", "meteor").returncode == 2


def test_output_replaced_atomically_keeps_mode_and_symlinks(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("old\n")
    os.chmod(out, 0o640)
    link = tmp_path / "link.jsonl"
    link.symlink_to(out)
    proc = run("score", str(ARTICLES), "-o", str(link), "-q")
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and len(out.read_text().splitlines()) == 10
    assert (os.stat(out).st_mode & 0o777) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.jsonl", "out.jsonl"]
    # A run that fails before writing (unknown metric) leaves the old output alone.
    out.write_text("old\n")
    assert run("score", str(ARTICLES), "-o", str(out), "-m", "meteor").returncode == 2
    assert out.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.jsonl", "out.jsonl"]


def test_unreadable_input_exits_4(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    data = tmp_path / "x.jsonl"
    data.write_text('{"summary": "a"}\n')
    os.chmod(data, 0)
    assert run("score", str(data)).returncode == 4


def test_exit_codes_are_the_documented_ones(tmp_path):
    # docs/cli.md: 0 ok, 2 usage, 3 some line failed, 4 I/O, 128 + signal when stopped.
    assert run("score", str(ARTICLES), "-q", "-o", str(tmp_path / "o.jsonl")).returncode == 0
    assert run("score").returncode == 2  # was CLI11's 106
    assert run("score", str(ARTICLES), "--threads", "x").returncode == 2  # was 104
    assert run("bogus").returncode == 2
    assert run("--version").returncode == 0
    missing = run("score", str(tmp_path / "missing.jsonl"))  # was CLI11's 105
    assert missing.returncode == 4
    assert f"[precis.io_error] cannot open '{tmp_path / 'missing.jsonl'}'" in missing.stderr
    folder = run("score", str(tmp_path))
    assert folder.returncode == 4 and "is a directory" in folder.stderr
