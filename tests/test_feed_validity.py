"""Every produced feed parses back and meets RFC 4287's must-haves."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from lxml import etree

from .conftest import DATA, SAMPLE, Site, bulletin_source, write_config

A = "{http://www.w3.org/2005/Atom}"
BASE = "http://feeds.example.test/"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def atom_problems(path: Path, served_at: str) -> list[str]:
    """What in an Atom document breaks a MUST of RFC 4287, as readable lines."""
    problems = []
    feed = etree.parse(str(path)).getroot()
    if feed.tag != f"{A}feed":
        return [f"root is {feed.tag}"]

    def one(parent: etree._Element, name: str, where: str) -> etree._Element | None:
        found = parent.findall(f"{A}{name}")
        if len(found) != 1:
            problems.append(f"{where}: {len(found)} <{name}> elements, want exactly 1")
            return None
        return found[0]

    for name in ("id", "title", "updated"):
        one(feed, name, "feed")
    selfs = [link.get("href") for link in feed.findall(f"{A}link") if link.get("rel") == "self"]
    if selfs != [served_at]:
        problems.append(f"feed: self links {selfs}, want [{served_at}]")
    feed_author = feed.find(f"{A}author/{A}name") is not None
    ids = []
    for index, entry in enumerate(feed.findall(f"{A}entry")):
        where = f"entry {index}"
        for name in ("id", "title", "updated"):
            one(entry, name, where)
        ids.append(entry.findtext(f"{A}id"))
        if not feed_author and entry.find(f"{A}author/{A}name") is None:
            problems.append(f"{where}: no author")
        if entry.find(f"{A}content") is None and not any(
            link.get("rel", "alternate") == "alternate" for link in entry.findall(f"{A}link")
        ):
            problems.append(f"{where}: neither content nor alternate link")
        for name in ("published", "updated"):
            value = entry.findtext(f"{A}{name}")
            if value is not None and not RFC3339.match(value):
                problems.append(f"{where}: {name} {value!r} is not RFC 3339")
        for category in entry.findall(f"{A}category"):
            if not category.get("term"):
                problems.append(f"{where}: category without term")
            scheme = category.get("scheme", "")
            if not scheme.startswith(BASE):
                problems.append(f"{where}: category scheme {scheme!r}")
    for holder in (feed, *feed.findall(f"{A}entry")):
        alternates = [
            (link.get("type"), link.get("hreflang"))
            for link in holder.findall(f"{A}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        if len(alternates) != len(set(alternates)):
            problems.append(
                f"{holder.findtext(f'{A}id')}: two alternate links of one type+hreflang"
            )
    for link in feed.iter(f"{A}link"):
        if not urlsplit(link.get("href", "")).scheme:
            problems.append(f"link {link.get('href')!r} is not absolute")
    if not RFC3339.match(feed.findtext(f"{A}updated") or ""):
        problems.append("feed: updated is not RFC 3339")
    if len(ids) != len(set(ids)):
        problems.append("entry ids are not unique")
    if any(not i or not urlsplit(i).scheme for i in ids):
        problems.append("an entry id is not an IRI")
    return problems


@pytest.fixture(scope="module")
def produced(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("valid")
    sources = [
        bulletin_source(SAMPLE),
        bulletin_source(DATA / "bulletins" / "edge-cases.txt", "edge-cases"),
    ]
    site = Site(folder, write_config(folder, sources, base_url=BASE))
    site.run_once()
    feeds = sorted(site.feeds.rglob("*.atom"))
    return [folder / "feeds", *feeds]


def test_feeds_were_produced(produced: list[Path]) -> None:
    root, *feeds = produced
    assert len(feeds) > 20
    assert (root / "sources" / "edge-cases.atom") in feeds


def test_every_feed_meets_rfc_4287(produced: list[Path]) -> None:
    root, *feeds = produced
    for feed in feeds:
        served_at = BASE + str(feed.relative_to(root))
        assert atom_problems(feed, served_at) == [], feed


def test_every_feed_reads_cleanly_in_feedparser(produced: list[Path]) -> None:
    _root, *feeds = produced
    for feed in feeds:
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, (feed, parsed.get("bozo_exception"))
        xml_entries = etree.parse(str(feed)).getroot().findall(f"{A}entry")
        assert [e.id for e in parsed.entries] == [x.findtext(f"{A}id") for x in xml_entries]
        assert all(e.get("updated_parsed") for e in parsed.entries)


def test_the_checker_catches_broken_feeds(tmp_path: Path) -> None:
    broken = tmp_path / "broken.atom"
    broken.write_text(
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        "<updated>yesterday</updated>"
        "<entry><id>a</id><title>x</title>"
        '<link type="text/html" href="http://a.test/1"/>'
        '<link rel="alternate" type="text/html" href="http://a.test/2"/>'
        "</entry>"
        "<entry><id>a</id><title>y</title><updated>2026-01-01T00:00:00Z</updated></entry>"
        "</feed>",
        encoding="utf-8",
    )
    problems = atom_problems(broken, BASE + "broken.atom")
    assert "feed: 0 <id> elements, want exactly 1" in problems
    assert "entry 0: 0 <updated> elements, want exactly 1" in problems
    assert "entry ids are not unique" in problems
    assert "a: two alternate links of one type+hreflang" in problems
    assert "feed: updated is not RFC 3339" in problems
    assert any(p.startswith("feed: self links") for p in problems)
    assert any(p.endswith("no author") for p in problems)
