#!/usr/bin/env python3
"""Validates records.jsonl (the hand-written behaviour dataset). Standard library only.

    python3 tests/data/behavior/check_records.py [path/to/records.jsonl]

Exits 1 and lists the problems if any record breaks the schema or a requirement the
minimal-pair generator relies on (see README.md); prints the counts per genre.
"""
import json
import re
import sys
from collections import Counter
from pathlib import Path

GENRES = ("news", "technical", "biography", "multi_source")
SOURCE_COUNTS = {"news": (1, 1), "technical": (1, 1), "biography": (5, 7), "multi_source": (2, 4)}
MONTHS = ("January February March April May June July August September October November "
          "December").split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
ABBREV = ("Dr.", "Mr.", "Ms.", "Mrs.", "St.", "e.g.", "i.e.", "vs.", "etc.", "Inc.", "Ltd.",
          "No.", "approx.")
NUM_RE = re.compile(r"\d+(?:[.,]\d+)*")
WORD_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*")
MONTH_ALT = "|".join(MONTHS)
DATE_RE = re.compile(
    rf"\b(?:(?:{MONTH_ALT}) \d{{1,2}}(?:, \d{{4}})?|\d{{1,2}} (?:{MONTH_ALT})(?: \d{{4}})?"
    rf"|(?:{MONTH_ALT}) \d{{4}}|(?:19|20)\d\d)\b")
NEG_RE = re.compile(r"\b(?:not|never|no longer)\b|n't\b", re.I)
AUX_RE = re.compile(r"\b(?:is|was|are|were|will|has|have|had|can|could|would|should|must|does|"
                    r"did|may)\b", re.I)
PRONOUN_RE = re.compile(r"\b(?:she|he|they|her|his|their|them|him)\b", re.I)
MARKER_RE = re.compile(r"\[\s*(?:s?\d+)\s*\]|\(\s*s\d+\s*\)|\bs\d+\b")


def sentences(text):
    """Splits on . ! ? followed by a space and an upper-case letter, digit or quote."""
    protected = text
    for i, abbr in enumerate(ABBREV):
        protected = protected.replace(abbr, f"\x00{i}\x00")
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])", protected.strip())
    return [p for p in parts if p.strip()]


def has_word(word, text):
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(word)}(?![A-Za-z0-9])", text) is not None


def cap_words(text, skip_first=True):
    """Capitalised words that are not the first word of the text (nor 'I')."""
    words = [m.group(0) for m in WORD_RE.finditer(text)]
    if skip_first:
        words = words[1:]
    return [w for w in words if w[0].isupper() and w != "I"]


def entity_words(text, exclude=(), skip_first=True):
    """Capitalised non-initial words that look like parts of names (no months, weekdays)."""
    return [w for w in cap_words(text, skip_first)
            if w not in MONTHS and w not in WEEKDAYS and w not in exclude]


STOP = set("""that this with from have were been will would their there which about into after
before than they them then when also only over under more most some such very your just""".split())


def content_tokens(text):
    toks = set(NUM_RE.findall(text))
    toks |= {w.lower() for w in WORD_RE.findall(text) if len(w) >= 4} - STOP
    return toks


def combines(sentence, texts):
    """True if every cited text supports a token of the sentence that the others lack."""
    sent = content_tokens(sentence)
    toks = [content_tokens(t) for t in texts]
    for i, t in enumerate(toks):
        others = set().union(*(o for j, o in enumerate(toks) if j != i))
        if not (sent & t) - others:
            return False
    return True


