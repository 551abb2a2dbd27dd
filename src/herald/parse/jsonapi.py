"""JSON APIs read by field paths from [sources.json], page by page."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from herald.errors import ParseError
from herald.models import Fetched, ParseProblem, ParseResult, RawItem
from herald.parse.dates import item_date
from herald.parse.text import decode_text

if TYPE_CHECKING:
    from herald.settings import JsonSettings, SourceSettings

_FIELD = re.compile(r"\{([\w.-]+)\}")


def dig(data: Any, path: str) -> Any:
    """The value at a dotted path ("data.items", "author.name", "photos.0.url"), or None."""
    for part in path.split(".") if path else ():
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data


def load_json(fetched: Fetched) -> Any:
    """The JSON document of a response; ParseError when it is not JSON."""
    try:
        return json.loads(decode_text(fetched))
    except json.JSONDecodeError as exc:
        raise ParseError(f"{fetched.url}: not valid JSON: {exc}") from exc


def fill_template(template: str, item: Any) -> str:
    """A link from a template such as "https://host/news/{id}" and an item's fields."""
    return _FIELD.sub(lambda m: str(dig(item, m.group(1)) or ""), template)


def next_page_url(url: str, param: str, start: int, pages: int) -> str | None:
    """The URL of the next page, or None once `pages` pages from `start` are read."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    current = int(query.get(param, start))
    if current + 1 >= start + pages:
        return None
    query[param] = str(current + 1)
    return urlunsplit(parts._replace(query=urlencode(query, safe=":,")))


def read_items(
    fetched: Fetched, data: Any, cfg: JsonSettings, items_path: str
) -> tuple[list[RawItem], list[ParseProblem]]:
    """Map a list of JSON objects to raw items by the field paths in `cfg`."""
    found = dig(data, items_path)
    if not isinstance(found, list):
        where = f'"{items_path}"' if items_path else "the top level"
        raise ParseError(f"{fetched.url}: no list of items at {where}")
    items: list[RawItem] = []
    problems: list[ParseProblem] = []
    for number, item in enumerate(found, start=1):
        ident, title, date = dig(item, cfg.id), dig(item, cfg.title), dig(item, cfg.date)
        if ident in (None, "") or not title or date in (None, ""):
            problems.append(
                ParseProblem(None, f"item {number}: needs {cfg.id}, {cfg.title} and {cfg.date}")
            )
            continue
        published = item_date(number, str(date))
        if isinstance(published, ParseProblem):
            problems.append(published)
            continue
        content = dig(item, cfg.content) if cfg.content else None
        summary = dig(item, cfg.summary) if cfg.summary else None
        items.append(
            RawItem(
                key=f"id:{ident}",
                title=str(title),
                published=published,
                url=fill_template(cfg.link, item) if cfg.link else None,
                html=str(content or summary or ""),
                base_url=fetched.url,
            )
        )
    return items, problems


def parse_json(fetched: Fetched, source: SourceSettings) -> ParseResult:
    """Items of one page of a JSON API, and the next page's URL when paging is set."""
    cfg = source.json_fields
    if cfg is None:  # settings validation makes this impossible
        raise ParseError(f'source "{source.id}": kind "json" needs [sources.json]')
    items, problems = read_items(fetched, load_json(fetched), cfg, cfg.items)
    next_url = None
    if cfg.page_param and items:
        next_url = next_page_url(fetched.url, cfg.page_param, cfg.start_page, cfg.max_pages)
    return ParseResult(tuple(items), tuple(problems), next_url)
