"""The whole flow on real files: golden output, idempotence, updates, permanence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lxml import etree

from herald.models import Article, TaggedArticle
from herald.store import FeedQuery
from herald.update import Outcome

from .conftest import NOW, SAMPLE, Site, backends, bulletin_source, write_config
from .golden import article_summary, check_golden

ATOM = "{http://www.w3.org/2005/Atom}"

# Every test here runs against both stores.
store_url = pytest.fixture(params=["sqlite", "postgresql"])(backends)

EXPECTED_SAMPLE = [
    (
        "2026-03-10T16:20:00+00:00",
        "Tokayev condemns missile attacks fired from Iran on UAE",
        ["AE", "IR"],
    ),
    (
        "2026-03-10T13:45:00+00:00",
        "Turkish Experts Praise the Draft of the New Constitution of Kazakhstan",
        ["TR"],
    ),
    (
        "2026-03-10T11:47:00+00:00",
        "Draft of the new Constitution of the Republic of Kazakhstan "
        "was Discussed in Frankfurt am Main",
        ["DE"],
    ),
    ("2026-03-10T10:12:00+00:00", "Kazakhstan and Flanders Discuss Joint Projects", ["BE"]),
    (
        "2026-03-10T10:12:00+00:00",
        "Ambassador of Kazakhstan to Rwanda Barlybay Sadykov presented his Letters of Credence "
        "to President Paul Kagame",
        ["RW"],
    ),
    (
        "2026-03-10T09:55:00+00:00",
        "The Portuguese Parliament Advocates Deepening Cooperation "
        "with Kazakhstan in View of the Reforms Being Carried Out",
        ["PT"],
    ),
    (
        "2026-03-10T08:50:00+00:00",
        "Kazakhstan and Spain Strengthen Interparliamentary Dialogue",
        ["ES"],
    ),
    (
        "2026-03-10T08:00:00+00:00",
        "Expanding Cooperation in Intellectual Property and Innovation Discussed in Geneva",
        ["CH"],
    ),
    (
        "2026-03-10T07:41:00+00:00",
        "Czech Business Circles are Showing Growing Interest in Kazakhstan’s Reforms and "
        "Investment Potential",
        ["CZ"],
    ),
]


def stored(site: Site) -> list:
    """Every stored article, newest first, with all its tags and their evidence."""
    pipeline = site.pipeline()
    try:
        ids = [t.article.id for t in pipeline.store.articles(FeedQuery(), 1000)]
        full = pipeline.store.get_many(ids)
        return [full[i] for i in ids]
    finally:
        pipeline.store.close()


def entries(feed: Path) -> dict[str, dict[str, str]]:
    """Entries of an Atom file by id: title, updated, published."""
    root = etree.parse(str(feed)).getroot()
    return {
        e.findtext(f"{ATOM}id"): {
            "title": e.findtext(f"{ATOM}title"),
            "updated": e.findtext(f"{ATOM}updated"),
            "published": e.findtext(f"{ATOM}published"),
        }
        for e in root.iter(f"{ATOM}entry")
    }


def test_sample_golden(site: Site) -> None:
    reports = site.run_once()
    assert [(r.source_id, r.ok, dict(r.outcomes)) for r in reports] == [
        ("mfa-kz", True, {Outcome.NEW: 9})
    ]
    articles = stored(site)
    assert [
        (t.article.published.isoformat(), t.article.title, [c.term for c in t.passed("country")])
        for t in articles
    ] == [(when, title, countries) for when, title, countries in EXPECTED_SAMPLE]
    check_golden("sample-articles.json", [article_summary(t) for t in articles])
    check_golden("sample-all.atom", (site.feeds / "all.atom").read_bytes())


def test_feeds_written_for_sources_topics_and_tagged_countries(site: Site) -> None:
    site.run_once()
    files = {str(p.relative_to(site.feeds)) for p in site.feeds.rglob("*.atom")}
    countries = {f for f in files if f.startswith("countries/")}
    assert countries == {
        f"countries/{c}.atom" for c in ("ae", "be", "ch", "cz", "de", "es", "ir", "pt", "rw", "tr")
    }
    assert "countries/kz.atom" not in files  # the home country never gets a feed
    assert {"all.atom", "sources/mfa-kz.atom", "topics/trade-investment.atom"} <= files
    be = entries(site.feeds / "countries" / "be.atom")
    assert [e["title"] for e in be.values()] == ["Kazakhstan and Flanders Discuss Joint Projects"]


def test_second_run_rewrites_nothing(site: Site) -> None:
    site.run_once()
    before = site.snapshot()
    pipeline = site.pipeline()
    try:
        (report,) = [
            pipeline.update_source(s, NOW + timedelta(hours=1)) for s in pipeline.settings.sources
        ]
        published = pipeline.publish()
    finally:
        pipeline.store.close()
    assert report.not_modified and not report.outcomes  # the same bytes are not parsed
    assert published.rendered == 0 and not published.written
    assert site.snapshot() == before  # same bytes, same inodes, same modification times


def test_a_changed_rule_file_retags_the_same_bytes(site: Site, tmp_path: Path) -> None:
    site.run_once()
    site.relabel_a_topic(tmp_path)
    (report,) = site.run_once(NOW + timedelta(hours=1))
    assert not report.not_modified and report.outcomes[Outcome.RETAGGED] > 0
    feed = (site.feeds / "topics" / "transport-logistics.atom").read_text(encoding="utf-8")
    assert 'label="Transport"' in feed and "Transport and logistics" not in feed


def test_a_local_listing_is_polled_by_its_entity_tag(
    site: Site, listing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unchanged local listing is known by its `stat` (not read), a grown one is read,
    and one read under other rules is read again, whatever its tag says."""

    def stored_tag() -> str | None:
        store = site.store()
        try:
            known = store.validators(str(listing))
        finally:
            store.close()
        assert known is not None
        return known.etag

    site.run_once()
    assert stored_tag() is None  # the listing was written just now: its bytes are compared
    monkeypatch.setattr("herald.filestate.RACY_NS", 0)  # no waiting out the clock tick
    (report,) = site.run_once(NOW + timedelta(minutes=30))
    assert report.not_modified and not report.outcomes  # the same bytes; their tag is kept
    tag = stored_tag()
    assert tag is not None and tag.startswith('"file ')
    (report,) = site.run_once(NOW + timedelta(hours=1))
    assert report.not_modified and not report.outcomes and stored_tag() == tag
    listing.write_text(edited_listing(listing.read_text(encoding="utf-8")), encoding="utf-8")
    (report,) = site.run_once(NOW + timedelta(hours=2))
    assert report.outcomes[Outcome.NEW] == 1 and report.outcomes[Outcome.EDITED] == 1
    site.relabel_a_topic(tmp_path)
    (report,) = site.run_once(NOW + timedelta(hours=3))
    assert not report.not_modified and report.outcomes[Outcome.RETAGGED] > 0


