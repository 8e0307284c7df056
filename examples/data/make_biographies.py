"""Generates biographies.jsonl: invented people, their short posts (ids post_1..post_n) and
summaries of varied quality, in two forms (text with [n] markers; JSON extraction schema with
sources per field), each with the verdicts expected by construction. Deterministic (seed 2026).

    .venv/bin/python examples/data/make_biographies.py > examples/data/biographies.jsonl

Record fields: id, person, sources [{id, text}], format ("text" | "json"), kind, summary,
expected {claims, cited_claims, citations, valid_citations, dangling, supported_claims,
misattributed_claims, unsupported_claims (0-based claim indices), misattributed (claim indices),
unused (source ids never cited), irrelevant_citations}.
Kinds: faithful, hallucinated, wrong_citation, dangling, uncited, redundant, verbose,
over_cited. Every person has every kind in text form and faithful / hallucinated /
wrong_citation / dangling in JSON form.
"""

import json
import random

FIRST = ["Maria", "Jonas", "Aiko", "Tomasz", "Leila", "Samuel", "Ingrid", "Kwame", "Lucia",
         "Dmitri", "Priya", "Oskar", "Fatima", "Hugo", "Mei", "Rafael", "Astrid", "Emeka", "Noor",
         "Bruno", "Selma", "Tariq"]
LAST = ["Lopez", "Berg", "Tanaka", "Nowak", "Haddad", "Okafor", "Lund", "Mensah", "Ferraro",
        "Volkov", "Raman", "Strand", "Zahra", "Moreau", "Chen", "Duarte", "Holm", "Obi", "Karimi",
        "Santos", "Aydin", "Rahman"]
JOBS = [("nurse", "Mercy Hospital"), ("carpenter", "Oakline Workshop"), ("librarian",
        "Riverside Library"), ("baker", "Golden Crust Bakery"), ("pilot", "Northwind Airways"),
        ("chemist", "Halvorsen Labs"), ("teacher", "Westbrook Elementary"), ("architect",
        "Stonegate Studio"), ("veterinarian", "Paws Clinic"), ("firefighter", "Station Twelve"),
        ("translator", "Lingua Bureau")]
CITIES = ["Denver", "Porto", "Osaka", "Gdansk", "Beirut", "Lagos", "Bergen", "Accra", "Turin",
          "Kazan", "Pune", "Malmo", "Tunis", "Lyon", "Xiamen", "Recife"]
PETS = [("dog", "Biscuit"), ("cat", "Miso"), ("parrot", "Kiwi"), ("rabbit", "Clover"),
        ("tortoise", "Sheldon"), ("ferret", "Ziggy")]
HOBBIES = [("climbing", "the granite cliffs"), ("pottery", "a community studio"),
           ("chess", "the city club"), ("rowing", "the harbour"), ("birdwatching", "the wetlands"),
           ("salsa dancing", "a downtown school"), ("beekeeping", "a rooftop garden")]
INSTRUMENTS = ["violin", "cello", "accordion", "banjo", "trumpet", "harp"]
FOODS = ["lentil soup", "mango curry", "rye bread", "pickled herring", "jollof rice", "ramen"]
FILLER = ["It is worth noting that there are many interesting aspects to consider about this "
          "person overall.",
          "In many ways, this is a story that speaks to the broader human experience in general.",
          "All things considered, one could say a great deal more about these matters."]


