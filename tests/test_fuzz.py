"""Fuzzing: whatever bytes a source sends, every parser, text decoding and normalize raise
only their documented errors, and whatever they make of the bytes renders into valid feeds.

Each parser gets real documents of its kind with random damage (cut, spliced, bytes
replaced, text inserted) and plain random bytes. `make fuzz` runs the same properties with
many more inputs (the "fuzz" Hypothesis profile) and prints how many each one tried.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from xml.sax.saxutils import escape as xml_escape

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from lxml import etree

from herald.errors import ParseError
from herald.models import Fetched, ParseResult, RawItem, TaggedArticle
from herald.normalize import normalize
from herald.parse import govkz
from herald.parse.bulletin import parse_bulletin
from herald.parse.feed import parse_feed
from herald.parse.html import parse_html
from herald.parse.jsonapi import parse_json
from herald.parse.text import decode_text
from herald.render.atom import render_atom
from herald.render.feeds import FeedSpec
from herald.render.jsonfeed import render_json
from herald.render.rss import render_rss
from herald.render.view import feed_view
from herald.settings import HtmlSettings, JsonSettings, SourceSettings
from herald.store import FeedQuery

from .conftest import DATA, SAMPLE

HTTP = DATA / "http"
BASE = "http://listing.example/news/"


def source(kind: str, **more: object) -> SourceSettings:
    return SourceSettings.model_validate(
        {"id": "fuzzed", "name": "Fuzzed", "kind": kind, "url": BASE, "timezone": "Asia/Almaty"}
        | more
    )


HTML_SOURCE = source(
    "html",
    html=HtmlSettings(
        item="li.item",
        title="h2 a",
        link="h2 a@href",
        date="time@datetime",
        summary="xpath:.//p[@class='lead']",
    ),
)
JSON_SOURCE = source(
    "json",
    json=JsonSettings(
        items="data.items", id="uid", title="headline", date="when", content="html", link="{path}"
    ),
)
GOVKZ_SOURCE = source("gov-kz", project="mfa", url="https://portal.example")
GOVKZ_SEED = json.dumps(
    {
        "content": [
            {
                "id": 9001,
                "title": "Foreign Minister Meets the Ambassador of Brazil",
                "body": "<p>The sides discussed direct flights.</p>",
                "created_date": "2026-04-10T09:00:00",
                "heropic": "/uploads/news/9001.jpg",
            },
            {"id": 9002, "name": "Consular Hours Change", "createdDate": "2026-04-09 10:00"},
        ]
    }
).encode()

# (parser, source settings, real documents of its kind, content type)
KINDS: dict[str, tuple[Callable[[Fetched, SourceSettings], ParseResult], SourceSettings]] = {
    "bulletin": (parse_bulletin, source("bulletin")),
    "rss": (parse_feed, source("feed")),
    "atom": (parse_feed, source("feed")),
    "json-feed": (parse_feed, source("feed")),
    "html": (parse_html, HTML_SOURCE),
    "json": (parse_json, JSON_SOURCE),
    "gov-kz": (govkz.parse_govkz, GOVKZ_SOURCE),
}
SEEDS = {
    "bulletin": [
        SAMPLE.read_text(encoding="utf-8")[:6000].encode(),
        (DATA / "bulletins" / "edge-cases.txt").read_bytes(),
    ],
    "rss": [(HTTP / "rss2.xml").read_bytes(), (HTTP / "rss1.rdf").read_bytes()],
    "atom": [(HTTP / "atom.xml").read_bytes(), (HTTP / "relative.xml").read_bytes()],
    "json-feed": [(HTTP / "feed.json").read_bytes()],
    "html": [(HTTP / "listing-1.html").read_bytes()],
    "json": [(HTTP / "api.json").read_bytes(), (HTTP / "relative.json").read_bytes()],
    "gov-kz": [GOVKZ_SEED],
}
CONTENT_TYPES = [
    None,
    "text/plain",
    "text/plain; charset=windows-1251",
    "application/xml",
    "application/json; charset=utf-8",
    "text/html; charset=zlib",
]
PIECES = st.one_of(
    st.binary(max_size=40),
    st.text(max_size=40).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.sampled_from(
        [
            b"<",
            b"</item>",
            b"<![CDATA[",
            b"&#0;",
            b"&bogus;",
            b"\x00",
            b"\xff\xfe",
            b"\xef\xbb\xbf",
            b'{"items": 7}',
            b"null",
            b"01.01.0001, 1:01",
            b"31.12.9999, 23:59",
            b"<?xml version='1.0' encoding='hex'?>",
            b'"date_published": "10000-01-01T00:00:00Z"',
            b"javascript:alert(1)",
            b"<img src=x onerror=alert(1)>",
            b"\n\n\n",
        ]
    ),
)


@st.composite
def damaged(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """A real document with random damage: cut, pieces replaced or inserted, halves swapped."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, 4))):
        if not data:
            break
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "replace", "cut", "swap"]))
        if action == "insert":
            data[at:at] = draw(PIECES)
        elif action == "replace":
            data[at : at + draw(st.integers(1, 30))] = draw(PIECES)
        elif action == "cut":
            del data[at:]
        else:
            data = data[at:] + data[:at]
    return bytes(data)


HOSTILE_TEXT = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        ["<script>alert(1)</script>", "javascript:alert(1)", "\u202e\u0000", "&amp;lt;", "]]>"]
    ),
)


