"""How good the Spanish edition reads: chrF and BLEU (sacrebleu) of Herald's translations of
the development set's titles and leads against references written for Herald
(tests/data/translation/reference-es.tsv), step by step: the engine alone, then with
names and terms settled by Herald, then with titles in sentence case too, then with the
adjectives Apertium lacks sent as ones it knows.

Run: .venv/bin/python benchmarks/bench_translation.py   (needs: apt-get install apertium
apertium-eng-spa). Prints a table for the README. Only engines that run here are measured.
"""

from __future__ import annotations

import sys
import tomllib
from dataclasses import replace
from pathlib import Path

import sacrebleu

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from herald.classify import load_country_rules  # noqa: E402
from herald.models import Fetched  # noqa: E402
from herald.normalize import normalize  # noqa: E402
from herald.parse.bulletin import parse_bulletin  # noqa: E402
from herald.settings import SourceSettings  # noqa: E402
from herald.translate.apertium import Apertium  # noqa: E402
from herald.translate.prepare import (  # noqa: E402
    Names,
    mid_sentence_capitals,
    name_table,
    prepare,
    restore,
)

DEV_SET = ROOT / "tests" / "data" / "labelled" / "dev-set.txt"
REFERENCES = ROOT / "tests" / "data" / "translation" / "reference-es.tsv"
# The terms Herald's configuration ships under [translate.terms.es].
TERMS = tomllib.loads((ROOT / "config" / "herald.toml").read_text(encoding="utf-8"))["translate"][
    "terms"
]["es"]
STEPS = (  # names and terms settled, titles in sentence case, adjectives the engine lacks
    ("the engine alone", False, False, False),
    ("+ names and terms", True, False, False),
    ("+ titles in sentence case", True, True, False),
    ("+ adjectives the engine lacks", True, True, True),
)


def articles() -> list[tuple[str, str, frozenset[str]]]:
    """(title, lead, words the text capitalizes mid-sentence) of each development entry."""
    source = SourceSettings(id="dev", name="Dev", kind="bulletin", url=str(DEV_SET))
    parsed = parse_bulletin(Fetched(str(DEV_SET), DEV_SET.read_bytes()), source)
    made = [normalize(raw, "dev", "Asia/Almaty", "en") for raw in parsed.items]
    return [(a.title, a.summary, mid_sentence_capitals(a.paragraphs)) for a in made]


def references() -> dict[int, tuple[str, str]]:
    """The reference title and lead of each entry that has them, by its place in the set."""
    rows = {}
    for line in REFERENCES.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            index, title, lead = line.split("\t")
            rows[int(index)] = (title, lead)
    return rows


def translate(
    engine: Apertium,
    texts: list[str],
    names: Names | None,
    titles: bool,
    casing: bool,
    keep: list[frozenset[str]],
) -> list[str]:
    prepared = [
        prepare(text, names, engine.glossary_style, title=titles and casing, keep=words)
        for text, words in zip(texts, keep, strict=True)
    ]
    answers = engine.translate([p.sent for p in prepared], "en", "es")
    return [restore(answer, p) for answer, p in zip(answers, prepared, strict=True)]


def main() -> None:
    engine = Apertium()
    by_place = references()
    every = articles()
    entries = [every[i] for i in sorted(by_place)]
    wanted = [by_place[i] for i in sorted(by_place)]
    rules = load_country_rules(ROOT / "config" / "countries.toml")
    names = Names.build("es", name_table("es", rules, TERMS))
    keep = [words for _, _, words in entries]
    print(f"{len(entries)} titles and leads into Spanish with Apertium, against references")
    print("| step | titles chrF | titles BLEU | leads chrF | leads BLEU |")
    print("|---|---|---|---|---|")
    for label, settle, casing, stand_ins in STEPS:
        table = names if stand_ins else replace(names, missing={}) if settle else None
        titles = translate(engine, [t for t, _, _ in entries], table, True, casing, keep)
        leads = translate(engine, [lead for _, lead, _ in entries], table, False, casing, keep)
        scores = []
        for made, index in ((titles, 0), (leads, 1)):
            refs = [[r[index] for r in wanted]]
            scores += [sacrebleu.corpus_chrf(made, refs).score]
            scores += [sacrebleu.corpus_bleu(made, refs).score]
        print(f"| {label} | " + " | ".join(f"{s:.1f}" for s in scores) + " |")
        if "-v" in sys.argv:  # what the step made, to read
            for made in (*titles, *leads):
                print("   ", made)


if __name__ == "__main__":
    main()
