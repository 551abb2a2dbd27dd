"""Parsers turn a source's bytes into RawItems: one parser per source kind.

A parser never raises on one bad item; it skips the item and reports why in the result.
It raises ParseError only when the document as a whole cannot be read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from herald.models import Fetched, ParseResult
from herald.parse.bulletin import parse_bulletin

if TYPE_CHECKING:
    from herald.settings import SourceSettings

Parser = Callable[["Fetched", "SourceSettings"], ParseResult]

PARSERS: dict[str, Parser] = {
    "bulletin": parse_bulletin,
}

__all__ = ["PARSERS", "Parser"]
