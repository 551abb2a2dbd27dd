"""Which feeds exist: a pure function of the settings, the topics and the stored tags."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from herald.classify import country_label
from herald.classify.topics import TopicRules
from herald.normalize.identity import HERALD_NAMESPACE
from herald.settings import Settings
from herald.store import FeedQuery

FAMILY_DIRS = {"country": "countries", "organization": "organizations", "topic": "topics"}


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One feed: where it is published, what it is called, and which articles it holds."""

    path: str  # without extension: "all", "sources/mfa-kz", "countries/be"
    name: str  # what the feed is about: "Belgium", "Health", "Everything"
    title: str  # the feed's title: the site's title and the name
    query: FeedQuery
    about: str = ""  # what it holds, in a sentence: the feed's subtitle

    def feed_id(self, base_url: str) -> str:
        """A feed's id: stable as long as it is served from the same URL."""
        return f"urn:uuid:{uuid.uuid5(HERALD_NAMESPACE, 'feed' + chr(31) + base_url + self.path)}"


def feed_specs(
    settings: Settings,
    topics: TopicRules,
    countries_with_entries: list[str],
    organizations_with_entries: Sequence[tuple[str, str]] = (),
) -> list[FeedSpec]:
    """All feeds: everything, each source, each topic, each tagged country but home, and
    each tagged organization ((slug, label) pairs)."""
    site = settings.site.title
    specs = [FeedSpec("all", "Everything", site, FeedQuery())]
    specs += [
        FeedSpec(f"sources/{s.id}", s.name, f"{site}: {s.name}", FeedQuery(source_id=s.id))
        for s in settings.sources
    ]
    specs += [
        FeedSpec(
            f"topics/{t.slug}",
            t.label,
            f"{site}: {t.label}",
            FeedQuery(family="topic", term=t.slug),
        )
        for t in topics.topics
    ]
    for code in countries_with_entries:
        if code != settings.site.home_country:
            name = country_label(code)
            query = FeedQuery(family="country", term=code)
            specs.append(FeedSpec(f"countries/{code.lower()}", name, f"{site}: {name}", query))
    specs += [
        FeedSpec(
            f"organizations/{slug}",
            label,
            f"{site}: {label}",
            FeedQuery(family="organization", term=slug),
        )
        for slug, label in organizations_with_entries
    ]
    return specs
