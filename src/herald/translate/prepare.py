"""What is settled before an engine sees a text: names, terms and casing.

Engines guess at names and at English headline capitals. Herald knows better, so it
decides before translating:

- **Names and terms.** Every country (its English names, CLDR's and pycountry's), every
  organization with a translation of its names in countries.toml, every place in the
  exonym list Herald ships, and every term of `[translate.terms.<lang>]` is replaced by a
  placeholder the engine keeps, and comes back in its target-language form: "the
  Dominican Republic" becomes "la República Dominicana", WIPO "OMPI", Tbilisi "Tiflis".
  Names that are also people's names (countries.toml's `ambiguous`) are left alone.
- **Adjectives the engine lacks.** Apertium's English has no "Kazakh": for an engine that
  reads placeholders as made-up words, an adjective of nationality it lacks is sent as one
  it knows and the text does not hold ("Polish"), and the answer's forms of that one come
  back as the missing one's ("visados polacos" -> "visados kazajos"), placed and inflected
  by the engine (demonyms.toml).
- **Casing.** A title in English Title Case is put in sentence case first ("Discuss" is a
  verb again, not a name), keeping acronyms, names and words its text capitalizes
  mid-sentence; the translation is given the target's headline convention (sentence case).

Pure: tables in, text out. The glossary's never-translate terms go through the same
placeholders, coming back as they were.
"""

from __future__ import annotations

import html
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib.resources import files

import ahocorasick_rs
import pycountry
from babel import Locale, UnknownLocaleError

from herald.classify.countries import CountryRules

