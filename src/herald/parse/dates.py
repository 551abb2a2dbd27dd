"""Reading the dates sources write."""

from __future__ import annotations

from datetime import UTC, datetime

from herald.models import ParseProblem


def parse_date(value: str, date_format: str | None = None) -> datetime:
    """A date by a strptime format, else ISO 8601 (with "Z"), else a Unix time in seconds.

    A result without an offset is local time in the source's zone, resolved by normalize.
    Raises ValueError saying what was expected.
    """
    text = value.strip()
    if date_format:
        try:
            return datetime.strptime(text, date_format)
        except ValueError:
            raise ValueError(f'date "{text}" does not match the format "{date_format}"') from None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.fromtimestamp(float(text), UTC)
    except (ValueError, OverflowError, OSError):
        raise ValueError(f'date "{text}" is not ISO 8601; set date_format') from None


def item_date(number: int, value: str, date_format: str | None = None) -> datetime | ParseProblem:
    """The date of item `number` of a listing, or the problem that has it skipped."""
    try:
        return parse_date(value, date_format)
    except ValueError as exc:
        return ParseProblem(None, f"item {number}: {exc}")
