"""An article's words by their stems, so that one rule matches every form of its words.

"escalation" and "escalating" are one stem (Snowball's English stemmer, through PyStemmer:
"escal"), as are "connectivity" and "connected", "evacuated" and "evacuation". Topic rules
are matched on the stems as well as on the text (topics.py), and the topic model reads
them (model.py).
English words take the English stemmer, Russian and Kazakh ones the Russian stemmer (the
model reads them; the rules' Russian phrases have their case forms, forms.py).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence

import Stemmer

from herald.classify.forms import CYRILLIC_LETTERS
from herald.classify.matching import spaced

_WORD = re.compile(r"\S+")  # a word of a text whose non-word characters are spaces
_LATIN = re.compile(r"[a-z]+")
_CYRILLIC = re.compile(f"[{CYRILLIC_LETTERS}]+")
_ENGLISH = Stemmer.Stemmer("english")  # PyStemmer: the Snowball stemmers, compiled
_RUSSIAN = Stemmer.Stemmer("russian")
_BARRIER = "ǀ"  # a letter (U+01C0) no phrase has, in place of words left out


_STEMS: dict[str, str] = {}  # word -> stem, for every word seen (a text's words repeat)
_MOST = 1 << 18  # words kept at most (a few MB); then the table starts afresh


def stem(word: str) -> str:
    """The stem of a lower-case word."""
    found = _STEMS.get(word)
    if found is None:
        if _LATIN.fullmatch(word):
            found = _ENGLISH.stemWord(word)
        elif _CYRILLIC.fullmatch(word):
            found = _RUSSIAN.stemWord(word)
        else:  # numbers, other scripts, the barrier
            found = word
        _STEMS[word] = found
    return found


def _stems_of(words: list[str]) -> list[str]:
    """Each word's stem: at the speed of a dictionary when every word was seen before."""
    try:
        return list(map(_STEMS.__getitem__, words))
    except KeyError:
        missing = set(words).difference(_STEMS)
        if len(_STEMS) + len(missing) > _MOST:  # a long-running process: start afresh
            _STEMS.clear()
        for word in missing:
            stem(word)
    try:
        return list(map(_STEMS.__getitem__, words))
    except KeyError:  # another thread started afresh meanwhile
        return [stem(word) for word in words]


class Stems:
    """A text's words as stems, one space between them (`view`), and where each word was
    in the text (worked out only when a match asks)."""

    __slots__ = ("_at", "_found", "_keys", "_text", "view")

    def __init__(self, keys: list[str], text: str) -> None:
        self.view = " ".join(keys)
        self._keys = keys
        self._text = text
        self._found: list[re.Match[str]] = []
        self._at: list[int] = []

    def before(self, end: int) -> int:
        """Where in `view` the words of text[:end] end."""
        count = len(self._text[:end].split())
        return sum(len(k) + 1 for k in self._keys[:count])

    def span(self, start: int, matched: str) -> tuple[int, int]:
        """Where in the text the words of a match in `view` lie."""
        if not self._found:
            self._found = list(_WORD.finditer(self._text))
            self._at = [0, *itertools.accumulate(len(k) + 1 for k in self._keys)]
        first = bisect.bisect_left(self._at, start)
        return self._found[first].start(), self._found[first + matched.count(" ")].end()

    def among(self, known: frozenset[str], left_out: str = "") -> frozenset[str]:
        """The distinct stems that are in `known`: of the words that were not left out,
        and of `left_out` (their words, in lower case, non-word characters spaces)."""
        found = known.intersection(self._keys)
        return found | known.intersection(_stems_of(left_out.split())) if left_out else found


def stems(folded: str, without: Sequence[tuple[int, int]] = ()) -> Stems:
    """The words of a text in lower case whose non-word characters are spaces, as stems;
    the words in the spans `without` (left to right, apart) are one word that no phrase
    has, so that the words around them stay apart."""
    if without:
        pieces, last = [], 0
        for start, end in without:
            pieces += [folded[last:start], _BARRIER.ljust(end - start)]
            last = end
        folded = "".join([*pieces, folded[last:]])
    return Stems(_stems_of(folded.split()), folded)


def words_of(text: str) -> set[str]:
    """The distinct stems of a text's words."""
    return set(_stems_of(spaced(text).lower().split()))


def stemmed_phrase(phrase: str) -> str:
    """A rule's phrase as its stems ("agro-industrial complexes" → "agro industri complex")."""
    return " ".join(_stems_of(spaced(phrase).lower().split()))
