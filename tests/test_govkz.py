"""The gov-kz kind against a stand-in portal on loopback, with real headless Chromium."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import feedparser
import pytest
from click.testing import CliRunner
from lxml import etree

from herald.cli import cli
from herald.models import TaggedArticle
from herald.store import FeedQuery
from herald.update import Outcome

from .conftest import NOW, Site, backends, write_config
from .portal import Portal
from .servers import running
from .test_feed_validity import atom_problems
from .test_sources import FAST, stored
from .translation_servers import translation_services

# Every test here runs against both stores.
store_url = pytest.fixture(params=["sqlite", "postgresql"])(backends)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)"
)


def portal_source(url: str, **more: Any) -> dict[str, Any]:
    return {
        "id": "mfa-live",
        "name": "Ministry of Foreign Affairs (gov.kz)",
        "kind": "gov-kz",
        "url": url,
        "project": "mfa",
        "timezone": "Asia/Almaty",
        **more,
    }


def portal_site(
    tmp_path: Path, url: str, *, timeout: int = 20, executable: str | None = None, **more: Any
) -> Site:
    browser = f"[browser]\ntimeout = {timeout}\n"
    if executable:
        browser += f'executable = "{executable}"\n'
    config = write_config(tmp_path, [portal_source(url, **more)], extra=FAST + browser)
    return Site(tmp_path, config)


@pytest.fixture
def portal() -> Iterator[tuple[Portal, str]]:
    stand_in = Portal()
    with running(stand_in.app()) as url:
        yield stand_in, url


def by_title(site: Site) -> dict[str, TaggedArticle]:
    """The source's articles in the original tree: each once, in its first language."""
    return {t.article.title: t for t in stored(site, "mfa-live")}


def in_language(site: Site, language: str) -> dict[str, TaggedArticle]:
    """The source's articles written in one language."""
    store = site.store()
    try:
        query = FeedQuery(source_id="mfa-live", language=language, machine=False)
        return {t.article.title: t for t in store.articles(query, 100)}
    finally:
        store.close()


def test_older_portal_bare_list_without_tokens_never_starts_a_browser(tmp_path: Path) -> None:
    stand_in = Portal(tokens=False, shape="bare", withheld={(7104, "en")})
    with running(stand_in.app()) as url:
        site = portal_site(tmp_path, url, executable="no-such-chromium")
        (report,) = site.run_once()
        (same,) = site.run_once(NOW + timedelta(minutes=30))
        stand_in.withheld.clear()
        (again,) = site.run_once(NOW + timedelta(hours=1))
    assert report.ok, report
    assert same.not_modified and not same.outcomes  # the same bytes are not parsed again
    # The teaser seen again is not an edit: the full text stays, read once.
    assert dict(again.outcomes) == {Outcome.UNCHANGED: 3, Outcome.NEW: 1}
    found = by_title(site)
    assert sorted(found) == [
        "Citizens Brought Home from Lebanon on a Special Flight",
        "Foreign Minister Receives the Ambassador of Brazil",
        "Kazakhstan and Japan Discuss Green Hydrogen Projects",
        "Trade Mission to Oman Signs Three Agreements",
    ]
    assert stand_in.hits["page"] == 0  # no browser: the portal did not ask for tokens
    assert stand_in.hits["api-en"] == 3  # one request a run: page 1 held everything
    # The listing held only a teaser of 7102: the full text came from the details endpoint.
    lebanon = found["Citizens Brought Home from Lebanon on a Special Flight"].article
    assert "112 citizens" in lebanon.content_html and "…" not in lebanon.content_html
    assert stand_in.hits["details"] == 1 and stand_in.hits["details-7102-en"] == 1
    japan = found["Kazakhstan and Japan Discuss Green Hydrogen Projects"].article
    assert f'href="{url}/memleket/entities/mfa/documents/h2"' in japan.content_html
    assert japan.url == f"{url}/memleket/entities/mfa/press/news/details/7101?lang=en"
    assert japan.published.isoformat() == "2026-04-10T04:00:00+00:00"  # Almaty is UTC+5


