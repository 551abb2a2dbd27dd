"""Existing feeds: RSS 2.0, RSS 1.0, Atom (with feedparser) and JSON Feed.

XML is first checked with lxml, with entity resolution and network access off. A document
that declares entities is refused outright: no feed needs them, and they are how XXE and
billion-laughs attacks work.
"""

from __future__ import annotations

import calendar
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import feedparser
from lxml import etree

from herald.errors import ParseError
from herald.models import Fetched, ParseProblem, ParseResult, RawItem
from herald.parse.dates import item_date
from herald.parse.text import decode_text

if TYPE_CHECKING:
    from herald.settings import SourceSettings

_SAFE_XML = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, dtd_validation=False
)


def parse_feed(fetched: Fetched, source: SourceSettings) -> ParseResult:
    """Items of an RSS, Atom or JSON Feed document."""
    head = fetched.content.lstrip()[:1]
    if head == b"{" or "json" in (fetched.content_type or ""):
        return _json_feed(fetched)
    _check_xml(fetched)
    parsed = feedparser.parse(fetched.content, response_headers=_headers(fetched))
    if not parsed.entries and parsed.get("bozo"):
        raise ParseError(f"{fetched.url}: not a feed ({parsed.get('bozo_exception')})")
    items: list[RawItem] = []
    problems: list[ParseProblem] = []
    for number, entry in enumerate(parsed.entries, start=1):
        # dict.get: feedparser's own get() maps a missing date to the other one, warning.
        stamp = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
        title = entry.get("title", "").strip()
        if not title or stamp is None:
            missing = "title" if not title else "date"
            problems.append(ParseProblem(None, f"entry {number}: no {missing}"))
            continue
        try:
            published = datetime.fromtimestamp(calendar.timegm(stamp), UTC)
        except (ValueError, OverflowError, OSError):
            problems.append(ParseProblem(None, f"entry {number}: date out of range"))
            continue
        content = entry.get("content")
        html = content[0].get("value") if content else entry.get("summary", "")
        items.append(
            RawItem(
                key=entry.get("id") or entry.get("link") or f"{published.isoformat()} {title}",
                title=title,
                published=published,
                url=entry.get("link"),
                html=html or "",
                base_url=fetched.url,
            )
        )
    return ParseResult(tuple(items), tuple(problems))


def _headers(fetched: Fetched) -> dict[str, str]:
    """What feedparser reads of the response: the charset, and the base of relative links."""
    headers = {"content-location": fetched.url}
    if fetched.content_type:
        headers["content-type"] = fetched.content_type
    return headers


_REFUSED = (
    "refused: the document declares entities in its DOCTYPE "
    "(no feed needs them; they are how XXE and entity-expansion attacks work)"
)


def _check_xml(fetched: Fetched) -> None:
    """Refuse XML that declares entities, or that is not well-formed."""
    subset_end = fetched.content.find(b"]>")  # entities are declared in a DOCTYPE's [ … ]>
    if subset_end != -1 and b"<!ENTITY" in fetched.content[:subset_end]:
        raise ParseError(f"{fetched.url}: {_REFUSED}")
    try:
        tree = etree.fromstring(fetched.content, _SAFE_XML).getroottree()
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"{fetched.url}: not well-formed XML: {exc}") from exc
    dtd: Any = tree.docinfo.internalDTD
    if dtd is not None and list(dtd.iterentities()):  # e.g. in UTF-16, unseen above
        raise ParseError(f"{fetched.url}: {_REFUSED}")


def _json_feed(fetched: Fetched) -> ParseResult:
    try:
        feed: Any = json.loads(decode_text(fetched))
    except json.JSONDecodeError as exc:
        raise ParseError(f"{fetched.url}: not valid JSON: {exc}") from exc
    version = feed.get("version", "") if isinstance(feed, dict) else ""
    if not str(version).startswith("https://jsonfeed.org/version/"):
        raise ParseError(f"{fetched.url}: not a JSON Feed (no jsonfeed.org version)")
    found = feed.get("items") or []
    if not isinstance(found, list):
        raise ParseError(f'{fetched.url}: the JSON Feed\'s "items" is not a list')
    items: list[RawItem] = []
    problems: list[ParseProblem] = []
    for number, item in enumerate(found, start=1):
        if not isinstance(item, dict):
            problems.append(ParseProblem(None, f"item {number}: not an object"))
            continue
        title = str(item.get("title") or "").strip()
        date = item.get("date_published") or item.get("date_modified")
        if not title or not date or item.get("id") in (None, ""):
            problems.append(ParseProblem(None, f"item {number}: needs id, title and date"))
            continue
        published = item_date(number, str(date))
        if isinstance(published, ParseProblem):
            problems.append(published)
            continue
        html = item.get("content_html")
        if html is None and item.get("content_text") is not None:
            paragraphs = tuple(str(item["content_text"]).split("\n\n"))
        else:
            paragraphs = ()
        items.append(
            RawItem(
                key=str(item["id"]),
                title=title,
                published=published,
                url=item.get("url"),
                html=None if paragraphs else str(html or item.get("summary") or ""),
                paragraphs=paragraphs,
                base_url=fetched.url,
            )
        )
    return ParseResult(tuple(items), tuple(problems))
