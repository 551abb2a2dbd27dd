"""Atom, RSS 2.0 and JSON Feed: each valid, and all three saying the same."""

from __future__ import annotations

import json
import re
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from .conftest import DATA, SAMPLE, Site, bulletin_source, numbered_listing, write_config
from .test_feed_validity import BASE, RFC3339, A, atom_problems

RFC822 = re.compile(r"^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4}$")
DC = "{http://purl.org/dc/elements/1.1/}"
ATOM_LINK = "{http://www.w3.org/2005/Atom}link"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    folder = tmp_path_factory.mktemp("formats")
    (folder / "rounds.txt").write_text(numbered_listing(130), encoding="utf-8")
    sources = [
        bulletin_source(SAMPLE),
        bulletin_source(DATA / "bulletins" / "edge-cases.txt", "edge-cases"),
        bulletin_source(folder / "rounds.txt", "rounds"),
    ]
    site = Site(folder, write_config(folder, sources, base_url=BASE))
    site.run_once()
    return site


def feeds_of(site: Site, suffix: str) -> list[Path]:
    return sorted(p for p in site.feeds.rglob(f"*{suffix}") if "archive" not in p.parts)


def rss_problems(path: Path, served_at: str) -> list[str]:
    problems = []
    channel = etree.parse(str(path)).getroot().find("channel")
    assert channel is not None
    for name in ("title", "link", "description"):
        if not (channel.findtext(name) or "").strip():
            problems.append(f"channel: no {name}")
    selfs = [link.get("href") for link in channel.findall(ATOM_LINK) if link.get("rel") == "self"]
    if selfs != [served_at]:
        problems.append(f"channel: atom:link self {selfs}")
    for index, item in enumerate(channel.findall("item")):
        where = f"item {index}"
        guid = item.find("guid")
        if guid is None or guid.get("isPermaLink") != "false":
            problems.append(f"{where}: guid missing or a permalink")
        if not RFC822.match(item.findtext("pubDate") or ""):
            problems.append(f"{where}: pubDate {item.findtext('pubDate')!r}")
        if item.find("author") is not None or not item.findtext(f"{DC}creator"):
            problems.append(f"{where}: wants dc:creator, not author")
    return problems


def json_problems(path: Path, served_at: str) -> list[str]:
    feed = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    if feed.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append("version")
    if not feed.get("title") or feed.get("feed_url") != served_at:
        problems.append("title or feed_url")
    if not isinstance(feed.get("authors"), list) or not feed["authors"][0].get("name"):
        problems.append("authors")
    for index, item in enumerate(feed["items"]):
        if not isinstance(item.get("id"), str) or not item["id"]:
            problems.append(f"item {index}: id")
        if "content_html" not in item and "content_text" not in item:
            problems.append(f"item {index}: content")
        for key in ("date_published", "date_modified"):
            if not RFC3339.match(item.get(key, "")):
                problems.append(f"item {index}: {key}")
        if not isinstance(item.get("tags"), list) or "author" in item:
            problems.append(f"item {index}: tags or author")
    return problems


def test_every_feed_exists_in_three_formats(site: Site) -> None:
    names = {str(p.relative_to(site.feeds).with_suffix("")) for p in feeds_of(site, ".atom")}
    assert len(names) > 20
    for suffix in (".rss", ".json"):
        others = {str(p.relative_to(site.feeds).with_suffix("")) for p in feeds_of(site, suffix)}
        assert others == names, suffix


def test_rss_and_json_feed_meet_their_specs(site: Site) -> None:
    for path in feeds_of(site, ".rss"):
        assert rss_problems(path, BASE + str(path.relative_to(site.feeds))) == [], path
    for path in feeds_of(site, ".json"):
        assert json_problems(path, BASE + str(path.relative_to(site.feeds))) == [], path


def test_all_documents_meet_rfc_4287_including_archives(site: Site) -> None:
    atoms = sorted(site.feeds.rglob("*.atom"))
    assert any("archive" in p.parts for p in atoms)
    for path in atoms:
        assert atom_problems(path, BASE + str(path.relative_to(site.feeds))) == [], path


def test_three_formats_carry_the_same_entries(site: Site) -> None:
    for atom in feeds_of(site, ".atom"):
        readings = []
        for suffix in (".atom", ".rss"):
            parsed = feedparser.parse(atom.with_suffix(suffix).read_bytes())
            assert not parsed.bozo, (atom.with_suffix(suffix), parsed.get("bozo_exception"))
            readings.append(
                [
                    (
                        e.id,
                        e.title,
                        tuple(e.published_parsed[:6]),
                        sorted(t.get("label") or t.term for t in e.get("tags", [])),
                    )
                    for e in parsed.entries
                ]
            )
        # feedparser 6 does not read JSON Feed; read it as the JSON it is.
        items = json.loads(atom.with_suffix(".json").read_text(encoding="utf-8"))["items"]
        readings.append(
            [
                (
                    i["id"],
                    i["title"],
                    tuple(datetime.fromisoformat(i["date_published"]).utctimetuple()[:6]),
                    sorted(i["tags"]),
                )
                for i in items
            ]
        )
        assert readings[0] == readings[1] == readings[2], atom
        rss_dates = [
            parsedate_to_datetime(i.findtext("pubDate") or "")
            for i in etree.parse(str(atom.with_suffix(".rss"))).getroot().iter("item")
        ]
        atom_dates = [
            e.findtext(f"{A}published") for e in etree.parse(str(atom)).getroot().iter(f"{A}entry")
        ]
        assert [d.isoformat() for d in rss_dates] == atom_dates


