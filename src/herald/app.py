"""Wiring: build the pipeline's parts from validated settings."""

from __future__ import annotations

import gc
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
    store_password: str | None = None


# The cycle collector's first generation is looked at after 10,000 new objects instead of
# 700: a run makes and keeps millions (articles, their tags, rows), and collecting them
# 700 at a time cost classification about 8 % and a first run 2 to 10 % (measured side by
# side, see the README), for about 1 MB more at the peak.
_GC_THRESHOLDS = (10_000, 10, 10)


def settle() -> None:
    """Once a process has loaded what lives as long as it (the rules' automata, the
    places, the topic model: millions of objects), keep the cycle collector from walking
    them again on every collection (classification runs about 8 % faster), and collect
    the objects made after it in larger steps. For a process that loads once (`herald
    run`, `herald schedule`)."""
    gc.collect()  # what is garbage now is freed, not kept for good
    gc.freeze()
    gc.set_threshold(*_GC_THRESHOLDS)


def load(config: Path, environment: Mapping[str, str] | None = None) -> Loaded:
    """Read and validate the configuration, the rule files and the translation engine's
    language pairs; ConfigError if anything is off. The environment is read here only."""
    settings = load_settings(config)
    countries = load_country_rules(settings.classify.countries)
    classifier = Classifier(
        countries,
        load_topic_rules(settings.classify.topics),
        settings.site.home_country,
        "shipped" if settings.classify.topic_model else None,
    )
    environment = os.environ if environment is None else environment
    translator = build_translator(settings, environment, countries)
    return Loaded(settings, classifier, translator, store_password(settings, environment))


def store_password(settings: Settings, environment: Mapping[str, str]) -> str | None:
    """The PostgreSQL password, from the environment variable [store] password_env names."""
    name = settings.store.password_env
    if name is None:
        return None
    password = environment.get(name)
    if password is None:
        raise ConfigError(
            f"{settings.config_path}, [store] password_env: the environment variable {name} "
            "is not set"
        )
    return password


def open_store(settings: Settings, password: str | None) -> Store:
    """The configured store: PostgreSQL when [store] url names one, else the SQLite file."""
    if settings.store.url is not None:
        from herald.store.postgres import PostgresStore

        return PostgresStore(settings.store.url, password, size=settings.store.pool_size)
    return SQLiteStore(settings.paths.database)


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
    """A pipeline over the configured store and output directory; or over `store`, making
    no folder (`herald preview` writes nothing)."""
    from herald.store.postgres import PostgresStore

    settings = loaded.settings
    if store is None:
        check_folders(settings)
        store = open_store(settings, loaded.store_password)
    # Workers that share a store take turns at each host through it.
    turns = store.shared().host_turn if isinstance(store, PostgresStore) else None
    user_agent = f"Herald/{__version__} (+{settings.site.base_url})"
    return Pipeline(
        settings,
        store,
        loaded.classifier,
        DefaultFetcher(
            HttpFetcher(settings.fetch, user_agent, turns), settings.fetch.max_file_bytes
        ),
        DirectoryPublisher(settings.paths.output),
        loaded.translator,
        WebSubNotifier(settings.websub.hub, settings.websub.timeout)
        if settings.websub.hub
        else None,
        partial(ChromiumBrowser, settings.browser.executable, settings.browser.timeout),
    )


def reader_for(loaded: Loaded, store: Store | None = None) -> Callable[[], Store]:
    """Opens another connection to the configured store, for another thread: on `store`'s
    pool when it has one."""
    from herald.store.postgres import PostgresStore

    if isinstance(store, PostgresStore):
        return store.shared
    if loaded.settings.store.url is not None:
        return partial(open_store, loaded.settings, loaded.store_password)
    return partial(SQLiteStore, loaded.settings.paths.database)
