"""RSS 2.0 with feedgen: guid, dc:creator, RFC 822 dates, atom:link rel=self."""

from __future__ import annotations

from feedgen.feed import FeedGenerator

from herald.render.view import FeedView


def render_rss(view: FeedView) -> bytes:
    """The RSS 2.0 document of a feed view (no archive links: RFC 5005 archives are Atom)."""
    fg = FeedGenerator()
    fg.load_extension("dc")
    fg.title(view.title)
    fg.link(href=view.url(view.path, ".rss"), rel="self", type="application/rss+xml")
    fg.link(href=view.base_url, rel="alternate")  # the channel's <link>: the last one set
    fg.description(view.title)
    fg.generator("Herald")
    if view.language:
        fg.language(view.language)
    fg.lastBuildDate(view.updated)
    for entry in view.entries:
        fe = fg.add_entry(order="append")
        # RSS says a guid is a permalink unless told otherwise; ours are urn:uuid ids.
        fe.guid(entry.id, permalink=entry.id == entry.url)
        fe.title(entry.title)
        if entry.url:
            fe.link(href=entry.url)
        fe.description(entry.summary or entry.title)
        if entry.content_html:
            fe.content(entry.content_html)
        fe.pubDate(entry.published)
        # RSS's <author> must be an e-mail address; a name goes in dc:creator.
        fe.dc.dc_creator(entry.author)
        if entry.translated_by:
            fe.dc.dc_contributor(f"{entry.translated_by} (machine translation)")
        for c in entry.categories:
            fe.category(term=c.term, scheme=c.scheme, label=c.label)
    document: bytes = fg.rss_str(pretty=True)
    return document
