"""WebSub: feeds name their hub, and the hub hears of every changed feed, eventually."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from lxml import etree
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .conftest import NOW, SAMPLE, Site, backends, bulletin_source, write_config
from .servers import running

# Every test here runs against both stores.
store_url = pytest.fixture(params=["sqlite", "postgresql"])(backends)

BASE = "http://feeds.example.test/"


class Hub:
    def __init__(self) -> None:
        self.pings: list[dict[str, str]] = []
        self.down = False

    async def publish(self, request: Request) -> Response:
        if self.down:
            return Response("busy", status_code=503)
        self.pings.append(dict(parse_qsl((await request.body()).decode())))
        return Response(status_code=204)


@pytest.fixture
def hub() -> Iterator[tuple[str, Hub]]:
    state = Hub()
    with running(Starlette(routes=[Route("/hub", state.publish, methods=["POST"])])) as url:
        yield f"{url}/hub", state


def test_feeds_link_the_hub_and_changes_are_announced(
    tmp_path: Path, listing: Path, hub: tuple[str, Hub]
) -> None:
    url, state = hub
    site = Site(
        tmp_path,
        write_config(tmp_path, [bulletin_source(listing)], extra=f'[websub]\nhub = "{url}"'),
    )
    site.run_once()
    atom = etree.parse(str(site.feeds / "all.atom")).getroot()
    assert [
        link.get("href")
        for link in atom.iter("{http://www.w3.org/2005/Atom}link")
        if link.get("rel") == "hub"
    ] == [url]
    assert f'href="{url}" rel="hub"' in (site.feeds / "all.rss").read_text("utf-8")
    assert json.loads((site.feeds / "all.json").read_text("utf-8"))["hubs"] == [
        {"type": "WebSub", "url": url}
    ]
    announced = {p["hub.url"] for p in state.pings}
    assert all(p["hub.mode"] == "publish" for p in state.pings)
    assert {
        f"{BASE}all.atom",
        f"{BASE}all.rss",
        f"{BASE}all.json",
        f"{BASE}countries/be.atom",
    } <= announced
    assert not any("archive/" in u or u.endswith((".html", ".opml")) for u in announced)

    state.pings.clear()
    site.run_once(NOW + timedelta(hours=1))
    assert state.pings == []  # nothing changed, nothing announced

    state.down = True
    listing.write_text(
        SAMPLE.read_text("utf-8").replace("According to him,", "According to the President,"),
        "utf-8",
    )
    site.run_once(NOW + timedelta(hours=2))
    assert "According to the President" in (site.feeds / "all.atom").read_text("utf-8")
    state.down = False
    site.run_once(NOW + timedelta(hours=3))  # nothing new, but the missed pings go out
    announced = {p["hub.url"] for p in state.pings}
    assert {f"{BASE}all.atom", f"{BASE}countries/ir.atom"} <= announced
    assert f"{BASE}countries/be.atom" not in announced
