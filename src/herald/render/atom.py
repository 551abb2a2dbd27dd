"""Atom 1.0 (RFC 4287) with feedgen, with RFC 5005 archive links.

A document is its head (everything but the entries, written by feedgen) with the entries'
own bytes spliced in before `</feed>`. An entry's bytes are the same in every document
that holds it, so a publisher renders each entry once and reuses it (see `atom_entry`).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from urllib.parse import urlsplit

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from lxml import etree

from herald.render.view import EntryView, FeedView

HISTORY = "http://purl.org/syndication/history/1.0"
ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM = f"{{{ATOM_NS}}}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_END = b"</feed>"


def render_atom(view: FeedView) -> bytes:
    """The Atom document of a feed view; the same view always gives the same bytes."""
    return atom_document(view, (for_feed(atom_entry(e), e.language, view) for e in view.entries))


def atom_document(view: FeedView, entries: Iterable[bytes]) -> bytes:
    """The document of a feed view's head with these entries (from `for_feed`), in order."""
    head = _head(view)
    cut = head.rindex(_END)
    return head[:cut] + b"".join(entries) + head[cut:]


def for_feed(fragment: bytes, language: str, view: FeedView) -> bytes:
    """An entry's bytes in one feed: `xml:lang` only where the feed's language differs."""
    if language != view.language:
        return fragment
    marked = f'<entry xml:lang="{language}">'.encode()
    return fragment.replace(marked, b"<entry>", 1)


def atom_entry(entry: EntryView) -> bytes:
    """An entry's bytes, indented as a child of <feed>, always with its `xml:lang`."""
    fe = FeedEntry()
    fe.id(entry.id)
    fe.title(entry.title)
    fe.published(entry.published)
    fe.updated(entry.updated)
    fe.author(name=entry.author)
    if entry.translated_by:
        fe.contributor(name=f"{entry.translated_by} (machine translation)")
    if entry.summary or not entry.content_html:  # some text, if only the title again
        fe.summary(entry.summary or entry.title)
    fe.link(href=entry.url, rel="alternate")  # written again below, with its type
    if entry.content_html:  # no body: no empty <content>; the entry links its page
        fe.content(entry.content_html, type="html")
    if entry.categories:  # all in one call: feedgen redoes its list on each
        fe.category(
            [{"term": c.term, "scheme": c.scheme, "label": c.label} for c in entry.categories]
        )
    element = fe.atom_entry()
    element.set(XML_LANG, entry.language)
    _add_links(element, entry)
    # feedgen's elements carry no namespace; the <feed> around them declares Atom's.
    wrapper = etree.Element("feed", nsmap={None: ATOM_NS})  # type: ignore[dict-item]
    wrapper.append(element)
    text: bytes = etree.tostring(wrapper, encoding="UTF-8", pretty_print=True)
    # Between the wrapper's tags: "  <entry …>…</entry>\n", as in a whole document.
    return text[text.index(b">\n") + 2 : text.rindex(_END)]


def _add_links(element: etree._Element, entry: EntryView) -> None:
    """Entry links with their rel, type and hreflang (feedgen 1.0 drops an entry link's
    attributes): the entry's own page, then its pages in other languages."""
    links = [{"href": entry.url, "rel": "alternate", "type": "text/html"}]
    links += [
        {"href": href, "rel": "alternate", "type": "text/html", "hreflang": lang}
        for lang, href in entry.versions
    ]
    if entry.image:
        links.append({"href": entry.image, "rel": "enclosure", **_image_type(entry.image)})
    for written in element.findall("link"):
        element.remove(written)
    title = element.find("title")
    assert title is not None
    for link in reversed(links):
        title.addnext(etree.Element("link", link))


def _image_type(url: str) -> dict[str, str]:
    """The `type` of a picture's link, where its name tells it."""
    guessed, _ = mimetypes.guess_type(urlsplit(url).path)
    return {"type": guessed} if guessed and guessed.startswith("image/") else {}


def _head(view: FeedView) -> bytes:
    """The document without entries, and with what feedgen cannot write: RFC 5005's
    fh:archive or fh:complete."""
    fg = FeedGenerator()
    fg.id(view.id)
    fg.title(view.title)
    fg.author(name=view.author)
    fg.link(href=view.self_url(".atom"), rel="self", type="application/atom+xml")
    fg.link(href=view.page, rel="alternate", type="text/html")
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
    if view.subtitle:
        fg.subtitle(view.subtitle)
    fg.icon(view.asset("icon-64.png"))
    fg.logo(view.asset("logo.png"))
    if view.language:
        fg.language(view.language)
    fg.updated(view.updated)
    document: bytes = fg.atom_str(pretty=True)
    marker = "archive" if paging.archive else "complete" if paging.complete else None
    if marker is None:
        return document
    root = etree.fromstring(document)
    element = etree.Element(f"{{{HISTORY}}}{marker}", nsmap={"fh": HISTORY})
    element.tail = root[0].tail
    root.insert(0, element)
    etree.cleanup_namespaces(root, top_nsmap={"fh": HISTORY})
    result: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return result
