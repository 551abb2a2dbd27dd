"""Each source kind over real HTTP: the articles it yields, and how it fails."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from herald.cli import cli
from herald.fetch.hosts import LinkRefusedError, LinkRule
from herald.models import TaggedArticle
from herald.store import FeedQuery
from herald.update import Outcome

from .conftest import NOW, SAMPLE, Site, bulletin_source, write_config
from .servers import running, source_site

FAST = "[fetch]\ntimeout = 2\nretries = 1\nbackoff = 0.05\nhost_delay = 0\n"


@pytest.fixture
def server() -> Iterator[tuple[str, Counter[str]]]:
    app, hits = source_site()
    with running(app) as url:
        yield url, hits


def source(source_id: str, kind: str, url: str, **more: Any) -> dict[str, Any]:
    return {
        "id": source_id,
        "name": source_id.title(),
        "kind": kind,
        "url": url,
        "timezone": "Asia/Almaty",
        **more,
    }


def make_site(tmp_path: Path, *sources: dict[str, Any]) -> Site:
    return Site(tmp_path, write_config(tmp_path, list(sources), extra=FAST))


def stored(site: Site, source_id: str) -> list[TaggedArticle]:
    pipeline = site.pipeline()
    try:
        return pipeline.store.articles(FeedQuery(source_id=source_id), 100)
    finally:
        pipeline.store.close()


HTML = {
    "item": "li.item",
    "title": "h2 a",
    "link": "h2 a@href",
    "date": "time@datetime",
    "summary": "xpath:.//p[@class='lead']",
    "content": "article .body",
    "next_page": "a.next@href",
    "max_pages": 2,
}


def test_html_listing_over_two_pages_with_article_pages(
    tmp_path: Path, server: tuple[str, Counter[str]]
) -> None:
    url, hits = server
    site = make_site(tmp_path, source("embassy", "html", f"{url}/html/news", html=HTML))
    (report,) = site.run_once()
    assert report.problems == [
        'source "embassy": skipped entry: item 3: date "sometime in spring" is not ISO 8601; '
        "set date_format"
    ]
    articles = stored(site, "embassy")
    found = [(a.article.title, a.article.url, a.article.published.isoformat()) for a in articles]
    assert found == [
        (
            "Grain Shipments to Egypt Resume Through the Caspian",
            f"{url}/html/articles/104.html",
            "2026-04-09T11:30:00+00:00",
        ),
        (
            "Cultural Week Opens in Ulaanbaatar",
            f"{url}/html/articles/103.html",
            "2026-04-08T06:00:00+00:00",
        ),
        (
            "Consular Office Extends Hours for Visa Applicants",
            f"{url}/html/articles/102.html",
            "2026-04-06T04:15:00+00:00",
        ),
        (
            "Water Experts from Uzbekistan and Kazakhstan Meet in Tashkent",
            f"{url}/html/articles/101.html",
            "2026-04-02T09:00:00+00:00",
        ),
    ]
    culture = articles[1].article
    # The full text comes from the article page, links made absolute, scripts removed.
    assert "concerts and an exhibition" in culture.content_html
    assert f'href="{url}/gallery/felt.html"' in culture.content_html
    assert "<script" not in articles[0].article.content_html
    assert {t.term for t in articles[1].passed("country")} == {"MN"}
    assert hits["html-news"] == 2 and hits["article-103.html"] == 1

    (same,) = site.run_once(NOW + timedelta(minutes=30))
    assert same.not_modified and hits["html-news"] == 3  # read, but the same bytes: unparsed
    # A changed setting reads the same bytes again.
    site.config.write_text(site.config.read_text().replace('"Embassy"', '"The embassy"'))
    (again,) = site.run_once(NOW + timedelta(hours=1))
    assert hits["article-103.html"] == 1  # an article page is read once
    # ... and its full text stays: the listing's summary seen again is not an edit.
    assert dict(again.outcomes) == {Outcome.UNCHANGED: 4}
    assert "concerts and an exhibition" in stored(site, "embassy")[1].article.content_html


def test_govkz_preset_two_pages(tmp_path: Path, server: tuple[str, Counter[str]]) -> None:
    url, hits = server
    site = make_site(tmp_path, source("mfa", "gov-kz", url, project="mfa", pages=2))
    (report,) = site.run_once()
    assert report.problems == [
        'source "mfa": skipped entry: item 3: needs an id, a title and a date'
    ]
    articles = {a.article.title: a.article for a in stored(site, "mfa")}
    assert len(articles) == 19 + 3
    brazil = articles["Foreign Minister Meets the Ambassador of Brazil"]
    assert brazil.published.isoformat() == "2026-04-10T04:00:00+00:00"  # Almaty is UTC+5
    assert brazil.url == f"{url}/memleket/entities/mfa/press/news/details/9001?lang=en"
    assert f'<img src="{url}/uploads/news/9001.jpg"' in brazil.content_html
    assert brazil.has_images
    malaysia = articles["Briefing on the Visa-Free Regime with Malaysia"]
    assert malaysia.content_html == "<p>Citizens may stay up to thirty days without a visa.</p>"
    assert malaysia.published.isoformat() == "2026-04-09T10:30:00+00:00"
    assert hits["govkz"] == 2 and hits["govkz-lang-en"] == 2


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "rss2.xml",
            [
                ("Passport Service Moves to a New Building", "2026-04-12T03:30:00+00:00"),
                ("Meeting with Traders from Poland", "2026-04-10T10:00:00+00:00"),
            ],
        ),
        (
            "rss1.rdf",
            [("Old Manuscripts Digitized with Help from Japan", "2026-04-07T05:00:00+00:00")],
        ),
        (
            "atom.xml",
            [("Joint Venture with Korean Battery Maker Announced", "2026-04-11T12:00:00+00:00")],
        ),
        (
            "feed.json",
            [
                ("Students Win Robotics Prize in Singapore", "2026-04-05T04:00:00+00:00"),
                ("Grant Round for Glacier Research", "2026-04-03T04:00:00+00:00"),
            ],
        ),
    ],
)
def test_feeds_in_every_format(
    tmp_path: Path, server: tuple[str, Counter[str]], name: str, expected: list[tuple[str, str]]
) -> None:
    url, _ = server
    site = make_site(tmp_path, source("feed", "feed", f"{url}/feeds/{name}"))
    site.run_once()
    articles = stored(site, "feed")
    assert [(a.article.title, a.article.published.isoformat()) for a in articles] == expected
    assert all(a.article.content_html for a in articles)


def test_rss_details(tmp_path: Path, server: tuple[str, Counter[str]]) -> None:
    url, _ = server
    site = make_site(tmp_path, source("feed", "feed", f"{url}/feeds/rss2.xml"))
    (report,) = site.run_once()
    assert report.problems == ['source "feed": skipped entry: entry 3: no date']
    passport = stored(site, "feed")[0].article
    assert "Часы работы прежние." in passport.content_html  # windows-1251 decoded
    assert "onclick" not in passport.content_html
    assert passport.url == "http://consulate.example/news/passport-service"


@pytest.mark.parametrize("name", ["xxe.xml", "laughs.xml"])
def test_entity_payloads_are_refused(
    tmp_path: Path, server: tuple[str, Counter[str]], name: str
) -> None:
    url, _ = server
    site = make_site(tmp_path, source("feed", "feed", f"{url}/feeds/{name}"))
    (report,) = site.run_once()
    assert report.error is not None and "refused: the document declares entities" in report.error
    assert stored(site, "feed") == []


def test_json_api_with_paging(tmp_path: Path, server: tuple[str, Counter[str]]) -> None:
    url, _ = server
    fields = {
        "items": "content",
        "id": "id",
        "title": "title",
        "date": "created_date",
        "content": "body",
        "link": "https://news.example/item/{id}",
        "page_param": "page",
        "start_page": 1,
        "max_pages": 2,
    }
    site = make_site(
        tmp_path,
        source(
            "api", "json", f"{url}/api/v1/public/content-manager/news?projects=eq:mfa", json=fields
        ),
    )
    (report,) = site.run_once()
    # The second page is a bare array, which this mapping does not expect: reported.
    assert any("page 2" in p and 'no list of items at "content"' in p for p in report.problems)
    titles = [a.article.title for a in stored(site, "api")]
    assert len(titles) == 19
    assert titles[0] == "Foreign Minister Meets the Ambassador of Brazil"
    assert stored(site, "api")[0].article.url == "https://news.example/item/9001"


def test_second_run_gets_304_and_parses_nothing(
    tmp_path: Path, server: tuple[str, Counter[str]]
) -> None:
    url, hits = server
    site = make_site(tmp_path, source("mfa-kz", "bulletin", f"{url}/conditional/listing.txt"))
    site.run_once()
    before = site.snapshot()
    (report,) = site.run_once(NOW + timedelta(hours=1))
    assert report.not_modified and report.ok and not report.outcomes
    assert hits["conditional"] == 2 and hits["conditional-304"] == 1
    assert site.snapshot() == before


def test_a_failing_source_leaves_the_others_published_exit_3(
    tmp_path: Path, server: tuple[str, Counter[str]]
) -> None:
    url, _ = server
    site = make_site(tmp_path, bulletin_source(SAMPLE), source("down", "bulletin", f"{url}/never"))
    result = CliRunner().invoke(cli, ["run", "--once", "--config", str(site.config)])
    assert result.exit_code == 3
    assert "sources with problems: down" in result.stderr
    assert (site.feeds / "all.atom").read_text(encoding="utf-8").count("<entry>") == 9
    assert not (site.feeds / "sources" / "down.atom").read_text("utf-8").count("<entry>")


def test_sources_command_shows_health(tmp_path: Path, server: tuple[str, Counter[str]]) -> None:
    url, _ = server
    site = make_site(
        tmp_path, bulletin_source(SAMPLE), source("down", "bulletin", f"{url}/html/news?page=7")
    )
    runner = CliRunner()
    before = runner.invoke(cli, ["sources", "--config", str(site.config)])
    assert before.exit_code == 0
    assert [line.split()[:3] for line in before.stdout.splitlines()[1:]] == [
        ["mfa-kz", "bulletin", "not"],
        ["down", "bulletin", "not"],
    ]
    site.run_once()
    site.run_once(NOW + timedelta(hours=1))
    after = runner.invoke(cli, ["sources", "--config", str(site.config)]).stdout.splitlines()
    assert after[0].split() == [
        "SOURCE",
        "KIND",
        "HEALTH",
        "LAST",
        "SUCCESS",
        "LAST",
        "ATTEMPT",
        "LAST",
        "ERROR",
    ]
    assert after[1].split()[:3] == ["mfa-kz", "bulletin", "ok"]
    assert after[1].count("2026-03-12 10:00 UTC") == 2
    down = after[2]
    assert down.split()[:4] == ["down", "bulletin", "failing", "×2"]
    assert "never" in down and "HTTP 404" in down


@pytest.mark.parametrize(
    ("name", "link", "picture", "document"),
    [
        (
            "relative.xml",
            "/embassy/news/winter-hours",
            "/embassy/pictures/hall.jpg",
            "/feeds/forms/visa.pdf",
        ),
        ("relative.json", "/trade/12", "/trade/guide.png", "/feeds/guide.pdf"),
    ],
)
def test_relative_links_become_absolute_against_the_source(
    tmp_path: Path,
    server: tuple[str, Counter[str]],
    name: str,
    link: str,
    picture: str,
    document: str,
) -> None:
    """Readers would resolve relative links against Herald's host and get 404s."""
    url, _ = server
    site = make_site(tmp_path, source("feed", "feed", f"{url}/feeds/{name}"))
    site.run_once()
    (article,) = (a.article for a in stored(site, "feed"))
    assert article.url == url + link
    assert f'src="{url}{picture}"' in article.content_html
    assert f'href="{url}{document}"' in article.content_html