def person(i, rng):
    first, last = FIRST[i], LAST[i]
    job, work = JOBS[i % len(JOBS)]
    city = CITIES[i % len(CITIES)]
    pet, pet_name = PETS[i % len(PETS)]
    hobby, place = HOBBIES[i % len(HOBBIES)]
    age = 24 + (i * 7) % 40
    instrument = INSTRUMENTS[i % len(INSTRUMENTS)]
    food = FOODS[i % len(FOODS)]
    sibling = FIRST[(i + 5) % len(FIRST)]
    # Facts: (post text, claim text, json field, json value); claims restate the post's content
    # words in the third person.
    facts = [
        (f"Started my shift this morning: I work as a {job} at {work} and still love it.",
         f"{first} works as a {job} at {work}.", "occupation", f"{job} at {work}"),
        (f"I have lived in {city} for ten years now and still get lost in the old town.",
         f"{first} has lived in {city} for ten years.", "city", city),
        (f"My {pet} named {pet_name} stole a sock again today.",
         f"{first} has a {pet} named {pet_name}.", "pet", f"{pet} named {pet_name}"),
        (f"Spent the whole weekend {hobby} at {place}.",
         f"{first} spends weekends {hobby} at {place}.", "hobby", f"{hobby} at {place}"),
        (f"Turned {age} yesterday, thanks for all the birthday wishes!",
         f"{first} turned {age} and thanked everyone for the birthday wishes.", "age", str(age)),
        (f"Practising the {instrument} every evening before dinner.",
         f"{first} practises the {instrument} every evening.", "instrument", instrument),
        (f"Nothing beats a bowl of {food} after a long day.",
         f"{first} loves {food} after a long day.", "favorite_food", food),
        (f"My sister named {sibling} lives abroad and visited us, we talked all night.",
         f"{first} has a sister named {sibling} who lives abroad.", "sibling", sibling),
    ]
    n_facts = 5 + i % 4
    facts = facts[:n_facts]
    noise = [f"Rainy {d} again, staying in with tea." for d in ("Monday", "Tuesday", "Sunday")]
    noise += ["Anyone else watching the football final tonight?",
              "Finally fixed the leaking kitchen tap.", "Bought new running shoes on sale.",
              "Traffic on the ring road was terrible today."]
    n_noise = rng.randint(0, min(7, 15 - n_facts))
    posts = [f[0] for f in facts] + noise[:n_noise]
    order = list(range(len(posts)))
    rng.shuffle(order)
    # post id of fact k
    where = {k: order.index(k) + 1 for k in range(len(posts))}
    # Exported posts carry their author, as most social-media exports do.
    sources = [{"id": f"post_{j + 1}", "text": f"{first} {last}: {posts[order[j]]}"}
               for j in range(len(posts))]
    return dict(name=f"{first} {last}", first=first, facts=facts, where=where, sources=sources,
                instrument=instrument, n_facts=n_facts)


def expected(claims, cites, supported, misattr, sources, irrelevant=0):
    """claims: count; cites: list per claim of (key, valid); supported/misattr: claim indices."""
    used = {k for c in cites for k, ok in c if ok}
    dangling = []
    for c in cites:
        for k, ok in c:
            if not ok and k not in dangling:
                dangling.append(k)
    return {
        "claims": claims,
        "cited_claims": sum(1 for c in cites if c),
        "citations": sum(len(c) for c in cites),
        "valid_citations": sum(1 for c in cites for _, ok in c if ok),
        "dangling": dangling,
        "supported_claims": len(supported),
        "unsupported_claims": [i for i in range(claims) if i not in supported],
        "misattributed_claims": len(misattr),
        "misattributed": sorted(misattr),
        "unused": [s["id"] for s in sources if s["id"] not in used],
        "irrelevant_citations": irrelevant,
    }


