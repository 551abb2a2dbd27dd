"""Full history (RFC 5005): immutable archive pages a reader can walk back through."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from herald import documents
from herald.render.atom import render_atom
from herald.render.feeds import FeedSpec
from herald.render.html import words
from herald.render.view import Paging, feed_view
from herald.store import FeedQuery

from .conftest import NOW, Site, backends, bulletin_source, numbered_listing, write_config

# Every test here runs against both stores.
store_url = pytest.fixture(params=["sqlite", "postgresql"])(backends)

A = "{http://www.w3.org/2005/Atom}"
FH = "{http://purl.org/syndication/history/1.0}"
BASE = "http://feeds.example.test/"


def links(path: Path) -> dict[str, str]:
    root = etree.parse(str(path)).getroot()
    return {link.get("rel"): link.get("href") for link in root.findall(f"{A}link")}


def ids(path: Path) -> list[str]:
    root = etree.parse(str(path)).getroot()
    return [e.findtext(f"{A}id") for e in root.iter(f"{A}entry")]


def local(site: Site, url: str) -> Path:
    assert url.startswith(BASE)
    return site.feeds / url.removeprefix(BASE)


def walk_history(site: Site, feed: str) -> list[str]:
    """What a crawler backfilling the feed finds: the current document, then prev-archive."""
    path = site.feeds / feed
    found = ids(path)
    while "prev-archive" in links(path):
        path = local(site, links(path)["prev-archive"])
        found += ids(path)
    return found


def make_site(tmp_path: Path, entries: int) -> tuple[Site, Path]:
    listing = tmp_path / "rounds.txt"
    listing.write_text(numbered_listing(entries), encoding="utf-8")
    return Site(tmp_path, write_config(tmp_path, [bulletin_source(listing, "rounds")])), listing


def test_long_feed_is_archived_in_pages_of_100(tmp_path: Path) -> None:
    site, _ = make_site(tmp_path, 250)
    site.run_once()
    current = site.feeds / "all.atom"
    assert len(ids(current)) == 50
    assert links(current)["prev-archive"] == f"{BASE}archive/all/3.atom"
    assert etree.parse(str(current)).getroot().find(f"{FH}complete") is None
    pages = [site.feeds / "archive" / "all" / f"{n}.atom" for n in (1, 2, 3)]
    assert [len(ids(p)) for p in pages] == [100, 100, 50]
    assert not (site.feeds / "archive" / "all" / "4.atom").exists()
    for number, page in enumerate(pages, start=1):
        root = etree.parse(str(page)).getroot()
        assert root.find(f"{FH}archive") is not None
        rels = links(page)
        assert rels["current"] == f"{BASE}all.atom"
        assert rels["self"] == f"{BASE}archive/all/{number}.atom"
        assert rels.get("prev-archive") == (
            f"{BASE}archive/all/{number - 1}.atom" if number > 1 else None
        )
        assert rels.get("next-archive") == (
            f"{BASE}archive/all/{number + 1}.atom" if number < 3 else None
        )
    archived = [i for p in pages for i in ids(p)]
    assert len(archived) == len(set(archived)) == 250
    assert set(walk_history(site, "all.atom")) == set(archived)
    # Each source and topic feed is archived the same way.
    assert (site.feeds / "archive" / "sources" / "rounds" / "3.atom").exists()
    assert (site.feeds / "archive" / "topics" / "transport-logistics" / "1.atom").exists()


def test_full_pages_never_change_and_new_entries_fill_the_last(tmp_path: Path) -> None:
    site, listing = make_site(tmp_path, 250)
    site.run_once()
    before = site.snapshot()
    listing.write_text(numbered_listing(310), encoding="utf-8")
    site.run_once(NOW + timedelta(hours=1))
    after = site.snapshot()
    for full in ("archive/all/1.atom", "archive/all/2.atom"):
        assert after[full] == before[full]  # same bytes, inode and modification time
    assert len(ids(site.feeds / "archive" / "all" / "3.atom")) == 100
    assert len(ids(site.feeds / "archive" / "all" / "4.atom")) == 10
    assert links(site.feeds / "all.atom")["prev-archive"] == f"{BASE}archive/all/4.atom"
    assert links(site.feeds / "archive" / "all" / "3.atom")["next-archive"].endswith("/4.atom")
    assert len(set(walk_history(site, "all.atom"))) == 310


def test_an_edited_entry_is_updated_in_the_page_that_holds_it(tmp_path: Path) -> None:
    site, listing = make_site(tmp_path, 250)
    site.run_once()
    before = site.snapshot()
    listing.write_text(
        numbered_listing(250).replace(
            "Experts met for round 7 of", "Experts and officials met for round 7 of"
        ),
        encoding="utf-8",
    )
    site.run_once(NOW + timedelta(hours=1))
    after = site.snapshot()
    assert b"Experts and officials met for round 7 of" in after["archive/all/1.atom"][0]
    assert after["archive/all/2.atom"] == before["archive/all/2.atom"]
    assert after["archive/all/3.atom"] == before["archive/all/3.atom"]


def test_short_feed_is_complete_and_has_no_archive(tmp_path: Path) -> None:
    site, _ = make_site(tmp_path, 20)
    site.run_once()
    root = etree.parse(str(site.feeds / "all.atom")).getroot()
    assert root.find(f"{FH}complete") is not None
    assert "prev-archive" not in links(site.feeds / "all.atom")
    assert not (site.feeds / "archive").exists()


def test_a_lost_page_is_restored_and_a_new_title_reaches_every_page(tmp_path: Path) -> None:
    site, _ = make_site(tmp_path, 250)
    site.run_once()
    page = site.feeds / "archive" / "all" / "1.atom"
    original = page.read_bytes()
    page.unlink()
    site.run_once(NOW + timedelta(hours=1))
    assert page.read_bytes() == original
    site.config.write_text(
        site.config.read_text(encoding="utf-8").replace("Herald test", "Bulletins"), "utf-8"
    )
    site.run_once(NOW + timedelta(hours=2))
    assert b"<title>Bulletins</title>" in page.read_bytes()


def copy_store(site: Site, into: Site) -> None:
    """Give `into` the store of `site`: a copy of its SQLite file; a PostgreSQL database
    the two configurations name already."""
    database = site.folder / "var" / "herald.sqlite"
    if database.exists():
        (into.folder / "var").mkdir(exist_ok=True)
        shutil.copy(database, into.folder / "var" / "herald.sqlite")


def test_incremental_publishing_equals_a_full_publish_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages rendered from kept entry bytes, run after run, are the pages a fresh publish of
    the same store writes; a small entry cache forces entries to be rendered again."""
    (tmp_path / "growing").mkdir()
    growing, listing = make_site(tmp_path / "growing", 180)
    growing.run_once()
    listing.write_text(numbered_listing(180) + numbered_listing(150, first=180), "utf-8")
    growing.run_once(NOW + timedelta(hours=1))
    listing.write_text(numbered_listing(180) + numbered_listing(260, first=180), "utf-8")
    growing.run_once(NOW + timedelta(hours=2))

    fresh_folder = tmp_path / "fresh"
    fresh_folder.mkdir()
    fresh, _ = make_site(fresh_folder, 1)
    copy_store(growing, fresh)
    monkeypatch.setattr(documents, "KEPT_ENTRIES", 7)
    pipeline = fresh.pipeline()
    try:
        published = pipeline.publish()
    finally:
        pipeline.store.close()
    assert published.rendered > 50
    grown = {k: v[0] for k, v in growing.snapshot().items() if not k.startswith(".")}
    made = {k: v[0] for k, v in fresh.snapshot().items() if not k.startswith(".")}
    assert sorted(made) == sorted(grown)
    assert [k for k in grown if grown[k] != made[k]] == []
    assert len([k for k in grown if k.startswith("archive/")]) >= 12


