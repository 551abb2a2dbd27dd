"""The plain-text bulletin listing, as in samples/ (a ministry's news page copied as text).

An entry is a header line `DD.MM.YYYY, HH:MM N` (N is a view counter), optionally prefixed
by ` date YYYY-MM-DD ` (the page's own date, not the entry's); then a title line; then an
optional `Images` line; then body paragraphs, one per line, until the next header.

Copying a listing sometimes loses an entry's header and title, so its paragraphs hang
under the entry before. The Ministry's lead paragraphs all end the same way ("…, Ministry
of Foreign Affairs of the Republic of Kazakhstan reports.", the source's `glue_marker`), so
a body paragraph after the first that ends so starts a glued article: it becomes an entry
of its own, titled from its lead sentence and dated as the entry it hung under.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
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


TITLE_LIMIT = 160
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)\]»\"”][.!?])\s+(?=[A-ZА-ЯЁ“«\"])")


@dataclass
class _Entry:
    line: int
    header: re.Match[str]
    lines: list[tuple[int, str]] = field(default_factory=list)  # (line number, text)


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
            entries[-1].lines.append((number, line.strip()))
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
            items.extend(split_glued(result, entry, source.glue_marker))
    return ParseResult(tuple(items), tuple(problems))


def split_glued(item: RawItem, entry: _Entry, marker: str) -> list[RawItem]:
    """The item, and each article glued into its body, split off as items of their own."""
    if not marker:
        return [item]
    numbered = _body(entry)
    starts = [i for i, (_, text) in enumerate(numbered) if i > 0 and text.endswith(marker)]
    if not starts:
        return [item]
    ends = [*starts[1:], len(numbered)]
    first = replace(item, paragraphs=tuple(text for _, text in numbered[: starts[0]]))
    split = [first]
    for start, end in zip(starts, ends, strict=True):
        line, lead = numbered[start]
        title = lead_title(lead, marker)
        split.append(
            replace(
                item,
                key=f"{item.published:%Y-%m-%dT%H:%M} {title}",
                title=title,
                line=line,
                paragraphs=tuple(text for _, text in numbered[start:end]),
                has_images=False,
                note=(
                    f'split from the entry "{item.title}" (line {item.line}): its paragraph '
                    f"at line {line} is a second lead, ending like every lead does"
                ),
            )
        )
    return split


def lead_title(lead: str, marker: str) -> str:
    """A title from a lead paragraph: its first sentence, without the source's own words."""
    sentence = _SENTENCE_END.split(lead.removesuffix(marker).rstrip(" ,;"), maxsplit=1)[0]
    sentence = sentence.rstrip(" .,;")
    if len(sentence) <= TITLE_LIMIT:
        return sentence
    return sentence[:TITLE_LIMIT].rsplit(" ", 1)[0] + "…"


def _body(entry: _Entry) -> list[tuple[int, str]]:
    """The numbered body lines of an entry: after its title and its `Images` line."""
    body = entry.lines[1:]
    return body[1:] if body and body[0][1] == _IMAGES else body


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
    title = entry.lines[0][1]
    body = [text for _, text in _body(entry)]
    has_images = len(entry.lines) > 1 and entry.lines[1][1] == _IMAGES
    return RawItem(
        key=f"{local:%Y-%m-%dT%H:%M} {title}",
        title=title,
        published=local,
        line=entry.line,
        paragraphs=tuple(body),
        has_images=has_images,
    )