@needs_chromium
def test_newer_portal_tokens_from_chromium_three_languages_refresh(
    tmp_path: Path, portal: tuple[Portal, str]
) -> None:
    stand_in, url = portal
    site = portal_site(tmp_path, url, languages=["en", "ru", "kk"])
    (report,) = site.run_once()
    assert report.ok, report
    # Refused without tokens, then one page load in Chromium gave them.
    assert stand_in.hits["page"] == 1 and stand_in.hits["refused"] == 1
    assert [stand_in.hits[f"api-{lang}"] for lang in ("en", "ru", "kk")] == [2, 1, 1]  # page+1
    found = {**by_title(site), **in_language(site, "ru"), **in_language(site, "kk")}
    assert len(found) == 4 + 3 + 3
    assert (
        "112 граждан" in found["Граждан вернули из Ливана специальным рейсом"].article.content_html
    )
    brazil = found["Foreign Minister Receives the Ambassador of Brazil"].article
    assert f'<img src="{url}/uploads/news/7103.jpg"' in brazil.content_html
    assert brazil.has_images
    store = site.store()
    try:
        session = store.session("mfa-live")
    finally:
        store.close()
    assert session is not None and session.obtained == NOW
    assert set(session.headers) >= {"hash", "token", "user-agent", "referer"}
    assert "HeadlessChrome" in session.headers["user-agent"]

    # The kept tokens serve the next run until the API refuses them; one refresh then.
    (again,) = site.run_once(NOW + timedelta(minutes=5))
    assert again.ok, again
    assert stand_in.hits["page"] == 2 and stand_in.hits["refused"] == 2
    assert stand_in.hits["details"] == 3  # each teaser's full text was read once, per language

    # Past token_ttl (10 minutes by default) they are renewed before the first request.
    (late,) = site.run_once(NOW + timedelta(hours=1))
    assert late.ok, late
    assert stand_in.hits["page"] == 3 and stand_in.hits["refused"] == 2


@needs_chromium
def test_refused_after_a_refresh_fails_the_source_and_says_so(tmp_path: Path) -> None:
    stand_in = Portal(wrong_hash=True)
    with running(stand_in.app()) as url:
        site = portal_site(tmp_path, url)
        (report,) = site.run_once()
    assert report.error is not None
    assert "refused again after new session headers were obtained" in report.error
    assert stand_in.hits["page"] == 1  # one browser per run, however the API answers


@needs_chromium
def test_a_page_that_makes_no_api_request(tmp_path: Path) -> None:
    stand_in = Portal(page_calls_api=False)
    with running(stand_in.app()) as url:
        site = portal_site(tmp_path, url, timeout=3, tokens="browser")
        (report,) = site.run_once()
    assert report.error is not None
    assert "the page loaded but made no request to /api/v1/public/content-manager/news" in (
        report.error
    )
    assert stand_in.hits["api"] == 0


@needs_chromium
def test_a_page_that_does_not_load(tmp_path: Path) -> None:
    with running(Portal().app()) as url:
        pass  # the port is free again: nothing answers there
    site = portal_site(tmp_path, url, tokens="browser")
    (report,) = site.run_once()
    assert report.error is not None
    assert f"{url}/memleket/entities/mfa/press/news?lang=en: the page did not load" in (
        report.error
    )


def test_without_chromium_the_error_names_the_install_command(
    tmp_path: Path, portal: tuple[Portal, str]
) -> None:
    stand_in, url = portal
    site = portal_site(tmp_path, url, executable="no-such-chromium")
    (report,) = site.run_once()
    assert report.error == (
        '[browser] executable "no-such-chromium" was not found; install it '
        "(apt-get install chromium) or name the binary in [browser] executable"
    )
    assert stand_in.hits["refused"] == 1 and stand_in.hits["page"] == 0