def test_an_archive_page_from_kept_entries_is_the_page_rendered_whole(tmp_path: Path) -> None:
    site, _ = make_site(tmp_path, 250)
    site.run_once()
    store = site.store()
    try:
        first_hundred = store.revisions(FeedQuery())[:100]
        rows = store.entry_rows(FeedQuery(), first_hundred[0][0], first_hundred[-1][0])
        tagged = list(store.get_many([r.id for r in rows], evidence=False).values())
        view = feed_view(
            FeedSpec("all", "Everything", "Herald test", FeedQuery(), words(None)["about_all"]),
            tagged,
            base_url=BASE,
            author="Herald test",
            source_names={"rounds": "Ministry of Foreign Affairs of Kazakhstan"},
            fallback_updated=NOW,
            paging=Paging(archive=True, current="all", next_archive="archive/all/2"),
            path="archive/all/1",
        )
    finally:
        store.close()
    assert len(view.entries) == 100
    assert (site.feeds / "archive" / "all" / "1.atom").read_bytes() == render_atom(view)


def test_a_publish_reads_only_the_feeds_that_changed(tmp_path: Path) -> None:
    rounds = tmp_path / "rounds.txt"
    other = tmp_path / "other.txt"
    rounds.write_text(numbered_listing(120), encoding="utf-8")
    other.write_text(numbered_listing(230, first=500), encoding="utf-8")
    sources = [bulletin_source(rounds, "rounds"), bulletin_source(other, "other")]
    site = Site(tmp_path, write_config(tmp_path, sources))
    site.run_once()
    rounds.write_text(numbered_listing(130), encoding="utf-8")

    def publish_reading(now: datetime) -> dict[tuple[str | None, str | None], int]:
        """Run, and say from which arrival number on each feed's articles were read."""
        pipeline = site.pipeline()
        read: dict[tuple[str | None, str | None], int] = {}
        revisions = pipeline.store.revisions

        def counted(query: FeedQuery, *args: Any, **kwargs: Any) -> list[tuple[int, int]]:
            read[(query.source_id, query.family)] = kwargs.get("since", 0)
            return revisions(query, *args, **kwargs)

        pipeline.store.revisions = counted  # type: ignore[method-assign]
        try:
            pipeline.run_once(now)
        finally:
            pipeline.store.close()
        return read

    # Ten new entries: the feeds that grew are read from their last archive page on.
    read = publish_reading(NOW + timedelta(hours=1))
    assert read[("rounds", None)] > 1 and read[(None, None)] > 1
    assert ("other", None) not in read  # its archive is as it was: not even read
    assert len(ids(site.feeds / "sources" / "other.atom")) == 50
    assert (site.feeds / "archive" / "sources" / "other" / "3.atom").exists()
    # An old entry edited: its feeds are read whole.
    rounds.write_text(
        numbered_listing(130).replace("round 3 of consultations", "round 3 (edited) of talks"),
        encoding="utf-8",
    )
    assert "(edited)" in rounds.read_text(encoding="utf-8")
    read = publish_reading(NOW + timedelta(hours=2))
    assert read[("rounds", None)] == 0 and read[(None, None)] == 0
    # ... and what it left is what a publish of everything from the same store writes.
    fresh_folder = tmp_path / "fresh"
    fresh_folder.mkdir()
    fresh = Site(fresh_folder, write_config(fresh_folder, sources))
    copy_store(site, fresh)
    pipeline = fresh.pipeline()
    try:
        pipeline.publish()
    finally:
        pipeline.store.close()
    kept = {k: v[0] for k, v in site.snapshot().items() if not k.startswith(".")}
    made = {k: v[0] for k, v in fresh.snapshot().items() if not k.startswith(".")}
    assert sorted(kept) == sorted(made)
    assert [path for path in kept if kept[path] != made[path]] == []


