"""HTML listing pages read with selectors from [sources.html]."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from herald.errors import ParseError
from herald.models import Fetched, ParseProblem, ParseResult, RawItem
from herald.parse.dates import item_date
from herald.parse.select import compile_selector
from herald.parse.text import decode_text

if TYPE_CHECKING:
    from herald.settings import HtmlSettings, SourceSettings


def _settings(source: SourceSettings) -> HtmlSettings:
    if source.html is None:  # settings validation makes this impossible
        raise ParseError(f'source "{source.id}": kind "html" needs [sources.html]')
    return source.html


# Control characters have no place in HTML, and lxml refuses them in the links it rewrites.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _document(fetched: Fetched) -> lxml.html.HtmlElement:
    text = _CONTROL.sub("", decode_text(fetched))
    if not text.strip():
        raise ParseError(f"{fetched.url}: the page is empty")
    try:
        root: lxml.html.HtmlElement = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(f"{fetched.url}: not an HTML page ({exc})") from exc
    root.make_links_absolute(fetched.url, resolve_base_href=True)
    return root


def parse_html(fetched: Fetched, source: SourceSettings) -> ParseResult:
    """Items of a listing page, and the next page's URL when [sources.html] says where."""
    cfg = _settings(source)
    root = _document(fetched)
    title, link = compile_selector(cfg.title), cfg.link and compile_selector(cfg.link)
    date, summary = cfg.date and compile_selector(cfg.date), cfg.summary
    items: list[RawItem] = []
    problems: list[ParseProblem] = []
    for number, node in enumerate(compile_selector(cfg.item).elements(root), start=1):
        found_title = title.first(node)
        if not found_title:
            problems.append(ParseProblem(None, f'item {number}: no title at "{cfg.title}"'))
            continue
        url = link.first(node) if link else None
        if date:
            text = date.first(node)
            if text is None:
                problems.append(ParseProblem(None, f'item {number}: no date at "{cfg.date}"'))
                continue
            published = item_date(number, text, cfg.date_format)
            if isinstance(published, ParseProblem):
                problems.append(published)
                continue
        else:
            problems.append(ParseProblem(None, f"item {number}: [sources.html] has no date"))
            continue
        text_summary = compile_selector(summary).first(node) if summary else None
        items.append(
            RawItem(
                key=urljoin(fetched.url, url) if url else f"{published.isoformat()} {found_title}",
                title=found_title,
                published=published,
                url=urljoin(fetched.url, url) if url else None,
                paragraphs=(text_summary,) if text_summary else (),
                details_url=urljoin(fetched.url, url) if url and cfg.content else None,
            )
        )
    if not items and not problems:
        raise ParseError(f'{fetched.url}: no items at "{cfg.item}"')
    next_url = compile_selector(cfg.next_page).first(root) if cfg.next_page else None
    return ParseResult(tuple(items), tuple(problems), next_url)


def extract_content(fetched: Fetched, source: SourceSettings) -> str | None:
    """The article's HTML from its own page, by the `content` selector; None if absent."""
    cfg = _settings(source)
    if cfg.content is None:
        return None
    root = _document(fetched)
    parts = [
        node if isinstance(node, str) else lxml.html.tostring(node, encoding="unicode")
        for node in compile_selector(cfg.content).elements(root)
    ]
    return "\n".join(parts) or None
