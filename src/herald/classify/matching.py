"""One combined pattern over many phrases, and the places of an article it is run on."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from herald.models import Article
from herald.normalize.text import clean_line

# Apostrophe and dash variants are matched as their ASCII forms ("Côte d’Ivoire").
_FORMS = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "–": "-", "—": "-", "‑": "-"})


def match_form(text: str) -> str:
    """The text as the patterns see it: clean, one apostrophe and one dash."""
    return clean_line(text).translate(_FORMS)


@dataclass(frozen=True, slots=True)
class Place:
    """A part of an article, with the weight a match there carries."""

    name: str  # "title", "lead" or "body"
    text: str


def places(article: Article) -> list[Place]:
    """Title, lead paragraph and the rest of the body, in match form."""
    found = [Place("title", match_form(article.title))]
    if article.paragraphs:
        found.append(Place("lead", match_form(article.paragraphs[0])))
        found.extend(Place("body", match_form(p)) for p in article.paragraphs[1:])
    return found


class NameMatcher:
    """Finds any of many literal names in one pass; at each place the longest name wins.

    The names are compiled into one regular expression shaped like a trie, so each place
    in the text costs a few character tests instead of one test per name.
    """

    def __init__(self, names: Iterable[str]) -> None:
        trie: dict[str, Any] = {}
        for name in names:
            node = trie
            for char in name:
                node = node.setdefault(char, {})
            node[""] = {}
        self._pattern = re.compile(rf"(?<!\w)(?:{_trie_pattern(trie) or '(?!)'})(?!\w)")

    def finditer(self, text: str) -> Iterator[str]:
        """Yield each name found, left to right, without overlaps."""
        for match in self._pattern.finditer(text):
            yield match.group(0)


def _trie_pattern(node: dict[str, Any]) -> str:
    """A pattern for a trie node; a greedy `?` tries the longer names before stopping."""
    branches = [re.escape(char) + _trie_pattern(node[char]) for char in sorted(node) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        return f"(?:{body})?"
    return body


class PhraseMatcher:
    """Finds any of many regular-expression alternatives in one pass; longest first wins.

    Each alternative gets a numbered group, so a match tells which rule produced it.
    """

    def __init__(self, alternatives: Sequence[str], *, ignore_case: bool) -> None:
        self._count = len(alternatives)
        body = "|".join(f"(?P<g{i}>{alt})" for i, alt in enumerate(alternatives))
        flags = re.IGNORECASE if ignore_case else 0
        self._pattern = re.compile(rf"(?<!\w)(?:{body or '(?!)'})(?!\w)", flags)

    def finditer(self, text: str) -> Iterator[tuple[int, str]]:
        """Yield (alternative index, matched text) for each non-overlapping match."""
        for match in self._pattern.finditer(text):
            group = match.lastgroup
            if group is not None:
                yield int(group[1:]), match.group(0)