def test_a_first_publish_reads_each_article_once(tmp_path: Path) -> None:
    """An article's page is rendered after the archive pages that read it, from what they
    read: a first publish of 250 articles reads each from the store once, and its pages are
    the pages a publish of them alone renders."""
    site, _ = make_site(tmp_path, 250)
    pipeline = site.pipeline()
    read: Counter[str] = Counter()
    get_many = pipeline.store.get_many

    def counted(ids: Iterable[str], **kwargs: Any) -> dict[str, Any]:
        ids = list(ids)
        read.update(ids)
        return get_many(ids, **kwargs)

    pipeline.store.get_many = counted  # type: ignore[method-assign]
    try:
        pipeline.run_once(NOW)
        stored = pipeline.store.changes(FeedQuery())
    finally:
        pipeline.store.close()
    ids = [article_id for article_id, _, _ in stored]
    assert len(ids) == 250 and set(read) == set(ids)
    assert max(read.values()) == 2  # once to see if it was stored, once to publish
    pages = {
        p.relative_to(site.feeds): p.read_bytes() for p in (site.feeds / "articles").rglob("*.html")
    }
    assert len(pages) == 250
    (site.feeds / "articles").rename(tmp_path / "first")  # every page rendered again alone
    site.run_once(NOW + timedelta(hours=1))
    again = {
        p.relative_to(site.feeds): p.read_bytes() for p in (site.feeds / "articles").rglob("*.html")
    }
    assert again == pages


def test_a_feed_of_exactly_two_hundred_grows_from_its_empty_last_page(tmp_path: Path) -> None:
    site, listing = make_site(tmp_path, 200)
    site.run_once()
    pages = sorted(p.name for p in (site.feeds / "archive" / "all").iterdir())
    assert pages == ["1.atom", "2.atom", "3.atom"]
    assert ids(site.feeds / "archive" / "all" / "3.atom") == []  # the last page is never full
    listing.write_text(numbered_listing(205), encoding="utf-8")
    site.run_once(NOW + timedelta(hours=1))
    assert len(ids(site.feeds / "archive" / "all" / "3.atom")) == 5
    assert walk_history(site, "all.atom")[:50] == ids(site.feeds / "all.atom")
    assert len(set(walk_history(site, "all.atom"))) == 205
