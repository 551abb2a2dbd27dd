"""The static file server, run for real on a loopback port."""

from __future__ import annotations

import gzip
import http.client
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from herald.serve import accepts_gzip, create_app

from .servers import running

FEED = "<?xml version='1.0' encoding='UTF-8'?>\n<feed>" + "<entry/>" * 200 + "</feed>\n"


def raw_get(url: str, target: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """GET with the target sent exactly as written: no client-side normalization."""
    connection = http.client.HTTPConnection(url.removeprefix("http://"), timeout=10)
    try:
        connection.request("GET", target, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "feeds"
    (root / "topics").mkdir(parents=True)
    for name in ("all.atom", "all.rss", "all.json", "feeds.opml", "index.html"):
        (root / name).write_text(FEED, encoding="utf-8")
    (root / "topics" / "health.atom").write_text(FEED, encoding="utf-8")
    (root / ".herald-manifest").write_text("all.atom\n", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("outside the output directory", encoding="utf-8")
    (root / "escape").symlink_to(tmp_path)
    (root / "leak.atom").symlink_to(tmp_path / "secret.txt")
    with running(create_app(root, max_age=120)) as url:
        yield url, root


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/all.atom", "application/atom+xml; charset=utf-8"),
        ("/all.rss", "application/rss+xml; charset=utf-8"),
        ("/all.json", "application/feed+json; charset=utf-8"),
        ("/feeds.opml", "text/x-opml; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        ("/", "text/html; charset=utf-8"),
    ],
)
def test_media_types_and_cache_control(
    served: tuple[str, Path], path: str, media_type: str
) -> None:
    url, _ = served
    response = httpx.get(url + path)
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.headers["cache-control"] == "public, max-age=120"
    assert response.text == FEED


def test_304_for_both_validators(served: tuple[str, Path]) -> None:
    url, _ = served
    first = httpx.get(f"{url}/topics/health.atom")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    by_etag = httpx.get(f"{url}/topics/health.atom", headers={"If-None-Match": etag})
    assert (by_etag.status_code, by_etag.content) == (304, b"")
    assert by_etag.headers["etag"] == etag
    by_date = httpx.get(f"{url}/topics/health.atom", headers={"If-Modified-Since": modified})
    assert by_date.status_code == 304
    other = httpx.get(f"{url}/topics/health.atom", headers={"If-None-Match": '"something"'})
    assert other.status_code == 200


def test_a_changed_file_gets_a_new_etag(served: tuple[str, Path]) -> None:
    url, root = served
    etag = httpx.get(f"{url}/all.atom").headers["etag"]
    (root / "all.atom").write_text(FEED.replace("<entry/>", "<entry></entry>", 1), "utf-8")
    again = httpx.get(f"{url}/all.atom", headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert again.headers["etag"] != etag


def test_gzip_when_asked(served: tuple[str, Path]) -> None:
    url, _ = served
    status, headers, body = raw_get(url, "/all.atom", **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in headers["vary"]
    assert gzip.decompress(body).decode() == FEED
    plain = httpx.get(f"{url}/all.atom", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers


def test_head(served: tuple[str, Path]) -> None:
    url, _ = served
    response = httpx.head(f"{url}/all.atom", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-length"] == str(len(FEED))
    assert response.headers["content-type"].startswith("application/atom+xml")


@pytest.mark.parametrize(
    "target",
    [
        "/../secret.txt",
        "/topics/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/topics/%2e%2e/%2e%2e/secret.txt",
        "/..%5csecret.txt",
        "/topics\\..\\..\\secret.txt",
        "/escape/secret.txt",
        "/leak.atom",
        "//etc/passwd",
        "/etc/passwd",
        "/.herald-manifest",
        "/topics/missing.atom",
    ],
)
def test_nothing_outside_the_directory_is_served(served: tuple[str, Path], target: str) -> None:
    url, _ = served
    status, _, body = raw_get(url, target)
    assert status == 404, target
    assert b"outside the output directory" not in body
    assert b"root:" not in body


@pytest.mark.parametrize(
    ("header", "wanted"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("gzip;q=0", False),
        ("gzip;q=0.0, identity", False),
        ("*", True),
        ("*;q=0", False),
        ("br;q=1, *;q=0.1", True),
        ("identity", False),
        ("gzip;q=bogus", False),
        ("", False),
    ],
)
def test_accept_encoding_weights(header: str, wanted: bool) -> None:
    assert accepts_gzip(header) is wanted


def test_gzip_follows_each_version_of_a_file_and_honours_q_0(served: tuple[str, Path]) -> None:
    url, root = served
    refused = httpx.get(f"{url}/all.atom", headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers and refused.text == FEED
    first = raw_get(url, "/all.atom", **{"Accept-Encoding": "gzip"})
    changed = FEED.replace("<entry/>", "<entry></entry>", 1)
    (root / "all.atom").write_text(changed, encoding="utf-8")
    second = raw_get(url, "/all.atom", **{"Accept-Encoding": "gzip"})
    assert gzip.decompress(first[2]).decode() == FEED
    assert gzip.decompress(second[2]).decode() == changed  # not the kept bytes of before
    assert second[1]["content-length"] == str(len(second[2]))
    head = httpx.head(f"{url}/all.atom", headers={"Accept-Encoding": "gzip"})
    assert head.content == b"" and head.headers["content-length"] == str(len(second[2]))


def test_herald_files_are_not_served_through_a_link(served: tuple[str, Path]) -> None:
    url, root = served
    (root / "manifest.atom").symlink_to(root / ".herald-manifest")
    (root / "topics" / "up.atom").symlink_to(root / ".herald-manifest")
    for target in ("/manifest.atom", "/topics/up.atom"):
        status, _, body = raw_get(url, target)
        assert status == 404 and b"all.atom" not in body, target


def test_a_malformed_range_is_ignored(served: tuple[str, Path]) -> None:
    url, _ = served
    for value in ("bytes=abc", "bytes=9-2", "lines=1-2"):
        status, headers, body = raw_get(url, "/all.atom", Range=value)
        assert (status, body.decode()) == (200, FEED), value
        assert headers["content-length"] == str(len(FEED))


def test_a_folder_with_an_index_is_reached_with_its_slash(served: tuple[str, Path]) -> None:
    url, root = served
    (root / "es").mkdir()
    (root / "es" / "index.html").write_text("<p>es</p>", encoding="utf-8")
    status, headers, _ = raw_get(url, "/es")
    assert (status, headers["location"]) == (307, "/es/")
    assert raw_get(url, "/es/")[2] == b"<p>es</p>"
    assert raw_get(url, "/topics")[0] == 404  # a folder without an index is not listed


def test_only_get_and_head(served: tuple[str, Path]) -> None:
    url, _ = served
    response = httpx.post(f"{url}/all.atom", content=b"x")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"


def test_a_file_too_large_to_keep_is_streamed_with_ranges(served: tuple[str, Path]) -> None:
    url, root = served
    big = b"<feed>" + b"x" * (5 * 1024 * 1024) + b"</feed>"
    (root / "big.atom").write_bytes(big)
    whole = httpx.get(f"{url}/big.atom", headers={"Accept-Encoding": "gzip"})
    assert whole.status_code == 200 and whole.content == big
    assert "content-encoding" not in whole.headers
    assert whole.headers["content-type"] == "application/atom+xml; charset=utf-8"
    part = httpx.get(f"{url}/big.atom", headers={"Range": "bytes=0-5"})
    assert (part.status_code, part.content) == (206, b"<feed>")
    again = httpx.get(f"{url}/big.atom", headers={"If-None-Match": whole.headers["etag"]})
    assert again.status_code == 304
