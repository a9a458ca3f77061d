#!/usr/bin/env python3
r"""One-word terms of a themes file whose Snowball stem is shared with frequent words of another
sense: a term matched by stem matches them all ("useful" matched "use" and "used", "abordable"
matched "d'abord", "pourri" matched "pourrait"). Prints one line per such term, for a person to
judge; where the other words are of another sense, write the term as `{ word = "…" }` (accents
folded) or `{ exact = "…" }` (accents kept: "daté" is not "date").

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install snowballstemmer wordfreq
    /tmp/venv/bin/python tests/quality/stem_collisions.py src/themes/intent.toml [--zipf 3.0]
    /tmp/venv/bin/python tests/quality/stem_collisions.py src/themes/builtin.toml --zipf 3.3

The vocabulary is the 60,000 most frequent words of each language (`wordfreq`), kept when their
Zipf frequency reaches `--zipf`; plain inflections of the term (English -s, -ed, -ing, -er, -ly;
French -e, -s, -x) are not listed. `snowballstemmer` runs the same Snowball algorithms as the
`rust-stemmers` crate nps uses.
"""

import argparse
import re
import tomllib
from collections import defaultdict

import snowballstemmer
from wordfreq import top_n_list, zipf_frequency

LANGS = ("en", "fr")


def inflection(term, word, lang):
    """Whether `word` is a plain inflection of `term`."""
    if lang == "fr":
        bare = lambda w: w.rstrip("sx").rstrip("e")
        return bare(word) == bare(term)
    bases = {term, term[:-1] if term.endswith("e") else term}
    if term.endswith("y"):
        bases.add(term[:-1] + "i")
    endings = ("", "s", "es", "ed", "d", "ing", "er", "ers", "est", "ly", "ily")
    if any(word == b + e for b in bases for e in endings):
        return True
    return len(term) > 2 and word.startswith(term + term[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file")
    ap.add_argument("--zipf", type=float, default=3.0)
    args = ap.parse_args()
    stemmers = {lang: snowballstemmer.stemmer({"en": "english", "fr": "french"}[lang]) for lang in LANGS}
    by_stem = {}
    for lang in LANGS:
        groups = defaultdict(list)
        for w in top_n_list(lang, 60000):
            if re.fullmatch(r"[a-zà-ÿœæ]+", w):
                groups[stemmers[lang].stemWord(w)].append(w)
        by_stem[lang] = groups
    with open(args.file, "rb") as f:
        data = tomllib.load(f)
    for section, body in data.items():
        if not isinstance(body, dict):
            continue
        for lang in LANGS:
            for t in body.get(lang, []):
                term = t if isinstance(t, str) else t.get("stem") if isinstance(t, dict) else None
                if not term or any(c in term for c in " *-'"):
                    continue
                term = term.lower()
                stem = stemmers[lang].stemWord(term)
                others = [
                    w
                    for w in by_stem[lang].get(stem, [])
                    if not inflection(term, w, lang) and zipf_frequency(w, lang) >= args.zipf
                ]
                if others:
                    print(f"{section}\t{lang}\t{term}\t{stem}\t{', '.join(others)}")


if __name__ == "__main__":
    main()
