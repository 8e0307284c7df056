"""Text core from Python: offsets are Python string indices."""
import precis


def test_tokens_point_back_into_the_string():
    text = "Ünïcode café: 北京大学 has 14,000 books."
    for tok, start, end, kind in precis.tokenize(text):
        assert text[start:end] == tok
    kinds = {t: k for t, _, _, k in precis.tokenize(text)}
    assert kinds["14,000"] == "number" and kinds["北京"] == "ideograph"


def test_cjk_character_mode():
    assert [t for t, *_ in precis.tokenize("北京大学", cjk="character")] == ["北", "京", "大", "学"]


def test_sentences_with_abbreviations():
    text = "Dr. Ana Ribeiro met J. R. Smith in the U.S. on Monday. They talked.\nNew line"
    got = [s for s, *_ in precis.split_sentences(text, newline_is_boundary=True)]
    assert got == ["Dr. Ana Ribeiro met J. R. Smith in the U.S. on Monday.", "They talked.",
                   "New line"]


def test_normalize_and_stem():
    assert precis.normalize("ﬁnance ①") == "finance 1"
    assert precis.porter_stem("generalization") == "gener"
    assert precis.porter_stem("skies") == "sky"