def test_json_api_links_become_absolute(tmp_path: Path, server: tuple[str, Counter[str]]) -> None:
    url, _ = server
    fields = {
        "items": "data.items",
        "id": "uid",
        "title": "headline",
        "date": "when",
        "content": "html",
        "link": "{path}",
    }
    site = make_site(tmp_path, source("api", "json", f"{url}/feeds/api.json", json=fields))
    (report,) = site.run_once()
    assert report.ok, report
    (article,) = (a.article for a in stored(site, "api"))
    assert article.url == f"{url}/news/a-17"
    assert f'src="{url}/media/porto.jpg"' in article.content_html
    assert f'href="{url}/about/consulates"' in article.content_html


ELSEWHERE = {k: v for k, v in HTML.items() if k not in ("next_page", "max_pages")}
ELSEWHERE["summary"] = "p.lead"


def test_links_to_other_hosts_are_not_followed(
    tmp_path: Path, server: tuple[str, Counter[str]], caplog: pytest.LogCaptureFixture
) -> None:
    """A listing cannot make Herald fetch another host, directly, through a redirect, or a
    local file: the link is refused and logged, the entry keeps what the listing says."""
    url, hits = server
    site = make_site(tmp_path, source("embassy", "html", f"{url}/html/elsewhere", html=ELSEWHERE))
    (report,) = site.run_once()
    assert report.ok, report
    found = {a.article.title: a.article for a in stored(site, "embassy")}
    assert len(found) == 4
    assert "consular section receives visa" in found["At Home"].content_html  # fetched
    for title in ("Directly Elsewhere", "Redirected Elsewhere", "A Local File"):
        assert found[title].content_html == f"<p>What the listing says of {title}.</p>"
    assert hits["article-101.html"] == 0 and hits["article-103.html"] == 0
    assert hits["go-elsewhere"] == 1  # asked on its own host, the redirect refused
    assert "localhost is not the listing's host; add it to the source's follow_hosts" in (
        caplog.text
    )
    assert "file:///etc/hostname: not an http(s) link" in caplog.text


