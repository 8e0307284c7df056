"""The reference tools' own tests, run against precis.compat (see peers.py).

Every test of rouge-score 0.1.2's and sacrebleu 2.6.0's test files that passes against the
reference package must pass against precis.compat too, except those in EXCLUDED. The sdists are
downloaded at test time; without network this fails, unless PRECIS_SKIP_PEER_TESTS=1 (then it
skips, saying why).
"""

import os

import pytest

import peers

# Test id (junit classname::name) -> why compat need not pass it. Tests that fail against the
# reference itself are not required either; they are counted in the summary line instead.
EXCLUDED = {}

# Why tests fail against the reference in this setting (reported, not asserted).
REFERENCE_FAILURES = {
    "rouge_scorer_test": "the ROUGE-1.5.5 comparisons read testdata/ files that the rouge-score "
                         "sdist does not ship (stand-ins from examples/ are used), and "
                         "split_summaries=True needs NLTK's punkt_tab data",
    "scoring_test": "the ROUGE-1.5.5 confidence-interval comparisons read testdata/ files that "
                    "the rouge-score sdist does not ship",
}


@pytest.fixture(scope="session")
def peer_folder(tmp_path_factory):
    return peers.default_peer_dir(tmp_path_factory.getbasetemp() / "peers")


_fetched = {}


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
def test_peer_tests_pass_on_compat(peer_file, peer_folder, tmp_path, capsys):
    sdist = sdists(peer_folder)[peer_file.peer]
    ref = peers.run_peer_file(peer_file, sdist, tmp_path, redirect=False)
    compat = peers.run_peer_file(peer_file, sdist, tmp_path, redirect=True)
    excluded = sorted(k for k in EXCLUDED if k in ref.outcomes)
    line = peers.summary_line(peer_file, ref, compat, excluded,
                              REFERENCE_FAILURES.get(peer_file.name) if ref.ids("failed") else None)
    with capsys.disabled():  # the counts show in every run, captured or not
        print(f"\n{line}")

    assert ref.outcomes, f"no tests collected from {peer_file.path}:\n{ref.output[-3000:]}"
    assert set(ref.outcomes) == set(compat.outcomes), (
        f"the two runs collected different tests: only reference "
        f"{sorted(set(ref.outcomes) - set(compat.outcomes))}, only compat "
        f"{sorted(set(compat.outcomes) - set(ref.outcomes))}\n{compat.output[-3000:]}")
    assert ref.ids("passed"), f"nothing passes against the reference:\n{ref.output[-3000:]}"
    lost = sorted(ref.ids("passed") - compat.ids("passed") - set(EXCLUDED))
    assert not lost, f"{line}\npass on the reference but not on compat: {lost}\n" \
                     f"{compat.output[-5000:]}"
