"""The reference tools' own tests, run against precis.compat (see peers.py).

Every test of rouge-score 0.1.2's and sacrebleu 2.6.0's test files that passes against the
reference package must pass against precis.compat too, except those in EXCLUDED (none); the
tests that fail against the reference itself must be the known ones (KNOWN_REFERENCE_FAILURES).
The sdists are downloaded at test time; without network this fails, unless
PRECIS_SKIP_PEER_TESTS=1 (then it skips, saying why).
"""

import os

import pytest

import peers

# Test id (junit classname::name) -> why compat need not pass it even though the reference does.
# Empty: compat passes every test the reference passes.
EXCLUDED = {}

_TESTDATA = ("reads rouge-score's testdata/ files, which its sdist does not ship (the stand-ins "
             "made from examples/ cannot reproduce ROUGE-1.5.5's numbers for the originals)")
_PUNKT = "split_summaries=True needs NLTK's punkt_tab data, when it is not installed"

# Tests that fail against the reference itself in this harness, with the reason. They are not
# required on compat; any other failure against the reference fails this test (so a broken
# environment cannot hide behind "nothing to compare").
KNOWN_REFERENCE_FAILURES = {
    **{f"rouge_scorer_test.RougeScorerTest::{name}": _TESTDATA for name in (
        "testRouge1AgainstRouge155", "testRouge1AgainstRouge155WithStemming",
        "testRouge2AgainstRouge155", "testRouge2AgainstRouge155WithStemming",
        "testRougeLAgainstRouge155", "testRougeLSumAgainstRouge155WithStemming",
        "testRougeLsumLarge")},
    "rouge_scorer_test.RougeScorerTest::testRougeLSumSentenceSplitting": _PUNKT,
    **{f"scoring_test.BootstrapAggregatorTest::{name}": _TESTDATA for name in (
        "testConfidenceIntervalsAgainstRouge155",
        "testConfidenceIntervalsAgainstRouge155WithStemming",
        "testConfidenceIntervalsAgainstRouge155WithStemmingMultiLine")},
}


@pytest.fixture(scope="session")
def peer_folder(tmp_path_factory):
    return peers.default_peer_dir(tmp_path_factory.getbasetemp() / "peers")


_fetched = {}
_runs = {}


def runs(peer_file, sdist, work, redirect):
    """The outcomes of `peer_file` (all files of its package run once per mode)."""
    key = (peer_file.package, redirect)
    if key not in _runs:
        files = [f for f in peers.PEER_FILES if f.package == peer_file.package]
        _runs[key] = peers.run_peer_files(files, sdist, work, redirect)
    return _runs[key][peer_file.name]


def sdists(folder):
    """The unpacked sdists; fails the calling test (or skips it) when they cannot be fetched."""
    if "result" not in _fetched:
        try:
            _fetched["result"] = peers.fetch_sdists(folder)
        except peers.PeerDownloadError as e:
            _fetched["result"] = e
    result = _fetched["result"]
    if not isinstance(result, Exception):
        return result
    message = (f"could not download the reference sdists into {folder} (no network?): {result}."
               " Set PRECIS_PEER_DIR to a folder holding rouge_score-0.1.2.tar.gz and "
               "sacrebleu-2.6.0.tar.gz, or PRECIS_SKIP_PEER_TESTS=1 to skip these tests.")
    if os.environ.get("PRECIS_SKIP_PEER_TESTS") == "1":
        pytest.skip("PRECIS_SKIP_PEER_TESTS=1: " + message)
    pytest.fail(message, pytrace=False)


@pytest.mark.parametrize("peer_file", peers.PEER_FILES, ids=lambda f: f.name)
def test_peer_tests_pass_on_compat(peer_file, peer_folder, tmp_path_factory, capsys):
    sdist = sdists(peer_folder)[peer_file.peer]
    work = tmp_path_factory.getbasetemp() / "peer-runs"
    ref = runs(peer_file, sdist, work, redirect=False)
    compat = runs(peer_file, sdist, work, redirect=True)
    excluded = sorted(k for k in EXCLUDED if k in ref.outcomes)
    line = peers.summary_line(peer_file, ref, compat, excluded)
    with capsys.disabled():  # the counts show in every run, captured or not
        print(f"\n{line}")

    assert ref.outcomes, f"no tests collected from {peer_file.path}:\n{ref.output[-3000:]}"
    assert set(ref.outcomes) == set(compat.outcomes), (
        f"the two runs collected different tests: only reference "
        f"{sorted(set(ref.outcomes) - set(compat.outcomes))}, only compat "
        f"{sorted(set(compat.outcomes) - set(ref.outcomes))}\n{compat.output[-3000:]}")
    unexpected = sorted(ref.ids("failed") - set(KNOWN_REFERENCE_FAILURES))
    assert not unexpected, (f"fail against the reference itself, for no known reason: "
                            f"{unexpected}\n{ref.output[-5000:]}")
    lost = sorted(ref.ids("passed") - compat.ids("passed") - set(EXCLUDED))
    assert not lost, f"{line}\npass on the reference but not on compat: {lost}\n" \
                     f"{compat.output[-5000:]}"
