"""A country's adjective that names its language, not the country: "Spanish subtitles",
"published in Russian and English", "French-speaking", "на испанском языке".

News from Kazakhstan names languages all the time (the Kazakh and Russian languages,
textbooks in English, a film with Spanish subtitles); the adjective is a country's name
for the tagger (countries.py), and this tells where it is the language instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from babel import Locale

# Words after an English language name that make it the language ("the Russian language").
_NOUNS = frozenset(
    {
        *("language", "languages", "speaking", "speaker", "speakers", "subtitles"),
        *("subtitled", "translation", "translations", "translator", "translators"),
        *("interpreter", "interpreters", "version", "dubbing", "dubbed", "philology"),
        *("lessons", "grammar", "dictionary", "textbook", "textbooks", "alphabet"),
    }
)
_NEXT_WORD = re.compile(r"[ -]([A-Za-z]+)")
# "in Russian", "into Spanish", "from Russian, Spanish or"; a language of a list after it.
_LED_IN = re.compile(r"\b(?:in|into|from)[ \t]+(?:[A-Z][a-z]+(?:,[ \t]*|[ \t]+(?:and|or)[ \t]+))*$")
_LED_IN_RUSSIAN = re.compile(r"\b(?:на|с|со)[ \t]+(?:[а-яё]+(?:,[ \t]*|[ \t]+(?:и|или)[ \t]+))*$")
# What follows a language named alone: the end of a clause, or another language of a list.
_ALONE = re.compile(r"[.,;:!?)\n]|[ \t]+(?:and|or|и|или)[ \t]|$")
# Russian: a language is an adjective ("испанский", "на испанском") before these words.
_RUSSIAN_ADJECTIVE = re.compile(r"(?:ск|цк)(?:ий|ого|ому|им|ом|ая|ой|ую|ое|ие|их|ими)$")
_RUSSIAN_NOUNS = ("язык", "субтитр", "перевод", "словар", "алфавит", "грамматик")
_RUSSIAN_NEXT = re.compile(r"[ \t]+([а-яё]+)")
_RUSSIAN_STEM = re.compile(r"(?:ск|цк)\*$")


@cache
def english_names() -> frozenset[str]:
    """The English names of languages of one word (CLDR, through babel): "Spanish"."""
    return frozenset(n for n in Locale.parse("en").languages.values() if n.isalpha())


def may_name_a_language(name: str) -> bool:
    """Whether a name of the gazetteer may be a language's: an English language name, or
    a Russian adjective's stem ("испанск*")."""
    return name in english_names() or (
        name.endswith("*") and _RUSSIAN_STEM.search(name) is not None
    )


def names_a_language(text: str, start: int, end: int) -> bool:
    """Whether the country adjective at text[start:end] is a language's name there."""
    matched = text[start:end]
    if matched in english_names():
        return _used_as_language(text, start, end, _NEXT_WORD, _NOUNS.__contains__, _LED_IN)
    if _RUSSIAN_ADJECTIVE.search(matched.lower()):
        return _used_as_language(text, start, end, _RUSSIAN_NEXT, _russian_noun, _LED_IN_RUSSIAN)
    return False


def _russian_noun(word: str) -> bool:
    return word.startswith(_RUSSIAN_NOUNS)


def _used_as_language(
    text: str,
    start: int,
    end: int,
    next_word: re.Pattern[str],
    is_noun: Callable[[str], bool],
    led_in: re.Pattern[str],
) -> bool:
    """Whether the word at text[start:end] names a language: a word of language follows
    it ("subtitles", "языке"), or a preposition leads into it and the clause or a list of
    languages goes on after it ("in Russian and English", "на испанский.")."""
    after = next_word.match(text, end)
    if after is not None and is_noun(after.group(1).lower()):
        return True
    led = led_in.search(text, max(0, start - 60), start) is not None
    return led and _ALONE.match(text, end) is not None
