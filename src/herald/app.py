"""Wiring: build the pipeline's parts from validated settings."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from herald import __version__
from herald.classify import Classifier, load_country_rules, load_topic_rules
from herald.errors import ConfigError
from herald.fetch import DefaultFetcher, HttpFetcher
from herald.fetch.browser import ChromiumBrowser
from herald.pipeline import Pipeline
from herald.publish import DirectoryPublisher
from herald.settings import Settings, load_settings
from herald.store import Store
from herald.store.sqlite import SQLiteStore
from herald.translate.build import build_translator
from herald.translate.texts import Translator
from herald.websub import WebSubNotifier


@dataclass(frozen=True, slots=True)
class Loaded:
    """The validated configuration and what is built from it once, at start."""

    settings: Settings
    classifier: Classifier
    translator: Translator | None


def load(config: Path, environment: Mapping[str, str] | None = None) -> Loaded:
    """Read and validate the configuration, the rule files and the translation engine's
    language pairs; ConfigError if anything is off. The environment is read here only."""
    settings = load_settings(config)
    countries = load_country_rules(settings.classify.countries)
    classifier = Classifier(
        countries, load_topic_rules(settings.classify.topics), settings.site.home_country
    )
    translator = build_translator(
        settings, os.environ if environment is None else environment, countries
    )
    return Loaded(settings, classifier, translator)


def check_folders(settings: Settings) -> None:
    """Make the output folder and the database's folder, or say in one line why they
    cannot be (ConfigError): a file in the way, no permission."""
    for key, folder in (
        ("output", settings.paths.output),
        ("database", settings.paths.database.parent),
    ):
        if folder.exists() and not folder.is_dir():
            raise ConfigError(
                f"{settings.config_path}, [paths] {key}: {folder} is a file, not a folder"
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"{settings.config_path}, [paths] {key}: cannot create {folder}: "
                f"{exc.strerror or exc}"
            ) from None


def open_pipeline(loaded: Loaded, store: Store | None = None) -> Pipeline:
    """A pipeline over the configured SQLite store and output directory; or over `store`,
    making no folder (`herald preview` writes nothing)."""
    settings = loaded.settings
    if store is None:
        check_folders(settings)
    return Pipeline(
        settings,
        store if store is not None else SQLiteStore(settings.paths.database),
        loaded.classifier,
        DefaultFetcher(
            HttpFetcher(settings.fetch, f"Herald/{__version__} (+{settings.site.base_url})"),
            settings.fetch.max_file_bytes,
        ),
        DirectoryPublisher(settings.paths.output),
        loaded.translator,
        WebSubNotifier(settings.websub.hub, settings.websub.timeout)
        if settings.websub.hub
        else None,
        partial(ChromiumBrowser, settings.browser.executable, settings.browser.timeout),
    )


def reader_for(settings: Settings) -> Callable[[], Store]:
    """Opens another connection to the configured store, for reading in parallel."""
    return partial(SQLiteStore, settings.paths.database)