def test_unchanged_article_writes_nothing_to_the_store(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The listing stays too new to be known by its `stat`, however slow the machine: it is
    # read and its article found unchanged (else the second read would note its version).
    monkeypatch.setattr("herald.filestate.RACY_NS", 10**18)
    site.run_once()
    pipeline = site.pipeline()
    try:
        before = pipeline.store.total_changes  # type: ignore[attr-defined]
        source = pipeline.settings.sources[0]
        pipeline.update_source(source, NOW + timedelta(hours=1))
        # The only row written is the source's fetch state.
        assert pipeline.store.total_changes - before == 1  # type: ignore[attr-defined]
    finally:
        pipeline.store.close()


def edited_listing(text: str) -> str:
    """The sample as a later visit sees it: new counters, an edit, one gone, one new."""
    text = text.replace("10.03.2026, 21:20 4956", "10.03.2026, 21:20 5012")
    text = text.replace("10.03.2026, 13:50 7431", "10.03.2026, 13:50 8100")
    text = text.replace(
        "According to him, the use of diplomatic means",
        "According to the President, the use of diplomatic means",
    )
    start = text.index("10.03.2026, 12:41 5756")
    text = text[:start]  # the Czech entry dropped off the listing
    return (
        "11.03.2026, 09:05 12\n"
        "Kazakhstan and Mongolia Review Transit Cooperation\n"
        "Delegations from Astana and Ulaanbaatar met to review rail transit and logistics.\n" + text
    )


def test_update_keeps_ids_moves_only_the_edited_entry(site: Site, listing: Path) -> None:
    site.run_once()
    first = entries(site.feeds / "all.atom")
    listing.write_text(edited_listing(SAMPLE.read_text(encoding="utf-8")), encoding="utf-8")
    later = NOW + timedelta(days=1)
    reports = site.run_once(later)
    assert dict(reports[0].outcomes) == {
        Outcome.NEW: 1,
        Outcome.EDITED: 1,
        Outcome.UNCHANGED: 7,
    }
    second = entries(site.feeds / "all.atom")
    assert len(second) == 10  # no duplicates; the dropped Czech entry is still there
    assert set(first) < set(second)
    moved = {i for i in first if first[i]["updated"] != second[i]["updated"]}
    assert [first[i]["title"] for i in moved] == [
        "Tokayev condemns missile attacks fired from Iran on UAE"
    ]
    (edited,) = moved
    assert second[edited]["updated"] == later.isoformat()
    assert second[edited]["published"] == first[edited]["published"]
    assert all(second[i]["published"] == first[i]["published"] for i in first)
    new = (set(second) - set(first)).pop()
    assert second[new]["title"] == "Kazakhstan and Mongolia Review Transit Cooperation"
    assert (site.feeds / "countries" / "mn.atom").exists()
    assert (site.feeds / "countries" / "cz.atom").exists()


def test_a_corrected_title_typo_keeps_the_id(site: Site, listing: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    listing.write_text(text.replace("Discuss Joint Projects", "Discus Joint Projects"), "utf-8")
    site.run_once()
    first = entries(site.feeds / "all.atom")
    listing.write_text(text, encoding="utf-8")
    site.run_once(NOW + timedelta(hours=2))
    second = entries(site.feeds / "all.atom")
    assert set(first) == set(second)
    titles = {second[i]["title"] for i in second}
    assert "Kazakhstan and Flanders Discuss Joint Projects" in titles
    assert "Kazakhstan and Flanders Discus Joint Projects" not in titles


def test_ids_survive_a_new_base_url(tmp_path: Path, listing: Path) -> None:
    one = Site(tmp_path / "a", write_config(_mkdir(tmp_path / "a"), [bulletin_source(listing)]))
    two = Site(
        tmp_path / "b",
        write_config(
            _mkdir(tmp_path / "b"),
            [bulletin_source(listing)],
            base_url="https://news.example/",
            store_url=None,  # the other store, when the test's is PostgreSQL
        ),
    )
    one.run_once()
    two.run_once()
    assert set(entries(one.feeds / "all.atom")) == set(entries(two.feeds / "all.atom"))


def test_repeated_entry_is_one_article(site: Site, listing: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    head = text[text.index("10.03.2026, 21:20") : text.index("10.03.2026, 18:45")]
    listing.write_text(text + "\n" + head.replace("4956", "4999"), encoding="utf-8")
    reports = site.run_once()
    assert dict(reports[0].outcomes) == {Outcome.NEW: 9}
    assert len(entries(site.feeds / "all.atom")) == 9


def test_max_entries_keeps_the_newest(tmp_path: Path, listing: Path) -> None:
    config = write_config(tmp_path, [bulletin_source(listing)], extra="[feeds]\nmax_entries = 3")
    site = Site(tmp_path, config)
    site.run_once()
    feed = entries(site.feeds / "all.atom")
    assert [e["published"] for e in feed.values()] == [
        "2026-03-10T16:20:00+00:00",
        "2026-03-10T13:45:00+00:00",
        "2026-03-10T11:47:00+00:00",
    ]
    root = etree.parse(str(site.feeds / "all.atom")).getroot()
    assert root.findtext(f"{ATOM}updated") == "2026-03-10T16:20:00+00:00"


def test_feeds_no_longer_defined_are_removed(tmp_path: Path, listing: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text("11.03.2026, 10:00 1\nA note from the second source\nText.\n", "utf-8")
    both = [bulletin_source(listing), bulletin_source(other, "second")]
    site = Site(tmp_path, write_config(tmp_path, both))
    site.run_once()
    (site.feeds / "operator-notes.txt").write_text("not Herald's", encoding="utf-8")
    assert (site.feeds / "sources" / "second.atom").exists()
    write_config(tmp_path, both[:1])
    site.run_once(NOW + timedelta(hours=1))
    assert not (site.feeds / "sources" / "second.atom").exists()
    assert (site.feeds / "sources" / "mfa-kz.atom").exists()
    assert (site.feeds / "operator-notes.txt").exists()


def test_feed_updated_is_newest_entry_not_the_run_time(site: Site) -> None:
    site.run_once(datetime(2030, 1, 1, tzinfo=UTC))
    root = etree.parse(str(site.feeds / "countries" / "ch.atom")).getroot()
    assert root.findtext(f"{ATOM}updated") == "2026-03-10T08:00:00+00:00"


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


def test_a_grown_listing_makes_only_its_new_entries(site: Site, listing: Path) -> None:
    site.run_once()
    listing.write_text(
        "11.03.2026, 09:05 12\n"
        "Kazakhstan and Mongolia Review Transit Cooperation\n"
        "Delegations from Astana and Ulaanbaatar met to review rail transit.\n"
        + SAMPLE.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    pipeline = site.pipeline()
    made: list[str] = []
    classify = pipeline.classifier.classify

    def counted(article: Article) -> TaggedArticle:
        made.append(article.title)
        return classify(article)

    pipeline.classifier.classify = counted  # type: ignore[method-assign]
    try:
        (report,) = pipeline.run_once(NOW + timedelta(hours=1))
    finally:
        pipeline.store.close()
    assert dict(report.outcomes) == {Outcome.UNCHANGED: 9, Outcome.NEW: 1}
    assert made == ["Kazakhstan and Mongolia Review Transit Cooperation"]
    assert (site.feeds / "countries" / "mn.atom").exists()
