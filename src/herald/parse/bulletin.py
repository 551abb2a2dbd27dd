"""The plain-text bulletin listing, as in samples/ (a ministry's news page copied as text).

An entry is a header line `DD.MM.YYYY, HH:MM N` (N is a view counter), optionally prefixed
by ` date YYYY-MM-DD ` (the page's own date, not the entry's); then a title line; then an
optional `Images` line; then body paragraphs, one per line, until the next header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from herald.errors import ParseError
from herald.models import Fetched, ParseProblem, ParseResult, RawItem
from herald.parse.text import decode_text

if TYPE_CHECKING:
    from herald.settings import SourceSettings

# A header is the whole line: a body line that merely begins with a date is body text.
_HEADER = re.compile(
    r"^\s*(?:date\s+\d{4}-\d{2}-\d{2}\s+)?"
    r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4}),\s*"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?:\s+\d+)?\s*$"
)
_IMAGES = "Images"


@dataclass
class _Entry:
    line: int
    header: re.Match[str]
    lines: list[str] = field(default_factory=list)


def parse_bulletin(fetched: Fetched, source: SourceSettings) -> ParseResult:
    """Read a bulletin listing into raw items with naive local times."""
    text = decode_text(fetched)
    if not text.strip():
        raise ParseError(f"{fetched.url}: the listing is empty")
    entries: list[_Entry] = []
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            entries.append(_Entry(number, header))
        elif entries and line.strip():
            entries[-1].lines.append(line.strip())
    if not entries:
        raise ParseError(
            f"{fetched.url}: no entries found; an entry starts with a line such as "
            '"10.03.2026, 15:12 6241"'
        )
    items: list[RawItem] = []
    problems: list[ParseProblem] = []
    for entry in entries:
        result = _item(entry)
        if isinstance(result, ParseProblem):
            problems.append(result)
        else:
            items.append(result)
    return ParseResult(tuple(items), tuple(problems))


def _item(entry: _Entry) -> RawItem | ParseProblem:
    header = entry.header
    try:
        local = datetime(
            int(header["year"]),
            int(header["month"]),
            int(header["day"]),
            int(header["hour"]),
            int(header["minute"]),
        )
    except ValueError as exc:
        stamp = header.group(0).strip()
        return ParseProblem(entry.line, f'invalid date or time in "{stamp}" ({exc})')
    if not entry.lines:
        return ParseProblem(entry.line, "entry header has no title")
    title, *body = entry.lines
    has_images = bool(body) and body[0] == _IMAGES
    if has_images:
        body = body[1:]
    return RawItem(
        key=f"{local:%Y-%m-%dT%H:%M} {title}",
        title=title,
        published=local,
        line=entry.line,
        paragraphs=tuple(body),
        has_images=has_images,
    )
