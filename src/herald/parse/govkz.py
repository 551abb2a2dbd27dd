"""The government portal gov.kz: a preset on the JSON reader.

The portal's news API answers `GET {url}/api/v1/public/content-manager/news?…&page=N&size=20`
with a JSON array, or an object whose `content` holds it, of items with `id`, `title`,
`body` (HTML, sometimes a whole HTML document), `created_date` (ISO 8601; without an
offset it is Asia/Almaty time) and `heropic` (a path on the portal).
"""

from __future__ import annotations

from dataclasses import replace
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urljoin

import lxml.html
from lxml import etree

from herald.models import Fetched, ParseResult
from herald.parse.jsonapi import load_json, next_page_url, read_items

if TYPE_CHECKING:
    from herald.settings import JsonSettings, SourceSettings

PAGE_SIZE = 20
API = "/api/v1/public/content-manager/news"


def _base(source: SourceSettings) -> str:
    return source.url.rstrip("/")


def first_url(source: SourceSettings) -> str:
    """The API URL of the first page of a project's news."""
    query = {
        "sort-by": "created_date:DESC",
        "projects": f"eq:{source.project}",
        "page": str(source.start_page),
        "size": str(PAGE_SIZE),
    }
    return f"{_base(source)}{API}?{urlencode(query, safe=':,')}"


def headers(source: SourceSettings) -> dict[str, str]:
    """The portal answers in the language asked for; operators may add headers it wants."""
    return {"Accept-Language": source.language, "Accept": "application/json", **source.headers}


def _fields(source: SourceSettings) -> JsonSettings:
    from herald.settings import JsonSettings

    link = (
        f"{_base(source)}/memleket/entities/{source.project}/press/news/details/{{id}}"
        f"?lang={source.language}"
    )
    return JsonSettings(id="id", title="title", date="created_date", content="body", link=link)


def _body_html(body: str) -> str:
    """The article part of a body that is sometimes a whole HTML document."""
    if "<body" not in body.lower() and "<html" not in body.lower():
        return body
    try:
        root = lxml.html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return body
    inner = root.find("body")
    if inner is None:
        return body
    return (inner.text or "") + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in inner
    )


def parse_govkz(fetched: Fetched, source: SourceSettings) -> ParseResult:
    """Items of one page of a gov.kz project's news, with the next page's URL."""
    data: Any = load_json(fetched)
    path = "content" if isinstance(data, dict) else ""
    items, problems = read_items(fetched, data, _fields(source), path)
    pictures = {
        f"id:{entry.get('id')}": entry.get("heropic")
        for entry in (data.get("content") if isinstance(data, dict) else data) or []
        if isinstance(entry, dict) and entry.get("heropic")
    }
    finished = []
    for item in items:
        html = _body_html(item.html or "")
        picture = pictures.get(item.key)
        if picture:
            src = urljoin(_base(source) + "/", str(picture))
            html = f'<p><img src="{escape(src)}" alt=""></p>\n{html}'
        finished.append(replace(item, html=html, has_images=bool(picture)))
    next_url = None
    if len(items) + len(problems) >= PAGE_SIZE:
        next_url = next_page_url(fetched.url, "page", source.start_page, source.pages)
    return ParseResult(tuple(finished), tuple(problems), next_url)
