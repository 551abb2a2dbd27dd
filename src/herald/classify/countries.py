"""Countries: a gazetteer of names, demonyms, capitals and regions, matched in one pass."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

import pycountry
from babel import Locale

from herald.classify.matching import ArticleText, PhraseMatcher, match_form
from herald.models import Evidence, Tag

WEIGHTS = {"title": 3.0, "lead": 2.0, "body": 1.0}


@dataclass(frozen=True, slots=True)
class CountryRules:
    """Aliases from countries.toml and the score a country needs to enter its feed."""

    aliases: dict[str, tuple[str, ...]]
    threshold: float = 2.0


def standard_names(locales: tuple[str, ...] = ("en",)) -> dict[str, str]:
    """Country names from pycountry and CLDR (through babel), name -> ISO alpha-2 code."""
    names: dict[str, str] = {}
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        for attr in ("common_name", "name", "official_name"):
            value = getattr(country, attr, None)
            # "Iran, Islamic Republic of" is a catalogue form nobody writes in prose.
            if value and "," not in value:
                names.setdefault(match_form(value), country.alpha_2)
    for locale in locales:
        for code, name in sorted(Locale.parse(locale).territories.items()):
            if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
                continue
            # CLDR writes "Myanmar (Burma)", "Congo - Kinshasa", "St. Kitts & Nevis".
            name = re.sub(r"\s*\(.*\)", "", name)
            if " - " not in name and "&" not in name:
                names.setdefault(match_form(name), code)
    return names


class CountryTagger:
    """Tags the countries an article is about, each with its evidence."""

    def __init__(self, rules: CountryRules, home_country: str) -> None:
        names = standard_names()
        for code, aliases in rules.aliases.items():
            for alias in aliases:
                names[match_form(alias)] = code
        self._codes = list(names.values())
        self._matcher = PhraseMatcher([(name, "") for name in names], ignore_case=False)
        self._home = home_country
        self._threshold = rules.threshold

    def tag(self, text: ArticleText) -> list[Tag]:
        """Country tags; the home country is matched (so it hides shorter names) but not tagged."""
        evidence: dict[str, list[Evidence]] = defaultdict(list)
        for index, start, matched in self._matcher.finditer(text.text, text.gapped):
            code = self._codes[index]
            if code != self._home:
                where = text.where(start)
                evidence[code].append(Evidence(matched, where, WEIGHTS[where]))
        tags = []
        for code in sorted(evidence):
            score = sum(e.weight for e in evidence[code])
            tags.append(
                Tag(
                    family="country",
                    term=code,
                    label=country_label(code),
                    score=score,
                    passed=score >= self._threshold,
                    evidence=tuple(evidence[code]),
                )
            )
        return tags


@cache
def country_label(code: str) -> str:
    """The English name of a country, as CLDR writes it."""
    name: str = Locale.parse("en").territories.get(code, code)
    return name
