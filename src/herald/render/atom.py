"""Atom 1.0 (RFC 4287) with feedgen, with RFC 5005 archive links."""

from __future__ import annotations

from feedgen.feed import FeedGenerator
from lxml import etree

from herald.render.view import FeedView

HISTORY = "http://purl.org/syndication/history/1.0"


def render_atom(view: FeedView) -> bytes:
    """The Atom document of a feed view; the same view always gives the same bytes."""
    fg = FeedGenerator()
    fg.id(view.id)
    fg.title(view.title)
    fg.author(name=view.author)
    fg.link(href=view.url(view.path, ".atom"), rel="self", type="application/atom+xml")
    fg.link(href=view.base_url, rel="alternate", type="text/html")
    paging = view.paging
    for rel, target in (
        ("current", paging.current),
        ("prev-archive", paging.prev_archive),
        ("next-archive", paging.next_archive),
    ):
        if target is not None:
            fg.link(href=view.url(target, ".atom"), rel=rel, type="application/atom+xml")
    fg.generator("Herald")
    if view.language:
        fg.language(view.language)
    fg.updated(view.updated)
    for entry in view.entries:
        fe = fg.add_entry(order="append")
        fe.id(entry.id)
        fe.title(entry.title)
        fe.published(entry.published)
        fe.updated(entry.updated)
        fe.author(name=entry.author)
        if entry.url:
            fe.link(href=entry.url, rel="alternate", type="text/html")
        if entry.summary:
            fe.summary(entry.summary)
        fe.content(entry.content_html, type="html")
        for c in entry.categories:
            fe.category(term=c.term, scheme=c.scheme, label=c.label)
    document: bytes = fg.atom_str(pretty=True)
    if paging.archive or paging.complete:
        document = _mark_history(document, "archive" if paging.archive else "complete")
    return document


def _mark_history(document: bytes, marker: str) -> bytes:
    """Add RFC 5005's fh:archive or fh:complete, which feedgen does not know."""
    root = etree.fromstring(document)
    element = etree.Element(f"{{{HISTORY}}}{marker}", nsmap={"fh": HISTORY})
    element.tail = root[0].tail
    root.insert(0, element)
    etree.cleanup_namespaces(root, top_nsmap={"fh": HISTORY})
    result: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return result
