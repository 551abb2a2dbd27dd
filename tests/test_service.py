"""The service as `make run` starts it: a real process, a real port, real signals."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .conftest import ROOT, SAMPLE, bulletin_source, write_config

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def get_when_ready(url: str, deadline: float, **headers: str) -> httpx.Response:
    """GET `url` until it answers 200 or the deadline passes."""
    last: object = None
    while time.monotonic() < deadline:
        try:
            response = httpx.get(url, headers=headers, timeout=2)
            if response.status_code == 200:
                return response
            last = response.status_code
        except httpx.TransportError as exc:
            last = exc
        time.sleep(0.2)
    raise AssertionError(f"{url} not served in time; last answer: {last}")


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback port that takes connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/listing.txt"


@pytest.fixture
def service(
    tmp_path: Path, silent_server: str
) -> Iterator[tuple[subprocess.Popen[str], int, Path]]:
    # A source that hangs must not hold back the others.
    sources = [bulletin_source(SAMPLE), bulletin_source(silent_server, "silent")]
    config = write_config(tmp_path, sources, extra="[fetch]\ntimeout = 15\nhost_delay = 0")
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "run_scheduler.py"),
            "--config",
            str(config),
            "--port",
            str(port),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        yield process, port, config
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def test_service_serves_feeds_answers_304_and_stops_cleanly(
    service: tuple[subprocess.Popen[str], int, Path],
) -> None:
    process, port, config = service
    started = time.monotonic()
    response = get_when_ready(f"http://127.0.0.1:{port}/all.atom", started + 30)
    # Published while the silent source still waits for its 15 s timeout.
    assert time.monotonic() - started < 12
    assert response.headers["content-type"].startswith("application/atom+xml")
    assert response.text.count("<entry>") == 9
    etag = response.headers["etag"]
    assert response.headers["last-modified"]

    again = httpx.get(f"http://127.0.0.1:{port}/all.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304
    # Files are published one after another; the country feeds come after all.atom.
    get_when_ready(f"http://127.0.0.1:{port}/countries/be.atom", started + 30)
    assert httpx.get(f"http://127.0.0.1:{port}/countries/kz.atom").status_code == 404

    # A second scheduler on the same database is refused with a clear message.
    second = subprocess.run(
        [sys.executable, "-m", "herald.cli", "schedule", "--config", str(config)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode == 1
    assert "another Herald scheduler" in second.stderr
    assert f"(pid {process.pid})" in second.stderr

    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert f"http://127.0.0.1:{port}/all.atom" in output
    assert "received SIGTERM, stopping" in output


def test_a_failing_job_is_logged_and_the_other_jobs_go_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from herald.app import load, open_pipeline, reader_for
    from herald.errors import PublishError
    from herald.schedule import Service

    from .conftest import Site

    other = tmp_path / "other.txt"
    other.write_bytes(SAMPLE.read_bytes())
    sources = [bulletin_source(SAMPLE), bulletin_source(other, "other")]
    site = Site(tmp_path, write_config(tmp_path, sources))
    loaded = load(site.config)
    pipeline = open_pipeline(loaded)
    service = Service(pipeline, reader_for(loaded))
    publish = pipeline.publish
    calls = {"n": 0}

    def full_disk_once() -> object:
        calls["n"] += 1
        if calls["n"] == 1:
            raise PublishError("feeds: publishing stopped at all.atom: No space left on device")
        return publish()

    pipeline.publish = full_disk_once  # type: ignore[method-assign]
    try:
        service.run_source(pipeline.settings.sources[0])  # must not raise
        assert 'update of source "mfa-kz" failed' in caplog.text
        assert "No space left on device" in caplog.text
        service.run_source(pipeline.settings.sources[1])
    finally:
        pipeline.store.close()
    assert (site.feeds / "all.atom").is_file()  # the next job published
