"""The static file server, run for real on a loopback port."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from herald.serve import create_server


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    server = create_server(tmp_path, "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "server did not start"
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", tmp_path
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_atom_media_type_etag_and_hidden_files(served: tuple[str, Path]) -> None:
    url, folder = served
    (folder / "topics").mkdir()
    (folder / "topics" / "health.atom").write_text("<feed/>", encoding="utf-8")
    (folder / ".herald-manifest").write_text("topics/health.atom\n", encoding="utf-8")
    response = httpx.get(f"{url}/topics/health.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    etag = response.headers["etag"]
    again = httpx.get(f"{url}/topics/health.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert httpx.get(f"{url}/.herald-manifest").status_code == 404
    assert httpx.get(f"{url}/topics/missing.atom").status_code == 404