def test_follow_hosts_allows_another_host(tmp_path: Path, server: tuple[str, Counter[str]]) -> None:
    url, hits = server
    site = make_site(
        tmp_path,
        source(
            "embassy", "html", f"{url}/html/elsewhere", html=ELSEWHERE, follow_hosts=["localhost"]
        ),
    )
    site.run_once()
    assert hits["article-101.html"] == 1 and hits["article-103.html"] == 1


def test_a_link_rule_refuses_internal_addresses_for_a_public_listing() -> None:
    rule = LinkRule.for_source("http://93.184.216.34/news", ("127.0.0.1", "169.254.169.254"))
    rule.check("http://93.184.216.34/news/1")  # its own host: fine (nothing is fetched)
    for target in ("http://127.0.0.1/admin", "http://169.254.169.254/latest/meta-data"):
        with pytest.raises(LinkRefusedError, match="is an internal address"):
            rule.check(target)
    inside = LinkRule.for_source("http://127.0.0.1:8080/news", ())
    inside.check("http://127.0.0.1:9999/article")  # a listing at home may link at home


def test_a_changed_rule_file_reads_a_listing_the_server_says_is_not_modified(
    tmp_path: Path, server: tuple[str, Counter[str]]
) -> None:
    """A 304 says the bytes are those of the last read; not that the last read read them as
    the rules read them now: with other rules the listing is fetched whole and retagged."""
    url, hits = server
    site = make_site(tmp_path, source("mfa-kz", "bulletin", f"{url}/conditional/listing.txt"))
    site.run_once()
    site.relabel_a_topic(tmp_path)
    (report,) = site.run_once(NOW + timedelta(hours=1))
    assert not report.not_modified and report.outcomes[Outcome.RETAGGED] > 0
    assert hits["conditional"] == 2 and hits["conditional-304"] == 0  # asked without validators
    feed = (site.feeds / "topics" / "transport-logistics.atom").read_text(encoding="utf-8")
    assert 'label="Transport"' in feed
    # Read the same way again, the server's 304 holds.
    (report,) = site.run_once(NOW + timedelta(hours=2))
    assert report.not_modified and hits["conditional-304"] == 1
