"""Configuration: defaults, paths relative to the file, one clear line per mistake."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from herald.app import store_password
from herald.errors import ConfigError
from herald.settings import load_settings, parse_duration

from .conftest import ROOT, SAMPLE, bulletin_source, write_config


def test_default_config_is_valid_and_paths_are_relative_to_it() -> None:
    settings = load_settings(ROOT / "config" / "herald.toml")
    assert settings.site.base_url.endswith("/")
    assert settings.site.home_country == "KZ"
    assert settings.paths.output == ROOT / "feeds"
    assert settings.paths.database == ROOT / "var" / "herald.sqlite"
    assert settings.classify.topics == ROOT / "config" / "topics.toml"
    assert settings.feeds.max_entries == 50
    (source,) = [s for s in settings.sources if s.kind == "bulletin"]
    assert Path(source.url) == ROOT / "samples" / "mfa-kz-2026-03-10.txt"
    assert source.timezone == "Asia/Almaty"
    assert source.every == timedelta(minutes=30)
    (live,) = [s for s in settings.sources if s.kind == "gov-kz"]
    assert (live.url, live.project, live.language) == ("https://www.gov.kz", "mfa", "en")


def test_minimal_config_gets_defaults(tmp_path: Path) -> None:
    (tmp_path / "topics.toml").write_text('[topics.x]\nlabel = "X"\n', encoding="utf-8")
    (tmp_path / "countries.toml").write_text("", encoding="utf-8")
    config = tmp_path / "conf" / "herald.toml"
    config.parent.mkdir()
    config.write_text(
        '[classify]\ntopics = "../topics.toml"\ncountries = "../countries.toml"\n'
        '[[sources]]\nid = "a"\nname = "A"\nkind = "bulletin"\nurl = "a.txt"\n'
    )
    settings = load_settings(config)
    assert settings.paths.output == tmp_path / "feeds"
    assert settings.serve.port == 8080
    assert [s.url for s in settings.sources] == [str(config.parent / "a.txt")]


def test_a_config_without_sources_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "topics.toml").write_text('[topics.x]\nlabel = "X"\n', encoding="utf-8")
    (tmp_path / "countries.toml").write_text("", encoding="utf-8")
    config = tmp_path / "herald.toml"
    config.write_text('[classify]\ntopics = "topics.toml"\ncountries = "countries.toml"\n')
    with pytest.raises(ConfigError, match=r"no sources: add a \[\[sources\]\] table"):
        load_settings(config)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            '[feeds]\nmax_entries = "50"',
            '[feeds], field "max_entries": Input should be a valid integer',
        ),
        (
            "[feeds]\nmax_entries = true",
            '[feeds], field "max_entries": Input should be a valid integer',
        ),
        ('[fetch]\ntimeout = "30"', '[fetch], field "timeout": Input should be a valid number'),
    ],
)
def test_numbers_must_be_numbers(tmp_path: Path, extra: str, message: str) -> None:
    """A string or a boolean where a number belongs is a mistake, not a number."""
    assert any(
        message in line for line in errors_of(tmp_path, bulletin_source(SAMPLE), extra=extra)
    )


def errors_of(
    tmp_path: Path, source: dict[str, object], extra: str = "", site: str = ""
) -> list[str]:
    config = write_config(tmp_path, [source], extra=extra)
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("[site]\n", f"[site]\n{site}\n"), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    return str(caught.value).replace(str(config), "FILE").splitlines()


def test_unknown_kind_names_file_source_field_and_valid_kinds(tmp_path: Path) -> None:
    assert errors_of(tmp_path, bulletin_source(SAMPLE, kind="rss2")) == [
        'FILE, source "mfa-kz", field "kind": unknown kind "rss2"; '
        "use one of bulletin, feed, html, json, gov-kz"
    ]


def test_every_mistake_gets_its_own_line(tmp_path: Path) -> None:
    source = bulletin_source(
        SAMPLE, timezone="Asia/Nowhere", every="soon", language="English", colour="red"
    )
    lines = errors_of(
        tmp_path, source, extra="[feeds]\nmax_entries = 0", site='home_country = "XX"'
    )
    assert len(lines) == 6, lines
    text = "\n".join(lines)
    assert 'source "mfa-kz", field "timezone": unknown time zone "Asia/Nowhere"' in text
    assert 'source "mfa-kz", field "every": "soon" is not an interval' in text
    assert 'source "mfa-kz", field "language": "English" is not a language code' in text
    assert 'source "mfa-kz": unknown key "colour"; valid keys are id, name, kind' in text
    assert 'FILE, [feeds], field "max_entries": Input should be greater than or equal to 1' in text
    assert 'FILE, [site], field "home_country": "XX" is not an ISO 3166-1 alpha-2 code' in text


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"id": "MFA KZ"}, 'source "MFA KZ", field "id": "MFA KZ" is not a valid id'),
        ({"id": None}, 'source #1: field "id" is required'),
        ({"url": "ftp://host/x"}, 'field "url": "ftp://host/x" is not a path'),
    ],
)
def test_source_mistakes(tmp_path: Path, change: dict[str, object], expected: str) -> None:
    source = {k: v for k, v in {**bulletin_source(SAMPLE), **change}.items() if v is not None}
    assert any(expected in line for line in errors_of(tmp_path, source)), expected


def test_base_url_must_be_absolute_with_a_slash(tmp_path: Path) -> None:
    config = write_config(tmp_path, [bulletin_source(SAMPLE)], base_url="feeds.example.org")
    with pytest.raises(ConfigError, match=r'\[site\], field "base_url": "feeds.example.org" is'):
        load_settings(config)


def test_duplicate_source_ids(tmp_path: Path) -> None:
    config = write_config(tmp_path, [bulletin_source(SAMPLE), bulletin_source(SAMPLE)])
    with pytest.raises(ConfigError, match='source id "mfa-kz" is used twice'):
        load_settings(config)


def test_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[site\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"broken.toml: not valid TOML: .*line 1"):
        load_settings(broken)


def test_durations() -> None:
    assert parse_duration("30m") == timedelta(minutes=30)
    assert parse_duration("1h30m") == timedelta(hours=1, minutes=30)
    assert parse_duration("1d") == timedelta(days=1)
    with pytest.raises(ValueError, match="not an interval"):
        parse_duration("")


@pytest.mark.parametrize(
    ("store", "message"),
    [
        (
            'url = "postgresql://herald:hunter2@db.example.test/herald"',
            "the URL carries a password; keep it out of the file",
        ),
        ('url = "mysql://db.example.test/herald"', "is not a postgresql:// URL"),
    ],
)
def test_store_url_mistakes(tmp_path: Path, store: str, message: str) -> None:
    config = write_config(tmp_path, [bulletin_source(SAMPLE)], extra=f"[store]\n{store}")
    with pytest.raises(ConfigError, match=message) as caught:
        load_settings(config)
    assert "hunter2" not in str(caught.value)  # an error never repeats the password


def test_the_store_password_comes_from_the_environment(tmp_path: Path) -> None:
    extra = '[store]\nurl = "postgresql://herald@db.example.test/herald"\npassword_env = "PW"'
    settings = load_settings(write_config(tmp_path, [bulletin_source(SAMPLE)], extra=extra))
    assert store_password(settings, {"PW": "s3cret"}) == "s3cret"
    with pytest.raises(ConfigError, match=r"\[store\] password_env: .* PW is not set"):
        store_password(settings, {})


def test_leases_must_outlast_three_polls(tmp_path: Path) -> None:
    extra = '[schedule]\npoll = "10s"\nlease = "20s"'
    with pytest.raises(ConfigError, match="lease must be at least three times poll"):
        load_settings(write_config(tmp_path, [bulletin_source(SAMPLE)], extra=extra))
