"""Wiring: build the pipeline's parts from validated settings."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from herald import __version__
from herald.classify import Classifier, load_country_rules, load_topic_rules
from herald.fetch import DefaultFetcher, HttpFetcher
from herald.pipeline import Pipeline
from herald.publish import DirectoryPublisher
from herald.settings import Settings, load_settings
from herald.store import Store
from herald.store.sqlite import SQLiteStore


def load(config: Path) -> tuple[Settings, Classifier]:
    """Read and validate the configuration and the rule files; ConfigError if anything is off."""
    settings = load_settings(config)
    classifier = Classifier(
        load_country_rules(settings.classify.countries),
        load_topic_rules(settings.classify.topics),
        settings.site.home_country,
    )
    return settings, classifier


def open_pipeline(settings: Settings, classifier: Classifier) -> Pipeline:
    """A pipeline over the configured SQLite store and output directory."""
    return Pipeline(
        settings,
        SQLiteStore(settings.paths.database),
        classifier,
        DefaultFetcher(
            HttpFetcher(settings.fetch, f"Herald/{__version__} (+{settings.site.base_url})"),
            settings.fetch.max_bytes,
        ),
        DirectoryPublisher(settings.paths.output),
    )


def reader_for(settings: Settings) -> Callable[[], Store]:
    """Opens another connection to the configured store, for reading in parallel."""
    return partial(SQLiteStore, settings.paths.database)
