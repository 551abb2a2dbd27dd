"""Filtered feeds: `herald serve` builds a slice no static file holds, from the store."""

from __future__ import annotations

import gzip
import http.client
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from lxml import etree

from herald.app import load, reader_for
from herald.filtering import FilteredFeeds, FilterError, Vocabulary, parse_filter
from herald.serve import create_app

from .conftest import ROOT, SAMPLE, Site, backends, bulletin_source, numbered_listing, write_config
from .servers import running
from .test_feed_validity import A, atom_problems

# Every test here runs against both stores.
store_url = pytest.fixture(params=["sqlite", "postgresql"])(backends)

BASE = "http://feeds.example.test/"
KNOWN = Vocabulary(
    topics=frozenset({"health", "trade-investment"}),
    organizations=frozenset({"wipo"}),
    sources=frozenset({"mfa-kz"}),
    languages=frozenset({"es"}),
)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ([("colour", "red")], 'unknown parameter "colour"; use topic, country, organization'),
        ([("topic", "sport")], 'unknown topic "sport"; known: health, trade-investment'),
        ([("country", "xx")], 'unknown country "xx"; use ISO 3166 codes'),
        ([("organization", "nato")], 'unknown organization "nato"; known: wipo'),
        ([("source", "elsewhere")], 'unknown source "elsewhere"; known: mfa-kz'),
        ([("lang", "fr")], 'unknown lang "fr"; this site\'s language trees: es'),
        ([("q", "a"), ("q", "b")], '"q" is given twice'),
        ([("q", "x" * 201)], '"q" is 201 characters long; at most 200'),
        ([("country", ",".join(f"a{c}" for c in "abcdefghijklmnopqrstu"))], "at most 20"),
    ],
)
def test_a_bad_filter_says_what_is_wrong(query: list[tuple[str, str]], message: str) -> None:
    with pytest.raises(FilterError) as raised:
        parse_filter(query, KNOWN)
    assert message in str(raised.value)


def test_a_filter_has_one_spelling() -> None:
    one = parse_filter([("country", "DE,be"), ("topic", "health"), ("country", "de")], KNOWN)
    other = parse_filter([("topic", "health"), ("country", "be"), ("country", "de")], KNOWN)
    assert one == other
    assert one.search() == "?topic=health&country=be%2Cde"
    assert one.selection().terms == (("topic", ("health",)), ("country", ("BE", "DE")))
    assert parse_filter([], KNOWN).search() == ""


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Site]]:
    rounds = tmp_path / "rounds.txt"
    rounds.write_text(numbered_listing(70), encoding="utf-8")
    sources = [bulletin_source(SAMPLE), bulletin_source(rounds, "rounds", name="Rail talks")]
    site = Site(tmp_path, write_config(tmp_path, sources, base_url=BASE))
    site.run_once()
    loaded = load(site.config)
    store = reader_for(loaded)()
    filtered = FilteredFeeds(loaded.settings, loaded.classifier, loaded.translator, store)
    try:
        with running(create_app(site.feeds, 60, filtered)) as url:
            yield url, site
    finally:
        store.close()


def ids(document: bytes) -> list[str]:
    return [e.findtext(f"{A}id") or "" for e in etree.fromstring(document).iter(f"{A}entry")]


def test_one_term_is_the_static_feed(served: tuple[str, Site]) -> None:
    url, site = served
    answer = httpx.get(f"{url}/filter.atom?country=be")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert ids(answer.content) == ids((site.feeds / "countries" / "be.atom").read_bytes())
    feed = etree.fromstring(answer.content)
    assert feed.findtext(f"{A}title") == "Herald test: Belgium"
    self_link = [link.get("href") for link in feed.iter(f"{A}link") if link.get("rel") == "self"]
    assert self_link == [f"{BASE}filter.atom?country=be"]
    saved = site.folder / "filter.atom"
    saved.write_bytes(answer.content)
    assert atom_problems(saved, f"{BASE}filter.atom?country=be") == []


