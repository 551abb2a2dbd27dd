"""The pages in a real browser: Debian's Chromium driven by Playwright, at a phone's width."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin

import httpx
import pytest

from herald.app import load, reader_for
from herald.filtering import Answer, FilteredFeeds
from herald.serve import create_app

from .conftest import SAMPLE, Site, bulletin_source, installed, write_config
from .servers import running

pytestmark = pytest.mark.slow
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """The sample's site, published for the address it is served from, with its filtered
    feeds."""
    filtered = Filtered()
    with running(create_app(tmp_path / "feeds", filtered=filtered)) as url:
        base = url + "/"
        site = Site(tmp_path, write_config(tmp_path, [bulletin_source(SAMPLE)], base_url=base))
        site.run_once()
        loaded = load(site.config)
        store = reader_for(loaded)()
        filtered.feeds = FilteredFeeds(loaded.settings, loaded.classifier, loaded.translator, store)
        try:
            yield base
        finally:
            store.close()


class Filtered:
    """Filtered feeds, from a store that exists only once the site is published."""

    feeds: FilteredFeeds | None = None

    def answer(self, suffix: str, pairs: Sequence[tuple[str, str]], tag: str | None) -> Answer:
        assert self.feeds is not None
        return self.feeds.answer(suffix, pairs, tag)


@pytest.fixture
def browser() -> Iterator[Any]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=installed("chromium", "chromium-browser", packages="chromium"),
            headless=True,
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.mark.parametrize("path", ["index.html", "countries/be.html", "all.html"])
def test_a_page_loads_cleanly_fits_a_phone_and_every_link_answers(
    served: str, browser: Any, path: str
) -> None:
    page = browser.new_page(viewport=PHONE)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else 0)
    page.on("pageerror", lambda error: problems.append(str(error)))
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    response = page.goto(served + path)
    assert response is not None and response.status == 200
    page.wait_for_load_state("networkidle")
    assert problems == [] and failed == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    links = page.eval_on_selector_all(
        "a[href], link[href]", "elements => elements.map(e => e.href)"
    )
    assert len(links) > 5
    with httpx.Client() as client:
        for link in sorted({urldefrag(urljoin(served + path, href)).url for href in links}):
            assert link.startswith(served), link  # nothing leaves the site
            assert client.get(link).status_code == 200, link
    page.close()


def test_the_copy_button_puts_the_feed_url_on_the_clipboard(served: str, browser: Any) -> None:
    context = browser.new_context(viewport=PHONE)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served.rstrip("/"))
    page = context.new_page()
    page.goto(served + "countries/be.html")
    button = page.locator("button[data-copy=feed-url]")
    assert button.text_content() == "Copy"
    button.click()
    assert page.evaluate("navigator.clipboard.readText()") == served + "countries/be.atom"
    assert button.text_content() == "Copied"
    context.close()


def test_the_filter_form_builds_a_feed_that_answers(served: str, browser: Any) -> None:
    page = browser.new_page(viewport=PHONE)
    page.goto(served + "countries/be.html")
    assert not page.is_visible("#filter-result")  # nothing to show before the form is sent
    page.select_option("form.filter select[name=topic]", "trade-investment")
    page.fill("form.filter input[name=q]", "flanders")
    page.select_option("form.filter select.format", "json")
    page.click("form.filter button[type=submit]")
    assert page.is_visible("#filter-result")
    built = page.input_value("#filter-url")
    assert built == served + "filter.json?country=be&topic=trade-investment&q=flanders"
    assert page.get_attribute("#filter-result a", "href") == built
    answer = httpx.get(built)
    assert answer.status_code == 200
    assert [item["title"] for item in answer.json()["items"]] == [
        "Kazakhstan and Flanders Discuss Joint Projects"
    ]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.close()
