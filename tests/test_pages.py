"""Pages for people: an article page per article, a page beside each feed, the index;
what readers open from an entry; pages rendered only when what they show changed."""

from __future__ import annotations

import json
import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import pytest
from lxml import etree, html

from herald import article_pages as documents_module
from herald.publish import DirectoryPublisher

from .conftest import NOW, ROOT, SAMPLE, Site, bulletin_source, installed, write_config

A = "{http://www.w3.org/2005/Atom}"
BASE = "http://feeds.example.test/"


def pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def local_links(page: Path, root: Path) -> list[Path]:
    """Where the page's relative links and stylesheets lead, as files in `root`."""
    tree = html.parse(str(page))
    targets = []
    for element, attribute, link, _ in tree.getroot().iterlinks():
        parts = urlsplit(link)
        if parts.scheme or parts.netloc or element.tag == "form":
            continue
        if parts.path.endswith(("filter.atom", "filter.rss", "filter.json")):
            continue  # answered by herald serve from the store, not a file
        assert attribute in ("href", "src", "action"), (page, link)
        target = (page.parent / parts.path).resolve()
        assert target.is_relative_to(root.resolve()), (page, link)
        targets.append(target)
    return targets


@pytest.fixture
def site(tmp_path: Path, listing: Path) -> Site:
    feed = tmp_path / "office.xml"
    feed.write_bytes((ROOT / "tests" / "data" / "http" / "atom.xml").read_bytes())
    sources = [
        bulletin_source(listing),
        {"id": "office", "name": "Trade office", "kind": "feed", "url": str(feed)},
        bulletin_source(tmp_path / "missing.txt", "gone", name="A source that is gone"),
    ]
    site = Site(tmp_path, write_config(tmp_path, sources, base_url=BASE))
    site.run_once()
    return site


def test_every_entry_links_a_page_that_exists_and_never_its_id(site: Site) -> None:
    def check(name: str, link: str, entry_id: str) -> None:
        assert link != entry_id, (name, link)
        if link.startswith("http://trade-office.example/"):
            return  # the source's own page
        assert link.startswith(f"{BASE}articles/"), (name, link)
        assert (site.feeds / link.removeprefix(BASE)).is_file()

    for name in ("all.atom", "all.rss"):
        parsed = feedparser.parse(site.feeds / name)
        assert len(parsed.entries) == 10, name
        for entry in parsed.entries:
            check(name, entry.link, entry.id)
    items = json.loads((site.feeds / "all.json").read_text(encoding="utf-8"))["items"]
    assert len(items) == 10
    for item in items:
        check("all.json", item["url"], item["id"])


def test_an_article_page_says_what_the_entry_says(site: Site) -> None:
    atom = etree.parse(site.feeds / "all.atom").getroot()
    for entry in atom.iter(f"{A}entry"):
        link = entry.find(f"{A}link").get("href")
        title = entry.findtext(f"{A}title")
        if link.startswith("http://trade-office.example/"):
            page_id = entry.findtext(f"{A}id").rsplit(":", 1)[-1]
            page = site.feeds / "articles" / page_id[:2] / f"{page_id}.html"
            text = page.read_text(encoding="utf-8")
            assert f'<a href="{link}">Read it at the source</a>' in text
        else:
            page = site.feeds / link.removeprefix(BASE)
            text = page.read_text(encoding="utf-8")
        document = html.fromstring(text)
        assert document.findtext(".//h1") == title
        assert document.get("lang") == "en"
        terms = {c.get("term") for c in entry.iter(f"{A}category")}
        tagged = [a.text for a in document.xpath("//p[@class='tags']/a")]
        assert len(tagged) <= len(terms)
        if "BE" in terms:
            assert "Belgium" in tagged
        assert document.xpath("//time/@datetime")[0] == entry.findtext(f"{A}published")


def test_every_relative_link_on_every_page_leads_to_a_file(site: Site) -> None:
    found = pages(site.feeds)
    assert len([p for p in found if "articles" in p.parts]) == 10
    assert (site.feeds / "countries" / "be.html").is_file()
    for page in found:
        for target in local_links(page, site.feeds):
            assert target.is_file(), (page, target)


