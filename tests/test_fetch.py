"""Fetching local files and HTTP over a real server on loopback."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from herald.errors import SourceError
from herald.fetch import DefaultFetcher

from .conftest import SAMPLE, Site, bulletin_source, write_config


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/listing.txt":
            body = SAMPLE.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("ETag", '"v1"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/listing.txt")
            self.end_headers()
        else:
            self.send_error(404)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_http_fetch_returns_bytes_and_caching_info(server: str) -> None:
    fetched = DefaultFetcher("http://feeds.example.test/").fetch(f"{server}/moved")
    assert fetched.content == SAMPLE.read_bytes()
    assert fetched.url == f"{server}/listing.txt"
    assert fetched.etag == '"v1"'
    assert fetched.content_type == "text/plain; charset=utf-8"


def test_http_errors_and_size_cap(server: str) -> None:
    with pytest.raises(SourceError, match="HTTP 404"):
        DefaultFetcher("http://x/").fetch(f"{server}/gone")
    with pytest.raises(SourceError, match="over the 1000 limit"):
        DefaultFetcher("http://x/", max_bytes=1000).fetch(f"{server}/listing.txt")


def test_connection_refused_is_a_source_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port once the probe is closed.
    with pytest.raises(SourceError, match="ConnectError"):
        DefaultFetcher("http://x/", timeout=2).fetch(f"http://127.0.0.1:{port}/x")


def test_file_url_and_directory(tmp_path: Path) -> None:
    fetched = DefaultFetcher("http://x/").fetch(SAMPLE.as_uri())
    assert fetched.content == SAMPLE.read_bytes()
    with pytest.raises(SourceError, match="is a directory"):
        DefaultFetcher("http://x/").fetch(str(tmp_path))


def test_a_source_over_http_runs_end_to_end(server: str, tmp_path: Path) -> None:
    config = write_config(tmp_path, [bulletin_source(f"{server}/listing.txt")])
    reports = Site(tmp_path, config).run_once()
    assert reports[0].ok
    assert (tmp_path / "feeds" / "all.atom").read_text(encoding="utf-8").count("<entry>") == 8
