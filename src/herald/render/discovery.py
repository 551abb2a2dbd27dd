"""What helps readers find feeds: the formats, the index's groups, OPML subscription lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

FORMATS = (
    (".atom", "Atom", "application/atom+xml"),
    (".rss", "RSS", "application/rss+xml"),
    (".json", "JSON Feed", "application/feed+json"),
)


@dataclass(frozen=True, slots=True)
class FeedSummary:
    """One feed as the index lists it."""

    name: str
    path: str  # without extension
    entries: int
    updated: datetime | None


@dataclass(frozen=True, slots=True)
class FeedGroup:
    """A heading and its feeds: everything, sources, topics, countries."""

    name: str
    slug: str  # also the name of the group's OPML file, when it has one
    feeds: tuple[FeedSummary, ...]


def render_opml(title: str, base_url: str, groups: Sequence[FeedGroup]) -> bytes:
    """An OPML 2.0 subscription list: one outline per group, one per feed inside it."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    body = etree.SubElement(root, "body")
    for group in groups:
        parent = etree.SubElement(body, "outline", text=group.name, title=group.name)
        for feed in group.feeds:
            etree.SubElement(
                parent,
                "outline",
                type="rss",
                text=feed.name,
                title=feed.name,
                xmlUrl=f"{base_url}{feed.path}.atom",
                htmlUrl=base_url,
            )
    document: bytes = etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", pretty_print=True
    )
    return document