def test_a_feed_page_offers_its_url_formats_and_newest_entries(site: Site) -> None:
    page = html.parse(str(site.feeds / "countries" / "be.html")).getroot()
    assert page.get_element_by_id("feed-url").get("value") == f"{BASE}countries/be.atom"
    assert page.xpath("//p[@class='formats']/a/@href") == ["be.atom", "be.rss", "be.json"]
    discovery = page.xpath("//link[@rel='alternate']/@href")
    assert discovery == [f"{BASE}countries/be{s}" for s in (".atom", ".rss", ".json")]
    headlines = page.xpath("//ol[@class='entries']/li/a/text()")
    atom = etree.parse(site.feeds / "countries" / "be.atom").getroot()
    assert headlines == [e.findtext(f"{A}title") for e in atom.iter(f"{A}entry")]
    # The feed names its page as its alternate for people, in every format.
    assert f'<link href="{BASE}countries/be.html" rel="alternate" type="text/html"/>' in (
        (site.feeds / "countries" / "be.atom").read_text(encoding="utf-8")
    )


def test_the_index_lists_what_each_feed_holds_and_how_each_source_does(site: Site) -> None:
    page = html.parse(str(site.feeds / "index.html")).getroot()
    lists = page.xpath("//section[@class='lists']//a/@href")
    assert lists[:2] == ["sources.opml", "feeds.opml"]
    for name in lists:
        assert (site.feeds / name).is_file(), name
    assert "sources/office.atom" in (site.feeds / "sources.opml").read_text(encoding="utf-8")
    sections = {s.findtext("h2"): s for s in page.xpath("//main/section")}
    countries = [a.text for a in sections["Countries"].xpath(".//tbody/tr/td[1]/a")]
    assert countries == sorted(countries, key=str.casefold) and len(countries) > 3
    # Each feed's name opens its page; feeds.opml says how often a reader sees an article:
    # the entries of every feed listed, over the articles there are.
    names = page.xpath("//main/section/div/table/tbody/tr/td[1]/a/@href")
    assert "countries/be.html" in names and all(n.endswith(".html") for n in names)
    rows = page.xpath("//main/section/div/table/tbody/tr[td[1]/a]")
    listed = sum(int(row.xpath("td[2]")[0].text) for row in rows)
    opml = page.xpath("//section[@class='lists']//li[a='feeds.opml']")[0].text_content()
    assert f"about {round(listed / 10)} times" in opml
    health = {
        row.xpath("td[1]")[0].text: row.get("class")
        for row in sections["Sources"].xpath(".//tbody/tr")
    }
    assert health == {
        "Ministry of Foreign Affairs of Kazakhstan": "ok",
        "Trade office": "ok",
        "A source that is gone": "failed",
    }
    assert "missing.txt" in html.tostring(sections["Sources"], encoding="unicode")
    assert page.xpath("//link[@rel='icon']/@href") == ["favicon.svg"]


def test_the_index_counts_what_a_feed_holds_not_its_history(tmp_path: Path) -> None:
    from .conftest import numbered_listing

    listing = tmp_path / "rounds.txt"
    listing.write_text(numbered_listing(70), encoding="utf-8")
    site = Site(tmp_path, write_config(tmp_path, [bulletin_source(listing, "rounds")]))
    site.run_once()
    page = html.parse(str(site.feeds / "index.html")).getroot()
    counts = {
        row.xpath("td[1]/a")[0].text: row.xpath("td[2]")[0].text
        for row in page.xpath("//tbody/tr")
        if row.xpath("td[1]/a")
    }
    assert counts["Everything"] == "50"  # max_entries; the other 20 are in the archive
    feed_page = (site.feeds / "all.html").read_text(encoding="utf-8")
    assert "newest 50 of 70 entries" in feed_page