def test_without_the_extra_the_error_names_the_install_command(
    tmp_path: Path, portal: tuple[Portal, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, url = portal
    monkeypatch.setitem(sys.modules, "playwright.async_api", None)  # as if not installed
    site = portal_site(tmp_path, url)
    (report,) = site.run_once()
    assert report.error is not None
    assert "install it with pip install 'herald[browser]' and apt-get install chromium" in (
        report.error
    )


def test_tokens_none_never_starts_a_browser(tmp_path: Path, portal: tuple[Portal, str]) -> None:
    stand_in, url = portal
    site = portal_site(tmp_path, url, tokens="none")
    (report,) = site.run_once()
    assert report.error == (
        f"{url}/api/v1/public/content-manager/news?sort-by=created_date:DESC&projects=eq:mfa"
        "&page=1&size=20&lang=en: HTTP 403"
    )
    assert stand_in.hits["page"] == 0


def test_preview_shows_what_would_be_stored_and_stores_nothing(tmp_path: Path) -> None:
    stand_in = Portal(tokens=False, shape="bare")
    with running(stand_in.app()) as url:
        site = portal_site(tmp_path, url)
        result = CliRunner().invoke(cli, ["preview", "mfa-live", "--config", str(site.config)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "2026-04-10 04:00 UTC  en  Kazakhstan and Japan Discuss Green Hydrogen Projects",
        f"    link: {url}/memleket/entities/mfa/press/news/details/7101?lang=en",
        "    tags: countries JP · organizations - · topics energy-industry",
        lines[3],
    ]
    assert lines[3].startswith("    body: ") and "characters of HTML" in lines[3]
    assert lines[-1] == (
        'source "mfa-live": 4 entries would be stored, 0 skipped; nothing was stored or published'
    )
    assert stand_in.hits["details"] == 1  # the teaser's full text, as a run would read it
    assert not (site.folder / "var").exists() and not site.feeds.exists()

    unknown = CliRunner().invoke(cli, ["preview", "nope", "--config", str(site.config)])
    assert unknown.exit_code == 2
    assert 'no source "nope"; sources: mfa-live' in unknown.stderr
    failing = CliRunner().invoke(cli, ["preview", "mfa-live", "--config", str(site.config)])
    assert failing.exit_code == 3  # the stand-in has stopped: nothing answers
    assert 'herald: source "mfa-live" failed: ' in failing.stderr


def test_language_versions_are_linked_tagged_alike_and_never_machine_translated(
    tmp_path: Path,
) -> None:
    stand_in = Portal(tokens=False)
    services, engine = translation_services()
    with running(stand_in.app()) as url, running(services) as engine_url:
        translate = (
            f'[translate]\ntargets = ["ru"]\nengine = "libretranslate"\nurl = "{engine_url}"\n'
            'fields = ["title", "summary"]\n'
        )
        config = write_config(
            tmp_path,
            [portal_source(url, languages=["en", "ru", "kk"])],
            extra=FAST + translate,
        )
        site = Site(tmp_path, config)
        (report,) = site.run_once()
    assert report.ok, report

    def feed(path: str) -> Any:
        return feedparser.parse((site.feeds / path).read_bytes())

    def details(number: int, lang: str) -> str:
        return f"{url}/memleket/entities/mfa/press/news/details/{number}?lang={lang}"

    # The original tree holds each article once, in English; each language has its tree.
    english = feed("all.atom")
    assert len(english.entries) == 4 and english.feed.get("language") == "en"
    russian = {e.link: e for e in feed("ru/all.atom").entries}
    kazakh = {e.link: e for e in feed("kk/all.atom").entries}
    assert sorted(russian) == sorted(
        [details(n, "ru") for n in (7101, 7102, 7103)]
        + [f"{url}/memleket/entities/mfa/press/news/details/trade-mission-to-oman?lang=en"]
    )
    assert sorted(kazakh) == [details(n, "kk") for n in (7101, 7102, 7103)]  # no engine for kk

    # Only the article the portal has no Russian version of was machine-translated.
    sent = [text for request in engine.requests for text in request["q"]]
    # (Oman is sent as a placeholder: Herald names countries in the target language itself.)
    assert sent and all("Trade mission to" in text or "Muscat" in text for text in sent)
    oman = russian[f"{url}/memleket/entities/mfa/press/news/details/trade-mission-to-oman?lang=en"]
    assert oman.title.startswith("ES:") and oman.id not in {e.id for e in english.entries}
    japan_ru = russian[details(7101, "ru")]
    assert japan_ru.title == "Казахстан и Япония обсудили проекты зелёного водорода"
    assert "translated_by" not in str(japan_ru.get("contributors", ""))

    # An entry opens its own page, whether a reader takes its first alternate link or its
    # last (feedparser); every language version is linked with its hreflang.
    japan_en = next(e for e in english.entries if e.link == details(7101, "en"))
    links = [(link.get("hreflang"), link["href"]) for link in japan_en.links]
    assert links == [
        (None, details(7101, "en")),
        ("kk", details(7101, "kk")),
        ("ru", details(7101, "ru")),
        ("en", details(7101, "en")),
    ]
    ru_links = [(link.get("hreflang"), link["href"]) for link in japan_ru.links]
    assert ru_links == [
        (None, details(7101, "ru")),
        ("en", details(7101, "en")),
        ("kk", details(7101, "kk")),
        ("ru", details(7101, "ru")),
    ]
    assert [e.link for e in english.entries if e.link.endswith("oman?lang=en")]  # no versions

    # A version carries the tags of its English sibling, and is in the same tag feeds.
    def terms(entry: Any) -> list[str]:
        return sorted(t["term"] for t in entry.tags)

    assert terms(japan_ru) == terms(japan_en) == terms(kazakh[details(7101, "kk")])
    assert "JP" in terms(japan_ru)
    assert [e.link for e in feed("ru/countries/jp.atom").entries] == [details(7101, "ru")]
    code, out, _ = run_cli("explain", japan_ru.id, "--config", str(site.config))
    assert code == 0
    assert '"Kazakhstan and Japan Discuss Green Hydrogen Projects" in its en version' in out

    # The same feed in the other languages is linked at the feed level, in every format.
    top = {(link.get("hreflang"), link["href"]) for link in english.feed.links}
    assert {
        ("ru", "http://feeds.example.test/ru/all.atom"),
        ("kk", "http://feeds.example.test/kk/all.atom"),
    } <= top
    channel = etree.parse(str(site.feeds / "ru" / "all.rss")).getroot().find("channel")
    assert channel is not None
    rss_links = {
        (link.get("rel"), link.get("hreflang"), link.get("href"))
        for link in channel.findall("{http://www.w3.org/2005/Atom}link")
    }
    assert {
        ("alternate", "kk", "http://feeds.example.test/kk/all.rss"),
        ("alternate", None, "http://feeds.example.test/all.rss"),
    } <= rss_links
    jsonfeed = json.loads((site.feeds / "kk" / "all.json").read_text(encoding="utf-8"))
    assert {"language": "ru", "url": "http://feeds.example.test/ru/all.json"} in (
        jsonfeed["_herald"]["editions"]
    )
    item = next(i for i in jsonfeed["items"] if i["url"] == details(7101, "kk"))
    assert {"language": "en", "url": details(7101, "en")} in item["_herald"]["versions"]
    for path in site.feeds.rglob("*.atom"):
        served_at = "http://feeds.example.test/" + str(path.relative_to(site.feeds))
        assert atom_problems(path, served_at) == [], path


def run_cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_version_published_later_links_the_others_to_it(tmp_path: Path) -> None:
    stand_in = Portal(tokens=False, withheld={(7101, "ru")})
    with running(stand_in.app()) as url:
        site = portal_site(tmp_path, url, languages=["en", "ru"])
        site.run_once()
        page = f"{url}/memleket/entities/mfa/press/news/details/7101"

        def japan_links() -> list[tuple[str | None, str]]:
            english = feedparser.parse((site.feeds / "all.atom").read_bytes())
            entry = next(e for e in english.entries if e.link == f"{page}?lang=en")
            return [(link.get("hreflang"), link["href"]) for link in entry.links]

        assert japan_links() == [(None, f"{page}?lang=en")]
        stand_in.withheld.clear()
        site.run_once(NOW + timedelta(hours=1))
    assert japan_links() == [
        (None, f"{page}?lang=en"),
        ("ru", f"{page}?lang=ru"),
        ("en", f"{page}?lang=en"),
    ]


def test_a_version_takes_the_new_tags_of_its_edited_first_version(tmp_path: Path) -> None:
    stand_in = Portal(tokens=False)
    with running(stand_in.app()) as url:
        site = portal_site(tmp_path, url, languages=["en", "ru"])
        site.run_once()
        assert "BR" not in {t.term for t in in_language(site, "ru")[RU_JAPAN].tags}
        stand_in.edited[(7101, "en")] = (
            "<p>Kazakhstan and Japan discussed green hydrogen with partners from Brazil, "
            "Ministry of Foreign Affairs of the Republic of Kazakhstan reports.</p>"
        )
        (report,) = site.run_once(NOW + timedelta(hours=1))
    # The English listing changed; the Russian one did not, yet its version follows.
    assert report.outcomes[Outcome.EDITED] == 1 and report.outcomes[Outcome.RETAGGED] == 1
    assert "BR" in {t.term for t in in_language(site, "ru")[RU_JAPAN].passed("country")}


RU_JAPAN = "Казахстан и Япония обсудили проекты зелёного водорода"


def test_preview_shows_every_language_version(tmp_path: Path) -> None:
    stand_in = Portal(tokens=False)
    with running(stand_in.app()) as url:
        site = portal_site(tmp_path, url, languages=["en", "kk"])
        result = CliRunner().invoke(cli, ["preview", "mfa-live", "--config", str(site.config)])
    assert result.exit_code == 0, result.output
    heads = [line for line in result.stdout.splitlines() if " UTC  " in line]
    assert [line.split("  ")[1] for line in heads] == ["en"] * 4 + ["kk"] * 3
    assert "Қазақстан мен Жапония жасыл сутегі жобаларын талқылады" in result.stdout
    assert result.stdout.splitlines()[-1].startswith('source "mfa-live": 7 entries would be stored')
