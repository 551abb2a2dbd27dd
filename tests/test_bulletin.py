"""The bulletin parser, on the real sample and on hand-written edge cases."""

from __future__ import annotations

import codecs
import logging
from datetime import datetime

import pytest

from herald.errors import ParseError
from herald.models import Fetched
from herald.parse.bulletin import parse_bulletin
from herald.settings import SourceSettings

from .conftest import DATA, SAMPLE

SOURCE = SourceSettings(id="mfa-kz", name="MFA", kind="bulletin", url="x", timezone="Asia/Almaty")


def parse(data: bytes) -> tuple[list, list]:
    result = parse_bulletin(Fetched(url="listing.txt", content=data), SOURCE)
    return list(result.items), list(result.problems)


def test_sample_has_nine_entries_in_listing_order() -> None:
    items, problems = parse(SAMPLE.read_bytes())
    assert problems == []
    assert [(i.published, i.line) for i in items] == [
        (datetime(2026, 3, 10, 15, 12), 1),
        (datetime(2026, 3, 10, 15, 12), 11),  # the Rwanda article, glued under Flanders
        (datetime(2026, 3, 10, 21, 20), 16),
        (datetime(2026, 3, 10, 18, 45), 21),
        (datetime(2026, 3, 10, 16, 47), 31),
        (datetime(2026, 3, 10, 14, 55), 39),
        (datetime(2026, 3, 10, 13, 50), 48),
        (datetime(2026, 3, 10, 13, 0), 58),
        (datetime(2026, 3, 10, 12, 41), 70),
    ]
    first, rwanda = items[0], items[1]
    assert first.title == "Kazakhstan and Flanders Discuss Joint Projects"
    assert first.has_images
    assert first.paragraphs[0].startswith("Ambassador of Kazakhstan to Belgium")
    assert len(first.paragraphs) == 7 and not any("Rwanda" in p for p in first.paragraphs)
    assert first.note is None
    # The glued article: titled from its lead sentence, its four paragraphs, no picture.
    assert rwanda.title == (
        "Ambassador of Kazakhstan to Rwanda Barlybay Sadykov presented his Letters of "
        "Credence to President Paul Kagame"
    )
    assert len(rwanda.paragraphs) == 5 and rwanda.paragraphs[0].startswith("Ambassador")
    assert not rwanda.has_images
    assert rwanda.note is not None and "line 11" in rwanda.note and "line 1)" in rwanda.note
    assert not items[2].has_images
    assert all(not p.isdigit() for i in items for p in i.paragraphs)


def test_glued_articles_split_at_every_second_lead_only() -> None:
    marker = "Ministry of Foreign Affairs of the Republic of Kazakhstan reports."
    listing = (
        "02.04.2026, 09:00 10\n"
        "Talks in Oslo\n"
        f"Diplomats met in Oslo. They discussed Arctic research, {marker}\n"
        "Marker words in the middle of a paragraph, " + marker + " do not split.\n"
        f"The Ambassador to Chile met the Mayor of Santiago, {marker}\n"
        "Copper trade was discussed.\n"
        f"Students from Kazakhstan won a chess tournament in Baku. The team of five, {marker}\n"
    ).encode()
    items, problems = parse(listing)
    assert problems == []
    assert [(i.title, i.line, len(i.paragraphs)) for i in items] == [
        ("Talks in Oslo", 1, 2),
        ("The Ambassador to Chile met the Mayor of Santiago", 5, 2),
        ("Students from Kazakhstan won a chess tournament in Baku", 7, 1),
    ]
    assert len({i.key for i in items}) == 3
    assert {i.published for i in items} == {datetime(2026, 4, 2, 9, 0)}
    # An empty marker turns splitting off.
    plain = SOURCE.model_copy(update={"glue_marker": ""})
    whole = parse_bulletin(Fetched(url="listing.txt", content=listing), plain).items
    assert len(whole) == 1


def test_edge_cases_keep_good_entries_and_report_bad_ones() -> None:
    items, problems = parse((DATA / "bulletins" / "edge-cases.txt").read_bytes())
    titles = [i.title for i in items]
    assert titles == [
        "Delegation of Kazakhstan Visits the Port of Rotterdam",
        "Title Only Announcement",
        "Delegation of Kazakhstan Visits the Port of Rotterdam",
        "Late Evening Statement on Water Cooperation in Central Asia",
    ]
    port = items[0]
    # A body line that merely begins with a date is body, not a new entry.
    assert port.paragraphs[-1].startswith("02.04.2026, 10:15 the delegation")
    assert port.has_images
    assert items[1].paragraphs == ()  # kept with a title and no body
    assert [(p.line, p.reason.split(" (")[0]) for p in problems] == [
        (6, 'invalid date or time in "32.13.2026, 10:00 77"'),
        (9, "entry header has no title"),
    ]
    assert problems[0].describe("mfa-kz").startswith('source "mfa-kz", line 6: skipped entry')


def test_view_counter_is_not_part_of_the_key() -> None:
    once, _ = parse(b"10.03.2026, 15:12 6241\nA title\nBody.\n")
    again, _ = parse(b"10.03.2026, 15:12 9999\nA title\nBody.\n")
    assert once[0].key == again[0].key


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the listing is empty"),
        (b"  \n\n", "the listing is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data"),
        (b'<meta charset="utf-8">\ncaf\xe9 10.03.2026\n', "not utf-8 text"),
        (b"Just some text\nwith no entries\n", "no entries found"),
    ],
)
def test_unreadable_listings_raise_a_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse(data)


def test_byte_order_mark_is_ignored() -> None:
    items, _ = parse(codecs.BOM_UTF8 + b"10.03.2026, 15:12 1\nTitle\n")
    assert items[0].title == "Title"


@pytest.mark.parametrize(
    ("encoding", "title", "body"),
    [
        (
            "windows-1251",
            "Казахстан и Грузия обсудили транзит",
            "Стороны обсудили транзитные перевозки через Каспийское море и порт Актау.",
        ),
        (
            "latin-1",
            "Réunion à Genève sur la coopération économique",
            "Les délégations ont évoqué les échanges commerciaux et la sécurité énergétique.",
        ),
        (
            "koi8_r",
            "Встреча в Алматы по вопросам водных ресурсов",
            "Эксперты обсудили совместное использование трансграничных рек и каналов.",
        ),
    ],
)
def test_a_listing_saved_in_a_legacy_encoding_is_read(
    encoding: str, title: str, body: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing declares the encoding and the bytes are not UTF-8: the most likely encoding
    is guessed, logged, and the text comes out right."""
    caplog.set_level(logging.INFO)
    listing = f"10.03.2026, 15:12 6241\n{title}\n{body}\n{body}\n".encode(encoding)
    items, problems = parse(listing)
    assert problems == []
    assert items[0].title == title and items[0].paragraphs[0] == body
    assert "declares no encoding and is not UTF-8; read as" in caplog.text