def test_families_combine_and_terms_of_one_family_add_up(served: tuple[str, Site]) -> None:
    url, site = served

    def entries(query: str) -> set[str]:
        answer = httpx.get(f"{url}/filter.atom?{query}")
        assert answer.status_code == 200, answer.text
        return set(ids(answer.content))

    def static(path: str) -> set[str]:
        return set(ids((site.feeds / path).read_bytes()))

    both = entries("country=be&topic=trade-investment")
    assert both == static("countries/be.atom") & static("topics/trade-investment.atom")
    either = entries("country=be,pt")
    assert either == static("countries/be.atom") | static("countries/pt.atom")
    assert entries("source=rounds&country=be") == set()


def test_words_are_found_in_any_case_and_script(served: tuple[str, Site]) -> None:
    url, _ = served
    found = httpx.get(f"{url}/filter.json?q=FLANDERS").json()["items"]
    assert [item["title"] for item in found] == ["Kazakhstan and Flanders Discuss Joint Projects"]
    assert httpx.get(f"{url}/filter.json?q=Фландрия").json()["items"] == []
    rounds = httpx.get(f"{url}/filter.json", params={"q": "round 1 of", "source": "rounds"})
    assert [item["title"] for item in rounds.json()["items"]] == [
        "Consultations on Rail Transit, Round 1"
    ]


def test_at_most_max_entries_newest_first(served: tuple[str, Site]) -> None:
    url, _ = served
    items = httpx.get(f"{url}/filter.json?source=rounds").json()["items"]
    assert len(items) == 50
    published = [item["date_published"] for item in items]
    assert published == sorted(published, reverse=True)


def test_an_unchanged_answer_is_a_304_until_the_store_changes(
    served: tuple[str, Site], tmp_path: Path
) -> None:
    url, site = served
    first = httpx.get(f"{url}/filter.rss?topic=trade-investment")
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "public, max-age=300"
    again = httpx.get(f"{url}/filter.rss?topic=trade-investment", headers={"If-None-Match": etag})
    assert (again.status_code, again.content) == (304, b"")
    other = httpx.get(f"{url}/filter.atom?topic=trade-investment", headers={"If-None-Match": etag})
    assert other.status_code == 200  # another format is another document
    listing = tmp_path / "rounds.txt"
    listing.write_text(numbered_listing(71), encoding="utf-8")
    site.run_once()
    changed = httpx.get(f"{url}/filter.rss?topic=trade-investment", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag


def test_bad_requests_get_a_400_that_says_why(served: tuple[str, Site]) -> None:
    url, _ = served
    answer = httpx.get(f"{url}/filter.atom?topic=sport")
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "text/plain; charset=utf-8"
    assert answer.text.startswith('unknown topic "sport"; known: agriculture-food')
    many = "&".join(f"q{n}=1" for n in range(60))
    assert httpx.get(f"{url}/filter.atom?{many}").status_code == 400


def test_gzip_and_head(served: tuple[str, Site]) -> None:
    url, _ = served
    connection = http.client.HTTPConnection(url.removeprefix("http://"), timeout=10)
    connection.request("GET", "/filter.atom?country=be", headers={"Accept-Encoding": "gzip"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert response.getheader("content-encoding") == "gzip"
    assert b"Belgium" in gzip.decompress(body)
    head = httpx.head(f"{url}/filter.atom?country=be")
    assert head.status_code == 200 and head.content == b""


def test_without_a_store_there_are_no_filtered_feeds(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<p>hi</p>", encoding="utf-8")
    with running(create_app(tmp_path)) as url:
        assert httpx.get(f"{url}/filter.atom?country=be").status_code == 404


def test_the_pages_offer_the_form(served: tuple[str, Site]) -> None:
    _, site = served
    page = (site.feeds / "countries" / "be.html").read_text(encoding="utf-8")
    assert '<form class="filter" action="../filter.atom" method="get"' in page
    assert '<input type="hidden" name="country" value="be">' in page
    index = (site.feeds / "index.html").read_text(encoding="utf-8")
    assert '<select name="country">' in index and '<option value="be">Belgium</option>' in index
    assert (ROOT / "docs" / "nginx.conf").read_text(encoding="utf-8").count("filter") >= 1
