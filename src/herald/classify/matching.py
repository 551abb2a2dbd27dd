"""One pattern over many phrases, and the places of an article it is run on."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from herald.models import Article
from herald.normalize.text import clean_line

# Apostrophe and dash variants are matched as their ASCII forms ("Côte d’Ivoire").
_FORMS = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "–": "-", "—": "-", "‑": "-"})
_END = ""  # trie key under which a node lists the phrases that end there


def match_form(text: str) -> str:
    """Text as the patterns see it: clean, one apostrophe and one dash."""
    return clean_line(text).translate(_FORMS)


@dataclass(frozen=True, slots=True)
class Place:
    """A part of an article, with the weight a match there carries."""

    name: str  # "title", "lead" or "body"
    text: str


def places(article: Article) -> list[Place]:
    """Title, lead paragraph and the rest of the body; the article's text is already clean."""
    found = [Place("title", article.title.translate(_FORMS))]
    if article.paragraphs:
        found.append(Place("lead", article.paragraphs[0].translate(_FORMS)))
        found.extend(Place("body", p.translate(_FORMS)) for p in article.paragraphs[1:])
    return found


class PhraseMatcher:
    """Finds any of many phrases in one pass over a text.

    Phrases are compiled into one regular expression shaped like a trie, so a place in the
    text costs a few character tests, not one test per phrase. At each place the longest
    phrase wins ("Papua New Guinea", never "Guinea"); matches are whole words. Each phrase
    may carry a suffix pattern (a plural ending, or any ending), and an empty named group at
    its end tells which phrase matched.
    """

    def __init__(self, phrases: Sequence[tuple[str, str]], *, ignore_case: bool) -> None:
        trie: dict[str, Any] = {}
        for index, (literal, suffix) in enumerate(phrases):
            node = trie
            for char in literal.lower() if ignore_case else literal:
                node = node.setdefault(char, {})
            node.setdefault(_END, []).append((index, suffix))
        body = _trie_pattern(trie) if trie else "(?!)"
        flags = re.IGNORECASE if ignore_case else 0
        self._pattern = re.compile(rf"(?<!\w){body}(?!\w)", flags)

    def finditer(self, text: str) -> Iterator[tuple[int, str]]:
        """Yield (phrase index, matched text) left to right, without overlaps."""
        for match in self._pattern.finditer(text):
            group = match.lastgroup
            if group is not None:
                yield int(group[1:]), match.group(0)


def _trie_pattern(node: dict[str, Any]) -> str:
    """Longer phrases are tried first, so a greedy match backs off only when it must."""
    branches = [
        (r"[\s-]+" if char == " " else re.escape(char)) + _trie_pattern(node[char])
        for char in sorted(node)
        if char != _END
    ]
    branches += [f"{suffix}(?P<g{index}>)" for index, suffix in node.get(_END, [])]
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
