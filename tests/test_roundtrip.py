"""Hostile text round-trips through normalize -> render -> parse-back as valid XML."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from herald.models import RawItem, TaggedArticle
from herald.normalize import normalize
from herald.normalize.text import clean_line
from herald.render.atom import render_atom
from herald.render.feeds import FeedSpec
from herald.render.jsonfeed import render_json
from herald.render.rss import render_rss
from herald.render.view import feed_view
from herald.store import FeedQuery

A = "{http://www.w3.org/2005/Atom}"
# Any code point, with extra weight on those XML cannot carry and on lookalike letters.
hostile = st.text(
    st.characters() | st.sampled_from("\x00\x0b\x1b\x85\ufffe\uffff\ud800\u200b\u0410\u043e<&>]]>"),
    max_size=200,
)


@settings(max_examples=300, deadline=None)
@given(title=hostile, paragraphs=st.lists(hostile, max_size=4))
def test_any_text_renders_valid_atom_that_reads_back(title: str, paragraphs: list[str]) -> None:
    raw = RawItem(
        key=title, title=title, published=datetime(2026, 3, 10, 12, 0), paragraphs=tuple(paragraphs)
    )
    if not clean_line(title):
        with pytest.raises(ValueError, match="is empty once control characters are removed"):
            normalize(raw, "s", "Asia/Almaty", "en")
        return
    article = normalize(raw, "s", "Asia/Almaty", "en")
    view = feed_view(
        FeedSpec("all", "Everything", "Herald", FeedQuery()),
        [TaggedArticle(article)],
        base_url="http://feeds.example.test/",
        author="Herald",
        source_names={},
        fallback_updated=article.updated,
    )
    entry = etree.fromstring(render_atom(view)).find(f"{A}entry")
    assert entry is not None
    assert (entry.findtext(f"{A}title") or "") == article.title
    assert (entry.findtext(f"{A}content") or "") == article.content_html
    item = etree.fromstring(render_rss(view)).find("channel/item")
    assert item is not None
    assert item.findtext("title") == article.title
    (json_item,) = json.loads(render_json(view))["items"]
    assert json_item["title"] == article.title
    if not article.content_html:  # no body: no empty content in either format
        assert entry.find(f"{A}content") is None
        assert json_item["content_text"] == (article.summary or article.title)
    else:
        assert json_item["content_html"] == article.content_html
    if article.content_html:
        # The HTML inside is well-formed too: one <p> per kept paragraph.
        body = etree.fromstring(f"<div>{article.content_html}</div>")
        assert len(body) == len(article.paragraphs)
