"""Atom 1.0 (RFC 4287) with feedgen, with RFC 5005 archive links."""

from __future__ import annotations

from feedgen.feed import FeedGenerator
from lxml import etree

from herald.render.view import FeedView

HISTORY = "http://purl.org/syndication/history/1.0"
ATOM = "{http://www.w3.org/2005/Atom}"


def render_atom(view: FeedView) -> bytes:
    """The Atom document of a feed view; the same view always gives the same bytes."""
    fg = FeedGenerator()
    fg.id(view.id)
    fg.title(view.title)
    fg.author(name=view.author)
    fg.link(href=view.url(view.path, ".atom"), rel="self", type="application/atom+xml")
    fg.link(href=view.base_url, rel="alternate", type="text/html")
    for language, path in view.editions:  # the same feed in the other language trees
        link = {"href": view.url(path, ".atom"), "rel": "alternate", "type": "application/atom+xml"}
        fg.link(**link, **({"hreflang": language} if language else {}))
    paging = view.paging
    for rel, target in (
        ("current", paging.current),
        ("prev-archive", paging.prev_archive),
        ("next-archive", paging.next_archive),
    ):
        if target is not None:
            fg.link(href=view.url(target, ".atom"), rel=rel, type="application/atom+xml")
    if view.hub:
        fg.link(href=view.hub, rel="hub")
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
        if entry.translated_by:
            fe.contributor(name=f"{entry.translated_by} (machine translation)")
        if entry.summary:
            fe.summary(entry.summary)
        fe.content(entry.content_html, type="html")
        for c in entry.categories:
            fe.category(term=c.term, scheme=c.scheme, label=c.label)
    return _amend(fg.atom_str(pretty=True), view)


def _amend(document: bytes, view: FeedView) -> bytes:
    """What feedgen cannot write: RFC 5005's fh:archive or fh:complete; xml:lang on an entry
    whose language is not the feed's (one not yet translated); and entry links with their
    rel, type and hreflang (feedgen 1.0 drops an entry link's attributes): the entry's own
    page, then its pages in other languages."""
    root = etree.fromstring(document)
    paging = view.paging
    marker = "archive" if paging.archive else "complete" if paging.complete else None
    if marker:
        element = etree.Element(f"{{{HISTORY}}}{marker}", nsmap={"fh": HISTORY})
        element.tail = root[0].tail
        root.insert(0, element)
        etree.cleanup_namespaces(root, top_nsmap={"fh": HISTORY})
    for element, entry in zip(root.findall(f"{ATOM}entry"), view.entries, strict=True):
        if entry.language != view.language:
            element.set("{http://www.w3.org/XML/1998/namespace}lang", entry.language)
        # The entry's own page first: readers open an entry's first alternate link.
        links = [{"href": entry.url, "rel": "alternate", "type": "text/html"}] if entry.url else []
        links += [
            {"href": href, "rel": "alternate", "type": "text/html", "hreflang": lang}
            for lang, href in entry.versions
        ]
        title = element.find(f"{ATOM}title")
        assert title is not None
        for link in reversed(links):
            added = etree.Element(f"{ATOM}link", link)
            added.tail = title.tail
            title.addnext(added)
    result: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return result
