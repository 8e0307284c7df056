"""Runs the reference tools' own test files against the reference and against precis.compat.

The test files come from the source distributions of rouge-score 0.1.2 and sacrebleu 2.6.0,
downloaded at test time with ``pip download --no-binary :all: --no-deps`` into a cache folder
(``PRECIS_PEER_DIR``, or ``<build>/peers`` when precis is imported from a build tree, or a
pytest temporary folder) and reused when present; they are never part of the repository.

The files of each package run twice under pytest in a subprocess, from copies in a folder:

- *reference*: the file as shipped, importing the package from its sdist;
- *compat*: the same file with its imports of ``rouge_score`` / ``sacrebleu`` rewritten to
  ``precis.compat.rouge_score`` / ``precis.compat.sacrebleu``, and a ``conftest.py`` that makes
  importing the real packages fail, so no number can come from them.

rouge-score's tests read ``testdata/`` files that its sdist does not ship. Both runs get the
same stand-ins made from the repository's examples (``examples/data/articles.jsonl``), so the
tests whose ``setUp`` only needs some text run; the tests that compare with ROUGE-1.5.5 numbers
for the original files fail on both sides and are reported as such.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parents[2]

SDISTS = {
    "rouge-score": ("rouge-score==0.1.2", "rouge_score-0.1.2"),
    "sacrebleu": ("sacrebleu==2.6.0", "sacrebleu-2.6.0"),
}


@dataclass(frozen=True)
class PeerFile:
    """One test file of a reference tool."""

    peer: str             # key of SDISTS
    path: str             # inside the unpacked sdist
    package: str          # the package it tests
    compat: str           # what replaces it
    helpers: tuple = ()   # other files of the sdist the test imports (copied beside it)

    @property
    def name(self) -> str:
        return Path(self.path).stem


PEER_FILES = [
    PeerFile("rouge-score", "rouge_score/rouge_scorer_test.py", "rouge_score",
             "precis.compat.rouge_score", ("rouge_score/test_util.py",)),
    PeerFile("rouge-score", "rouge_score/scoring_test.py", "rouge_score",
             "precis.compat.rouge_score", ("rouge_score/test_util.py",)),
    PeerFile("rouge-score", "rouge_score/tokenize_test.py", "rouge_score",
             "precis.compat.rouge_score"),
    PeerFile("rouge-score", "rouge_score/tokenizers_test.py", "rouge_score",
             "precis.compat.rouge_score"),
    PeerFile("sacrebleu", "test/test_bleu.py", "sacrebleu", "precis.compat.sacrebleu"),
    PeerFile("sacrebleu", "test/test_sentence_bleu.py", "sacrebleu", "precis.compat.sacrebleu"),
    PeerFile("sacrebleu", "test/test_chrf.py", "sacrebleu", "precis.compat.sacrebleu"),
]


class PeerDownloadError(RuntimeError):
    """The source distributions could not be downloaded."""


def default_peer_dir(fallback: Path) -> Path:
    """PRECIS_PEER_DIR, else <build>/peers next to the build tree precis comes from."""
    if os.environ.get("PRECIS_PEER_DIR"):
        return Path(os.environ["PRECIS_PEER_DIR"])
    import precis

    build = Path(precis.__file__).resolve().parents[2]
    if (build / "CMakeCache.txt").exists():
        return build / "peers"
    return fallback


def fetch_sdists(folder: Path, timeout: float = 300) -> Dict[str, Path]:
    """The unpacked sdists in `folder` (downloaded and unpacked when missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    missing = [spec for spec, unpacked in SDISTS.values()
               if not (folder / f"{unpacked}.tar.gz").exists()]
    if missing:
        cmd = [sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps",
               "--disable-pip-version-check", "-d", str(folder), *missing]
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise PeerDownloadError(f"{' '.join(cmd)} failed: {e}") from e
        if run.returncode != 0:
            raise PeerDownloadError(f"{' '.join(cmd)} failed (exit {run.returncode}):\n"
                                    f"{run.stderr.strip()[-2000:]}")
    out = {}
    for peer, (_, unpacked) in SDISTS.items():
        target = folder / unpacked
        if not target.exists():
            archive = folder / f"{unpacked}.tar.gz"
            if not archive.exists():
                raise PeerDownloadError(f"pip download did not produce {archive}")
            with tarfile.open(archive) as tar:
                tar.extractall(folder, filter="data")
        out[peer] = target
    return out


_IMPORT_RE = {
    "rouge_score": [
        (re.compile(r"^(\s*)from rouge_score import test_util\b", re.M), r"\1import test_util"),
        (re.compile(r"^(\s*)from rouge_score(\.\w+)? import ", re.M),
         r"\1from {compat}\2 import "),
        (re.compile(r"^(\s*)import rouge_score(\.\w+)?\s*$", re.M),
         r"\1import {compat}\2 as rouge_score\2"),
    ],
    "sacrebleu": [
        (re.compile(r"^(\s*)import sacrebleu\s*$", re.M), r"\1import {compat} as sacrebleu"),
        (re.compile(r"^(\s*)from sacrebleu((?:\.\w+)*) import ", re.M),
         r"\1from {compat}\2 import "),
    ],
}

# Imports of the reference package left after rewriting would test the reference.
_LEFTOVER_RE = re.compile(r"^\s*(?:from|import)\s+(rouge_score|sacrebleu)\b", re.M)


def rewrite_imports(source: str, package: str, compat: str, redirect: bool) -> str:
    """The test source with helper imports made local and, if `redirect`, the package's
    imports pointing at `compat`."""
    rules = _IMPORT_RE[package]
    source = rules[0][0].sub(rules[0][1], source) if package == "rouge_score" else source
    if not redirect:
        return source
    for pattern, repl in rules:
        source = pattern.sub(repl.replace("{compat}", compat), source)
    left = _LEFTOVER_RE.findall(source)
    if left:
        raise AssertionError(f"imports of {left} left after rewriting")
    return source


_BLOCKER = '''\
# Written by tests/python/peers.py: the reference packages must not be importable in the compat
# run, so that every number comes from precis.compat.
import sys


class _Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {blocked!r}:
            raise ImportError(f"{{name}} is blocked in the compat run")
        return None


sys.meta_path.insert(0, _Block())
for _name in list(sys.modules):
    if _name.split(".")[0] in {blocked!r}:
        del sys.modules[_name]
'''


def _stand_in_testdata(folder: Path):
    """rouge-score's testdata/ files (not in its sdist), made from the repository's examples."""
    records = [json.loads(line) for line in
               (ROOT / "examples" / "data" / "articles.jsonl").read_text("utf-8").splitlines()
               if line.strip()]
    targets = [r["references"][0].replace("\n", " ") for r in records]
    predictions = [(r["summary"] or r["source"]).replace("\n", " ") for r in records]
    folder.mkdir(parents=True, exist_ok=True)
    for name, lines in (("target.txt", targets), ("prediction.txt", predictions),
                        ("target_large.txt", targets * 5),
                        ("prediction_large.txt", predictions * 5)):
        (folder / name).write_text("\n".join(lines) + "\n", "utf-8")


@dataclass
class RunResult:
    """Outcome of one pytest run of one test file."""

    outcomes: Dict[str, str] = field(default_factory=dict)  # test id -> passed/failed/skipped
    output: str = ""

    def ids(self, outcome: str) -> set:
        return {k for k, v in self.outcomes.items() if v == outcome}


def _parse_junit(path: Path) -> Dict[str, str]:
    outcomes = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        test_id = f"{case.get('classname')}::{case.get('name')}"
        if case.find("failure") is not None or case.find("error") is not None:
            outcomes[test_id] = "failed"
        elif case.find("skipped") is not None:
            outcomes[test_id] = "skipped"
        else:
            outcomes[test_id] = "passed"
    return outcomes


def run_peer_files(peer_files: List[PeerFile], sdist: Path, work: Path, redirect: bool,
                   timeout: float = 900) -> Dict[str, RunResult]:
    """Runs the test files of one package under pytest, in one subprocess, against the reference
    (redirect=False) or compat; the outcomes per file name."""
    package = peer_files[0].package
    mode = "compat" if redirect else "reference"
    folder = work / package / mode
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for rel in {r for f in peer_files for r in (f.path, *f.helpers)}:
        text = (sdist / rel).read_text("utf-8")
        text = rewrite_imports(text, package, peer_files[0].compat, redirect)
        (folder / Path(rel).name).write_text(text, "utf-8")
    if package == "rouge_score":
        _stand_in_testdata(folder / "testdata")
    (folder / "pytest.ini").write_text("[pytest]\n", "utf-8")
    if redirect:
        (folder / "conftest.py").write_text(_BLOCKER.format(blocked=[package]), "utf-8")
    import precis

    paths = [str(Path(precis.__file__).resolve().parents[1])]
    if not redirect:
        paths.insert(0, str(sdist))  # the reference package from its sdist
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(paths + [env["PYTHONPATH"]] if env.get("PYTHONPATH")
                                        else paths)
    env.pop("PYTEST_ADDOPTS", None)
    junit = folder / "junit.xml"
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c",
           str(folder / "pytest.ini"), "--rootdir", str(folder), f"--junitxml={junit}",
           *[str(folder / Path(f.path).name) for f in peer_files]]
    run = subprocess.run(cmd, cwd=folder, env=env, capture_output=True, text=True,
                         timeout=timeout)
    if not junit.exists():
        raise RuntimeError(f"pytest wrote no report for {package} ({mode}):\n"
                           f"{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
    outcomes = _parse_junit(junit)
    output = run.stdout + run.stderr
    return {f.name: RunResult({k: v for k, v in outcomes.items()
                               if k.split("::")[0].split(".")[0] == f.name}, output)
            for f in peer_files}


def summary_line(peer_file: PeerFile, ref: RunResult, compat: RunResult,
                 excluded: List[str]) -> str:
    """e.g. "test_bleu: 27 tests, 27 pass on reference, 27 pass on compat, 0 excluded"."""
    line = (f"{peer_file.name}: {len(ref.outcomes)} tests, {len(ref.ids('passed'))} pass on "
            f"reference, {len(compat.ids('passed'))} pass on compat, {len(excluded)} excluded")
    failing = ref.ids("failed")
    if failing:
        line += (f", {len(failing)} fail on the reference itself "
                 f"({len(failing & compat.ids('failed'))} of them on compat too)")
    return line
