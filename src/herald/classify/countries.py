"""Countries and international organizations: one gazetteer, matched in one pass.

Countries come by their names (pycountry, and CLDR's English, Russian and Kazakh names
through babel) and by the aliases of countries.toml: demonyms, capitals, cities, regions.
Russian names are matched in every case (forms.py), Kazakh ones with their suffixes.
Cities and regions (places.py) name their country on weaker evidence.
Organizations share the automaton, so a country inside an organization's name (the Shanghai
Cooperation Organisation, the Organization of Turkic States) is never a country.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pycountry
from babel import Locale

from herald.classify.forms import CYRILLIC, is_russian, russian_forms
from herald.classify.languages import may_name_a_language, names_a_language
from herald.classify.matching import ArticleText, PhraseMatcher, match_form
from herald.classify.places import PLACE_WEIGHT, places
from herald.models import Evidence, Tag

WEIGHTS = {"title": 3.0, "lead": 2.0, "body": 1.0}


@dataclass(frozen=True, slots=True)
class Organization:
    """An international organization: its feed slug, label and the names it goes by."""

    slug: str
    label: str
    names: tuple[str, ...]
    # By language: each name as that language writes it ("WIPO" -> "OMPI" in Spanish).
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CountryRules:
    """countries.toml: aliases, organizations, ambiguous names, and the salience threshold."""

    aliases: dict[str, tuple[str, ...]]
    threshold: float = 2.0
    organizations: tuple[Organization, ...] = ()
    # Names that are also first names or brands: not a country when a capitalized word
    # follows ("Jordan Henderson", "Chad Smith").
    ambiguous: frozenset[str] = frozenset()
    # Names that are matched (so they hide shorter ones) but tag nothing: "Latin America"
    # is not the United States.
    ignore: tuple[str, ...] = ()
    # Names that mean another country in an article about that one: Georgia the US state.
    contexts: tuple[Context, ...] = ()


@dataclass(frozen=True, slots=True)
class Context:
    """`name` counts for `country` instead in an article with any of the `when` words."""

    name: str
    country: str
    when: tuple[str, ...]

    @property
    def cues(self) -> re.Pattern[str]:
        """The `when` words as one pattern of whole words."""
        return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, self.when)) + r")(?!\w)")


LOCALES = ("en", "ru", "kk")


def standard_names(locales: tuple[str, ...] = LOCALES) -> dict[str, str]:
    """Country names from pycountry and CLDR (through babel), name -> ISO alpha-2 code."""
    names: dict[str, str] = {}
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        for attr in ("common_name", "name", "official_name"):
            value = getattr(country, attr, None)
            # "Iran, Islamic Republic of" is a catalogue form nobody writes in prose.
            if value and "," not in value:
                names.setdefault(match_form(value), country.alpha_2)
    # The states of the United States (the longest name wins: New Mexico is not Mexico);
    # one that is a country's name too is left to countries.toml's contexts.
    for state in _us_states():
        names.setdefault(match_form(state), "US")
    for locale in locales:
        for code, name in sorted(Locale.parse(locale).territories.items()):
            if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
                continue
            # CLDR writes "Myanmar (Burma)", "Congo - Kinshasa", "St. Kitts & Nevis".
            name = re.sub(r"\s*\(.*\)", "", name)
            if " - " not in name and "&" not in name:
                names.setdefault(match_form(name), code)
    return names


def rule_names(rules: CountryRules) -> dict[str, tuple[str, str]]:
    """Every name the rules know, in match form, -> what it names: ("country", code),
    ("organization", slug) or ("ignore", "")."""
    names = {name: ("country", code) for name, code in standard_names().items()}
    for code, aliases in rules.aliases.items():
        for alias in aliases:
            names[match_form(alias)] = ("country", code)
            if alias.endswith("*") and alias[0].islower():  # an adjective opens a sentence
                names[match_form(alias[0].upper() + alias[1:])] = ("country", code)
    for name in rules.ignore:
        names[match_form(name)] = ("ignore", "")
        # as a title writes it too ("Moroccan Locust"), since names match case-sensitively
        names.setdefault(
            match_form(" ".join(w[0].upper() + w[1:] for w in name.split())), ("ignore", "")
        )
    for organization in rules.organizations:
        for name in organization.names:
            names[match_form(name)] = ("organization", organization.slug)
    return names


def gazetteer(rules: CountryRules) -> tuple[dict[str, tuple[str, str]], set[str]]:
    """Every name the tagger matches (before Russian forms) -> what it names, the rules'
    names and then the places ("place", country); and the places that are also people's
    names."""
    names = rule_names(rules)
    guarded = set()
    for place in places():  # weaker: a country's own names and aliases come first
        key = match_form(place.name)
        if key not in names:
            names[key] = ("place", place.country)
            if place.guarded:
                guarded.add(key)
    return names, guarded


def declined_names(rules: CountryRules) -> list[str]:
    """The names whose Russian forms the tagger matches: the rules' and the places'."""
    return list(gazetteer(rules)[0])


class CountryTagger:
    """Tags the countries and organizations an article is about, each with its evidence."""

    def __init__(self, rules: CountryRules, home_country: str) -> None:
        names, self._guarded = gazetteer(rules)
        self._labels = {o.slug: o.label for o in rules.organizations}
        names = _with_forms(names)
        self._targets = list(names.values())
        self._matcher = PhraseMatcher(
            [
                (name[:-1], "any")  # a stem: Russian adjectives ("испанск*")
                if name.endswith("*")
                else (name, "kazakh" if CYRILLIC.search(name) else "")
                for name in names
            ],
            ignore_case=False,
        )
        # The names that may be a language's ("Spanish", "испанск*"): only those are asked.
        self._language = [may_name_a_language(name) for name in names]
        self._home = home_country
        self._rules = rules
        self._contexts = {c.name: (c.country, c.cues) for c in rules.contexts}

    def tag(self, text: ArticleText) -> list[Tag]:
        """Tags; the home country is matched (so it hides shorter names) but not tagged."""
        evidence: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
        # In a title every word is capitalized, so a capitalized word after an ambiguous
        # name says nothing there: the title's mention counts if the text names the same
        # country plainly elsewhere ("Kazakhstan and Georgia Discuss …", then "in Georgia").
        undecided: list[tuple[tuple[str, str], Evidence]] = []
        matches = list(self._matcher.matches(text))
        for index, start, matched in matches:
            family, term = self._targets[index]
            if family == "ignore":
                continue
            place = family == "place"  # a city or region: its country, on weaker evidence
            if place:
                if _in_a_name(text, start, len(matched)) or _in_a_compound(
                    text.text, start, start + len(matched), matches
                ):
                    continue
                family = "country"
            elif self._language[index] and names_a_language(text.text, start, start + len(matched)):
                continue  # "Spanish subtitles", "in Russian and English"
            ambiguous = matched in self._rules.ambiguous or (place and matched in self._guarded)
            followed = ambiguous and _NAME_FOLLOWS.match(text.text, start + len(matched))
            where = text.where(start)
            if followed and where != "title":
                continue
            context = self._contexts.get(matched) if family == "country" else None
            if context is not None and context[1].search(text.text):
                term = context[0]  # Georgia, in an article about the United States
            if family == "country" and term == self._home:
                continue
            if place:
                weight = _place_weight(where, ambiguous)
            else:
                weight = WEIGHTS[where] * (NAMED_IN_FULL if _in_full(family, matched) else 1.0)
            found = Evidence(matched, where, weight)
            if followed:
                undecided.append(((family, term), found))
            else:
                evidence[(family, term)].append(found)
        for key, found in undecided:
            if any(e.where != "title" for e in evidence.get(key, ())):
                evidence[key].insert(0, found)
        tags = []
        for family, term in sorted(evidence):
            score = sum(e.weight for e in evidence[(family, term)])
            label = country_label(term) if family == "country" else self._labels[term]
            tags.append(
                Tag(
                    family,
                    term,
                    label,
                    score,
                    score >= self._rules.threshold,
                    kept_evidence(evidence[(family, term)]),
                )
            )
        return tags


def _with_forms(names: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """The names with their Russian case forms, each naming what its name names (a form
    that is itself another name keeps that name's meaning)."""
    found = dict(names)
    for name, target in names.items():
        if is_russian(name):
            for form in russian_forms(name):
                found.setdefault(match_form(form), target)
    return found


def _us_states() -> list[str]:
    subdivisions: Any = pycountry.subdivisions
    return [s.name for s in subdivisions if s.country_code == "US" and s.type == "State"]


def _place_weight(where: str, ambiguous: bool) -> float:
    """A city or region is weaker evidence than its country's name, except in the title,
    which says where the news happened ("Sailors Held in Novorossiysk"): there it counts
    as its country named in the lead, unless the name is also a person's (guarded)."""
    if where == "title" and not ambiguous:
        return WEIGHTS["lead"]
    return WEIGHTS[where] * PLACE_WEIGHT


# An organization whose name is written out (the African Union, not the AU) takes part in
# what the text tells: one such mention anywhere puts it into its feed. Its acronym alone
# or a name that begins with it is often a passing reference ("UN Security Council
# resolutions").
NAMED_IN_FULL = 2.0


def _in_full(family: str, matched: str) -> bool:
    """An organization's name that does not begin with an acronym ("UN Security Council")."""
    return family == "organization" and not matched.split()[0].isupper()


KEPT_MENTIONS = 5


def kept_evidence(found: list[Evidence]) -> tuple[Evidence, ...]:
    """The first mentions, and one line for the rest: the evidence kept for a tag stays
    small however often a text names its country."""
    if len(found) <= KEPT_MENTIONS:
        return tuple(found)
    rest = found[KEPT_MENTIONS:]
    summary = Evidence(f"{len(rest)} more mentions", "elsewhere", sum(e.weight for e in rest))
    return (*found[:KEPT_MENTIONS], summary)


_NAME_FOLLOWS = re.compile(r"[ \t]+[A-Z][\w’'-]*")
_WORD_BEFORE = re.compile(r"(\w[\w’'.-]*)[ \t]+$")  # "Edith Estrela", "E. Estrela"
# Capitalized words a place may follow without being part of a longer name.
_LEADS_IN = frozenset(
    {
        *("In", "At", "To", "From", "Of", "For", "The", "And", "With", "By", "On", "Near"),
        *("Via", "Into", "Visits", "Visit", "Hosts", "Host", "Held", "Opens", "Meets"),
        *("Welcomes", "Mayor", "Governor", "City", "Region", "Province"),
        # Russian prepositions, capitalized where they open a title ("В Казани …")
        *("В", "Во", "Из", "На", "С", "Со", "К", "Ко", "По", "Под", "Для", "От", "До"),
        *("Между", "Через", "При", "О", "Об", "У", "За", "Из-за"),
    }
)


def _in_a_name(text: ArticleText, start: int, length: int) -> bool:
    """Whether a place's name at `start` is a piece of a longer capitalized name ("Jordan
    Henderson", "Paul Kagame"): a capitalized word before it that does not lead into a
    place ("in", "Visits", "Mayor" do), or outside the title (where every word is
    capitalized) a capitalized word after it."""
    before = _WORD_BEFORE.search(text.text, max(0, start - 40), start)
    if before is not None and before.group(1)[0].isupper():
        return before.group(1) not in _LEADS_IN and not _opens_russian_sentence(text.text, before)
    follows = _NAME_FOLLOWS.match(text.text, start + length) is not None
    return follows and text.where(start) != "title"


def _opens_russian_sentence(text: str, word: re.Match[str]) -> bool:
    """Whether a Cyrillic word opens its sentence: Russian capitalizes nothing else but
    names, so there it leads into a place ("Губернатор Омской области …")."""
    if not CYRILLIC.match(word.group(1)):
        return False
    opening = text[: word.start(1)].rstrip(" \t")
    return not opening or opening[-1] in _SENTENCE_ENDS


_SENTENCE_ENDS = frozenset('.!?:;\n«"(')


def _in_a_compound(text: str, start: int, end: int, names: Sequence[tuple[int, int, str]]) -> bool:
    """Whether a place's name from `start` to `end` is joined by a hyphen to a word that is
    not a name Herald knows: a piece of a longer name ("Bayan" of Bayan-Ulgii,
    "Petropavlovsk" of Petropavlovsk-Kamchatsky, "Amur" of Komsomolsk-on-Amur), not a
    pair of places ("the Almaty-Tashkent road"). `names` are the names found in the text
    (index, start, matched); they are looked at only beside a hyphen."""
    after = text[end : end + 2]
    if len(after) == 2 and after[0] == "-" and after[1].isupper():
        return all(at != end + 1 for _, at, _ in names)
    if start >= 2 and text[start - 1] == "-" and text[start - 2].isalpha():
        return all(at + len(matched) != start - 1 for _, at, matched in names)
    return False


@cache
def country_label(code: str) -> str:
    """The English name of a country, as CLDR writes it."""
    name: str = Locale.parse("en").territories.get(code, code)
    return name
