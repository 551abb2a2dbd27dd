"""Normalization: raw items become clean articles with permanent ids and UTC dates."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import escape
from urllib.parse import urljoin, urlsplit

import lxml.html
import nh3
from lxml import etree

from herald.models import Article, RawItem
from herald.normalize.identity import article_id
from herald.normalize.text import clean_line, cut_on_word
from herald.timezones import load_zone

SUMMARY_LIMIT = 280
# What one item may cost, whatever a source sends: a longer title is cut on a word, a body
# is kept up to so many characters of text (an HTML body over CONTENT_LIMIT is kept as its
# text), so one giant item costs about what a long normal one does.
TITLE_LIMIT = 300
TEXT_LIMIT = 100_000
CONTENT_LIMIT = 200_000
KEY_LIMIT = 1_000
LINK_SCHEMES = {"http", "https", "mailto"}  # what a link in a feed may open
_BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "td")


def normalize(raw: RawItem, source_id: str, timezone: str, language: str) -> Article:
    """Turn a raw item into an article: id, UTC time, clean text, sanitized HTML, summary.

    Raises ValueError for an item whose title is empty once cleaned.
    """
    title = cut_on_word(clean_line(raw.title[: 2 * TITLE_LIMIT]), TITLE_LIMIT)
    if not title:
        raise ValueError(f"title {raw.title[:80]!r} is empty once control characters are removed")
    if raw.html is not None:
        content_html = clean_html(absolute_links(raw.html, raw.base_url))
        paragraphs = _paragraphs_of(content_html)
        if len(content_html) > CONTENT_LIMIT:  # kept as its text, up to the limit
            paragraphs = _within(paragraphs, TEXT_LIMIT)
            content_html = _as_html(paragraphs)
    else:
        paragraphs = _within(tuple(p for p in map(clean_line, raw.paragraphs) if p), TEXT_LIMIT)
        content_html = _as_html(paragraphs)
    if raw.image:
        picture = clean_html(f'<p><img src="{escape(raw.image)}" alt=""></p>')
        content_html = f"{picture}\n{content_html}"
    published = to_utc(raw.published, timezone)
    url = clean_url(raw.url)
    url = urljoin(raw.base_url, url) if raw.base_url and url else url
    if url is not None and urlsplit(url).scheme.lower() not in LINK_SCHEMES:
        url = None  # a javascript: or data: link is no article to open
    return Article(
        id=article_id(source_id, raw.key),
        source_id=source_id,
        key=clean_line(raw.key[:KEY_LIMIT]),
        title=title,
        published=published,
        updated=published,
        language=raw.language or language,
        content_html=content_html,
        summary=cut_on_word(paragraphs[0], SUMMARY_LIMIT) if paragraphs else "",
        paragraphs=paragraphs,
        url=url,
        has_images=raw.has_images,
        group=article_id(source_id, raw.group_key) if raw.group_key else None,
        note=raw.note,
    )


def to_utc(moment: datetime, timezone: str) -> datetime:
    """A naive time is local to the source's zone; every stored time is UTC. ValueError for
    a time that has no UTC form (in year 1 or 9999, near the ends of the calendar)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=load_zone(timezone))
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"date {moment.isoformat()} is out of range") from None


def _within(paragraphs: tuple[str, ...], limit: int) -> tuple[str, ...]:
    """The first paragraphs, up to `limit` characters, the last one cut on a word."""
    kept: list[str] = []
    left = limit
    for paragraph in paragraphs:
        if left <= 0:
            break
        kept.append(cut_on_word(paragraph, left) if len(paragraph) > left else paragraph)
        left -= len(paragraph)
    return tuple(kept)


def _as_html(paragraphs: tuple[str, ...]) -> str:
    return "\n".join(f"<p>{escape(p, quote=False)}</p>" for p in paragraphs)


def clean_url(url: str | None) -> str | None:
    """A link without the control characters browsers drop from it too (and XML cannot
    carry); None if nothing is left."""
    if url is None:
        return None
    return _URL_CONTROL.sub("", url).strip() or None


_URL_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_html(html: str) -> str:
    """HTML a feed reader may show: no scripts or event handlers, links and pictures only
    over http(s) (and mailto for links), and no character XML cannot carry."""
    return nh3.clean(_NOT_IN_XML.sub("", html), url_schemes=LINK_SCHEMES)


# Characters XML 1.0 has no place for (C0 controls but tab and line ends, surrogates, the
# two noncharacters): a feed holding one is no feed at all.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def absolute_links(html: str, base_url: str | None) -> str:
    """The HTML with every relative link and image address resolved against `base_url`,
    so that readers do not resolve them against Herald's own host."""
    if not base_url or not html.strip():
        return html
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return html
    root.make_links_absolute(base_url, resolve_base_href=False)
    return (root.text or "") + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in root
    )


def _paragraphs_of(html: str) -> tuple[str, ...]:
    """Plain-text paragraphs of sanitized HTML, for summaries and classification."""
    if not html.strip():
        return ()
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    blocks = [el.text_content() for el in root.iter(*_BLOCKS)] or [root.text_content()]
    return tuple(p for p in map(clean_line, blocks) if p)
