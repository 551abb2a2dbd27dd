"""The gov-kz kind against a stand-in portal on loopback, with real headless Chromium."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from herald.cli import cli
from herald.models import TaggedArticle
from herald.store.sqlite import SQLiteStore

from .conftest import NOW, Site, write_config
from .portal import Portal
from .servers import running
from .test_sources import FAST, stored

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
    return {t.article.title: t for t in stored(site, "mfa-live")}


def test_older_portal_bare_list_without_tokens_never_starts_a_browser(tmp_path: Path) -> None:
    stand_in = Portal(tokens=False, shape="bare")
    with running(stand_in.app()) as url:
        site = portal_site(tmp_path, url, executable="no-such-chromium")
        (report,) = site.run_once()
    assert report.ok, report
    found = by_title(site)
    assert sorted(found) == [
        "Citizens Brought Home from Lebanon on a Special Flight",
        "Foreign Minister Receives the Ambassador of Brazil",
        "Kazakhstan and Japan Discuss Green Hydrogen Projects",
    ]
    assert stand_in.hits["page"] == 0  # no browser: the portal did not ask for tokens
    assert stand_in.hits["api-en"] == 1  # page 1 is the first page; it held everything
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
    found = by_title(site)
    assert len(found) == 9
    assert (
        "112 граждан" in found["Граждан вернули из Ливана специальным рейсом"].article.content_html
    )
    brazil = found["Foreign Minister Receives the Ambassador of Brazil"].article
    assert f'<img src="{url}/uploads/news/7103.jpg"' in brazil.content_html
    assert brazil.has_images
    store = SQLiteStore(site.folder / "var" / "herald.sqlite")
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
        'source "mfa-live": 3 entries would be stored, 0 skipped; nothing was stored or published'
    )
    assert stand_in.hits["details"] == 1  # the teaser's full text, as a run would read it
    assert not (site.folder / "var").exists() and not site.feeds.exists()

    unknown = CliRunner().invoke(cli, ["preview", "nope", "--config", str(site.config)])
    assert unknown.exit_code == 2
    assert 'no source "nope"; sources: mfa-live' in unknown.stderr
    failing = CliRunner().invoke(cli, ["preview", "mfa-live", "--config", str(site.config)])
    assert failing.exit_code == 3  # the stand-in has stopped: nothing answers
    assert 'herald: source "mfa-live" failed: ' in failing.stderr
