"""Atom 1.0 (RFC 4287) with feedgen: a feed definition and its entries give bytes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from feedgen.feed import FeedGenerator

from herald.models import TaggedArticle
from herald.render.feeds import FAMILY_DIRS, FeedSpec


def render_atom(
    spec: FeedSpec,
    entries: Sequence[TaggedArticle],
    *,
    base_url: str,
    author: str,
    source_names: Mapping[str, str],
    updated: datetime,
) -> bytes:
    """The Atom document of one feed; the same input always gives the same bytes.

    `updated` is used only when there are no entries; otherwise the newest entry's
    `updated` is the feed's, so nothing depends on the time of the run.
    """
    fg = FeedGenerator()
    fg.id(spec.feed_id(base_url))
    fg.title(spec.title)
    fg.author(name=author)
    fg.link(href=f"{base_url}{spec.path}.atom", rel="self", type="application/atom+xml")
    fg.generator("Herald")
    languages = {e.article.language for e in entries}
    if len(languages) == 1:
        fg.language(languages.pop())
    fg.updated(max((e.article.updated for e in entries), default=updated))
    for tagged in entries:
        a = tagged.article
        fe = fg.add_entry(order="append")
        fe.id(a.id)
        fe.title(a.title)
        fe.published(a.published)
        fe.updated(a.updated)
        fe.author(name=source_names.get(a.source_id, a.source_id))
        if a.url:
            fe.link(href=a.url, rel="alternate", type="text/html")
        if a.summary:
            fe.summary(a.summary)
        fe.content(a.content_html, type="html")
        for tag in tagged.tags:
            if tag.passed:
                scheme = f"{base_url}{FAMILY_DIRS[tag.family]}/"
                fe.category(term=tag.term, scheme=scheme, label=tag.label)
    document: bytes = fg.atom_str(pretty=True)
    return document
