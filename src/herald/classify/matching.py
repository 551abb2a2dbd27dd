"""One automaton over many phrases, and the places of an article it is run on."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import ahocorasick_rs

from herald.classify.forms import KAZAKH_SUFFIXES
from herald.models import Article
from herald.normalize.text import clean_line

# Apostrophe and dash variants are matched as their ASCII forms ("Côte d’Ivoire").
_FORMS = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "–": "-", "—": "-", "‑": "-"})


def match_form(text: str) -> str:
    """Text as the patterns see it: clean, one apostrophe and one dash."""
    return clean_line(text).translate(_FORMS)


@dataclass(frozen=True, slots=True)
class ArticleText:
    """An article's title, lead paragraph and body as one text, so each automaton runs
    once per article; `where` tells which part a position is in."""

    text: str
    ends: tuple[int, ...]  # where the title, then each paragraph, ends
    gapped: str  # the text with every non-word character as a space, for matching
    folded: str  # that, case folded (as long as the text), for matching that ignores case

    def where(self, position: int) -> str:
        """ "title", "lead" (the first paragraph) or "body"."""
        part = bisect.bisect_right(self.ends, position)
        return "title" if part == 0 else "lead" if part == 1 else "body"


def article_text(article: Article) -> ArticleText:
    """The article's clean text in match form, parts joined by newlines (never in a name)."""
    parts = [article.title, *article.paragraphs]
    ends, position = [], 0
    for part in parts:
        position += len(part)
        ends.append(position)
        position += 1
    text = "\n".join(parts)
    gapped = spaced(text)
    return ArticleText(text, tuple(ends), gapped, folded(gapped))


class PhraseMatcher:
    """Finds any of many phrases in one pass over a text, with an Aho-Corasick automaton.

    Matches are whole words. At each place the longest phrase wins ("Papua New Guinea",
    never "Guinea"), and the leftmost match is taken first, without overlaps; where that
    longest phrase does not end on a word boundary, nothing is taken there. A phrase may
    end in a plural ("plural": -s, -es), in any ending ("any"), or in a chain of Kazakh
    suffixes ("kazakh": Жапония-мен, Жапония-дағы); "" takes it exactly.
    Punctuation and spaces all count as one kind of gap ("agro-industrial" is "agro
    industrial", "Côte d’Ivoire" is "Côte d'Ivoire").
    """

    def __init__(self, phrases: Sequence[tuple[str, str]], *, ignore_case: bool) -> None:
        self._ignore_case = ignore_case
        entries: dict[str, list[tuple[int, str]]] = {}
        for index, (literal, ending) in enumerate(phrases):
            if ending not in _ENDINGS:
                raise ValueError(f"unknown ending {ending!r}")
            # A leading gap anchors each phrase at the start of a word.
            key = " " + self._fold(literal).rstrip()
            if key.strip():
                entries.setdefault(key, []).append((index, ending))
        self._targets = list(entries.values())  # each key's phrases, by the key's number
        self._automaton: ahocorasick_rs.AhoCorasick | None = None
        if entries:
            self._automaton = ahocorasick_rs.AhoCorasick(
                list(entries), matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
            )

    def _fold(self, text: str) -> str:
        """The form phrases and texts are matched in; always exactly as long as the text."""
        return folded(spaced(text)) if self._ignore_case else spaced(text)

    def matches(self, article: ArticleText) -> Iterator[tuple[int, int, str]]:
        """`finditer` over an article's text, in the form it was made in once."""
        return self.finditer(article.text, article.folded if self._ignore_case else article.gapped)

    def finditer(self, text: str, form: str | None = None) -> Iterator[tuple[int, int, str]]:
        """Yield (phrase index, start, matched text) left to right, without overlaps.

        `form` may bring the text as this matcher reads it: non-word characters made
        spaces, and case folded where case is ignored.
        """
        if self._automaton is None:
            return
        view = " " + (self._fold(text) if form is None else form)  # view[i + 1] is text[i]
        position = 0
        # Leftmost-longest matches, found by the automaton itself. Where the longest phrase
        # at a place does not end on a word boundary ("Guinea-Bissauan"), nothing is taken.
        size, phrases = len(text), self._targets
        for key, start, stop in self._automaton.find_matches_as_indexes(view):
            # `start`: the gap before the word in `view`, so the word's index in `text`;
            # `last`: the match's last character in `view`, so the one after it in `text`.
            last, targets = stop - 1, phrases[key]
            if start < position:
                continue  # an ending that reached past the last match overlaps this one
            if last >= size or not ((char := text[last]).isalnum() or char == "_"):
                end: int | None = last  # the phrase ends with a word: most matches
            else:
                end = None
            for index, ending in targets:
                if ending == "" or (end is not None and ending == "plural"):
                    found = end
                elif ending == "plural":
                    found = _plural_end(text, last, size)
                else:
                    found = _rest_of_word(text, last, ending)
                if found is not None:
                    yield index, start, text[start:found]
                    position = found
                    break


def _word_ranges(first: int, last: int) -> str:
    """The word characters from `first` to `last` as regular expression ranges."""
    ranges, start = [], None
    for code in range(first, last + 2):
        word = code <= last and (chr(code).isalnum() or chr(code) == "_")
        if word and start is None:
            start = code
        elif not word and start is not None:
            ranges.append(f"\\U{start:08x}-\\U{code - 1:08x}")
            start = None
    return "".join(ranges)


# A non-word character (a space is one already): [^\w ], with the letters news is written in
# (Latin and Cyrillic) listed first, which the expression tests without asking Unicode.
_GAP = re.compile(f"[^ {_word_ranges(0, 0x24F)}{_word_ranges(0x400, 0x4FF)}\\w]")


def spaced(text: str) -> str:
    """The text with every non-word character as a space: the form matching reads."""
    return _GAP.sub(" ", text)


def folded(text: str) -> str:
    """The text in lower case, exactly as long ("İ" would be two characters: kept)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


_ENDINGS = ("", "plural", "any", "kazakh")


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _plural_end(text: str, end: int, size: int) -> int | None:
    """Where a match that reaches `end`, inside a word, ends as a whole word with -s or
    -es; None if it does not."""
    stop = end + 1 if text[end] == "s" else end + 2 if text.startswith("es", end) else 0
    if stop and (stop >= size or not _is_word(text[stop])):
        return stop
    return None


_REST_OF_WORD = re.compile(r"\w*")  # \w: what `_is_word` takes


def _rest_of_word(text: str, end: int, ending: str) -> int | None:
    """Where a match that reaches `end` ends with "any" ending (the rest of its word) or a
    "kazakh" one (a chain of Kazakh suffixes, else None)."""
    rest = _REST_OF_WORD.match(text, end)
    stop = rest.end() if rest is not None else end
    if ending == "kazakh" and not KAZAKH_SUFFIXES.fullmatch(text, end, stop):
        return None
    return stop
