"""Three `herald schedule` workers on one PostgreSQL database, one killed mid-run: every
source read once per interval, politely, nothing lost, the dead worker's sources taken
over, the feeds whole."""

from __future__ import annotations

import asyncio
import itertools
import signal
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .conftest import ROOT, bulletin_source, numbered_listing, write_config
from .pg import Cluster
from .servers import running
from .test_feed_validity import A, atom_problems

psycopg = pytest.importorskip("psycopg", reason="pip install -e '.[postgres]'")
pytestmark = pytest.mark.slow

SOURCES = 24
EVERY = 10.0  # seconds, the shortest interval Herald allows
HOST_DELAY = 0.3  # between two requests' turns at the host; the server sees them give or
JITTER = 0.15  # take this much, on a busy two-core machine (three workers, server, database)
SLOW = 4.0  # seconds the slow source takes to answer


@dataclass
class Hit:
    source: str
    start: float
    end: float | None = None


class Sources:
    """Bulletin listings, two entries each, noting when each request came and ended."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.hits: list[Hit] = []

    def app(self) -> Starlette:
        async def listing(request: Request) -> Response:
            name = request.path_params["name"]
            hit = Hit(name, time.time())
            self.hits.append(hit)
            await asyncio.sleep(self.delay)
            number = int(name[1:]) if name[1:].isdigit() else 99
            hit.end = time.time()
            return Response(numbered_listing(2, first=2 * number), media_type="text/plain")

        return Starlette(routes=[Route("/{name}.txt", listing)])


def start_worker(config: Path) -> subprocess.Popen[str]:
    """`herald schedule` in a process of its own, its errors kept."""
    return subprocess.Popen(
        [sys.executable, "-m", "herald.cli", "schedule", "--config", str(config)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(workers: list[subprocess.Popen[str]]) -> list[str]:
    """Stop every worker still running (SIGTERM, as systemd does; SIGKILL after a minute)
    and collect what each wrote to stderr."""
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    errors = []
    for worker in workers:
        try:
            errors.append(worker.communicate(timeout=60)[1])
        except subprocess.TimeoutExpired:
            worker.kill()
            errors.append(worker.communicate()[1])
    return errors


def leases(url: str) -> dict[str, str]:
    """Who holds which lease (nothing before a worker made the tables)."""
    with psycopg.connect(url) as connection:
        made = connection.execute("SELECT to_regclass('leases')").fetchone()
        if made is None or made[0] is None:
            return {}
        return dict(connection.execute("SELECT name, holder FROM leases").fetchall())


def test_three_workers_share_the_sources_and_survive_one_killed(
    tmp_path: Path, postgres_cluster: Cluster
) -> None:
    url = postgres_cluster.create_database()
    fast, slow = Sources(), Sources(delay=SLOW)
    with running(fast.app()) as fast_url, running(slow.app()) as slow_url:
        sources = [
            bulletin_source(f"{fast_url}/s{n:02d}.txt", f"s{n:02d}", every="10s")
            for n in range(SOURCES)
        ]
        # First in the queue (ids in order), on a host of its own.
        sources.append(bulletin_source(f"{slow_url}/slow.txt", "a-slow", every="10s"))
        extra = (
            '[schedule]\npoll = "1s"\nlease = "3s"\nthreads = 4\n'
            f"[fetch]\nhost_delay = {HOST_DELAY}\nretries = 0\ntimeout = 15\n"
        )
        config = write_config(tmp_path, sources, extra=extra, store_url=url)
        workers = [start_worker(config) for _ in range(3)]
        started = time.time()
        try:
            # Kill the worker that reads the slow source, while it reads it.
            deadline = time.monotonic() + 60
            while not slow.hits or "source:a-slow" not in (held := leases(url)):
                assert time.monotonic() < deadline, "no worker read the slow source"
                time.sleep(0.05)
            dead = held["source:a-slow"]
            pid = int(dead.split(":")[1])
            in_flight = {
                name.removeprefix("source:")
                for name, who in held.items()
                if who == dead and name.startswith("source:")
            }
            victim = next(w for w in workers if w.pid == pid)
            victim.send_signal(signal.SIGKILL)
            killed = time.time()
            victim.wait()
            time.sleep(max(0.0, started + 3.5 * EVERY - time.time()))
        finally:
            errors = stop(workers)
    assert [w.returncode for w in workers if w.pid != pid] == [0, 0], errors
    assert slow.hits and slow.hits[0].start < killed  # it died reading the slow source

    by_source: dict[str, list[Hit]] = defaultdict(list)
    for hit in sorted(fast.hits + slow.hits, key=lambda h: h.start):
        by_source["a-slow" if hit.source == "slow" else hit.source].append(hit)
    assert sorted(by_source) == sorted(s["id"] for s in sources)
    for source, hits in by_source.items():
        # Once per interval: never twice within one, and no interval missed (3.5 of them);
        # a source the dead worker held is read again by the worker taking it over. A
        # source waits its turn at the host after it is taken: up to the twelve taken at
        # once (three workers' four threads) times HOST_DELAY, shortening one gap.
        most = 4 + (source in in_flight)
        assert 3 <= len(hits) <= most, (source, [h.start - started for h in hits])
        for before, after in itertools.pairwise(hits):
            taken_over = source in in_flight and before.start < killed < after.start
            if not taken_over:
                assert after.start - before.start > EVERY - 12 * HOST_DELAY - 0.5, source
    # The slow source, whose reader died, was read whole by another worker afterwards
    # (at once: the others see that its process ended; from another machine, once its
    # lease expired).
    assert any(h.start > killed and h.end is not None for h in slow.hits)
    # One request at a time per host, HOST_DELAY apart, across the three workers.
    starts = sorted(h.start for h in fast.hits)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) > HOST_DELAY - JITTER, min(gaps)

    with psycopg.connect(url) as connection:
        stored = connection.execute("SELECT source_id, count(*) FROM articles GROUP BY 1")
        assert dict(stored.fetchall()) == {s["id"]: 2 for s in sources}
        state = dict(connection.execute("SELECT source_id, last_success FROM fetch_state"))
    assert state["a-slow"] is not None and state["a-slow"] > _iso(killed)
    assert all(holder != dead for holder in leases(url).values())

    feeds = tmp_path / "feeds"
    documents = sorted(feeds.rglob("*.atom"))
    assert len(documents) > SOURCES
    for document in documents:
        served_at = f"http://feeds.example.test/{document.relative_to(feeds)}"
        assert atom_problems(document, served_at) == [], document
    for source in sources:
        feed = etree.parse(str(feeds / "sources" / f"{source['id']}.atom")).getroot()
        assert len(feed.findall(f"{A}entry")) == 2, source["id"]
    assert len(etree.parse(str(feeds / "all.atom")).getroot().findall(f"{A}entry")) == 50


def _iso(moment: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(int(moment), UTC).isoformat()


def test_workers_that_publish_their_own_copies_all_publish_everything(
    tmp_path: Path, postgres_cluster: Cluster
) -> None:
    """Two machines, each with its own output directory: whichever worker reads a
    source, both copies end up the same."""
    url = postgres_cluster.create_database()
    fast = Sources()
    with running(fast.app()) as fast_url:
        sources = [
            bulletin_source(f"{fast_url}/s{n:02d}.txt", f"s{n:02d}", every="1h") for n in range(6)
        ]
        extra = '[schedule]\npoll = "1s"\nlease = "3s"\nthreads = 2\n[fetch]\nhost_delay = 0\n'
        machines = [tmp_path / "a", tmp_path / "b"]
        configs = []
        for folder in machines:
            folder.mkdir()
            configs.append(write_config(folder, sources, extra=extra, store_url=url))
        workers = [start_worker(config) for config in configs]
        try:
            deadline = time.monotonic() + 60
            while len(fast.hits) < len(sources):
                assert time.monotonic() < deadline, "the sources were not read"
                time.sleep(0.1)
            time.sleep(4)  # a poll or two: the other worker publishes what it did not read
        finally:
            errors = stop(workers)
    assert [w.returncode for w in workers] == [0, 0], errors
    assert len(fast.hits) == len(sources)  # each read once, by one of the two
    copies = [
        {
            str(p.relative_to(folder / "feeds")): p.read_bytes()
            for p in (folder / "feeds").rglob("*.atom")
        }
        for folder in machines
    ]
    assert len(copies[0]) > len(sources) and copies[0] == copies[1]
    for source in sources:
        feed = etree.fromstring(copies[0][f"sources/{source['id']}.atom"])
        assert len(feed.findall(f"{A}entry")) == 2
