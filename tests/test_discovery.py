"""index.html and OPML: every feed findable, everything escaped."""

from __future__ import annotations

import lxml.html
import pytest
from lxml import etree

from .conftest import SAMPLE, Site, bulletin_source, write_config

BASE = "http://feeds.example.test/"
HOSTILE = 'Press <b>"Office"</b> & <script>alert(1)</script>'


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    folder = tmp_path_factory.mktemp("discovery")
    other = folder / "other.txt"
    other.write_text("11.03.2026, 10:00 1\nA note on grain exports\nGrain trade grew.\n", "utf-8")
    sources = [bulletin_source(SAMPLE), bulletin_source(other, "press", name=HOSTILE)]
    site = Site(folder, write_config(folder, sources, base_url=BASE))
    site.run_once()
    return site


def current_feeds(site: Site) -> set[str]:
    return {
        str(p.relative_to(site.feeds).with_suffix(""))
        for p in site.feeds.rglob("*.atom")
        if "archive" not in p.parts
    }


def test_index_lists_every_feed_in_three_formats(site: Site) -> None:
    page = lxml.html.parse(str(site.feeds / "index.html")).getroot()
    hrefs = {a.get("href") for a in page.iter("a")}
    for feed in current_feeds(site):
        assert {f"{feed}.atom", f"{feed}.rss", f"{feed}.json"} <= hrefs, feed
    rows = {
        row[0].text_content(): (row[1].text_content(), row[2].text_content())
        for row in page.iter("tr")
        if row[0].tag == "td"
    }
    assert rows["Belgium"] == ("1", "2026-03-10 10:12 UTC")
    assert rows["Everything"] == ("10", "2026-03-11 05:00 UTC")
    assert rows["Health"] == ("0", "—")


def test_index_has_autodiscovery_links(site: Site) -> None:
    page = lxml.html.parse(str(site.feeds / "index.html")).getroot()
    found = {
        (link.get("type"), link.get("href"))
        for link in page.iter("link")
        if link.get("rel") == "alternate"
    }
    assert {
        ("application/atom+xml", f"{BASE}all.atom"),
        ("application/rss+xml", f"{BASE}all.rss"),
        ("application/feed+json", f"{BASE}all.json"),
        ("application/atom+xml", f"{BASE}countries/be.atom"),
    } <= found


def test_index_escapes_what_it_shows(site: Site) -> None:
    text = (site.feeds / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in text and "<b>" not in text
    page = lxml.html.fromstring(text)
    # Herald's own script file is the page's only script; nothing the sources said is one.
    assert [script.get("src") for script in page.findall(".//script")] == ["herald.js"]
    assert not page.findall(".//b")
    cells = [td.text_content() for td in page.iter("td")]
    assert HOSTILE in cells


def test_opml_lists_every_feed_and_groups(site: Site) -> None:
    def outlines(name: str) -> list[etree._Element]:
        root = etree.parse(str(site.feeds / name)).getroot()
        assert root.get("version") == "2.0"
        assert root.findtext("head/title")
        return [o for o in root.iter("outline") if o.get("xmlUrl")]

    everything = outlines("feeds.opml")
    assert {o.get("xmlUrl") for o in everything} == {
        f"{BASE}{feed}.atom" for feed in current_feeds(site)
    }
    assert all(o.get("text") and o.get("type") == "rss" for o in everything)
    topics = outlines("topics.opml")
    assert topics and all("/topics/" in o.get("xmlUrl", "") for o in topics)
    countries = outlines("countries.opml")
    assert {o.get("text") for o in countries} >= {"Belgium", "Rwanda", "Switzerland"}
    assert all("/countries/" in o.get("xmlUrl", "") for o in countries)


def test_discovery_files_are_served_paths(site: Site) -> None:
    assert {"index.html", "feeds.opml", "topics.opml", "countries.opml"} <= {
        p.name for p in site.feeds.iterdir()
    }


def test_second_run_rewrites_no_discovery_file(site: Site) -> None:
    before = {n: (site.feeds / n).stat().st_mtime_ns for n in ("index.html", "feeds.opml")}
    site.run_once()
    after = {n: (site.feeds / n).stat().st_mtime_ns for n in ("index.html", "feeds.opml")}
    assert before == after
