"""The `herald` command: help everywhere, exit statuses, bad input, explain."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from herald.cli import cli

from .conftest import DATA, SAMPLE, Site, bulletin_source, toml_value, write_config


def herald(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_every_command_has_help() -> None:
    commands = cli.commands
    assert set(commands) >= {"run", "schedule", "serve", "explain"}
    for name, command in commands.items():
        assert command.help and len(command.help) > 20, name
        code, out, _ = herald(name, "--help")
        assert code == 0 and "--config" in out, name
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"{name} {param.name}"


def test_run_once_succeeds_on_the_sample(site: Site) -> None:
    code, _, err = herald("run", "--once", "--config", str(site.config))
    assert (code, err) == (0, "")
    assert (site.feeds / "all.atom").is_file()


def test_bad_configuration_exits_2_with_the_reason(tmp_path: Path) -> None:
    config = write_config(tmp_path, [bulletin_source(SAMPLE, kind="rss2")])
    code, _, err = herald("run", "--once", "--config", str(config))
    assert code == 2
    assert err == (
        f'herald: config error: {config}, source "mfa-kz", field "kind": '
        'unknown kind "rss2"; use one of bulletin, feed, html, json, gov-kz\n'
    )


def test_missing_config_exits_2(tmp_path: Path) -> None:
    code, _, err = herald("run", "--once", "--config", str(tmp_path / "none.toml"))
    assert code == 2
    assert "config file not found" in err


def test_bad_entry_is_skipped_the_rest_kept_exit_3(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    edge = DATA / "bulletins" / "edge-cases.txt"
    site = Site(tmp_path, write_config(tmp_path, [bulletin_source(edge, "edge")]))
    code, _, err = herald("run", "--once", "--config", str(site.config))
    assert code == 3
    assert "sources with problems: edge" in err
    assert (
        'source "edge", line 6: skipped entry: invalid date or time in "32.13.2026' in caplog.text
    )
    assert 'source "edge", line 9: skipped entry: entry header has no title' in caplog.text
    feed = (site.feeds / "sources" / "edge.atom").read_text(encoding="utf-8")
    assert feed.count("<entry>") == 3
    assert "Title Only Announcement" in feed


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda p: p.write_bytes(b""), "the listing is empty"),
        (lambda p: p.write_bytes(bytes(range(256)) * 4), "binary data"),
        (lambda p: p.unlink(), "file not found"),
        (lambda p: p.write_bytes(b'<meta charset="utf-8">caf\xe9 \xfa'), "not utf-8 text"),
    ],
    ids=["empty", "binary", "missing", "undecodable"],
)
def test_a_failed_source_loses_nothing_exit_3(
    tmp_path: Path, damage: object, message: str, caplog: pytest.LogCaptureFixture
) -> None:
    listing = tmp_path / "listing.txt"
    listing.write_bytes(SAMPLE.read_bytes())
    other = tmp_path / "other.txt"
    other.write_text("11.03.2026, 10:00 1\nFirst note of the second source\nText.\n", "utf-8")
    sources = [bulletin_source(listing), bulletin_source(other, "second")]
    site = Site(tmp_path, write_config(tmp_path, sources))
    assert herald("run", "--once", "--config", str(site.config))[0] == 0
    before = site.snapshot()

    damage(listing)  # type: ignore[operator]
    other.write_text(
        other.read_text(encoding="utf-8")
        + "11.03.2026, 11:00 1\nSecond note of the second source\nText.\n",
        "utf-8",
    )
    code, _, err = herald("run", "--once", "--config", str(site.config))
    assert code == 3
    assert "sources with problems: mfa-kz" in err
    assert 'source "mfa-kz" failed' in caplog.text and message in caplog.text
    after = site.snapshot()
    # The failed source's feed is untouched; the healthy source was processed.
    assert after["sources/mfa-kz.atom"] == before["sources/mfa-kz.atom"]
    assert after["all.atom"][0].count(b"<entry>") == 11
    assert b"Second note of the second source" in after["sources/second.atom"][0]


def test_explain_shows_evidence(site: Site) -> None:
    herald("run", "--once", "--config", str(site.config))
    feed = (site.feeds / "countries" / "ch.atom").read_text(encoding="utf-8")
    article_id = feed.split("<entry>")[1].split("<id>")[1].split("</id>")[0]
    code, out, _ = herald(
        "explain", article_id.removeprefix("urn:uuid:")[:13], "--config", str(site.config)
    )
    assert code == 0
    assert "Expanding Cooperation in Intellectual Property" in out
    assert "CH Switzerland: score 3 (in feed)" in out
    assert '"Geneva" in title, weight 3' in out
    assert "(weak, below threshold)" in out
    assert "innovation-digital Innovation and digital" in out
    assert "wipo World Intellectual Property Organization: score" in out
    assert '"World Intellectual Property Organization" in lead, weight 4' in out


def test_explain_unknown_id(site: Site) -> None:
    herald("run", "--once", "--config", str(site.config))
    code, _, err = herald("explain", "no-such-article", "--config", str(site.config))
    assert code == 1
    assert "no single article matches 'no-such-article'" in err


def test_the_glued_rwanda_article_is_its_own_entry_and_explain_says_why(site: Site) -> None:
    herald("run", "--once", "--config", str(site.config))

    def titles(feed: str) -> list[str]:
        text = (site.feeds / "countries" / feed).read_text(encoding="utf-8")
        return [part.split("<title>")[1].split("</title>")[0] for part in text.split("<entry>")[1:]]

    rwanda = "Ambassador of Kazakhstan to Rwanda Barlybay Sadykov presented his Letters of"
    assert [t[: len(rwanda)] for t in titles("rw.atom")] == [rwanda]
    assert titles("be.atom") == ["Kazakhstan and Flanders Discuss Joint Projects"]
    feed = (site.feeds / "countries" / "rw.atom").read_text(encoding="utf-8")
    article_id = feed.split("<entry>")[1].split("<id>")[1].split("</id>")[0]
    code, out, _ = herald("explain", article_id, "--config", str(site.config))
    assert code == 0
    assert (
        '  note:      split from the entry "Kazakhstan and Flanders Discuss Joint Projects" '
        "(line 1): its paragraph at line 11 is a second lead"
    ) in out


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("output", "[paths] output: {blocker} is a file, not a folder"),
        ("database", "[paths] database: cannot create {blocker}/var"),
    ],
)
def test_a_path_that_cannot_be_used_is_one_line_and_exit_2(
    tmp_path: Path, setting: str, message: str
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    config = write_config(tmp_path, [bulletin_source(SAMPLE)])
    target = str(blocker) if setting == "output" else str(blocker / "var" / "herald.sqlite")
    key = {"output": 'output = "feeds"', "database": 'database = "var/herald.sqlite"'}[setting]
    config.write_text(
        config.read_text(encoding="utf-8").replace(key, f"{setting} = {toml_value(target)}"),
        encoding="utf-8",
    )
    code, _, err = herald("run", "--once", "--config", str(config))
    assert code == 2
    assert message.format(blocker=blocker) in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_serve_refuses_a_port_out_of_range(site: Site) -> None:
    code, _, err = herald("serve", "--port", "70000", "--config", str(site.config))
    assert code == 2
    assert "70000 is not in the range 1<=x<=65535" in err


def test_backup_of_a_postgresql_store_points_to_pg_dump(tmp_path: Path) -> None:
    extra = '[store]\nurl = "postgresql://herald@db.example.test/herald"'
    config = write_config(tmp_path, [bulletin_source(SAMPLE)], extra=extra, store_url=None)
    code, _, err = herald("backup", "--config", str(config), str(tmp_path / "copy.sqlite"))
    assert code == 1 and "back it up with pg_dump" in err
    assert not (tmp_path / "copy.sqlite").exists()


def test_a_missing_store_password_is_a_configuration_mistake(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HERALD_TEST_DB_PASSWORD", raising=False)
    extra = (
        '[store]\nurl = "postgresql://herald@db.example.test/herald"\n'
        'password_env = "HERALD_TEST_DB_PASSWORD"'
    )
    config = write_config(tmp_path, [bulletin_source(SAMPLE)], extra=extra, store_url=None)
    code, _, err = herald("sources", "--config", str(config))
    assert code == 2, err
    assert "password_env: the environment variable HERALD_TEST_DB_PASSWORD is not set" in err
