"""Fetching over real HTTP on loopback: manners, patience and limits."""

from __future__ import annotations

import os
import socket
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from herald.errors import SourceError
from herald.fetch import DefaultFetcher, HttpFetcher
from herald.fetch.files import read_file
from herald.models import Fetched, Validators
from herald.parse.text import decode_text, detect_encoding
from herald.settings import FetchSettings

from .conftest import SAMPLE
from .servers import running, source_site

FAST = FetchSettings(timeout=2, connect_timeout=2, retries=2, backoff=0.05, host_delay=0)


@pytest.fixture
def site() -> Iterator[tuple[str, Counter[str]]]:
    app, hits = source_site()
    with running(app) as url:
        yield url, hits


def fetcher(settings: FetchSettings = FAST) -> DefaultFetcher:
    return DefaultFetcher(
        HttpFetcher(settings, "Herald/test (+http://feeds.example.test/)"), settings.max_bytes
    )


def test_conditional_get_sends_validators_and_gets_304(site: tuple[str, Counter[str]]) -> None:
    url, hits = site
    first = fetcher().fetch(f"{url}/conditional/listing.txt")
    assert first.content == SAMPLE.read_bytes()
    assert (first.etag, first.last_modified) == ('"sample-v1"', "Tue, 10 Mar 2026 18:00:00 GMT")
    again = fetcher().fetch(
        f"{url}/conditional/listing.txt", validators=Validators(first.etag, first.last_modified)
    )
    assert again.not_modified and again.content == b""
    assert hits["conditional-304"] == 1


def test_429_with_retry_after_is_waited_out(site: tuple[str, Counter[str]]) -> None:
    url, hits = site
    started = time.monotonic()
    fetched = fetcher().fetch(f"{url}/busy/listing.txt")
    assert fetched.content == SAMPLE.read_bytes()
    assert hits["busy"] == 2
    assert time.monotonic() - started >= 1.0  # the server asked for one second


def test_retry_after_longer_than_allowed_gives_up(site: tuple[str, Counter[str]]) -> None:
    url, _ = site
    patient = FAST.model_copy(update={"max_retry_after": 0.5})
    with pytest.raises(SourceError, match="asks to wait 1 s, more than"):
        fetcher(patient).fetch(f"{url}/busy/listing.txt")


def test_500_then_200_is_retried(site: tuple[str, Counter[str]]) -> None:
    url, hits = site
    assert fetcher().fetch(f"{url}/flaky/listing.txt").content == SAMPLE.read_bytes()
    assert hits["flaky"] == 2


def test_a_server_that_never_answers_times_out(site: tuple[str, Counter[str]]) -> None:
    url, _ = site
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"timed out|no complete answer within 2 s"):
        fetcher().fetch(f"{url}/never")
    assert time.monotonic() - started < 20


def test_oversized_body_is_refused_while_streaming(site: tuple[str, Counter[str]]) -> None:
    url, _ = site
    small = FAST.model_copy(update={"max_bytes": 1024 * 1024})
    with pytest.raises(SourceError, match="over the 1048576 byte limit"):
        fetcher(small).fetch(f"{url}/huge")


def test_a_redirect_loop_stops(site: tuple[str, Counter[str]]) -> None:
    url, _ = site
    with pytest.raises(SourceError, match="more than 5 redirects"):
        fetcher().fetch(f"{url}/loop")


def test_http_errors_are_clear(site: tuple[str, Counter[str]]) -> None:
    url, _ = site
    with pytest.raises(SourceError, match="HTTP 404"):
        fetcher().fetch(f"{url}/html/news?page=9")


def test_connection_refused_is_retried_then_reported() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SourceError, match=r"ConnectError.*gave up after 3 tries"):
        fetcher().fetch(f"http://127.0.0.1:{port}/listing.txt")


def test_one_request_per_host_at_a_time_with_a_pause(site: tuple[str, Counter[str]]) -> None:
    url, _ = site
    polite = fetcher(FAST.model_copy(update={"host_delay": 0.5}))
    started = time.monotonic()
    for _ in range(3):
        polite.fetch(f"{url}/conditional/listing.txt")
    assert time.monotonic() - started >= 1.0  # two pauses between three requests


def test_user_agent_names_herald() -> None:
    seen: list[str] = []

    async def echo(request: Request) -> Response:
        seen.append(request.headers["user-agent"])
        return Response("ok")

    with running(Starlette(routes=[Route("/", echo)])) as echo_url:
        fetcher().fetch(f"{echo_url}/")
    assert seen == ["Herald/test (+http://feeds.example.test/)"]


def test_local_files(tmp_path: Path) -> None:
    assert fetcher().fetch(SAMPLE.as_uri()).content == SAMPLE.read_bytes()
    assert fetcher().fetch(str(SAMPLE)).content == SAMPLE.read_bytes()
    with pytest.raises(SourceError, match="is a directory"):
        fetcher().fetch(str(tmp_path))
    with pytest.raises(SourceError, match="file not found"):
        fetcher().fetch(str(tmp_path / "none.txt"))


def test_local_files_have_their_own_limit_and_must_be_regular(tmp_path: Path) -> None:
    """A local listing may be larger than an HTTP body (a year of bulletins), but not
    endless: the limit is its own, and devices and pipes are refused, never read."""
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 3000)
    assert len(read_file(str(big), 4096).content) == 3000
    with pytest.raises(SourceError, match=r"over the 2048 byte limit for local files"):
        read_file(str(big), 2048)
    with pytest.raises(SourceError, match="not a regular file"):
        read_file("/dev/zero", 2048)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(SourceError, match="not a regular file"):
        read_file(str(fifo), 2048)  # would wait forever for a writer if it were opened


def test_an_unchanged_local_file_is_known_by_its_entity_tag_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Polling a large local listing costs a `stat`: the tag made from it says whether it
    changed. A file changed just now gets no tag (it could change again within the file
    system's clock tick, keeping its times), so it is read and compared next time."""
    listing = tmp_path / "listing.txt"
    listing.write_bytes(b"first version")
    assert read_file(str(listing), 4096).etag is None  # written just now
    monkeypatch.setattr("herald.filestate.RACY_NS", 0)
    first = read_file(str(listing), 4096)
    assert first.etag is not None and first.content == b"first version"
    again = fetcher().fetch(str(listing), validators=Validators(etag=first.etag))
    assert again.not_modified and again.content == b"" and again.etag == first.etag
    listing.write_bytes(b"second, longer version")
    changed = fetcher().fetch(str(listing), validators=Validators(etag=first.etag))
    assert not changed.not_modified and changed.content == b"second, longer version"
    assert changed.etag not in (None, first.etag)
    other = tmp_path / "other.txt"
    other.write_bytes(b"first version")  # the same bytes in another file: another tag
    assert read_file(str(other), 4096).etag != first.etag


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        ("text/html; charset=windows-1251", '<meta charset="utf-8">Привет', "windows-1251"),
        (None, "\ufeffПривет", "utf-8"),
        (None, '<?xml version="1.0" encoding="koi8-r"?><x>Привет</x>', "koi8-r"),
        ("text/html", '<html><meta charset="windows-1251">Привет', "windows-1251"),
        (None, "plain", "utf-8"),
    ],
)
def test_text_decoding_order(content_type: str | None, body: str, expected: str) -> None:
    data = body.encode(expected if expected != "utf-8" else "utf-8")
    fetched = Fetched(url="x", content=data, content_type=content_type)
    assert detect_encoding(fetched)[0] == expected
    assert decode_text(fetched).lstrip("\ufeff") == body.lstrip("\ufeff")
