"""Parsers turn a source's bytes into RawItems: one parser per source kind.

A parser never raises on one bad item; it skips the item and reports why in the result.
It raises ParseError only when the document as a whole cannot be read. A kind also says
where its listing starts, which headers to send, and how to read an article's own page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from herald.models import Fetched, ParseResult
from herald.parse import govkz
from herald.parse.bulletin import parse_bulletin
from herald.parse.feed import parse_feed
from herald.parse.html import extract_content, parse_html
from herald.parse.jsonapi import parse_json

if TYPE_CHECKING:
    from herald.settings import SourceSettings

Parser = Callable[[Fetched, "SourceSettings"], ParseResult]


def _own_url(source: SourceSettings) -> str:
    return source.url


def _own_headers(source: SourceSettings) -> dict[str, str]:
    return dict(source.headers)


def _one_page(source: SourceSettings) -> int:
    return 1


def _json_first_url(source: SourceSettings) -> str:
    cfg = source.json_fields
    if cfg is None or not cfg.page_param:
        return source.url
    parts = urlsplit(source.url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.setdefault(cfg.page_param, str(cfg.start_page))
    return urlunsplit(parts._replace(query=urlencode(query, safe=":,")))


def _json_headers(source: SourceSettings) -> dict[str, str]:
    extra = source.json_fields.extra_headers if source.json_fields else {}
    return {**extra, **source.headers}


@dataclass(frozen=True, slots=True)
class SourceKind:
    """How to read one kind of source."""

    parse: Parser
    first_url: Callable[[SourceSettings], str] = _own_url
    headers: Callable[[SourceSettings], dict[str, str]] = _own_headers
    max_pages: Callable[[SourceSettings], int] = _one_page
    # Reads an item's `details_url` for its full text, when the listing has only a teaser.
    article: Callable[[Fetched, SourceSettings], str | None] | None = field(default=None)
    # For APIs that want headers their own page computes: that page, and the path of the
    # page's request whose headers to reuse.
    session_page: Callable[[SourceSettings], str] | None = None
    session_request: str | None = None


KINDS: dict[str, SourceKind] = {
    "bulletin": SourceKind(parse_bulletin),
    "feed": SourceKind(parse_feed),
    "html": SourceKind(
        parse_html,
        max_pages=lambda s: s.html.max_pages if s.html else 1,
        article=extract_content,
    ),
    "json": SourceKind(
        parse_json,
        first_url=_json_first_url,
        headers=_json_headers,
        max_pages=lambda s: s.json_fields.max_pages if s.json_fields else 1,
    ),
    "gov-kz": SourceKind(
        govkz.parse_govkz,
        first_url=govkz.first_url,
        headers=govkz.headers,
        max_pages=lambda s: s.pages,
        article=govkz.details_body,
        session_page=govkz.news_page,
        session_request=govkz.API,
    ),
}

__all__ = ["KINDS", "Parser", "SourceKind"]
