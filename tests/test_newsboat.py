"""A real feed reader: newsboat reloads Herald's feeds over HTTP and finds every entry."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import etree

from .conftest import ROOT, SAMPLE, Site, bulletin_source, write_config
from .test_service import free_port, get_when_ready

pytestmark = pytest.mark.slow
A = "{http://www.w3.org/2005/Atom}"
FEEDS = ("all.atom", "all.rss")


def newsboat() -> str:
    found = shutil.which("newsboat")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("newsboat is not installed; .ci/run installs it from Debian")
        pytest.skip("newsboat is not installed (apt-get install newsboat)")
    return found


def test_newsboat_reads_every_entry_of_atom_and_rss(tmp_path: Path) -> None:
    reader = newsboat()
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    site = Site(tmp_path, write_config(tmp_path, [bulletin_source(SAMPLE)], base_url=base))
    site.run_once()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "herald.cli",
            "serve",
            "--config",
            str(site.config),
            "--port",
            str(port),
        ],
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
        for feed in FEEDS:
            urls = tmp_path / f"{feed}.urls"
            urls.write_text(f"{base}{feed}\n", encoding="utf-8")
            done = subprocess.run(
                [
                    reader,
                    "-x",
                    "reload",
                    "-u",
                    str(urls),
                    "-c",
                    str(tmp_path / f"{feed}.db"),
                    "-C",
                    str(tmp_path / "config"),
                ],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                stdin=subprocess.DEVNULL,
            )
            assert done.returncode == 0, done.stdout + done.stderr
    finally:
        server.terminate()
        server.wait(timeout=30)

    atom = etree.parse(str(site.feeds / "all.atom")).getroot()
    titles = sorted(e.findtext(f"{A}title") or "" for e in atom.iter(f"{A}entry"))
    ids = sorted(e.findtext(f"{A}id") or "" for e in atom.iter(f"{A}entry"))
    assert len(titles) == 9
    for feed in FEEDS:
        with sqlite3.connect(tmp_path / f"{feed}.db") as cache:
            rows = cache.execute("SELECT feedurl, title, guid FROM rss_item").fetchall()
        assert {url for url, _, _ in rows} == {base + feed}
        assert sorted(title for _, title, _ in rows) == titles, feed
        assert sorted(guid for _, _, guid in rows) == ids, feed
