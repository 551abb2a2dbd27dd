"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""

from __future__ import annotations

import json
from typing import Any

from herald.render.view import EntryView, FeedView

VERSION = "https://jsonfeed.org/version/1.1"


def render_json(view: FeedView) -> bytes:
    """The JSON Feed document of a feed view; keys in a fixed order, so bytes are stable."""
    feed: dict[str, Any] = {
        "version": VERSION,
        "title": view.title,
        "home_page_url": view.page,
        "feed_url": view.self_url(".json"),
        **({"description": view.subtitle} if view.subtitle else {}),
        "icon": view.asset("icon-512.png"),
        "favicon": view.asset("icon-64.png"),
        "authors": [{"name": view.author}],
    }
    if view.language:
        feed["language"] = view.language
    if view.hub:
        feed["hubs"] = [{"type": "WebSub", "url": view.hub}]
    if view.editions:  # Herald's extension: the same feed in the other language trees
        feed["_herald"] = {
            "editions": [
                {**({"language": language} if language else {}), "url": view.url(path, ".json")}
                for language, path in view.editions
            ]
        }
    feed["items"] = [
        {
            "id": entry.id,
            "url": entry.url,
            "title": entry.title,
            # An item has content_html or content_text; without a body, its summary.
            **(
                {"content_html": entry.content_html}
                if entry.content_html
                else {"content_text": entry.summary or entry.title}
            ),
            **({"summary": entry.summary} if entry.summary else {}),
            **({"image": entry.image} if entry.image else {}),
            "date_published": entry.published.isoformat(),
            "date_modified": entry.updated.isoformat(),
            "authors": [{"name": entry.author}],
            "tags": [c.label for c in entry.categories],
            "language": entry.language,
            **_extension(entry),
        }
        for entry in view.entries
    ]
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode()


def _extension(entry: EntryView) -> dict[str, Any]:
    """Herald's item extension: who translated it, and its pages in other languages."""
    extension: dict[str, Any] = {}
    if entry.translated_by:
        extension["translated_by"] = entry.translated_by
    if entry.versions:
        extension["versions"] = [{"language": lang, "url": url} for lang, url in entry.versions]
    return {"_herald": extension} if extension else {}
