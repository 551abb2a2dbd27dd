"""The background service: one APScheduler job per source, and optionally the server."""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import IO

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from herald.collect import Collected, collect
from herald.errors import StoreError
from herald.filtering import FilteredFeeds
from herald.pipeline import Pipeline, describe_failure
from herald.serve import create_server
from herald.settings import SourceSettings
from herald.store import Store

log = logging.getLogger(__name__)


def now_utc() -> datetime:
    """The current time, to the second; the only clock the service reads."""
    return datetime.now(UTC).replace(microsecond=0)


class SchedulerLock:
    """An exclusive lock next to the database, so two schedulers never share one store."""

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(database.name + ".lock")
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock, or raise StoreError naming the process that holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise StoreError(
                f"another Herald scheduler (pid {holder}) is already running on "
                f"{self.path.with_suffix('')}; stop it first"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        """Give the lock up."""
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


class Service:
    """Reads the sources that are due, each under a lease in the store, so that several
    workers (processes, machines) sharing a store read each source once per interval.

    One job polls: it renews this worker's leases, takes the due sources it has threads
    for, and hands each to a thread. Reading runs in parallel, each reader on its own
    connection; storing and publishing take turns (and publishing across workers takes
    the publisher's lease).
    """

    def __init__(self, pipeline: Pipeline, open_store: Callable[[], Store]) -> None:
        self.pipeline = pipeline
        self.worker = pipeline.worker
        self._open_store = open_store
        self._plan = pipeline.settings.schedule
        self._sources = {s.id: s for s in pipeline.settings.sources}
        self._coordinator = open_store()  # the polling job's own connection
        self._write = threading.Lock()
        self._guard = threading.Lock()
        self._running: set[str] = set()
        self._publish_owed = False
        self._published = -1  # the store's generation at this worker's last publish
        self._publishing = threading.Lock()  # held by the poll's publish job
        self._scheduler = BackgroundScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(self._plan.threads + 1)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )

    def start(self) -> None:
        """Poll now and then every [schedule] poll."""
        self._scheduler.add_job(
            self.poll,
            "interval",
            id="poll",
            name="take due sources",
            seconds=self._plan.poll.total_seconds(),
            next_run_time=datetime.now(UTC),
        )
        self._scheduler.start()

    def poll(self) -> None:
        """Renew this worker's leases, take the due sources it has threads for, and publish
        what another worker's lease kept it from publishing, or what other workers
        stored since this one last published."""
        try:
            now = datetime.now(UTC)  # to the microsecond: a source is due an interval later
            self._coordinator.renew(self.worker, now, self._plan.lease)
            with self._guard:
                idle = [i for i in self._sources if i not in self._running]
                free = self._plan.threads - len(self._running)
            taken = []
            if free > 0:
                taken = self._coordinator.claim_sources(
                    idle, self.worker, now, self._plan.lease, free
                )
            for source_id in taken:
                with self._guard:
                    self._running.add(source_id)
                self._scheduler.add_job(
                    self.run_source,
                    args=[self._sources[source_id], now],
                    name=f"update {source_id}",
                )
            # Another worker's sources changed the store: this worker's output (its own
            # copy, on another machine) is published too.
            behind = self._coordinator.generation() != self._published
            if (self._publish_owed or behind) and not taken and not self._publishing.locked():
                self._scheduler.add_job(self._publish_owed_job, name="publish")
        except Exception:
            log.exception("polling for due sources failed; trying again at the next poll")

    def run_source(self, source: SourceSettings, taken: datetime | None = None) -> None:
        """Fetch, store and publish for one source; never lets an error kill the job. A
        source taken under a lease is due again one interval after it was taken."""
        try:
            reader = self._open_store()
            try:
                self._update(source, reader)
            finally:
                if taken is not None:
                    reader.finish_source(source.id, self.worker, taken + source.every)
                reader.close()
        except Exception:
            log.exception('update of source "%s" failed', source.id)
        finally:
            with self._guard:
                self._running.discard(source.id)

    def _update(self, source: SourceSettings, reader: Store) -> None:
        # Reading a source takes as long as its servers do, so it runs in parallel, on
        # its own connection to the store; storing and publishing take turns.
        try:
            found: Collected | str = collect(
                source,
                self.pipeline.fetcher,
                reader,
                self.pipeline.browser,
                now_utc(),
                self.pipeline.reading(source),
            )
        except Exception as exc:  # the boundary around one source
            found = describe_failure(exc)
        with self._write:
            if not isinstance(found, str):
                try:
                    self.pipeline.apply(source, found, now_utc())
                except Exception as exc:  # the boundary around one source
                    found = describe_failure(exc)
            if isinstance(found, str):
                self.pipeline.record_failure(source, found, now_utc())
            self.pipeline.translate(now_utc())
            self._publish()

    def _publish(self) -> None:
        """Publish, or note that another worker's lease kept this one from it."""
        generation = self.pipeline.store.generation()
        self._publish_owed = self.pipeline.publish().deferred
        if not self._publish_owed:
            self._published = generation

    def _publish_owed_job(self) -> None:
        if not self._publishing.acquire(blocking=False):
            return  # the job a poll before is still at it
        try:
            with self._write:
                self._publish()
        except Exception:
            log.exception("publishing failed")
        finally:
            self._publishing.release()

    def stop(self) -> None:
        """Stop scheduling, letting a running update finish its writes; publish what
        another worker's lease kept this one from publishing."""
        self._scheduler.shutdown(wait=True)
        try:
            if self._publish_owed:
                self.pipeline.publish(wait=True)
        finally:
            self._coordinator.close()


def run_service(
    pipeline: Pipeline, open_reader: Callable[[], Store], *, serve: bool, host: str, port: int
) -> int:
    """Run until SIGINT or SIGTERM, then finish the current write and return 0."""
    # Workers on one SQLite file would share a machine's disk anyway: one is enough, and
    # the lock says so. Workers on PostgreSQL share the sources through leases.
    lock = SchedulerLock(pipeline.settings.paths.database)
    if pipeline.settings.store.url is None:
        lock.acquire()
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        log.info("received %s, stopping", signal.Signals(signum).name)
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    service = Service(pipeline, open_reader)
    server = None
    thread = None
    try:
        service.start()
        if serve:
            settings = pipeline.settings
            filtered = FilteredFeeds(
                settings, pipeline.classifier, pipeline.translator, open_reader()
            )
            server = create_server(
                settings.paths.output, host, port, settings.serve.max_age, filtered
            )
            # In a thread uvicorn leaves signals alone; this thread handles them.
            thread = threading.Thread(target=server.run, name="server", daemon=True)
            thread.start()
            _announce(pipeline, f"http://{host}:{port}/")
        stop.wait()
    finally:
        if server is not None and thread is not None:
            server.should_exit = True
            thread.join(timeout=10)
        service.stop()
        pipeline.store.close()
        lock.release()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 0


def _announce(pipeline: Pipeline, root: str) -> None:
    settings = pipeline.settings
    lines = [f"Herald is serving {settings.paths.output} at {root}", f"  {root}all.atom"]
    lines += [f"  {root}sources/{s.id}.atom" for s in settings.sources]
    lines += [f"  {root}topics/<topic>.atom and {root}countries/<code>.atom as entries arrive"]
    print("\n".join(lines), flush=True)
