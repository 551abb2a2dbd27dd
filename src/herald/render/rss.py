"""RSS 2.0 with feedgen: guid, dc:creator, RFC 822 dates, atom:link rel=self."""

from __future__ import annotations

import re
from html import escape

from feedgen.feed import FeedGenerator
from lxml import etree

from herald.render.view import FeedView

ATOM_LINK = "{http://www.w3.org/2005/Atom}link"


def render_rss(view: FeedView) -> bytes:
    """The RSS 2.0 document of a feed view (no archive links: RFC 5005 archives are Atom)."""
    fg = FeedGenerator()
    fg.load_extension("dc")
    fg.load_extension("media")
    fg.title(view.title)
    fg.link(href=view.self_url(".rss"), rel="self", type="application/rss+xml")
    fg.link(href=view.page, rel="alternate")  # the channel's <link>: the last one set
    fg.description(view.subtitle or view.title)
    fg.image(url=view.asset("icon-64.png"), title=view.title, link=view.page)
    fg.generator("Herald")
    if view.language:
        fg.language(view.language)
    fg.lastBuildDate(view.updated)
    for entry in view.entries:
        fe = fg.add_entry(order="append")
        # RSS says a guid is a permalink unless told otherwise; ours are urn:uuid ids.
        fe.guid(entry.id, permalink=entry.id == entry.url)
        fe.title(entry.title)
        fe.link(href=entry.url)
        # RSS readers read <description> as HTML: the plain-text summary is escaped as
        # text first, so that what looks like markup in it stays text.
        fe.description(escape(entry.summary or entry.title, quote=False))
        if entry.content_html:
            fe.content(entry.content_html)
        fe.pubDate(entry.published)
        # RSS's <author> must be an e-mail address; a name goes in dc:creator.
        fe.dc.dc_creator(entry.author)
        if entry.translated_by:
            fe.dc.dc_contributor(f"{entry.translated_by} (machine translation)")
        if entry.categories:  # all in one call: feedgen redoes its list on each
            fe.category(
                [{"term": c.term, "scheme": c.scheme, "label": c.label} for c in entry.categories]
            )
        if entry.image:
            fe.media.thumbnail({"url": entry.image}, group=None)
    document: bytes = fg.rss_str(pretty=True)
    links = [{"href": view.hub, "rel": "hub"}] if view.hub else []
    links += [
        {
            "href": view.url(path, ".rss"),
            "rel": "alternate",
            "type": "application/rss+xml",
            **({"hreflang": language} if language else {}),
        }
        for language, path in view.editions
    ]
    return _hex_references(_with_links(document, links) if links else document)


_TITLE = re.compile(rb"<title>[^<]*</title>")


def _hex_references(document: bytes) -> bytes:
    """`&` and `<` in titles as hexadecimal character references, as the RSS Advisory
    Board's profile asks (some readers decode a title's entities twice)."""
    return _TITLE.sub(
        lambda m: m.group(0).replace(b"&amp;", b"&#x26;").replace(b"&lt;", b"&#x3C;"), document
    )


def _with_links(document: bytes, links: list[dict[str, str]]) -> bytes:
    """feedgen writes only the self atom:link in RSS; WebSub wants rel="hub" next to it,
    and the same feed in other languages is an atom:link with hreflang."""
    root = etree.fromstring(document)
    self_link = root.find(f"channel/{ATOM_LINK}")
    assert self_link is not None
    for attributes in reversed(links):
        link = etree.Element(ATOM_LINK, attributes)
        link.tail = self_link.tail
        self_link.addnext(link)
    result: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return result