def test_article_pages_are_rendered_only_when_their_article_changed(
    site: Site, listing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[str] = []
    real = documents_module.render_article_page

    def counted(*args: Any, **kwargs: Any) -> bytes:
        rendered.append(args[1].title)
        return real(*args, **kwargs)

    monkeypatch.setattr(documents_module, "render_article_page", counted)
    before = site.snapshot()
    site.run_once(NOW + timedelta(hours=1))  # nothing changed
    assert rendered == []
    text = listing.read_text(encoding="utf-8")
    listing.write_text(text.replace("Letters of Credence", "Letters of Credence (edited)"), "utf-8")
    site.run_once(NOW + timedelta(hours=2))
    assert len(rendered) == 1 and "(edited)" in rendered[0]
    after = site.snapshot()
    changed = [p for p in after if p.startswith("articles/") and after[p] != before[p]]
    assert len(changed) == 1


def spanish_site(folder: Path) -> Site:
    """The sample published with a Spanish tree by Apertium."""
    installed("apertium", packages="apertium apertium-eng-spa")
    extra = '[translate]\ntargets = ["es"]\nengine = "apertium"'
    site = Site(folder, write_config(folder, [bulletin_source(SAMPLE)], base_url=BASE, extra=extra))
    site.run_once()
    return site


def test_a_translated_tree_speaks_its_language(tmp_path: Path) -> None:
    site = spanish_site(tmp_path)
    index = html.parse(str(site.feeds / "es" / "index.html")).getroot()
    assert index.get("lang") == "es"
    headings = [h.text for h in index.xpath("//h2")]
    assert {"Temas", "Países", "Fuentes"} <= set(headings)
    assert "Bélgica" in index.xpath("//td/a/text()")
    assert "Salud" in index.xpath("//td/a/text()") or "Política y reformas" in index.xpath(
        "//td/a/text()"
    )
    belgium = etree.parse(site.feeds / "es" / "countries" / "be.atom").getroot()
    assert belgium.findtext(f"{A}title") == "Herald test: Bélgica"
    opml = (site.feeds / "es" / "countries.opml").read_text(encoding="utf-8")
    assert 'text="Bélgica"' in opml and "Belgium" not in opml
    feed_page = html.parse(str(site.feeds / "es" / "countries" / "be.html")).getroot()
    assert feed_page.get("lang") == "es"
    assert feed_page.xpath("//button[@data-copy='feed-url']/text()") == ["Copiar"]
    assert feed_page.xpath("//form[@class='filter']/button/text()") == ["Crear el canal"]
    assert feed_page.xpath("//form[@class='filter']/input[@name='lang']/@value") == ["es"]
    # An article's page in the Spanish tree says it is a machine translation, and links the
    # same article's page in the original tree, which links back.
    entry = belgium.find(f"{A}entry")
    link = entry.find(f"{A}link").get("href")
    assert link.startswith(f"{BASE}es/articles/")
    page = site.feeds / link.removeprefix(BASE)
    article = html.parse(str(page)).getroot()
    tagged = article.xpath("//p[@class='tags']/a/text()")
    assert "Bélgica" in tagged and "Belgium" not in tagged
    assert "Comercio e inversión" in tagged  # the topic's label in this tree
    assert article.xpath("//article/@lang") == ["es"]
    assert "Traducción automática (apertium)" in article.xpath("//p[@class='note']/text()")[0]
    original = article.xpath("//p[@class='versions']/a")
    assert [(a.get("hreflang"), (page.parent / a.get("href")).resolve()) for a in original] == [
        ("", (site.feeds / link.removeprefix(BASE + "es/")).resolve())
    ]
    english = html.parse(str(site.feeds / link.removeprefix(BASE + "es/"))).getroot()
    assert english.xpath("//p[@class='versions']/a/@hreflang") == ["es"]
    for found in pages(site.feeds):
        for target in local_links(found, site.feeds):
            assert target.is_file(), (found, target)
    assert not re.search(r"\(es\)", (site.feeds / "es" / "all.atom").read_text("utf-8"))


def test_a_page_removed_from_the_directory_is_published_again(site: Site) -> None:
    page = next((site.feeds / "articles").rglob("*.html"))
    kept = page.read_bytes()
    page.unlink()
    site.run_once(NOW + timedelta(hours=1))  # nothing changed in the sources
    assert page.read_bytes() == kept


def test_an_idle_publish_looks_at_the_folders_not_every_file(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With nothing changed, a publish that found every file there notes how their folders
    look; the next sees from the folders alone that nothing is missing, and a page removed
    since changes its folder, so it is looked for and published again."""
    site.run_once()
    site.run_once(NOW + timedelta(minutes=30))
    noted = site.feeds / ".herald-staging" / "folders"
    assert not noted.exists()  # every folder changed just now: nothing to trust yet
    monkeypatch.setattr("herald.filestate.RACY_NS", 0)  # no waiting out the clock tick
    site.run_once(NOW + timedelta(hours=1))
    assert noted.is_file()
    listed: list[str] = []
    files_under = DirectoryPublisher.files_under

    def listing(publisher: DirectoryPublisher, folder: str) -> set[str]:
        listed.append(folder)
        return files_under(publisher, folder)

    monkeypatch.setattr(DirectoryPublisher, "files_under", listing)
    site.run_once(NOW + timedelta(hours=2))
    assert listed == []  # 9 pages in 9 folders, and not one listing of them
    page = next((site.feeds / "articles").rglob("*.html"))
    kept = page.read_bytes()
    page.unlink()
    site.run_once(NOW + timedelta(hours=3))
    assert page.read_bytes() == kept and listed


def test_a_new_article_lists_only_the_folders_it_changed(
    tmp_path: Path, listing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A publish counts the pages the last one left from each folder's `stat` and adds
    the pages it writes: a new article costs no listing of the pages. The next look lists
    the folders the new page went into, not the others."""
    monkeypatch.setattr("herald.filestate.RACY_NS", 0)  # no waiting out the clock tick
    site = Site(tmp_path, write_config(tmp_path, [bulletin_source(listing)], base_url=BASE))
    site.run_once()  # counts the pages' folders as it leaves them
    listed: list[str] = []
    scandir = os.scandir

    def listing_of(path: Any) -> Any:
        listed.append(os.path.relpath(path, site.feeds))
        return scandir(path)

    entry = "12.03.2026, 09:30 7001\nAmbassador Meets the Mayor of Ghent\nThey discussed trade.\n"
    listing.write_text(entry + listing.read_text(encoding="utf-8"), encoding="utf-8")
    before = site.snapshot()
    with monkeypatch.context() as patched:
        patched.setattr(os, "scandir", listing_of)
        site.run_once(NOW + timedelta(hours=1))
    assert not [p for p in listed if p.startswith("articles")]
    manifest = (site.feeds / ".herald-manifest").read_text(encoding="utf-8")
    assert "articles/\t10\n" in manifest  # the count the next publish compares with
    after = site.snapshot()
    changed = {
        p.rpartition("/")[0]
        for p in after
        if p.startswith("articles/") and before.get(p) != after[p]
    }
    new_page = next(p for p in pages(site.feeds / "articles") if "Ghent" in p.read_text("utf-8"))
    assert str(new_page.parent.relative_to(site.feeds)) in changed
    with monkeypatch.context() as patched:
        patched.setattr(os, "scandir", listing_of)
        site.run_once(NOW + timedelta(hours=2))  # nothing new: the pages are looked for
    assert {p for p in listed if p.startswith("articles/")} == changed


def test_a_source_that_starts_failing_shows_on_the_index(site: Site, listing: Path) -> None:
    listing.unlink()
    site.run_once(NOW + timedelta(hours=1))  # nothing new to publish but the failure
    page = html.parse(str(site.feeds / "index.html")).getroot()
    rows = page.xpath("//tr[td[1]='Ministry of Foreign Affairs of Kazakhstan']")
    assert rows and rows[-1].get("class") == "failed"
    assert "file not found" in html.tostring(rows[-1], encoding="unicode")


def test_a_tree_no_longer_published_takes_its_article_pages_with_it(tmp_path: Path) -> None:
    site = spanish_site(tmp_path)
    assert len(list((site.feeds / "es" / "articles").rglob("*.html"))) == 9
    write_config(tmp_path, [bulletin_source(SAMPLE)], base_url=BASE)  # translation off
    site.run_once(NOW + timedelta(hours=1))
    assert not (site.feeds / "es" / "articles").exists()
    assert not (site.feeds / "es" / "all.atom").exists()
    assert len(list((site.feeds / "articles").rglob("*.html"))) == 9
    manifest = (site.feeds / ".herald-manifest").read_text(encoding="utf-8")
    assert "articles/\t9\n" in manifest  # the folder, with how many pages it holds
