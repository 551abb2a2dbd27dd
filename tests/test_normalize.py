"""Normalization: clean text, UTC times in the right zone, escaped HTML, summaries, ids."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from herald.models import Article, RawItem
from herald.normalize import CONTENT_LIMIT, TEXT_LIMIT, TITLE_LIMIT, normalize, to_utc
from herald.normalize.identity import Known, article_id, first_of_each, resolve_ids
from herald.normalize.text import clean_line, cut_on_word


def raw(title: str, *paragraphs: str, when: datetime | None = None) -> RawItem:
    when = when or datetime(2026, 3, 10, 15, 12)
    return RawItem(
        key=f"{when:%Y-%m-%dT%H:%M} {title}", title=title, published=when, paragraphs=paragraphs
    )


def test_cyrillic_letter_inside_a_latin_word_is_repaired() -> None:
    fixed = clean_line("\u0410mbassador noted that")
    assert fixed == "Ambassador noted that"
    assert fixed.isascii()


def test_latin_letter_inside_a_cyrillic_word_is_repaired() -> None:
    assert clean_line("М\u006fсква") == "Москва"
    assert clean_line("Посол Казахстана") == "Посол Казахстана"


def test_a_word_with_letters_of_no_lookalike_is_left_alone() -> None:
    assert clean_line("Zдание") == "Zдание"  # Latin Z has no Cyrillic twin
    assert clean_line("Жaлпы") == "Жалпы"  # Latin a has one


def test_nfc_controls_and_invisible_characters() -> None:
    decomposed = "Co\u0302te d\u2019Ivoire"
    cleaned = clean_line(f"\x07{decomposed}\u200b  and\tmore\x00")
    assert cleaned == "Côte d\u2019Ivoire and more"
    assert unicodedata.is_normalized("NFC", cleaned)


@example("a\u200bb\u00a0\x85 e\u0301")
@given(st.text(alphabet=" \t\n\r\u00a0\u2003\u3000\x85\x1c\x1f\x01\x7f\u200b\u00adabé"))
def test_a_clean_line_has_single_spaces_and_nothing_invisible(line: str) -> None:
    """Whatever runs of spaces, controls and invisible characters a line has, it comes
    out with the words in order, one plain space between them, none at either end."""
    cleaned = clean_line(line)
    assert cleaned == cleaned.strip() and "  " not in cleaned
    assert not any(c.isspace() and c != " " for c in cleaned)
    assert not set(cleaned) & set("\u200b\u00ad\x01\x7f\x85")
    kept = unicodedata.normalize("NFC", line).replace("\u200b", "").replace("\u00ad", "")
    words = "".join(c if c in "abé" else " " for c in kept)
    assert cleaned.split(" ") == (words.split() or [""])


def test_cut_on_word_boundary() -> None:
    text = "The parties discussed prospects for cooperation in trade and industry"
    cut = cut_on_word(text, 40)
    assert cut == "The parties discussed prospects for…"
    assert len(cut) <= 40
    assert cut_on_word("short", 40) == "short"


def test_almaty_is_utc_plus_five_since_march_2024() -> None:
    assert to_utc(datetime(2026, 3, 10, 15, 12), "Asia/Almaty") == datetime(
        2026, 3, 10, 10, 12, tzinfo=UTC
    )
    # Before 1 March 2024 the zone was UTC+6; tz data older than 2024a says +6 throughout.
    assert to_utc(datetime(2024, 2, 28, 12, 0), "Asia/Almaty").hour == 6
    assert to_utc(datetime(2024, 3, 2, 12, 0), "Asia/Almaty").hour == 7


def test_aware_times_are_kept_and_converted() -> None:
    aware = datetime(2026, 3, 10, 15, 12, tzinfo=UTC)
    assert to_utc(aware, "Asia/Almaty") == aware


def test_body_becomes_escaped_paragraphs_and_a_summary() -> None:
    article = normalize(
        raw("Title", "First <b>bold</b> & plain " + "word " * 80, "Second."),
        "mfa-kz",
        "Asia/Almaty",
        "en",
    )
    assert article.content_html.startswith("<p>First &lt;b&gt;bold&lt;/b&gt; &amp; plain word")
    assert article.content_html.endswith("<p>Second.</p>")
    assert article.summary.startswith("First <b>bold</b> & plain")
    assert article.summary.endswith("…")
    assert len(article.summary) <= 280
    assert article.published == article.updated == datetime(2026, 3, 10, 10, 12, tzinfo=UTC)


def test_title_only_item_has_empty_body_and_summary() -> None:
    article = normalize(raw("Only a title"), "mfa-kz", "Asia/Almaty", "en")
    assert (article.content_html, article.summary, article.paragraphs) == ("", "", ())


def test_html_body_is_sanitized() -> None:
    item = RawItem(
        key="k",
        title="T",
        published=datetime(2026, 1, 1),
        html='<p onclick="x()">Hi<script>alert(1)</script></p><li>two</li>',
    )
    article = normalize(item, "s", "UTC", "en")
    assert "script" not in article.content_html
    assert "onclick" not in article.content_html
    assert article.paragraphs == ("Hi", "two")


def test_id_depends_on_source_and_key_only() -> None:
    a = article_id("mfa-kz", "2026-03-10T15:12 Kazakhstan and Flanders")
    assert a.startswith("urn:uuid:")
    assert a == article_id("mfa-kz", "2026-03-10T15:12  kazakhstan and flanders ")
    assert a != article_id("other", "2026-03-10T15:12 Kazakhstan and Flanders")
    assert a != article_id("mfa-kz", "2026-03-10T15:13 Kazakhstan and Flanders")


def norm(title: str, when: datetime | None = None) -> Article:
    return normalize(raw(title, "Body.", when=when), "mfa-kz", "Asia/Almaty", "en")


def test_a_corrected_title_keeps_the_earlier_id() -> None:
    before = norm("Kazakhstan and Flandres Discuss Joint Projects")
    after = norm("Kazakhstan and Flanders Discuss Joint Projects")
    known = [Known(before.id, before.title, before.published)]
    (resolved,) = resolve_ids([after], known)
    assert after.id != before.id
    assert resolved.id == before.id


@pytest.mark.parametrize(
    ("title", "when"),
    [
        ("Kazakhstan and Spain Strengthen Interparliamentary Dialogue", None),
        ("Kazakhstan and Flanders Discuss Joint Projects", datetime(2026, 3, 10, 15, 13)),
    ],
)
def test_different_title_or_time_is_another_article(title: str, when: datetime | None) -> None:
    before = norm("Kazakhstan and Flanders Discuss Joint Projects")
    other = norm(title, when)
    known = [Known(before.id, before.title, before.published)]
    (resolved,) = resolve_ids([other], known)
    assert resolved.id == other.id != before.id


def test_an_earlier_article_is_claimed_once() -> None:
    stored = norm("Kazakhstan and Flanders Discuss Joint Projects")
    exact = norm("Kazakhstan and Flanders Discuss Joint Projects")
    near = norm("Kazakhstan and Flanders Discuss Joint Project")
    known = [Known(stored.id, stored.title, stored.published)]
    resolved = resolve_ids([near, exact], known)
    assert [a.id for a in resolved] == [near.id, stored.id]


def test_repeats_in_one_listing_are_one_article() -> None:
    a, b = norm("Same"), norm("Same")
    assert first_of_each([a, b]) == [a]


def test_one_giant_item_costs_about_what_a_long_one_does() -> None:
    """A 9 MB title or body is cut to documented limits; the id still comes from the key."""
    giant_title = "Talks " * 1_500_000
    article = normalize(raw(giant_title, "Paragraph. " * 20_000, "Second."), "s", "UTC", "en")
    assert len(article.title) <= TITLE_LIMIT and article.title.endswith("…")
    assert sum(map(len, article.paragraphs)) <= TEXT_LIMIT
    assert len(article.key) <= 1_000
    assert article.id == article_id("s", raw(giant_title).key)
    html = RawItem(
        key="k",
        title="Big",
        published=datetime(2026, 3, 10),
        html="<p><b>bold</b> words</p>" * 20_000,
    )
    big = normalize(html, "s", "UTC", "en")
    assert len(big.content_html) < CONTENT_LIMIT and "<b>" not in big.content_html
    assert sum(map(len, big.paragraphs)) <= TEXT_LIMIT
    small = normalize(
        RawItem(key="k", title="Small", published=datetime(2026, 3, 10), html="<p><b>b</b></p>"),
        "s",
        "UTC",
        "en",
    )
    assert small.content_html == "<p><b>b</b></p>"  # under the limits nothing changes
