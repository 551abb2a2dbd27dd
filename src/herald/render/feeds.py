"""Which feeds exist: a pure function of the settings, the topics and the stored tags."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from herald.classify import country_label
from herald.classify.topics import TopicRules
from herald.normalize.identity import HERALD_NAMESPACE
from herald.settings import Settings
from herald.store import FeedQuery

FAMILY_DIRS = {"country": "countries", "topic": "topics"}


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One feed: where it is published, what it is called, and which articles it holds."""

    path: str  # without extension: "all", "sources/mfa-kz", "countries/be"
    title: str
    query: FeedQuery

    def feed_id(self, base_url: str) -> str:
        """A feed's id: stable as long as it is served from the same URL."""
        return f"urn:uuid:{uuid.uuid5(HERALD_NAMESPACE, 'feed' + chr(31) + base_url + self.path)}"


def feed_specs(
    settings: Settings, topics: TopicRules, countries_with_entries: list[str]
) -> list[FeedSpec]:
    """All feeds: everything, each source, each topic, each tagged country but home."""
    site = settings.site.title
    specs = [FeedSpec("all", site, FeedQuery())]
    specs += [
        FeedSpec(f"sources/{s.id}", f"{site}: {s.name}", FeedQuery(source_id=s.id))
        for s in settings.sources
    ]
    specs += [
        FeedSpec(f"topics/{t.slug}", f"{site}: {t.label}", FeedQuery(family="topic", term=t.slug))
        for t in topics.topics
    ]
    specs += [
        FeedSpec(
            f"countries/{code.lower()}",
            f"{site}: {country_label(code)}",
            FeedQuery(family="country", term=code),
        )
        for code in countries_with_entries
        if code != settings.site.home_country
    ]
    return specs
