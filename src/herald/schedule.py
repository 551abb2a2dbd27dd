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
    """Runs every source on its interval and publishes after each update."""

    def __init__(self, pipeline: Pipeline, open_reader: Callable[[], Store]) -> None:
        self.pipeline = pipeline
        self._open_reader = open_reader
        self._write = threading.Lock()
        self._scheduler = BackgroundScheduler(
            timezone=UTC,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )

    def start(self) -> None:
        """Add one job per source, each running once right away, and start."""
        for source in self.pipeline.settings.sources:
            seconds = int(source.every.total_seconds())
            self._scheduler.add_job(
                self.run_source,
                "interval",
                args=[source],
                id=source.id,
                name=f"update {source.id}",
                seconds=seconds,
                jitter=max(1, min(seconds // 10, 300)),
                next_run_time=datetime.now(UTC),
            )
        self._scheduler.start()

    def run_source(self, source: SourceSettings) -> None:
        """Fetch, store and publish for one source; never lets an error kill the job."""
        try:
            # Reading a source takes as long as its servers do, so it runs in parallel,
            # on its own connection to the store; storing and publishing take turns.
            reader = self._open_reader()
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
            finally:
                reader.close()
            with self._write:
                if not isinstance(found, str):
                    try:
                        self.pipeline.apply(source, found, now_utc())
                    except Exception as exc:  # the boundary around one source
                        found = describe_failure(exc)
                if isinstance(found, str):
                    self.pipeline.record_failure(source, found, now_utc())
                self.pipeline.translate(now_utc())
                self.pipeline.publish()
        except Exception:
            log.exception('update of source "%s" failed', source.id)

    def stop(self) -> None:
        """Stop scheduling, letting a running update finish its writes."""
        self._scheduler.shutdown(wait=True)


def run_service(
    pipeline: Pipeline, open_reader: Callable[[], Store], *, serve: bool, host: str, port: int
) -> int:
    """Run until SIGINT or SIGTERM, then finish the current write and return 0."""
    lock = SchedulerLock(pipeline.settings.paths.database)
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
