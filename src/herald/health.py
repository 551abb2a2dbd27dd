"""`herald sources`: each configured source with how reading it has gone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from herald.settings import Settings
from herald.store import FetchState

COLUMNS = ("SOURCE", "KIND", "HEALTH", "LAST SUCCESS", "LAST ATTEMPT", "LAST ERROR")


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


def health(state: FetchState | None) -> str:
    """One word (and a count) for a source's state."""
    if state is None or state.last_attempt is None:
        return "not read yet"
    if state.failures == 0:
        return "ok"
    return f"failing ×{state.failures}"


def sources_table(settings: Settings, states: Iterable[FetchState], width: int = 60) -> str:
    """A plain-text table, one row per configured source, errors cut to their last `width`."""
    by_id = {s.source_id: s for s in states}
    rows = [COLUMNS]
    for source in settings.sources:
        state = by_id.get(source.id)
        error = (state.last_error or "") if state else ""
        if len(error) > width:  # the reason is at the end; the URL before it is long
            error = "…" + error[-(width - 1) :]
        rows.append(
            (
                source.id,
                source.kind,
                health(state),
                _when(state.last_success if state else None),
                _when(state.last_attempt if state else None),
                error,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )
