"""sacrebleu's n-gram helpers (pure Python; the metrics count n-grams in C++)."""

from collections import Counter
from typing import List, Tuple


def extract_all_word_ngrams(line: str, min_order: int, max_order: int) -> Tuple[Counter, int]:
    """Counter of the token n-grams (tuples), min_order <= n <= max_order, and the token count."""
    tokens = line.split()
    grams = Counter()
    for n in range(min_order, max_order + 1):
        for i in range(len(tokens) - n + 1):
            grams[tuple(tokens[i:i + n])] += 1
    return grams, len(tokens)


def extract_word_ngrams(tokens: List[str], n: int) -> Counter:
    """Counter of the word n-grams of `tokens`, each joined by a space."""
    return Counter(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def extract_char_ngrams(line: str, n: int, include_whitespace: bool = False) -> Counter:
    """Counter of the character n-grams of `line` (whitespace removed unless included)."""
    if not include_whitespace:
        line = "".join(line.split())
    return Counter(line[i:i + n] for i in range(len(line) - n + 1))


def extract_all_char_ngrams(line: str, max_order: int,
                            include_whitespace: bool = False) -> List[Counter]:
    """One Counter of character n-grams per order 1..max_order."""
    if not include_whitespace:
        line = "".join(line.split())
    return [Counter(line[i:i + n] for i in range(len(line) - n + 1))
            for n in range(1, max_order + 1)]
