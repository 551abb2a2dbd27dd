"""Atom rendering of one 100-entry archive page, beside bare lxml serialization of the same
entries; prints pages per second for each.

Run: .venv/bin/python benchmarks/bench_render.py
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import make_listing  # noqa: E402
from herald.classify import Classifier, load_country_rules, load_topic_rules  # noqa: E402
from herald.models import Fetched  # noqa: E402
from herald.normalize import normalize  # noqa: E402
from herald.parse.bulletin import parse_bulletin  # noqa: E402
from herald.render.atom import atom_document, atom_entry, for_feed, render_atom  # noqa: E402
from herald.render.feeds import FeedSpec  # noqa: E402
from herald.render.view import Paging, feed_view  # noqa: E402
from herald.settings import SourceSettings  # noqa: E402
from herald.store import FeedQuery  # noqa: E402

ATOM = "http://www.w3.org/2005/Atom"


def rate(label: str, work: Callable[[], object], seconds: float = 3.0) -> float:
    """Pages per second of `work`, repeated for about `seconds`."""
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        work()
        count += 1
    per_second = count / (time.perf_counter() - start)
    print(f"{label:<62} {per_second:8.1f} pages/s")
    return per_second


def lxml_page(view_entries: list[etree._Element]) -> bytes:
    """The same entries as prebuilt lxml elements, serialized as one feed: the floor."""
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})  # type: ignore[dict-item]
    feed.extend(view_entries)
    data: bytes = etree.tostring(feed, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


def main() -> None:
    source = SourceSettings(id="bench", name="Benchmark", kind="bulletin", url="x")
    raw = parse_bulletin(Fetched(url="x", content=make_listing(100).encode()), source).items
    classifier = Classifier(
        load_country_rules(ROOT / "config" / "countries.toml"),
        load_topic_rules(ROOT / "config" / "topics.toml"),
        "KZ",
    )
    tagged = [classifier.classify(normalize(r, "bench", "Asia/Almaty", "en")) for r in raw]
    view = feed_view(
        FeedSpec("all", "Everything", "Herald", FeedQuery()),
        tagged,
        base_url="http://127.0.0.1:8080/",
        author="Herald",
        source_names={"bench": "Benchmark"},
        fallback_updated=datetime(2026, 3, 12, tzinfo=UTC),
        paging=Paging(archive=True, current="all", next_archive="archive/all/2"),
        path="archive/all/1",
    )
    document = render_atom(view)
    parsed = etree.fromstring(document).findall(f"{{{ATOM}}}entry")
    kept = [(e.language, atom_entry(e)) for e in view.entries]
    assert atom_document(view, (for_feed(b, lang, view) for lang, b in kept)) == document

    print(f"one archive page: {len(view.entries)} entries, {len(document):,} bytes")
    floor = rate("bare lxml: serialize 100 prebuilt entry elements", lambda: lxml_page(parsed))
    cold = rate("Herald, every entry rendered (feedgen)", lambda: render_atom(view))
    warm = rate(
        "Herald in a publish: feedgen head, entries kept from other pages",
        lambda: atom_document(view, (for_feed(b, lang, view) for lang, b in kept)),
    )
    print(f"kept entries: {100 * warm / floor:.0f} % of bare lxml", end="; ")
    print(f"every entry rendered: {100 * cold / floor:.0f} %")


if __name__ == "__main__":
    main()
