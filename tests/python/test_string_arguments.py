"""Every text entry point treats a str with a lone surrogate alike: PrecisError
[precis.invalid_utf8] (a batch: that record's error), never pybind11's TypeError about
incompatible arguments nor a UnicodeEncodeError (docs/reliability.md)."""
import math

import numpy as np
import pytest

import precis
import precis.embed as pe
from precis import structured

BAD = "ok \ud800 x"

SINGLE_CALLS = {
    "tokenize": lambda: precis.tokenize(BAD),  # was TypeError
    "normalize": lambda: precis.normalize(BAD),  # was TypeError
    "split_sentences": lambda: precis.split_sentences(BAD),  # was TypeError
    "porter_stem": lambda: precis.porter_stem("\ud800"),  # was TypeError
    "rouge": lambda: precis.rouge(BAD, "ok"),
    "bleu": lambda: precis.bleu(BAD, "ok"),
    "chrf": lambda: precis.chrf(BAD, "ok"),
    "parse_json_output": lambda: structured.parse_json_output('["' + BAD + '"]'),
    "parse_citations": lambda: precis.parse_citations(BAD),
    "citations": lambda: precis.citations(BAD, ["ok"]),
    "grounded": lambda: precis.grounded(BAD, ["ok"]),
    "JsonSchema": lambda: structured.JsonSchema('{"const": "' + BAD + '"}'),  # was TypeError
}


@pytest.mark.parametrize("name", sorted(SINGLE_CALLS))
def test_lone_surrogate_is_invalid_utf8(name):
    with pytest.raises(precis.PrecisError, match=r"^\[precis.invalid_utf8\]"):
        result = SINGLE_CALLS[name]()
        # parse_json_output reports errors in its result instead of raising.
        if isinstance(result, dict) and result.get("error"):
            raise precis.PrecisError("[precis.invalid_utf8] " + result["error"]["message"])


def test_citation_scorer_entry_points():
    scorer = precis.CitationScorer(["the cat sat", "a dog ran"])
    assert scorer.resolve("\ud800") is None  # was TypeError: an unknown key
    with pytest.raises(precis.PrecisError, match=r"^\[precis.invalid_utf8\] cited"):
        scorer.support("the cat", ["\ud800"])  # was TypeError
    table = scorer.score_batch(["the cat sat [1].", BAD])  # was TypeError for the whole batch
    assert table["error"][0] is None
    assert table["error"][1].startswith("[precis.invalid_utf8]")


def test_scorer_batches_report_the_record():
    # Was a TypeError for the whole batch; now the bad record's error, the others scored.
    rouge = precis.RougeScorer("the cat sat").score_batch(["the cat", BAD])
    assert isinstance(rouge[0], dict) and rouge[1].startswith("[precis.invalid_utf8]")
    grounded = precis.GroundedScorer(["the cat sat on the mat"]).score_batch(["the cat", BAD])
    assert grounded["error"][0] is None
    assert grounded["error"][1].startswith("[precis.invalid_utf8]")


def test_embed_entry_points(tmp_path):
    with pytest.raises(precis.PrecisError, match=r"^\[precis.invalid_utf8\] id"):  # was TypeError
        pe.PrecomputedEncoder("id \ud800", ["a"], np.ones((1, 2), dtype=np.float32))
    wv_path = tmp_path / "v.txt"
    wv_path.write_text("the 1 2\ncat 3 4\n")
    wv = pe.WordVectors(wv_path)  # os.PathLike accepted
    assert len(wv) == 2 and "the" in wv and "\ud800" not in wv
    with pytest.raises(precis.PrecisError, match=r"^\[precis.invalid_utf8\] name"):
        pe.WordVectorEncoder(wv, "glove \ud800")
    assert pe.WordVectorEncoder(wv, "glove").dimension == 2
    wv.save(tmp_path / "v.pwv")
    assert len(pe.WordVectors(str(tmp_path / "v.pwv"))) == 2


def test_directory_and_hostile_vector_files(tmp_path):
    with pytest.raises(precis.PrecisError) as e:  # was ValueError: basic_string::_M_create
        pe.WordVectors("/tmp")
    assert str(e.value) == "[precis.io_error] word vectors '/tmp': is a directory"
    # A crafted cache like the audit's (offsets far outside the file) crashed the process.
    import struct
    bad = tmp_path / "bad.pwv"
    bad.write_bytes(b"PRECISWV" + struct.pack("<IQQ", 1, 2, 1) + b"\0" * 8 +
                    struct.pack("<QQQQ", 1 << 40, 3, 6, 6) + b"abcdef")
    with pytest.raises(precis.PrecisError, match=r"corrupt precis cache"):
        pe.WordVectors(bad)
    huge = tmp_path / "h.bin"
    huge.write_bytes(b"1000000 1000000\nthe \xcd\xcc\xcc\x3d")
    with pytest.raises(precis.PrecisError, match=r"header says 1000000 words"):  # was MemoryError
        pe.WordVectors(huge)