# A placeholder: an element for engines that keep markup, a made-up word for Apertium
# (which passes unknown words through and keeps the grammar around them).
_TAG = re.compile(r"""<i\s+data-herald-name\s*=\s*["']?(\d+)["']?\s*>\s*</i>""")
_PLACEHOLDER_WORD = re.compile(r"\bHgzn(\d+)z\b", re.IGNORECASE)
_WORD_CHAR = re.compile(r"\w")
# The Spanish article a country name takes after "the": "la República Dominicana".
_ARTICLES = {
    "es": {
        "República": "la",
        "Reino": "el",
        "Países": "los",
        "Emiratos": "los",
        "Islas": "las",
        "Congo": "el",
    }
}
# By target language, place names ("Tbilisi" -> "Tiflis"); under "countries", English
# forms of country names with their ISO codes.
EXONYMS: dict[str, dict[str, str]] = tomllib.loads(
    files("herald.translate").joinpath("exonyms.toml").read_text(encoding="utf-8")
)
# By target language: adjectives of nationality the engine lacks, and ones it knows to
# send in their place, each with its forms (masculine, feminine, and their plurals).
DEMONYMS: dict[str, dict[str, dict[str, list[str]]]] = tomllib.loads(
    files("herald.translate").joinpath("demonyms.toml").read_text(encoding="utf-8")
)
Forms = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Names:
    """Phrases in the source text and what each becomes in one target language."""

    target: str
    table: Mapping[str, str]
    _automaton: ahocorasick_rs.AhoCorasick | None = field(repr=False, compare=False)
    missing: Mapping[str, Forms] = field(default_factory=dict)  # adjectives engines lack
    stand_ins: tuple[tuple[str, Forms], ...] = ()  # and ones they know, to send instead
    _phrases: tuple[str, ...] = field(default=(), repr=False, compare=False)  # by number

    @classmethod
    def build(cls, target: str, table: Mapping[str, str]) -> Names:
        automaton = (
            ahocorasick_rs.AhoCorasick([html.escape(phrase, quote=False) for phrase in table])
            if table
            else None
        )
        demonyms = DEMONYMS.get(target, {})
        missing = {word: tuple(forms) for word, forms in demonyms.get("missing", {}).items()}
        stand_ins = tuple((w, tuple(forms)) for w, forms in demonyms.get("stand-ins", {}).items())
        return cls(target, dict(table), automaton, missing, stand_ins, tuple(table))

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, phrase) of each whole-word occurrence, longest first where two
        overlap, in order."""
        if self._automaton is None:
            return []
        phrases = self._phrases
        found = []
        for index, start, end in self._automaton.find_matches_as_indexes(text, overlapping=True):
            before = text[start - 1] if start else " "
            after = text[end] if end < len(text) else " "
            if not _WORD_CHAR.match(before) and not _WORD_CHAR.match(after):
                found.append((start, end, phrases[index]))
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        chosen: list[tuple[int, int, str]] = []
        for start, end, phrase in found:
            if not chosen or start >= chosen[-1][1]:
                chosen.append((start, end, phrase))
        return chosen


@dataclass(frozen=True, slots=True)
class Prepared:
    """A text as sent to an engine, and how to read the answer."""

    sent: str
    targets: tuple[str, ...]  # what each placeholder becomes, by its number
    title: bool  # a title: the answer gets the target's headline casing
    language: str = ""  # the target language
    swaps: tuple[tuple[Forms, Forms], ...] = ()  # a stand-in's forms, the missing one's

    @property
    def changed(self) -> bool:
        return bool(self.targets) or self.title or bool(self.swaps)


def name_table(
    target: str,
    rules: CountryRules,
    terms: Mapping[str, str] = {},
    glossary: Iterable[str] = (),
) -> dict[str, str]:
    """Every phrase Herald settles itself for one target language, and its form there."""
    table: dict[str, str] = {}
    local: Mapping[str, str]
    try:
        local = Locale.parse(target).territories
    except (UnknownLocaleError, ValueError):
        local = {}
    english = Locale.parse("en").territories
    articles = _ARTICLES.get(target, {})
    variants: dict[str, set[str]] = {}
    for form, code in EXONYMS.get("countries", {}).items():
        variants.setdefault(code, set()).add(form)
    for country in pycountry.countries:
        code = country.alpha_2
        name = local.get(code)
        if not name:
            continue
        forms = {
            english.get(code),
            country.name,
            getattr(country, "common_name", None),
            getattr(country, "official_name", None),
            *variants.get(code, ()),
        }
        article = articles.get(name.split(" ")[0], "")
        for form in forms:
            if not form or form in rules.ambiguous or "," in form or form in table:
                continue
            table[form] = name
            table[f"the {form}"] = f"{article} {name}".strip()
            table[f"The {form}"] = f"{article.capitalize()} {name}".strip()
    article_of = _ARTICLE_RULES.get(target, _no_article)
    named: dict[str, tuple[str, str]] = {}  # phrase: (translation, its article)
    for organization in rules.organizations:
        translations = organization.translations.get(target, {})
        for name, said in translations.items():
            # An acronym takes the article of the name it stands for: "la OMPI".
            full = _expansion(name, translations) if said.isupper() else said
            named[name] = (said, article_of(full))
    places = EXONYMS.get(target, {}) if target != "countries" else {}
    for phrase, translated in {**places, **terms}.items():
        named[phrase] = (translated, article_of(translated))
    for phrase, (translated, article) in named.items():
        table[phrase] = translated
        # "the Council" -> "el Consejo": the article agrees with the name, which the engine
        # cannot see behind a placeholder.
        if article and not phrase.lower().startswith("the ") and f"the {phrase}" not in named:
            table[f"the {phrase}"] = f"{article} {translated}"
            table[f"The {phrase}"] = f"{article.capitalize()} {translated}"
    table.update((term, term) for term in glossary)
    return table


def _expansion(acronym: str, translations: Mapping[str, str]) -> str:
    """The translation of the name an acronym stands for ("EU": "Unión Europea"), found by
    its initials; else the longest translation."""
    letters = acronym.replace(".", "")
    for name, said in translations.items():
        if "".join(w[0] for w in name.split() if w[0].isupper()) == letters and name != acronym:
            return said
    return max(translations.values(), key=len)


def _no_article(name: str) -> str:
    return ""


def _spanish_article(name: str) -> str:
    """The definite article a Spanish noun phrase takes, from its first word; none for a
    name that is an acronym or has its own article ("El Cairo")."""
    first = name.split(" ")[0]
    if first.isupper() or first in ("El", "La", "Los", "Las", "el", "la", "los", "las"):
        return ""
    word = first.lower()
    plural = word.endswith("s") and len(word) > 3
    stem = (
        word[:-2]
        if word.endswith("es") and word[:-2].endswith(("ion", "ión", "dad"))
        else (word[:-1] if plural else word)
    )
    feminine = stem.endswith(("a", "ión", "ion", "dad", "tud", "umbre"))
    if plural:
        return "las" if feminine else "los"
    return "la" if feminine else "el"


_ARTICLE_RULES: dict[str, Callable[[str], str]] = {"es": _spanish_article}


def prepare(
    text: str,
    names: Names | None,
    style: str,
    *,
    title: bool = False,
    keep: frozenset[str] = frozenset(),
) -> Prepared:
    """The text to send: known phrases as placeholders of `style` ("word" or "tag"), and a
    title in sentence case (keeping the capitals of the words in `keep`)."""
    targets: list[str] = []
    sent = text
    if names is not None:
        pieces, last = [], 0
        numbers: dict[str, int] = {}
        for start, end, phrase in names.find(text):
            number = numbers.setdefault(phrase, len(numbers))
            if number == len(targets):
                targets.append(names.table[phrase])
            pieces += [text[last:start], _placeholder(number, style)]
            last = end
        sent = "".join([*pieces, text[last:]])
    language = names.target if names is not None else ""
    sent = sentence_case(sent, keep) if title else sent
    swaps: list[tuple[Forms, Forms]] = []
    if names is not None and style == "word":
        sent, swaps = _stand_in(sent, names)
    return Prepared(sent, tuple(targets), title, language, tuple(swaps))


def _stand_in(text: str, names: Names) -> tuple[str, list[tuple[Forms, Forms]]]:
    """The text with each adjective the engine lacks replaced by one it knows that the text
    does not hold, and (the stand-in's forms, the missing one's) for each."""
    swaps = []
    free = [(w, forms) for w, forms in names.stand_ins if not _whole(w).search(text)]
    for word, ours in names.missing.items():
        found = _whole(word)
        if free and found.search(text):
            stand_in, theirs = free.pop(0)
            text = found.sub(stand_in, text)
            swaps.append((theirs, ours))
    return text, swaps


def _whole(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(word)}(?!\w)")


def restore(answer: str, prepared: Prepared) -> str:
    """An engine's answer with each placeholder's target form, a title in sentence case."""

    def target(match: re.Match[str]) -> str:
        number = int(match.group(1))
        if number >= len(prepared.targets):
            return ""  # an engine that made up a placeholder
        return html.escape(prepared.targets[number], quote=False)

    # Apertium gives a sentence's capital to its first word it knows: after a leading
    # placeholder ("Hgzn0z Y Hgzn1z firman"), that word is no sentence start.
    answer = _AFTER_LEADING.sub(lambda m: m.group(1) + m.group(2).lower(), answer)
    for theirs, ours in prepared.swaps:  # "visados polacos" -> "visados kazajos"
        answer = _swapped(answer, theirs, ours)  # before the names: those stay as they are
    text = _PLACEHOLDER_WORD.sub(target, _TAG.sub(target, answer))
    if prepared.language == "es" and prepared.targets:  # "a el Consejo" -> "al Consejo"
        text = _SPANISH_CONTRACTION.sub(lambda m: m.group(1) + "l ", text)
    if prepared.title:
        text = text[:1].upper() + text[1:]
    return text


_WORDS = re.compile(r"[^\W\d_][\w’'-]*")
_SPANISH_CONTRACTION = re.compile(r"\b([aA]|[dD]e) el ")
_AFTER_LEADING = re.compile(
    r"((?:^|[.!?]\s+)(?:Hgzn\d+z[\s,:;-]*)+)([^\W\d_])(?=[^\W\d_]*[a-zà-ÿ]|[^\w])"
)


def sentence_case(title: str, keep: frozenset[str] = frozenset()) -> str:
    """A Title Case headline in sentence case: words after the first lose their capital
    unless they are in `keep` (names the article's text capitalizes mid-sentence), acronyms
    (two capitals or more), placeholders, or written with capitals inside ("McDonald").
    Only a headline most of whose words are capitalized is Title Case; others are left."""
    every = list(_WORDS.finditer(title))
    words = [w for w in every if not _PLACEHOLDER_WORD.fullmatch(w.group(0))]
    capitalized = [w for w in words if w.group(0)[0].isupper()]
    if len(words) < 3 or len(capitalized) < 0.5 * len(words):
        return title
    first = every[0].start()

    def lower(match: re.Match[str]) -> str:
        word = match.group(0)
        if match.start() == first or word in keep or _PLACEHOLDER_WORD.fullmatch(word):
            return word
        return "-".join(_lower_part(part) for part in word.split("-"))

    return _WORDS.sub(lower, title)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def mid_sentence_capitals(paragraphs: Iterable[str]) -> frozenset[str]:
    """Words a text writes with a capital where no sentence starts: its names."""
    found: set[str] = set()
    for paragraph in paragraphs:
        for sentence in _SENTENCE_END.split(paragraph):
            found.update(w for w in _WORDS.findall(sentence)[1:] if w[0].isupper())
    return frozenset(found)


def _swapped(text: str, theirs: Forms, ours: Forms) -> str:
    """The text with each of the forms `theirs` written as the same form of `ours`."""

    def swap(match: re.Match[str]) -> str:
        found = match.group(0)
        return _like(ours[theirs.index(found.lower())], found)

    return re.sub(rf"(?<!\w)(?:{'|'.join(theirs)})(?!\w)", swap, text, flags=re.IGNORECASE)


def _like(word: str, like: str) -> str:
    """`word` with the capital `like` starts with, if it does."""
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def _lower_part(part: str) -> str:
    """A capitalized word in lower case; an acronym or a name like "McDonald" as it is."""
    if not part or not part[0].isupper() or sum(c.isupper() for c in part) > 1:
        return part
    return part[0].lower() + part[1:]


def _placeholder(number: int, style: str) -> str:
    if style == "word":
        return f"Hgzn{number}z"
    return f'<i data-herald-name="{number}"></i>'
