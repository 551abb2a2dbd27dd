"""A real feed reader: newsboat reloads Herald's feeds over HTTP and finds every entry."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from lxml import etree

from .conftest import ROOT, SAMPLE, Site, bulletin_source, installed, write_config
from .test_service import free_port, get_when_ready

pytestmark = pytest.mark.slow
A = "{http://www.w3.org/2005/Atom}"
FEEDS = ("all.atom", "all.rss")


@pytest.mark.parametrize("translated", [False, True], ids=["original", "with-es"])
def test_newsboat_reads_every_entry_and_opens_its_page(tmp_path: Path, translated: bool) -> None:
    """Every entry is read, and the URL newsboat keeps for it (what it opens) is the
    article's page, which answers; also with a translated tree beside the original."""
    reader = installed("newsboat", packages="newsboat")
    if translated:
        installed("apertium", packages="apertium apertium-eng-spa")
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    extra = '[translate]\ntargets = ["es"]\nengine = "apertium"' if translated else ""
    config = write_config(tmp_path, [bulletin_source(SAMPLE)], base_url=base, extra=extra)
    site = Site(tmp_path, config)
    site.run_once()
    feeds = [*FEEDS, *(f"es/{feed}" for feed in FEEDS if translated)]
    serve = ["serve", "--config", str(site.config), "--port", str(port)]
    server = subprocess.Popen(
        [sys.executable, "-m", "herald.cli", *serve],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        get_when_ready(f"{base}all.atom", deadline=time.monotonic() + 30)
        (tmp_path / "config").write_text("", encoding="utf-8")
        home = tmp_path / "home"
        home.mkdir()
        env = {"HOME": str(home), "PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"}
        # One cache per feed: newsboat keys items by guid across all its feeds, and the
        # Atom and RSS feeds rightly share their ids.
        for feed in feeds:
            name = feed.replace("/", "-")
            urls = tmp_path / f"{name}.urls"
            urls.write_text(f"{base}{feed}\n", encoding="utf-8")
            files = ["-u", str(urls), "-c", str(tmp_path / f"{name}.db")]
            done = subprocess.run(
                [reader, "-x", "reload", *files, "-C", str(tmp_path / "config")],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                stdin=subprocess.DEVNULL,
            )
            assert done.returncode == 0, done.stdout + done.stderr
        opened = {}
        for feed in feeds:
            with sqlite3.connect(tmp_path / f"{feed.replace('/', '-')}.db") as cache:
                rows = cache.execute("SELECT feedurl, title, guid, url FROM rss_item").fetchall()
            opened[feed] = rows
            for _, _, _, url in rows:
                tree = "es/" if feed.startswith("es/") else ""
                assert url.startswith(f"{base}{tree}articles/"), (feed, url)
                page = httpx.get(url)
                assert page.status_code == 200, url
                assert page.headers["content-type"] == "text/html; charset=utf-8"
    finally:
        server.terminate()
        server.wait(timeout=30)

    atom = etree.parse(str(site.feeds / "all.atom")).getroot()
    titles = sorted(e.findtext(f"{A}title") or "" for e in atom.iter(f"{A}entry"))
    ids = sorted(e.findtext(f"{A}id") or "" for e in atom.iter(f"{A}entry"))
    assert len(titles) == 9
    for feed in FEEDS:
        rows = opened[feed]
        assert {url for url, _, _, _ in rows} == {base + feed}
        assert sorted(title for _, title, _, _ in rows) == titles, feed
        assert sorted(guid for _, _, guid, _ in rows) == ids, feed
    if translated:
        assert len(opened["es/all.atom"]) == 9
        assert not {guid for *_, guid, _ in opened["es/all.atom"]} & set(ids)
