"""The `herald` command: parses arguments, calls the library, maps errors to exit codes."""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import click

from herald import __version__
from herald.app import (
    Loaded,
    check_folders,
    load,
    open_pipeline,
    open_store,
    reader_for,
    settle,
    store_password,
)
from herald.errors import ConfigError, HeraldError
from herald.evaluate import evaluate
from herald.explain import explain_text
from herald.filtering import FilteredFeeds
from herald.health import sources_table
from herald.preview import preview as preview_source
from herald.schedule import now_utc, run_service
from herald.serve import create_server
from herald.settings import Settings, load_settings
from herald.store import Store
from herald.store.sqlite import damaged

EXIT_OK, EXIT_ERROR, EXIT_CONFIG, EXIT_SOURCES_FAILED = 0, 1, 2, 3
F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def _default_config() -> str:
    return os.environ.get("HERALD_CONFIG", "config/herald.toml")


def config_option(command: F) -> F:
    """The --config option every command takes."""
    return click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path, dir_okay=False),
        default=_default_config,
        show_default="$HERALD_CONFIG, else config/herald.toml",
        help="Configuration file.",
    )(command)


def _load(config_path: Path) -> Loaded:
    """Settings, classifier and translator, or exit 2 with every mistake."""
    return _or_exit(partial(load, config_path))


def _settings(config_path: Path) -> Settings:
    """Settings alone, for commands that neither classify nor translate."""
    return _or_exit(partial(load_settings, config_path))


def _open_store(settings: Settings) -> Store:
    """The configured store, or exit: 2 for a configuration mistake, 1 when it won't open."""
    try:
        # The password is read inside, so that a missing one is a configuration mistake.
        return _or_exit(lambda: open_store(settings, store_password(settings, os.environ)))
    except HeraldError as exc:
        click.echo(f"herald: {exc}", err=True)
        sys.exit(EXIT_ERROR)


def _or_exit(read: Callable[[], T]) -> T:
    try:
        return read()
    except ConfigError as exc:
        for line in str(exc).splitlines():
            click.echo(f"herald: config error: {line}", err=True)
        sys.exit(EXIT_CONFIG)