def test_feed_ids_and_entry_ids_are_absolute_iris(site: Site) -> None:
    feed = json.loads((site.feeds / "all.json").read_text(encoding="utf-8"))
    assert all(item["id"].startswith("urn:uuid:") for item in feed["items"])
    assert feed["language"] == "en"


PICTURE_BODY = (
    "&lt;p&gt;The forum opened.&lt;/p&gt;"
    '&lt;p&gt;&lt;img src="http://office.example/pictures/forum.jpg" alt="The hall"&gt;&lt;/p&gt;'
)
PICTURES = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>tag:office.example,2026:news</id>
  <title>Office</title>
  <updated>2026-04-11T12:00:00Z</updated>
  <author><name>Office</name></author>
  <entry>
    <id>tag:office.example,2026:news/1</id>
    <title>Trade &amp; Investment &lt;Forum&gt; Opens in Almaty</title>
    <link rel="alternate" href="http://office.example/news/1"/>
    <updated>2026-04-11T12:00:00Z</updated>
    <content type="html">{PICTURE_BODY}</content>
  </entry>
  <entry>
    <id>tag:office.example,2026:news/2</id>
    <title>A Notice Without a Body</title>
    <updated>2026-04-10T12:00:00Z</updated>
  </entry>
</feed>
"""


@pytest.fixture(scope="module")
def pictured(tmp_path_factory: pytest.TempPathFactory) -> Site:
    folder = tmp_path_factory.mktemp("pictures")
    (folder / "office.xml").write_text(PICTURES, encoding="utf-8")
    source = {"id": "office", "name": "Office", "kind": "feed", "url": str(folder / "office.xml")}
    site = Site(folder, write_config(folder, [source], base_url=BASE))
    site.run_once()
    return site


def test_a_picture_travels_in_every_format(pictured: Site) -> None:
    picture = "http://office.example/pictures/forum.jpg"
    atom = etree.parse(pictured.feeds / "all.atom").getroot()
    links = [
        (link.get("rel"), link.get("type"), link.get("href"))
        for entry in atom.iter(f"{A}entry")
        for link in entry.iter(f"{A}link")
        if link.get("rel") == "enclosure"
    ]
    assert links == [("enclosure", "image/jpeg", picture)]
    rss = etree.parse(pictured.feeds / "all.rss").getroot()
    thumbnails = rss.findall("channel/item/{http://search.yahoo.com/mrss/}thumbnail")
    assert [t.get("url") for t in thumbnails] == [picture]
    items = json.loads((pictured.feeds / "all.json").read_text(encoding="utf-8"))["items"]
    assert [item.get("image") for item in items] == [picture, None]
    parsed = feedparser.parse(pictured.feeds / "all.atom")
    assert parsed.entries[0].enclosures[0].href == picture


def test_feeds_have_an_icon_a_logo_and_say_what_they_hold(pictured: Site) -> None:
    atom = etree.parse(pictured.feeds / "sources" / "office.atom").getroot()
    assert atom.findtext(f"{A}subtitle") == "Every article from Office."
    assert atom.findtext(f"{A}icon") == f"{BASE}icon-64.png"
    assert atom.findtext(f"{A}logo") == f"{BASE}logo.png"
    rss = etree.parse(pictured.feeds / "sources" / "office.rss").getroot()
    assert rss.findtext("channel/description") == "Every article from Office."
    assert rss.findtext("channel/image/url") == f"{BASE}icon-64.png"
    assert rss.findtext("channel/image/link") == f"{BASE}sources/office.html"
    feed = json.loads((pictured.feeds / "sources" / "office.json").read_text(encoding="utf-8"))
    assert feed["description"] == "Every article from Office."
    assert (feed["icon"], feed["favicon"]) == (f"{BASE}icon-512.png", f"{BASE}icon-64.png")
    for name in ("icon-64.png", "icon-512.png", "logo.png", "favicon.svg"):
        assert (pictured.feeds / name).read_bytes()[:4] in (b"\x89PNG", b"<svg"), name


def test_no_empty_content_and_titles_spelled_for_every_rss_reader(pictured: Site) -> None:
    atom = etree.parse(pictured.feeds / "all.atom").getroot()
    bare = [
        e
        for e in atom.iter(f"{A}entry")
        if e.findtext(f"{A}title") == (notice := "A Notice Without a Body")
    ]
    assert len(bare) == 1 and bare[0].find(f"{A}content") is None
    assert bare[0].findtext(f"{A}summary") == notice  # some text for readers that want it
    assert [link.get("type") for link in bare[0].iter(f"{A}link")] == ["text/html"]
    items = json.loads((pictured.feeds / "all.json").read_text(encoding="utf-8"))["items"]
    assert items[1]["content_text"] == notice and "content_html" not in items[1]
    text = (pictured.feeds / "all.rss").read_text(encoding="utf-8")
    assert "<title>Trade &#x26; Investment &#x3C;Forum&gt; Opens in Almaty</title>" in text
    item = etree.parse(pictured.feeds / "all.rss").getroot().find("channel/item")
    assert (
        item is not None and item.findtext("title") == "Trade & Investment <Forum> Opens in Almaty"
    )