def check_record(rec, seen_ids, errors):
    rid = rec.get("id") if isinstance(rec, dict) else None

    def err(msg):
        errors.append(f"{rid}: {msg}")

    if not isinstance(rec, dict):
        errors.append("record is not an object")
        return None
    allowed = {"id", "genre", "subject", "query", "sources", "summary"}
    extra = set(rec) - allowed
    if extra:
        err(f"unknown keys {sorted(extra)}")
    if not isinstance(rid, str) or not rid:
        err("missing id")
        return None
    if rid in seen_ids:
        err("duplicate id")
    seen_ids.add(rid)
    genre = rec.get("genre")
    if genre not in GENRES:
        err(f"bad genre {genre!r}")
        return None
    if not rid.startswith(genre.replace("_", "-") + "-") and not rid.startswith(genre + "-"):
        err("id does not start with the genre")
    if "query" in rec and (not isinstance(rec["query"], str) or not rec["query"].strip()):
        err("query must be a non-empty string")

    # subject
    names = []
    if genre == "biography":
        subj = rec.get("subject")
        if (not isinstance(subj, dict) or not isinstance(subj.get("name"), str)
                or not isinstance(subj.get("aliases"), list)
                or not all(isinstance(a, str) and a for a in subj["aliases"])):
            err("biography needs subject {name, aliases[]}")
            return genre
        names = [subj["name"]] + subj["aliases"]
    elif "subject" in rec:
        err("subject only allowed in biography records")
    name_words = {w for n in names for w in WORD_RE.findall(n)}

    # sources
    sources = rec.get("sources")
    if not isinstance(sources, list) or not sources:
        err("sources must be a non-empty list")
        return genre
    src = {}
    for s in sources:
        if not isinstance(s, dict) or set(s) - {"id", "text", "author"} or \
                not isinstance(s.get("id"), str) or not isinstance(s.get("text"), str) or \
                not s["text"].strip() or ("author" in s and not isinstance(s["author"], str)):
            err(f"bad source {s!r:.60}")
            continue
        if s["id"] in src:
            err(f"duplicate source id {s['id']}")
        src[s["id"]] = s
    lo, hi = SOURCE_COUNTS[genre]
    if not lo <= len(src) <= hi:
        err(f"{len(src)} sources, expected {lo}-{hi}")
    for i, sid in enumerate(src, 1):
        if sid != f"s{i}":
            err(f"source ids must be s1, s2, ... (got {sid})")
            break

    for sid, s in src.items():
        text = s["text"]
        n_sent = len(sentences(text))
        n_words = len(text.split())
        if genre == "news":
            if not 7 <= n_sent <= 12:
                err(f"{sid}: {n_sent} sentences, expected 7-12")
            if not 150 <= n_words <= 300:
                err(f"{sid}: {n_words} words, expected 150-300")
            if len(set(NUM_RE.findall(text))) < 3:
                err(f"{sid}: fewer than 3 numbers")
            if len(set(DATE_RE.findall(text))) < 2:
                err(f"{sid}: fewer than 2 dates")
            if len(set(entity_words(text))) < 3:
                err(f"{sid}: fewer than 3 named entities")
        elif genre == "technical":
            if not 6 <= n_sent <= 10:
                err(f"{sid}: {n_sent} sentences, expected 6-10")
            if not re.search(r"\d+(?:\.\d+)+", text):
                err(f"{sid}: no version number")
            if not re.search(r"\d\s?(?:%|[KMGT]i?B|ms|s|MHz|GHz|W|V|mA|°C|px)\b|\d%", text):
                err(f"{sid}: no number with a unit")
        elif genre == "biography":
            if not 1 <= n_sent <= 3:
                err(f"{sid}: {n_sent} sentences, expected 1-3")
            if s.get("author") != names[0]:
                err(f"{sid}: author must be the subject ({names[0]})")
            for n in names:
                if has_word(n, text):
                    err(f"{sid}: post contains the subject's name {n!r}")
        elif genre == "multi_source":
            if not 3 <= n_sent <= 8:
                err(f"{sid}: {n_sent} sentences, expected 3-8")
    if genre in ("news", "technical", "multi_source"):
        if not any(NEG_RE.search(s["text"]) for s in src.values()):
            err("no negative statement in the sources")

    # summary
    summary = rec.get("summary")
    if not isinstance(summary, list) or not 3 <= len(summary) <= 6:
        err("summary must hold 3-6 sentences")
        return genre
    n_num = n_date = n_ent = n_neg = n_aux = n_two = n_name = n_pron = 0
    for k, sent in enumerate(summary):
        tag = f"summary[{k}]"
        if not isinstance(sent, dict) or set(sent) != {"text", "cites"} or \
                not isinstance(sent["text"], str) or not isinstance(sent["cites"], list) or \
                not sent["cites"]:
            err(f"{tag}: needs text and non-empty cites")
            continue
        text = sent["text"]
        if MARKER_RE.search(text):
            err(f"{tag}: citation marker in text")
        if not text[:1].isupper() or not text.endswith("."):
            err(f"{tag}: must start with a capital letter and end with a full stop")
        if len(sentences(text)) != 1:
            err(f"{tag}: not exactly one sentence")
        bad = [c for c in sent["cites"] if c not in src]
        if bad:
            err(f"{tag}: cites unknown sources {bad}")
            continue
        if len(set(sent["cites"])) != len(sent["cites"]):
            err(f"{tag}: duplicate cite")
        cited = " \n ".join(src[c]["text"] for c in sent["cites"])
        src_nums = set(NUM_RE.findall(cited))
        nums = NUM_RE.findall(text)
        for n in nums:
            if n not in src_nums:
                err(f"{tag}: number {n!r} not in cited sources")
        for w in cap_words(text):
            if w in name_words:
                continue
            if not has_word(w, cited):
                err(f"{tag}: word {w!r} not in cited sources")
        if nums:
            n_num += 1
        dates = DATE_RE.findall(text)
        if any(d in cited for d in dates):
            n_date += 1
        ents = set(entity_words(text, name_words))
        pool = {w for c in sent["cites"] for part in sentences(src[c]["text"])
                for w in entity_words(part, name_words)} - set(cap_words(text, skip_first=False))
        if ents and pool:
            n_ent += 1
        neg = NEG_RE.search(text)
        if neg:
            n_neg += 1
            if not NEG_RE.search(cited) and not re.search(r"\bno\b|\bnone\b|\bnor\b|\bwithout\b",
                                                          cited, re.I):
                err(f"{tag}: negation without a negation in the cited sources")
        elif AUX_RE.search(text):
            n_aux += 1
        if len(sent["cites"]) >= 2:
            if combines(text, [src[c]["text"] for c in sent["cites"]]):
                n_two += 1
            elif genre == "multi_source":
                err(f"{tag}: cites several sources but does not take a distinct fact from each")
        if any(has_word(n, text) for n in names):
            n_name += 1
        elif PRONOUN_RE.search(text):
            n_pron += 1
    if n_num < 2:
        err(f"only {n_num} summary sentences with a number")
    if n_date < 1:
        err("no summary sentence with a date from its source")
    if n_ent < 2:
        err(f"only {n_ent} summary sentences with a swappable named entity")
    if n_neg < 1:
        err("no summary sentence with a negation")
    if n_aux < 1:
        err("no affirmative summary sentence with an auxiliary/copula")
    if genre == "multi_source" and n_two < 2:
        err(f"only {n_two} summary sentences citing two sources")
    if genre == "biography":
        if n_name * 2 < len(summary):
            err(f"only {n_name}/{len(summary)} summary sentences name the subject")
        if n_name + n_pron < len(summary):
            err("some summary sentences neither name the subject nor use a pronoun")
    return genre


def main():
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("records.jsonl")
    errors, seen, counts, n_query = [], set(), Counter(), 0
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            errors.append(f"line {lineno}: empty line")
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"line {lineno}: invalid JSON ({exc})")
            continue
        genre = check_record(rec, seen, errors)
        if genre:
            counts[genre] += 1
        if isinstance(rec, dict) and "query" in rec:
            n_query += 1
    total = sum(counts.values())
    for g in GENRES:
        print(f"{g:13s} {counts[g]:3d}")
    print(f"{'total':13s} {total:3d}  (with query: {n_query})")
    if errors:
        print(f"\n{len(errors)} problem(s):")
        for e in errors:
            print("  " + e)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
