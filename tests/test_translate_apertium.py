"""Translated feeds with Apertium, for real: Spanish from the sample, each text once."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from lxml import etree

from .conftest import NOW, SAMPLE, Site, backends, bulletin_source, installed, write_config

# Every test here runs against both stores.
store_url = pytest.fixture(params=["sqlite", "postgresql"])(backends)

A = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
GLOSSARY = ["Kassym-Jomart Tokayev", "Astana Motors", "WIPO"]
TRANSLATE = f"""
[translate]
targets = ["es"]
engine = "apertium"
glossary = {GLOSSARY!r}
""".replace("'", '"')


@pytest.fixture
def counted_apertium(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """`apertium` first on PATH: a wrapper that logs each run and its input, then runs the
    real one. Its prefix has the real mode files, so checking pairs runs nothing."""
    real = installed("apertium", packages="apertium apertium-eng-spa")
    prefix = tmp_path / "prefix"
    (prefix / "bin").mkdir(parents=True)
    (prefix / "share").mkdir()
    (prefix / "share" / "apertium").symlink_to(
        Path(real).resolve().parent.parent / "share" / "apertium"
    )
    log = tmp_path / "apertium.log"
    wrapper = prefix / "bin" / "apertium"
    wrapper.write_text(
        "#!/bin/sh\n"
        f'input=$(cat); echo "RUN $*" >> {log}; printf "%s\\n" "$input" >> {log}\n'
        f'printf "%s" "$input" | {real} "$@"\n',
        encoding="utf-8",
    )
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{prefix / 'bin'}{os.pathsep}{os.environ['PATH']}")
    yield log


def runs(log: Path) -> list[str]:
    if not log.exists():
        return []
    return [line for line in log.read_text(encoding="utf-8").splitlines() if line.startswith("RUN")]


def entries(path: Path) -> list[etree._Element]:
    return etree.parse(str(path)).getroot().findall(f"{A}entry")


@pytest.fixture
def spanish(tmp_path: Path, counted_apertium: Path, listing: Path) -> Site:
    site = Site(tmp_path, write_config(tmp_path, [bulletin_source(listing)], extra=TRANSLATE))
    site.run_once()
    return site


def test_spanish_feeds_exist_in_spanish(spanish: Site, counted_apertium: Path) -> None:
    feeds = spanish.feeds / "es"
    for name in (
        "all.atom",
        "all.rss",
        "all.json",
        "countries/be.atom",
        "topics/health.atom",
        "sources/mfa-kz.atom",
        "index.html",
        "feeds.opml",
    ):
        assert (feeds / name).is_file(), name
    root = etree.parse(str(feeds / "all.atom")).getroot()
    assert root.get(XML_LANG) == "es"
    text = (feeds / "all.atom").read_text(encoding="utf-8")
    # Countries in their CLDR Spanish form, which Herald puts in itself (Apertium would
    # write "Kazajstán").
    assert "Kazajistán" in text and "Kazajstán" not in text
    assert not re.search(r"[*#@]\w", text.replace("&#", "")), "unknown-word marks left"
    translated = entries(feeds / "all.atom")
    assert len(translated) == 9
    for entry in translated:
        assert entry.get(XML_LANG) is None  # translated, so in the feed's language
        content = entry.findtext(f"{A}content") or ""
        etree.fromstring(f"<div>{content}</div>")  # the HTML is well-formed
        assert entry.findtext(f"{A}contributor/{A}name") == "apertium (machine translation)"
    assert len(runs(counted_apertium)) >= 1


def test_ids_and_tags_and_alternates(spanish: Site) -> None:
    original = entries(spanish.feeds / "all.atom")
    translated = entries(spanish.feeds / "es" / "all.atom")
    ids = [e.findtext(f"{A}id") for e in original]
    es_ids = [e.findtext(f"{A}id") for e in translated]
    assert all(i and i.startswith("urn:uuid:") for i in es_ids)
    assert not set(ids) & set(es_ids)

    def tags(entry: etree._Element) -> list[tuple[str | None, str | None]]:
        return [(c.get("term"), c.get("scheme")) for c in entry.findall(f"{A}category")]

    assert [tags(e) for e in original] == [tags(e) for e in translated]

    def feed_links(path: Path) -> set[tuple[str | None, str | None, str | None]]:
        root = etree.parse(path).getroot()
        return {
            (link.get("hreflang"), link.get("href"), link.get("type"))
            for link in root.findall(f"{A}link")
            if link.get("rel") == "alternate"
        }

    # The same feed in the other language is a feed-level link ...
    atom = "application/atom+xml"
    back = feed_links(spanish.feeds / "es" / "all.atom")
    assert (None, "http://feeds.example.test/all.atom", atom) in back
    there = feed_links(spanish.feeds / "all.atom")
    assert ("es", "http://feeds.example.test/es/all.atom", atom) in there
    # ... never an entry's: readers open an entry's alternate link as the article, so an
    # entry (these bulletin entries have no page at the source) links its page in its tree.
    for tree, feed_entries in (("", original), ("es/", translated)):
        for entry in feed_entries:
            links = [(link.get("rel"), link.get("type")) for link in entry.findall(f"{A}link")]
            assert links == [("alternate", "text/html")]
            href = entry.find(f"{A}link").get("href")
            assert href.startswith(f"http://feeds.example.test/{tree}articles/")
            assert (spanish.feeds / href.removeprefix("http://feeds.example.test/")).is_file()


def test_glossary_terms_come_back_unchanged(spanish: Site) -> None:
    text = (spanish.feeds / "es" / "all.atom").read_text(encoding="utf-8")
    for term in GLOSSARY:
        assert term in text, term
    assert "Motores de Astaná" not in text


def test_second_run_translates_nothing_and_an_edit_only_its_field(
    spanish: Site, counted_apertium: Path, listing: Path
) -> None:
    first = len(runs(counted_apertium))
    before = spanish.snapshot()
    spanish.run_once(NOW + timedelta(hours=1))
    assert len(runs(counted_apertium)) == first  # Apertium was not started at all
    assert spanish.snapshot() == before

    listing.write_text(
        SAMPLE.read_text(encoding="utf-8").replace(
            "According to him, the use of diplomatic means",
            "According to the President, the use of diplomatic means",
        ),
        encoding="utf-8",
    )
    counted_apertium.write_text("", encoding="utf-8")
    (report,) = spanish.read_and_translate(NOW + timedelta(hours=2), publish=True)
    assert (report.translated, report.chars_sent > 0) == (1, True)  # the content field alone
    sent = counted_apertium.read_text(encoding="utf-8")
    assert len(runs(counted_apertium)) == 1
    assert "According to the President" in sent
    assert "Tokayev condemns missile attacks" not in sent  # the unchanged title is not sent
    assert "Flanders" not in sent  # nor any other article
    es = (spanish.feeds / "es" / "all.atom").read_text(encoding="utf-8")
    assert "Según el Presidente" in es or "Presidente" in es


def test_cap_leaves_the_rest_untranslated_in_its_own_language(
    tmp_path: Path, counted_apertium: Path, listing: Path
) -> None:
    capped = TRANSLATE + 'max_chars = 400\nfields = ["title"]\n'
    site = Site(tmp_path, write_config(tmp_path, [bulletin_source(listing)], extra=capped))
    (report,) = site.read_and_translate(publish=True)
    assert report.chars_sent <= 400
    assert 0 < report.translated < 9 and report.left_for_later == 9 - report.translated
    translated = entries(site.feeds / "es" / "all.atom")
    untouched = [e for e in translated if e.get(XML_LANG) == "en"]
    assert len(untouched) == 9 - report.translated
    assert all(e.find(f"{A}contributor") is None for e in untouched)