@click.group()
@click.version_option(__version__, prog_name="herald")
@click.option("-v", "--verbose", is_flag=True, help="Log every step, not just problems.")
def cli(verbose: bool) -> None:
    """Herald turns press bulletins into permanent, classified feeds."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("apscheduler", "httpx", "httpcore", "pymorphy3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


@cli.command()
@config_option
@click.option("--once", is_flag=True, help="One pass over all sources, then exit.")
def run(config_path: Path, once: bool) -> None:
    """Update every source and write the feeds.

    Exit status: 0 all sources succeeded; 3 one or more failed or had entries skipped,
    the rest were processed and feeds written; 2 bad configuration or usage.
    Without --once, keeps running on the schedule like `herald schedule`.
    """
    loaded = _load(config_path)
    settle()
    settings = loaded.settings
    try:
        pipeline = open_pipeline(loaded)
        if not once:
            sys.exit(
                run_service(
                    pipeline, reader_for(loaded, pipeline.store), serve=False, host="", port=0
                )
            )
        reports = pipeline.run_once(now_utc())
        pipeline.store.close()
    except sqlite3.DatabaseError as exc:  # a store damaged after it opened
        click.echo(f"herald: {damaged(settings.paths.database, exc)}", err=True)
        sys.exit(EXIT_ERROR)
    except HeraldError as exc:
        click.echo(f"herald: {exc}", err=True)
        sys.exit(EXIT_CONFIG if isinstance(exc, ConfigError) else EXIT_ERROR)
    failed = [r.source_id for r in reports if not r.ok]
    if failed:
        click.echo(f"herald: sources with problems: {', '.join(failed)}", err=True)
        sys.exit(EXIT_SOURCES_FAILED)


@cli.command()
@config_option
@click.option("--serve/--no-serve", default=False, help="Also serve the output directory.")
@click.option("--host", help="Address to serve on (default: [serve] host).")
@click.option(
    "--port", type=click.IntRange(1, 65_535), help="Port to serve on (default: [serve] port)."
)
def schedule(config_path: Path, serve: bool, host: str | None, port: int | None) -> None:
    """Run every source on its interval until SIGINT or SIGTERM."""
    loaded = _load(config_path)
    settle()
    settings = loaded.settings
    try:
        pipeline = open_pipeline(loaded)
        code = run_service(
            pipeline,
            reader_for(loaded, pipeline.store),
            serve=serve,
            host=host or settings.serve.host,
            port=port or settings.serve.port,
        )
    except HeraldError as exc:
        click.echo(f"herald: {exc}", err=True)
        sys.exit(EXIT_CONFIG if isinstance(exc, ConfigError) else EXIT_ERROR)
    sys.exit(code)


@cli.command()
@config_option
@click.option("--host", help="Address to listen on (default: [serve] host).")
@click.option(
    "--port", type=click.IntRange(1, 65_535), help="Port to listen on (default: [serve] port)."
)
def serve(config_path: Path, host: str | None, port: int | None) -> None:
    """Serve the output directory over HTTP with ETag, Last-Modified and 304s."""
    loaded = _load(config_path)
    settings = loaded.settings
    _or_exit(partial(check_folders, settings))
    filtered = FilteredFeeds(settings, loaded.classifier, loaded.translator, reader_for(loaded)())
    server = create_server(
        settings.paths.output,
        host or settings.serve.host,
        port or settings.serve.port,
        settings.serve.max_age,
        filtered,
    )
    server.run()


@cli.command()
@config_option
@click.argument("target", type=click.Path(path_type=Path, dir_okay=False))
def backup(config_path: Path, target: Path) -> None:
    """Write a consistent copy of the store to TARGET, also while Herald runs.

    To restore: stop Herald, copy TARGET over [paths] database (and remove the -wal and
    -shm files beside it), start Herald; the next run publishes from the copy.
    """
    settings = _settings(config_path)
    from herald.store.sqlite import backup as backup_store

    if settings.store.url is not None:
        click.echo(
            "herald: backup copies a SQLite store; this one is PostgreSQL ([store] url): "
            "back it up with pg_dump",
            err=True,
        )
        sys.exit(EXIT_ERROR)
    try:
        size = backup_store(settings.paths.database, target)
    except HeraldError as exc:
        click.echo(f"herald: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(f"backed up {settings.paths.database} to {target} ({size:,} bytes)")


@cli.command()
@config_option
@click.option(
    "--to",
    "url",
    required=True,
    help="The empty PostgreSQL database, e.g. postgresql://herald@db.example.org/herald.",
)
def migrate(config_path: Path, url: str) -> None:
    """Copy the SQLite store ([paths] database) into an empty PostgreSQL database.

    Everything goes over: articles, tags, translations, fetch state, HTTP validators,
    sessions. The password comes from [store] password_env, or libpq's PGPASSWORD or
    ~/.pgpass. Then set [store] url to the same URL; Herald publishes the same feeds.
    """
    settings = _settings(config_path)
    from herald.store.migrate import copy_to_postgres
    from herald.store.postgres import redacted

    try:
        password = _or_exit(partial(store_password, settings, os.environ))
        counts = copy_to_postgres(settings.paths.database, url, password)
    except HeraldError as exc:
        click.echo(f"herald: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(f"copied {settings.paths.database} into {redacted(url)}:")
    for table, count in counts.items():
        click.echo(f"  {table:<15} {count:>9,} rows")
    click.echo(f'Now set [store] url = "{redacted(url)}" in {settings.config_path}.')


@cli.command()
@config_option
def sources(config_path: Path) -> None:
    """List the configured sources with their health: last success, failures, last error."""
    settings = _settings(config_path)
    store = _open_store(settings)
    try:
        click.echo(sources_table(settings, store.fetch_states()))
    finally:
        store.close()


@cli.command()
@config_option
@click.argument("source_id")
def preview(config_path: Path, source_id: str) -> None:
    """Read one source once and show what Herald would store: title, UTC date, link,
    language, tags and body length of each entry. Stores and publishes nothing.

    Exit status: 0 read whole; 3 the source failed or had entries skipped; 2 no such source.
    """
    loaded = _load(config_path)
    try:
        result = _or_exit(partial(preview_source, loaded, source_id, now_utc()))
    except HeraldError as exc:
        click.echo(f'herald: source "{source_id}" failed: {exc}', err=True)
        sys.exit(EXIT_SOURCES_FAILED)
    click.echo(result.text())
    if result.problems:
        sys.exit(EXIT_SOURCES_FAILED)


@cli.command(name="eval")
@config_option
@click.argument(
    "labels", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False, exists=True)
)
def evaluate_command(config_path: Path, labels: tuple[Path, ...]) -> None:
    """Score classification against labelled sets: precision and recall per tag family.

    Each of LABELS is a JSON file naming a bulletin listing and the tags each entry should
    get (a tuning part and a held-out part are scored apart: give both). Exit status 1 when
    a forbidden tag was given.
    """
    loaded = _load(config_path)
    forbidden = False
    for path in labels:
        try:
            result = evaluate(path, loaded.classifier)
        except HeraldError as exc:
            click.echo(f"herald: {exc}", err=True)
            sys.exit(EXIT_CONFIG if isinstance(exc, ConfigError) else EXIT_ERROR)
        if len(labels) > 1:
            click.echo(f"== {path.name}: {result.about}")
        click.echo(result.table())
        forbidden = forbidden or bool(result.forbidden)
    if forbidden:
        sys.exit(EXIT_ERROR)


@cli.command()
@config_option
@click.argument("article_id")
def explain(config_path: Path, article_id: str) -> None:
    """Show why an article has its country and topic tags.

    ARTICLE_ID is the entry's id as in the feed, or a unique part of it.
    """
    settings = _settings(config_path)
    store = _open_store(settings)
    try:
        tagged = store.get(article_id)
    finally:
        store.close()
    if tagged is None:
        click.echo(f"herald: no single article matches {article_id!r}", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(explain_text(tagged, settings))


main = cli

if __name__ == "__main__":
    cli(prog_name="herald")
