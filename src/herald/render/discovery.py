"""Pages that help people find feeds: index.html and OPML subscription lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

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


def render_index(
    title: str,
    base_url: str,
    groups: Sequence[FeedGroup],
    prefix: str = "",
    languages: Sequence[tuple[str, str]] = (),
) -> bytes:
    """A page for people: every feed with its size, last update and three formats.

    `prefix` is where this edition lives ("es/"); `languages` lists the other editions
    as (name, prefix), linked at the top.
    """
    discovery = [
        f'<link rel="alternate" type="{media}" title="{escape(feed.name)} ({name})" '
        f'href="{escape(base_url + feed.path + suffix)}">'
        for group in groups
        for feed in group.feeds
        for suffix, name, media in FORMATS
        if group.slug == "all" or suffix == ".atom"
    ]
    sections = []
    for group in groups:
        if not group.feeds:
            continue
        rows = []
        for feed in group.feeds:
            local = feed.path.removeprefix(prefix)
            links = " · ".join(
                f'<a href="{escape(local + suffix)}">{name}</a>' for suffix, name, _ in FORMATS
            )
            updated = feed.updated.strftime("%Y-%m-%d %H:%M UTC") if feed.updated else "—"
            rows.append(
                f"<tr><td>{escape(feed.name)}</td><td class=n>{feed.entries}</td>"
                f"<td>{updated}</td><td>{links}</td></tr>"
            )
        sections.append(
            f"<h2>{escape(group.name)}</h2>\n<table>\n"
            "<tr><th>Feed</th><th>Entries</th><th>Last update</th><th>Subscribe</th></tr>\n"
            + "\n".join(rows)
            + "\n</table>"
        )
    opml = " · ".join(
        f'<a href="{g.slug}.opml">{escape(g.name)}</a>' for g in groups if g.slug != "all"
    )
    up = "../" * prefix.count("/")
    other = " · ".join(
        f'<a href="{escape(up + edition)}index.html">{escape(name)}</a>'
        for name, edition in languages
    )
    other_line = f"<p>Also in: {other}</p>\n" if other else ""
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
{chr(10).join(discovery)}
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #ddd; }}
td.n {{ text-align: right; }}
</style>
</head>
<body>
<h1>{escape(title)}</h1>
<p>Subscribe to any feed below in your feed reader. Every feed comes as Atom, RSS and
JSON Feed; older entries of a long feed are in its archive, linked from the Atom feed.
Whole groups: <a href="feeds.opml">all feeds</a> · {opml} (OPML).</p>
{other_line}{chr(10).join(sections)}
</body>
</html>
"""
    return page.encode()


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
