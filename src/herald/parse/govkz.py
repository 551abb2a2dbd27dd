"""The government portal gov.kz, read the way its own news page reads it.

Listing: `GET {url}/api/v1/public/content-manager/news?sort-by=created_date:DESC&
projects=eq:<project>&page=N&size=20&lang=<lang>`, pages counted from 1, in the language of
`lang` and `Accept-Language` (en, ru, kk: the same article keeps its id in every language).
The answer is a bare JSON array (older portal versions) or an object whose `content` holds
it (newer ones). Each item has

- an id: `id`, else `slug` (the article's page is `.../press/news/details/<id or slug>`);
- a title: `title`, else `name`;
- a date: `created_date`, `createdDate` or `publishedDate`, ISO 8601 (without an offset it
  is Asia/Almaty time);
- `body`: HTML, sometimes a whole HTML document, sometimes missing or only a teaser (text
  ending in "…" or "..."); then the full text is read once from the details endpoint
  `{url}/api/v1/public/content-manager/news/<id>?lang=<lang>`, an object with `body` at its
  top or under `data` or `content`;
- `heropic`: the article's picture, a path on the portal.

Newer portal versions refuse both endpoints (401/403) without the `hash` and `token`
headers that the news page computes in the browser; herald.sessions obtains them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urljoin

import lxml.html
from lxml import etree

from herald.errors import ParseError
from herald.models import Fetched, ParseProblem, ParseResult, RawItem
from herald.parse.dates import item_date
from herald.parse.jsonapi import load_json, next_page_url

if TYPE_CHECKING:
    from herald.settings import SourceSettings

PAGE_SIZE = 20
API = "/api/v1/public/content-manager/news"
IDS = ("id", "slug")
TITLES = ("title", "name")
DATES = ("created_date", "createdDate", "publishedDate")
_TEASER_END = re.compile(r"(…|\.\.\.)\s*$")


def _base(source: SourceSettings) -> str:
    return source.url.rstrip("/")


def first_url(source: SourceSettings) -> str:
    """The API URL of the first page of a project's news, in the source's language."""
    query = {
        "sort-by": "created_date:DESC",
        "projects": f"eq:{source.project}",
        "page": str(source.start_page),
        "size": str(PAGE_SIZE),
        "lang": source.language,
    }
    return f"{_base(source)}{API}?{urlencode(query, safe=':,')}"


def news_page(source: SourceSettings) -> str:
    """The portal's own news page of the project, whose scripts call the API."""
    return f"{_base(source)}/memleket/entities/{source.project}/press/news?lang={source.language}"


def headers(source: SourceSettings) -> dict[str, str]:
    """The portal answers in the language asked for; operators may add headers it wants."""
    return {"Accept-Language": source.language, "Accept": "application/json", **source.headers}


def _first(item: dict[str, Any], names: tuple[str, ...]) -> Any:
    """The first of several spellings of a field that the item has and fills."""
    return next((item[n] for n in names if item.get(n) not in (None, "")), None)


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


def is_teaser(html: str) -> bool:
    """True for a body that is missing or cut short by the listing."""
    if not html.strip():
        return True
    try:
        text = lxml.html.fragment_fromstring(html, create_parent="div").text_content()
    except (etree.ParserError, ValueError):
        return False
    return bool(_TEASER_END.search(text))


def _item(number: int, entry: Any, source: SourceSettings) -> RawItem | ParseProblem:
    if not isinstance(entry, dict):
        return ParseProblem(None, f"item {number}: not an object")
    ident, title, date = _first(entry, IDS), _first(entry, TITLES), _first(entry, DATES)
    if ident is None or not title or date is None:
        return ParseProblem(None, f"item {number}: needs an id, a title and a date")
    published = item_date(number, str(date))
    if isinstance(published, ParseProblem):
        return published
    base = _base(source)
    html = _body_html(str(entry.get("body") or ""))
    details = None
    if is_teaser(html):
        details = f"{base}{API}/{ident}?{urlencode({'lang': source.language})}"
    picture = entry.get("heropic")
    return RawItem(
        key=f"id:{ident}",
        title=str(title),
        published=published,
        url=f"{base}/memleket/entities/{source.project}/press/news/details/{ident}"
        f"?lang={source.language}",
        html=html,
        has_images=bool(picture),
        image=urljoin(base + "/", str(picture)) if picture else None,
        base_url=base + "/",
        details_url=details,
    )


def parse_govkz(fetched: Fetched, source: SourceSettings) -> ParseResult:
    """Items of one page of a gov.kz project's news, with the next page's URL."""
    data: Any = load_json(fetched)
    found = data.get("content") if isinstance(data, dict) else data
    if not isinstance(found, list):
        raise ParseError(
            f"{fetched.url}: neither a list of news nor an object whose content is one"
        )
    items: list[RawItem] = []
    problems: list[ParseProblem] = []
    for number, entry in enumerate(found, start=1):
        result = _item(number, entry, source)
        if isinstance(result, ParseProblem):
            problems.append(result)
        else:
            items.append(result)
    next_url = None
    if len(found) >= PAGE_SIZE:
        next_url = next_page_url(fetched.url, "page", source.start_page, source.pages)
    return ParseResult(tuple(items), tuple(problems), next_url)


def details_body(fetched: Fetched, source: SourceSettings) -> str | None:
    """The full body from the details endpoint: `body` at the top, or under data/content."""
    data: Any = load_json(fetched)
    for holder in (data, *(data.get(k) for k in ("data", "content") if isinstance(data, dict))):
        if isinstance(holder, dict) and holder.get("body"):
            return _body_html(str(holder["body"]))
    return None
