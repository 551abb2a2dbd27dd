"""One bad source never stops the others: hostile input fails its own source, cleanly."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from lxml import etree

from herald import parse
from herald.cli import cli

from .conftest import SAMPLE, Site, bulletin_source, write_config


def feed_source(path: Path, source_id: str = "hostile") -> dict[str, Any]:
    return {"id": source_id, "name": "Hostile", "kind": "feed", "url": str(path)}


def json_feed(items: Any) -> str:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": items})


GOOD_ITEM = {"id": "ok-1", "title": "A Good Item", "date_published": "2026-04-01T10:00:00Z"}


def run(tmp_path: Path, *sources: dict[str, Any]) -> tuple[int, Site]:
    site = Site(tmp_path, write_config(tmp_path, [*sources, bulletin_source(SAMPLE)]))
    result = CliRunner().invoke(cli, ["run", "--once", "--config", str(site.config)])
    return result.exit_code, site


@pytest.mark.parametrize(
    ("kind", "content", "message"),
    [
        ("feed", json_feed("not a list"), 'the JSON Feed\'s "items" is not a list'),
        ("feed", json_feed(42), 'the JSON Feed\'s "items" is not a list'),
        ("bulletin", '<meta charset="zlib">\n', "'zlib' is not a text encoding"),
        ("bulletin", '<meta charset="hex">\n', "'hex' is not a text encoding"),
        ("bulletin", '<meta charset="punycode">\n', "'punycode' is not a text encoding"),
    ],
)
def test_a_hostile_document_fails_its_source_and_the_rest_is_published(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, kind: str, content: str, message: str
) -> None:
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(content, encoding="latin-1")
    code, site = run(tmp_path, {**feed_source(hostile), "kind": kind})
    assert code == 3
    assert 'source "hostile" failed' in caplog.text and message in caplog.text
    assert (site.feeds / "all.atom").read_text(encoding="utf-8").count("<entry>") == 9


def test_items_that_are_not_objects_are_skipped_with_their_reason(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    hostile = tmp_path / "items.json"
    hostile.write_text(json_feed(["a string", None, 7, GOOD_ITEM]), encoding="utf-8")
    code, site = run(tmp_path, feed_source(hostile))
    assert code == 3
    for number in (1, 2, 3):
        assert f'source "hostile": skipped entry: item {number}: not an object' in caplog.text
    assert "A Good Item" in (site.feeds / "sources" / "hostile.atom").read_text("utf-8")


@pytest.mark.parametrize(
    ("header", "zone"),
    [("01.01.0001, 1:01 5", "Asia/Almaty"), ("31.12.9999, 23:59 5", "America/New_York")],
)
def test_dates_at_the_ends_of_the_calendar_skip_their_entry(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, header: str, zone: str
) -> None:
    listing = tmp_path / "listing.txt"
    listing.write_text(
        f"{header}\nA Date Nobody Can Convert\nText.\n"
        "02.04.2026, 10:00 5\nAn Ordinary Entry\nText.\n",
        encoding="utf-8",
    )
    site = Site(tmp_path, write_config(tmp_path, [bulletin_source(listing, timezone=zone)]))
    result = CliRunner().invoke(cli, ["run", "--once", "--config", str(site.config)])
    assert result.exit_code == 3
    assert 'source "mfa-kz", line 1: skipped entry: date' in caplog.text
    assert "out of range" in caplog.text
    feed = (site.feeds / "all.atom").read_text(encoding="utf-8")
    assert "An Ordinary Entry" in feed and "Nobody" not in feed


def test_a_feed_date_in_year_ten_thousand_skips_its_entry(tmp_path: Path) -> None:
    hostile = tmp_path / "future.xml"
    hostile.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>From the Future</title><guid>f1</guid>"
        "<pubDate>Sat, 01 Jan 10000 00:00:00 +0000</pubDate></item>"
        "<item><title>From Today</title><guid>f2</guid>"
        "<pubDate>Wed, 01 Apr 2026 10:00:00 +0000</pubDate></item></channel></rss>",
        encoding="utf-8",
    )
    code, site = run(tmp_path, feed_source(hostile))
    assert code == 3  # the entry was skipped, and said so
    feed = (site.feeds / "sources" / "hostile.atom").read_text(encoding="utf-8")
    assert "From Today" in feed and "From the Future" not in feed


def test_an_unexpected_error_in_one_source_is_that_source_failing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Whatever a source's bytes make a stage do, the damage stays in that source."""
    broken = parse.KINDS["feed"]

    def crash(*args: Any) -> Any:
        raise ZeroDivisionError("a bug that some input revealed")

    monkeypatch.setitem(parse.KINDS, "feed", type(broken)(crash))
    hostile = tmp_path / "any.json"
    hostile.write_text(json_feed([GOOD_ITEM]), encoding="utf-8")
    code, site = run(tmp_path, feed_source(hostile))
    assert code == 3
    assert (
        "unexpected ZeroDivisionError: a bug that some input revealed "
        "(run with -v for the traceback)"
    ) in caplog.text
    assert (site.feeds / "all.atom").read_text(encoding="utf-8").count("<entry>") == 9


def test_markup_in_a_summary_stays_text_in_rss(tmp_path: Path) -> None:
    listing = tmp_path / "listing.txt"
    listing.write_text(
        "02.04.2026, 10:00 5\nAn Entry With Markup in Its Text\n"
        "<img src=x onerror=alert(1)> and <b>bold</b> words, as written.\n",
        encoding="utf-8",
    )
    site = Site(tmp_path, write_config(tmp_path, [bulletin_source(listing)]))
    site.run_once()
    item = etree.parse(str(site.feeds / "all.rss")).getroot().find("channel/item")
    assert item is not None
    description = item.findtext("description") or ""
    # A reader that renders this as HTML shows the characters, not an image.
    assert description.startswith("&lt;img src=x onerror=alert(1)&gt; and &lt;b&gt;bold")
    assert "<img" not in description


def test_only_http_https_and_mailto_links_reach_a_feed(tmp_path: Path) -> None:
    hostile = tmp_path / "links.json"
    hostile.write_text(
        json_feed(
            [
                {
                    **GOOD_ITEM,
                    "url": "javascript:alert(document.cookie)",
                    "content_html": '<p><a href="javascript:alert(1)">click</a> '
                    '<a href="mailto:press@example.test">write</a> '
                    '<img src="data:image/png;base64,AAAA"> '
                    '<a href="https://example.test/ok">fine</a></p>',
                }
            ]
        ),
        encoding="utf-8",
    )
    _, site = run(tmp_path, feed_source(hostile))
    for name in ("all.atom", "all.rss", "all.json"):
        text = (site.feeds / name).read_text(encoding="utf-8")
        assert "javascript:" not in text and "data:image" not in text, name
        assert "mailto:press@example.test" in text and "https://example.test/ok" in text


def _open_store(path: str) -> str:
    from herald.store.sqlite import SQLiteStore

    SQLiteStore(Path(path)).close()
    return "ok"


def test_several_processes_opening_a_new_store_at_once(tmp_path: Path) -> None:
    """Each migration runs in the transaction that reads the version, so once; the switch to
    the WAL journal, which SQLite refuses at once to two connections doing it together, is
    retried (it failed about one open in fifty here before it was)."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(6) as pool:
        for attempt in range(40):
            path = str(tmp_path / f"fresh-{attempt}.sqlite")
            assert pool.map(_open_store, [path] * 6) == ["ok"] * 6
