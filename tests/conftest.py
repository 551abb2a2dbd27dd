"""Shared helpers: a Herald site in a temporary folder, run in-process on real files."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import HealthCheck, settings

from herald.app import load, open_pipeline, open_store
from herald.pipeline import Pipeline, SourceReport
from herald.settings import load_settings
from herald.store import Store
from herald.translate.stage import TranslationReport

from .pg import Cluster

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SAMPLE = ROOT / "samples" / "mfa-kz-2026-03-10.txt"
NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)

# Property tests: a few dozen inputs each in `make test`; `make fuzz` picks "fuzz".
_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile("default", max_examples=60, deadline=None, suppress_health_check=_QUIET)
settings.register_profile("fuzz", max_examples=3000, deadline=None, suppress_health_check=_QUIET)


def installed(*commands: str, packages: str) -> str:
    """The path of the first of `commands` on PATH. Without one, the test is skipped, but
    fails under CI, whose `.ci/run` installs the Debian `packages`."""
    for command in commands:
        found = shutil.which(command)
        if found is not None:
            return found
    if os.environ.get("CI"):
        pytest.fail(f"{commands[0]} is not installed; .ci/run installs it from Debian")
    pytest.skip(f"{commands[0]} is not installed (apt-get install {packages})")


def together(*work: Callable[[], None]) -> None:
    """Run each piece of work in a thread of its own, all at once; wait for them all."""
    threads = [threading.Thread(target=w) for w in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def toml_value(value: Any) -> str:
    """A TOML literal for a string, number, list or table (JSON's escapes are TOML's too)."""
    if isinstance(value, dict):
        pairs = ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items())
        return "{ " + pairs + " }"
    return json.dumps(value, ensure_ascii=False)


def write_config(
    folder: Path,
    sources: list[dict[str, Any]],
    *,
    base_url: str = "http://feeds.example.test/",
    extra: str = "",
    store_url: str | Literal["test's"] | None = "test's",
) -> Path:
    """Write a herald.toml using the project's rule files and a private output and store:
    the test's (`store_url` fixture), a SQLite file (None), or the PostgreSQL database at
    `store_url`."""
    if store_url == "test's":
        store_url = _TEST_STORE[0]
    lines = [
        "[site]",
        'title = "Herald test"',
        f"base_url = {toml_value(base_url)}",
        "[paths]",
        'output = "feeds"',
        'database = "var/herald.sqlite"',
        "[classify]",
        f"topics = {toml_value(str(ROOT / 'config' / 'topics.toml'))}",
        f"countries = {toml_value(str(ROOT / 'config' / 'countries.toml'))}",
        extra,
    ]
    if store_url is not None:
        lines += ["[store]", f"url = {toml_value(store_url)}"]
    for source in sources:
        lines.append("[[sources]]")
        lines += [f"{key} = {toml_value(value)}" for key, value in source.items()]
    path = folder / "herald.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def bulletin_source(url: str | Path, source_id: str = "mfa-kz", **more: Any) -> dict[str, Any]:
    """A [[sources]] table for a bulletin listing in Asia/Almaty."""
    return {
        "id": source_id,
        "name": "Ministry of Foreign Affairs of Kazakhstan",
        "kind": "bulletin",
        "url": str(url),
        "language": "en",
        "timezone": "Asia/Almaty",
        "every": "30m",
        **more,
    }


def numbered_listing(count: int, first: int = 0) -> str:
    """A listing of `count` short entries, one every 40 minutes from 1 March 2026."""
    blocks = []
    for number in range(first, first + count):
        when = datetime(2026, 3, 1, 8, 0) + timedelta(minutes=40 * number)
        blocks.append(
            f"{when:%d.%m.%Y, %H:%M} {100 + number}\n"
            f"Consultations on Rail Transit, Round {number}\n"
            f"Experts met for round {number} of consultations on rail transit and logistics.\n"
        )
    return "".join(blocks)


@dataclass
class Site:
    """A Herald installation in a temporary folder."""

    folder: Path
    config: Path

    @property
    def feeds(self) -> Path:
        """The output directory."""
        return self.folder / "feeds"

    def store(self) -> Store:
        """This site's store, opened on its own (close it)."""
        return open_store(load_settings(self.config), None)

    def pipeline(self) -> Pipeline:
        """A fresh pipeline over this site's config, as the CLI builds it."""
        return open_pipeline(load(self.config))

    def run_once(self, now: datetime = NOW) -> list[SourceReport]:
        """One pass over all sources, like `herald run --once`."""
        pipeline = self.pipeline()
        try:
            return pipeline.run_once(now)
        finally:
            pipeline.store.close()

    def read_and_translate(
        self, now: datetime = NOW, *, publish: bool = False
    ) -> list[TranslationReport]:
        """Read the first source and run the translate stage; publish only when asked."""
        pipeline = self.pipeline()
        try:
            pipeline.update_source(pipeline.settings.sources[0], now)
            reports = pipeline.translate(now)
            if publish:
                pipeline.publish()
            return reports
        finally:
            pipeline.store.close()

    def relabel_a_topic(self, folder: Path) -> None:
        """Point the site at a copy of the topic rules in `folder` where one topic's label
        differs ("Transport" for "Transport and logistics"): the same bytes read otherwise."""
        shipped = ROOT / "config" / "topics.toml"
        rules = folder / "topics.toml"
        text = shipped.read_text(encoding="utf-8")
        changed = text.replace('label = "Transport and logistics"', 'label = "Transport"')
        assert changed != text
        rules.write_text(changed, encoding="utf-8")
        config = self.config.read_text(encoding="utf-8")
        self.config.write_text(config.replace(str(shipped), str(rules)), encoding="utf-8")

    def snapshot(self) -> dict[str, tuple[bytes, int, int]]:
        """Every published file with its bytes, inode and modification time."""
        return {
            str(p.relative_to(self.feeds)): (p.read_bytes(), p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(self.feeds.rglob("*"))
            if p.is_file()
        }


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """One throwaway PostgreSQL cluster for the whole run (see tests/pg.py)."""
    from .pg import server_programs, start_cluster

    if server_programs() is None:
        installed("initdb", packages="postgresql")  # skips, or fails under CI
    pytest.importorskip("psycopg", reason="pip install -e '.[postgres]'")
    cluster = start_cluster(Path(tempfile.mkdtemp(prefix="herald-pg-")))
    try:
        yield cluster
    finally:
        cluster.stop()


_TEST_STORE: list[str | None] = [None]  # what write_config names unless told


@pytest.fixture
def store_url(request: pytest.FixtureRequest) -> str | None:
    """Where a test's store lives: None for the default SQLite file. A module that runs its
    tests against both stores overrides this with `backends`."""
    return None


@pytest.fixture(autouse=True)
def _configs_name_the_test_store(store_url: str | None) -> Iterator[None]:
    _TEST_STORE[0] = store_url
    yield
    _TEST_STORE[0] = None


def backends(request: pytest.FixtureRequest) -> str | None:
    """For `store_url` parametrized over "sqlite" and "postgresql": a new PostgreSQL
    database for each test of the second kind."""
    if request.param == "sqlite":
        return None
    cluster: Cluster = request.getfixturevalue("postgres_cluster")
    return cluster.create_database()


@pytest.fixture
def listing(tmp_path: Path) -> Path:
    """A private copy of the sample listing that a test may change."""
    path = tmp_path / "listing.txt"
    path.write_bytes(SAMPLE.read_bytes())
    return path


@pytest.fixture
def site(tmp_path: Path, listing: Path) -> Iterator[Site]:
    """A site whose one source is the private copy of the sample listing."""
    yield Site(tmp_path, write_config(tmp_path, [bulletin_source(listing)]))