@st.composite
def hostile_values(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """A real document still well-formed, with hostile text where its text goes: in the
    text between tags (escaped as the format wants), or in a JSON document's strings."""
    seed = draw(st.sampled_from(seeds))
    try:
        data = json.loads(seed)
    except ValueError:
        text = seed.decode("utf-8", "surrogateescape")  # a legacy encoding's bytes kept
        gaps = [i + 1 for i, c in enumerate(text) if c == ">" and text[i + 1 : i + 2] != "<"]
        for _ in range(draw(st.integers(1, 4))):
            if not gaps:
                break
            at = draw(st.sampled_from(gaps))
            piece = xml_escape(draw(HOSTILE_TEXT))
            text = text[:at] + piece + text[at:]
            gaps = [g + len(piece) if g > at else g for g in gaps]
        return text.encode("utf-8", "surrogateescape")

    def change(value: object) -> object:
        if isinstance(value, dict):
            return {k: change(v) for k, v in value.items()}
        if isinstance(value, list):
            return [change(v) for v in value]
        if isinstance(value, str) and draw(st.booleans()):
            return draw(HOSTILE_TEXT)
        return value

    return json.dumps(change(data)).encode()


def inputs(kind: str) -> st.SearchStrategy[Fetched]:
    # Real documents, well-formed with hostile text or damaged; sometimes bytes of no kind.
    content = st.one_of(hostile_values(SEEDS[kind]), damaged(SEEDS[kind]), st.binary(max_size=2000))
    return st.builds(
        Fetched, url=st.just(BASE), content=content, content_type=st.sampled_from(CONTENT_TYPES)
    )


def check_round_trip(items: list[RawItem], source_settings: SourceSettings) -> None:
    """Every item normalizes (or is refused with ValueError, which skips it), and what
    normalizes renders into feeds that parse."""
    tagged = []
    for raw in items:
        try:
            article = normalize(raw, source_settings.id, source_settings.timezone, "en")
        except ValueError:
            continue
        tagged.append(TaggedArticle(article))
    view = feed_view(
        FeedSpec("all", "Everything", "Fuzz", FeedQuery()),
        tagged,
        base_url="http://feeds.example.test/",
        author="Fuzz",
        source_names={},
        fallback_updated=datetime(2026, 1, 1, tzinfo=UTC),
    )
    atom = etree.fromstring(render_atom(view))
    assert len(atom.findall("{http://www.w3.org/2005/Atom}entry")) == len(tagged)
    etree.fromstring(render_rss(view))
    assert len(json.loads(render_json(view))["items"]) == len(tagged)


@pytest.mark.parametrize("kind", sorted(KINDS))
@given(data=st.data())
def test_a_parser_raises_only_parse_errors_and_its_items_render(
    kind: str, data: st.DataObject
) -> None:
    parse, source_settings = KINDS[kind]
    fetched = data.draw(inputs(kind))
    try:
        result = parse(fetched, source_settings)
    except ParseError:
        event("refused as a whole")
        return  # documented: the document as a whole cannot be read
    assert isinstance(result, ParseResult)
    event("items read" if result.items else "no items")
    check_round_trip(list(result.items), source_settings)


@given(
    content=st.binary(max_size=3000),
    content_type=st.sampled_from(CONTENT_TYPES),
)
def test_text_decoding_gives_text_or_a_parse_error(
    content: bytes, content_type: str | None
) -> None:
    try:
        text = decode_text(Fetched(BASE, content, content_type))
    except ParseError:
        return
    assert isinstance(text, str)


@given(
    title=st.text(max_size=400),
    html=st.one_of(st.none(), st.text(max_size=800)),
    paragraphs=st.lists(st.text(max_size=300), max_size=4),
    year=st.integers(1, 9999),
    hour=st.integers(0, 23),
)
def test_normalize_makes_an_article_or_says_why_not(
    title: str, html: str | None, paragraphs: list[str], year: int, hour: int
) -> None:
    raw = RawItem(
        key="k",
        title=title,
        published=datetime(year, 1, 1, hour),
        html=html,
        paragraphs=() if html is not None else tuple(paragraphs),
        image="http://listing.example/p.jpg" if hour % 3 == 0 else None,
        url="javascript:alert(1)" if hour % 2 else "http://listing.example/a",
        base_url=BASE,
    )
    try:
        article = normalize(raw, "fuzzed", "Asia/Almaty", "en")
    except ValueError:
        return
    assert article.title and article.published.tzinfo is not None
    assert article.url is None or article.url.startswith(("http://", "https://"))
    check_round_trip([raw], source("bulletin"))


def test_what_fuzzing_found_stays_fixed() -> None:
    """Control characters in a listing's link, in a body and in an item's link: the item is
    read, and the feed holds no character XML cannot carry."""
    page = (HTTP / "listing-1.html").read_bytes().replace(b'href="/html', b'href="/\x01html', 1)
    result = parse_html(Fetched(BASE, page, "text/html"), HTML_SOURCE)
    assert result.items[0].url == "http://listing.example/html/articles/104.html"
    raw = RawItem(
        key="k",
        title="0",
        published=datetime(2026, 1, 1),
        html="<p>a\x1fb\x00</p>",
        url="0\x1f",
        base_url=BASE,
    )
    article = normalize(raw, "fuzzed", "UTC", "en")
    assert article.content_html.startswith("<p>ab") and article.url == f"{BASE}0"
    assert "\x00" not in article.content_html and "\x1f" not in article.content_html
    check_round_trip([raw], source("bulletin"))