def text_records(p, rng):
    facts, where, src, first = p["facts"], p["where"], p["sources"], p["first"]
    n = len(facts)
    out = []

    def pos_key(k):  # [n] marker: the 1-based position of post_k's source
        return str(where[k])

    def make(kind, sentences, cites, supported, misattr, irrelevant=0):
        # markers before the final period, as most LLMs write them
        text = " ".join(
            (s[:-1] + " " + "".join(f"[{k}]" for k, _ in c) + "." if c else s)
            for s, c in zip(sentences, cites))
        resolved = [[(f"post_{k}" if ok else k, ok) for k, ok in c] for c in cites]
        exp = expected(len(sentences), resolved, supported, misattr, src, irrelevant)
        out.append({"kind": kind, "format": "text", "summary": text, "expected": exp})

    claims = [f[1] for f in facts]
    all_ok = [[(pos_key(k), True)] for k in range(n)]
    make("faithful", claims, all_ok, set(range(n)), set())
    # hallucinated: one fact replaced by an invented one (no post says it), cited
    h = rng.randrange(n)
    bad = list(claims)
    bad[h] = f"{first} won a national skydiving championship in Brazil."
    make("hallucinated", bad, all_ok, set(range(n)) - {h}, set())
    # wrong citation: two claims' citations swapped (each supported by the other's source)
    a, b = rng.sample(range(n), 2)
    wrong = [list(c) for c in all_ok]
    wrong[a], wrong[b] = all_ok[b], all_ok[a]
    make("wrong_citation", claims, wrong, set(range(n)) - {a, b}, {a, b})
    # dangling: one citation points past the last post
    d = rng.randrange(n)
    dang = [list(c) for c in all_ok]
    dang[d] = [(str(len(src) + 3), False)]
    make("dangling", claims, dang, set(range(n)) - {d}, set())
    # uncited: two claims without markers
    u = set(rng.sample(range(n), 2))
    unc = [[] if k in u else c for k, c in enumerate(all_ok)]
    make("uncited", claims, unc, set(range(n)) - u, set())
    # redundant: the first fact said twice, both cited
    red = claims + [claims[0]]
    make("redundant", red, all_ok + [all_ok[0]], set(range(n + 1)), set())
    # verbose: filler sentences without citations around the faithful ones
    verb = [FILLER[0]] + claims + [FILLER[1], FILLER[2]]
    make("verbose", verb, [[]] + all_ok + [[], []], set(range(1, n + 1)), set())
    # over-cited: one claim also cites an unrelated post (a noise post if any, else another fact)
    o = rng.randrange(n)
    others = [k for k in range(len(src)) if k != o and k >= n] or [k for k in range(n) if k != o]
    extra = rng.choice(others)
    over = [list(c) for c in all_ok]
    over[o] = all_ok[o] + [(pos_key(extra), True)]
    make("over_cited", claims, over, set(range(n)), set(), irrelevant=1)
    return out


def json_records(p, rng):
    facts, where, src = p["facts"], p["where"], p["sources"]
    n = len(facts)
    out = []

    def make(kind, fields, supported, misattr):
        doc = {name: {"value": value, "sources": ids} for name, value, ids in fields}
        cites = [[(i, i in {s["id"] for s in src}) for i in ids] for _, _, ids in fields]
        exp = expected(len(fields), cites, supported, misattr, src)
        out.append({"kind": kind, "format": "json", "summary": json.dumps(doc), "expected": exp})

    good = [(f[2], f[3], [f"post_{where[k]}"]) for k, f in enumerate(facts)]
    make("faithful", good, set(range(n)), set())
    h = rng.randrange(n)
    bad = list(good)
    bad[h] = (good[h][0], "professional skydiver in Brazil", good[h][2])
    make("hallucinated", bad, set(range(n)) - {h}, set())
    a, b = rng.sample(range(n), 2)
    wrong = list(good)
    wrong[a] = (good[a][0], good[a][1], good[b][2])
    wrong[b] = (good[b][0], good[b][1], good[a][2])
    make("wrong_citation", wrong, set(range(n)) - {a, b}, {a, b})
    d = rng.randrange(n)
    dang = list(good)
    dang[d] = (good[d][0], good[d][1], [f"post_{len(src) + 4}"])
    make("dangling", dang, set(range(n)) - {d}, set())
    return out


def main():
    rng = random.Random(2026)
    for i in range(len(FIRST)):
        p = person(i, rng)
        for r in text_records(p, rng) + json_records(p, rng):
            rec = {"id": f"bio_{i + 1:02d}/{r['format']}/{r['kind']}", "person": p["name"],
                   "sources": p["sources"], "format": r["format"], "kind": r["kind"],
                   "summary": r["summary"], "expected": r["expected"]}
            print(json.dumps(rec, ensure_ascii=False))


if __name__ == "__main__":
    main()
