"""`herald preview`: read one source once and show what Herald would store, storing nothing.

The source goes through the same stages as in a run (fetch, parse, normalize, classify),
into a store in memory that disappears afterwards; nothing is published. It is how an
operator checks a new source, or a portal that changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from herald.app import Loaded, open_pipeline
from herald.collect import collect
from herald.errors import ConfigError
from herald.models import TaggedArticle
from herald.store import FeedQuery
from herald.store.sqlite import SQLiteStore

FAMILIES = (("country", "countries"), ("organization", "organizations"), ("topic", "topics"))


@dataclass(frozen=True, slots=True)
class Preview:
    """What one read of a source yields."""

    source_id: str
    articles: list[TaggedArticle]
    problems: list[str]

    def text(self) -> str:
        """A readable report: one block per entry, newest first, then what was skipped."""
        lines = []
        for tagged in self.articles:
            a = tagged.article
            tags = " · ".join(
                f"{plural} {' '.join(t.term for t in tagged.passed(family)) or '-'}"
                for family, plural in FAMILIES
            )
            lines += [
                f"{a.published:%Y-%m-%d %H:%M} UTC  {a.language}  {a.title}",
                f"    link: {a.url or '(none)'}",
                f"    tags: {tags}",
                f"    body: {len(a.content_html):,} characters of HTML, "
                f"{sum(map(len, a.paragraphs)):,} of text",
            ]
            if a.note:
                lines.append(f"    note: {a.note}")
        count = len(self.articles)
        lines.append(
            f'source "{self.source_id}": {count} {"entry" if count == 1 else "entries"} '
            f"would be stored, {len(self.problems)} skipped; nothing was stored or published"
        )
        lines += [f"  {problem}" for problem in self.problems]
        return "\n".join(lines)


def preview(loaded: Loaded, source_id: str, now: datetime) -> Preview:
    """Read a source as a run would, into a store in memory; HeraldError if it fails."""
    settings = loaded.settings
    source = next((s for s in settings.sources if s.id == source_id), None)
    if source is None:
        known = ", ".join(s.id for s in settings.sources) or "none"
        raise ConfigError(f'{settings.config_path}: no source "{source_id}"; sources: {known}')
    store = SQLiteStore(Path(":memory:"))
    pipeline = open_pipeline(loaded, store)
    try:
        found = collect(source, pipeline.fetcher, store, pipeline.browser, now)
        report = pipeline.ingest(source, found.items, found.problems, now)
        # Each article in its first language, then the source's other language versions.
        queries = [FeedQuery(source_id=source.id)] + [
            FeedQuery(source_id=source.id, language=code, machine=False)
            for code in source.editions[1:]
        ]
        articles = [t for q in queries for t in store.articles(q, len(found.items) + 1)]
    finally:
        store.close()
    return Preview(source.id, articles, report.problems)
