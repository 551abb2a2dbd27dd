"""The HTTP translation engines against stand-ins of their APIs on loopback."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from herald.app import load
from herald.cli import cli
from herald.errors import ConfigError
from herald.translate.glossary import Glossary

from .conftest import NOW, SAMPLE, Site, backends, bulletin_source, toml_value, write_config
from .servers import running
from .translation_servers import Behaviour, fake_translate, translation_services

# Every test here runs against both stores.
store_url = pytest.fixture(params=["sqlite", "postgresql"])(backends)

A = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ENGINES = {
    "libretranslate": ('url = "{url}"', "/translate"),
    "deepl": ('url = "{url}"', "/v2/translate"),
    "openai": ('url = "{url}/v1"\nmodel = "translator-small"', "/v1/chat/completions"),
}


@pytest.fixture
def services() -> Iterator[tuple[str, Behaviour]]:
    app, state = translation_services()
    with running(app) as url:
        yield url, state


def config(tmp_path: Path, engine: str, url: str, extra: str = "") -> Path:
    settings = ENGINES[engine][0].format(url=url)
    text = (
        f'[translate]\ntargets = ["es"]\nengine = "{engine}"\n{settings}\n'
        f'api_key_env = "HERALD_TEST_KEY"\ntimeout = 3\nfields = ["title", "summary"]\n'
        f'glossary = ["Kassym-Jomart Tokayev"]\n{extra}'
    )
    return write_config(tmp_path, [bulletin_source(SAMPLE)], extra=text)


def spanish_entries(site: Site) -> list[etree._Element]:
    return etree.parse(str(site.feeds / "es" / "all.atom")).getroot().findall(f"{A}entry")


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_engine_translates_and_caches(
    tmp_path: Path,
    services: tuple[str, Behaviour],
    engine: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, state = services
    monkeypatch.setenv("HERALD_TEST_KEY", "secret-key")
    site = Site(tmp_path, config(tmp_path, engine, url))
    site.run_once()
    entries = spanish_entries(site)
    titles = [e.findtext(f"{A}title") or "" for e in entries]
    # The stand-in marks each run of text it is sent; the country between two runs was
    # named by Herald itself, in its Spanish form.
    assert (
        titles[0]
        == "ES:Tokayev condemns missile attacks fired from IránES: on Emiratos Árabes Unidos"
    )
    assert all("ES:" in t for t in titles)
    assert all(e.get(XML_LANG) is None for e in entries)
    assert entries[0].findtext(f"{A}contributor/{A}name") == f"{engine} (machine translation)"
    summary = entries[0].findtext(f"{A}summary") or ""
    assert "Kassym-Jomart Tokayev" in summary and "ES:" in summary  # glossary kept

    request, headers = state.requests[0], state.headers[0]
    if engine == "libretranslate":
        assert (request["source"], request["target"], request["format"]) == ("en", "es", "html")
        assert request["api_key"] == "secret-key"
    elif engine == "deepl":
        assert (request["source_lang"], request["target_lang"]) == ("EN", "ES")
        assert request["tag_handling"] == "html"
        assert headers["authorization"] == "DeepL-Auth-Key secret-key"
    else:
        assert request["model"] == "translator-small"
        assert "kept exactly" in request["messages"][0]["content"]
        assert headers["authorization"] == "Bearer secret-key"

    sent = len(state.requests)
    site.run_once(NOW + timedelta(hours=1))
    assert len(state.requests) == sent  # a rerun translates nothing


def test_429_with_retry_after_is_waited_out(
    tmp_path: Path, services: tuple[str, Behaviour], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, state = services
    monkeypatch.setenv("HERALD_TEST_KEY", "k")
    state.mode = "busy-once"
    site = Site(tmp_path, config(tmp_path, "deepl", url))
    started = time.monotonic()
    site.run_once()
    assert time.monotonic() - started >= 1.0
    assert state.hits["deepl"] >= 2
    assert all("ES:" in (e.findtext(f"{A}title") or "") for e in spanish_entries(site))


@pytest.mark.parametrize(
    ("mode", "engine"),
    [
        ("down", "libretranslate"),
        ("slow", "deepl"),
        ("garbage", "libretranslate"),
        ("garbage", "deepl"),
        ("garbage", "openai"),
    ],
)
def test_a_failing_engine_loses_nothing_and_is_tried_again(
    tmp_path: Path,
    services: tuple[str, Behaviour],
    mode: str,
    engine: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url, state = services
    monkeypatch.setenv("HERALD_TEST_KEY", "k")
    state.mode = mode
    site = Site(tmp_path, config(tmp_path, engine, url))
    site.run_once()
    assert "translation to es stopped for this run" in caplog.text
    entries = spanish_entries(site)
    assert len(entries) == 9  # published all the same, in the original language
    assert all(e.get(XML_LANG) == "en" for e in entries)
    assert all("ES:" not in (e.findtext(f"{A}title") or "") for e in entries)
    assert (site.feeds / "all.atom").read_text("utf-8").count("<entry>") == 9

    state.mode = "ok"
    site.run_once(NOW + timedelta(hours=1))
    assert all("ES:" in (e.findtext(f"{A}title") or "") for e in spanish_entries(site))


def test_the_cap_is_honoured(
    tmp_path: Path, services: tuple[str, Behaviour], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, state = services
    monkeypatch.setenv("HERALD_TEST_KEY", "k")
    site = Site(tmp_path, config(tmp_path, "libretranslate", url, "max_chars = 300\n"))
    (report,) = site.read_and_translate()
    sent = sum(len(text) for request in state.requests for text in request["q"])
    assert sent == report.chars_sent <= 300
    assert report.left_for_later > 0


def test_missing_key_and_impossible_pairs_stop_at_load(
    tmp_path: Path, services: tuple[str, Behaviour], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _ = services
    monkeypatch.delenv("HERALD_TEST_KEY", raising=False)
    path = config(tmp_path, "deepl", url)
    with pytest.raises(ConfigError, match="environment variable HERALD_TEST_KEY"):
        load(path)
    result = CliRunner().invoke(cli, ["run", "--once", "--config", str(path)])
    assert result.exit_code == 2
    monkeypatch.setenv("HERALD_TEST_KEY", "k")
    text = path.read_text(encoding="utf-8").replace('targets = ["es"]', 'targets = ["kk"]')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[translate\]: deepl does not translate into kk"):
        load(path)
    libre = config(tmp_path, "libretranslate", url).read_text("utf-8")
    path.write_text(libre.replace('targets = ["es"]', 'targets = ["de"]'), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"libretranslate at .* cannot translate en to de"):
        load(path)


def test_glossary_round_trip_both_styles() -> None:
    glossary = Glossary(["WIPO", "Kassym-Jomart Tokayev", "Astana Motors"])
    text = "<p>Kassym-Jomart Tokayev met WIPO; Astana Motors &amp; WIPOX.</p>"
    for style in ("tag", "word"):
        protected = glossary.protect(text, style)
        assert "Tokayev" not in protected and "WIPOX" in protected
        assert glossary.restore(fake_translate(protected)).count("Kassym-Jomart Tokayev") == 1
        assert glossary.restore(protected) == text


def test_a_text_longer_than_one_request_goes_alone(
    tmp_path: Path, services: tuple[str, Behaviour], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, state = services
    monkeypatch.setenv("HERALD_TEST_KEY", "k")
    long_body = " ".join(["Water cooperation on the Syr Darya continues."] * 1500)  # ~70,000
    listing = tmp_path / "long.txt"
    listing.write_text(f"01.04.2026, 10:00 1\nA Long Report\n{long_body}\n", encoding="utf-8")
    text = config(tmp_path, "libretranslate", url).read_text("utf-8")
    text = text.replace(str(SAMPLE), str(listing)).replace(
        'fields = ["title", "summary"]', 'fields = ["content"]'
    )
    (tmp_path / "herald.toml").write_text(text, encoding="utf-8")
    site = Site(tmp_path, tmp_path / "herald.toml")
    (report,) = site.read_and_translate()
    assert (report.translated, report.left_for_later, report.error) == (1, 0, None)
    assert report.chars_sent > 40_000
    assert [len(request["q"]) for request in state.requests] == [1]  # in one request, alone


def test_a_pass_after_nothing_new_looks_at_nothing(
    tmp_path: Path, services: tuple[str, Behaviour], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once a pass left nothing to translate, the next one with nothing stored since does
    not even read the articles; a new article is translated again."""
    url, state = services
    monkeypatch.setenv("HERALD_TEST_KEY", "k")
    site = Site(tmp_path, config(tmp_path, "libretranslate", url))
    (first,) = site.read_and_translate()
    assert first.translated > 0 and first.left_for_later == 0
    assert site.read_and_translate(NOW + timedelta(minutes=30)) == []  # nothing looked at
    listing = tmp_path / "listing.txt"
    listing.write_text(
        "11.03.2026, 09:05 12\nKazakhstan and Mongolia Review Transit Cooperation\n"
        "Delegations met to review rail transit.\n" + SAMPLE.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    site.config.write_text(
        site.config.read_text(encoding="utf-8").replace(
            toml_value(str(SAMPLE)), toml_value(str(listing))
        ),
        encoding="utf-8",
    )
    sent = len(state.requests)
    (again,) = site.read_and_translate(NOW + timedelta(hours=1))
    assert again.translated == 2 and len(state.requests) > sent  # its title and summary


def test_topic_labels_missing_in_a_language_are_translated_once(
    tmp_path: Path, services: tuple[str, Behaviour], monkeypatch: pytest.MonkeyPatch
) -> None:
    """topics.toml gives no French labels: the engine translates each once, and the French
    tree's feeds, pages and lists use them."""
    url, state = services
    monkeypatch.setenv("HERALD_TEST_KEY", "secret-key")
    text = (
        f'[translate]\ntargets = ["fr"]\nengine = "libretranslate"\nurl = "{url}"\n'
        'api_key_env = "HERALD_TEST_KEY"\ntimeout = 3\nfields = ["title"]\n'
    )
    site = Site(tmp_path, write_config(tmp_path, [bulletin_source(SAMPLE)], extra=text))
    site.run_once()
    asked = [r["q"] for r in state.requests if "Health" in r["q"]]
    assert len(asked) == 1 and "Trade and investment" in asked[0]  # all labels, one request
    health = etree.parse(str(site.feeds / "fr" / "topics" / "health.atom")).getroot()
    assert health.findtext(f"{A}title") == "Herald test: ES:Health"
    assert "ES:Trade and investment" in (site.feeds / "fr" / "index.html").read_text("utf-8")
    assert 'text="ES:Health"' in (site.feeds / "fr" / "topics.opml").read_text("utf-8")
    assert "ES:" not in (site.feeds / "topics.opml").read_text("utf-8")  # the original's
    sent = len(state.requests)
    site.run_once(NOW + timedelta(hours=1))
    assert len(state.requests) == sent  # kept: never asked again
