"""Nothing lost: a full disk while publishing, backups and their restore, a damaged store,
and SIGKILL at any moment of a run."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from lxml import etree, html

from herald.store.sqlite import SQLiteStore

from .conftest import NOW, ROOT, Site, bulletin_source, numbered_listing, write_config
from .test_cli import herald

pytestmark = pytest.mark.slow


def make_site(folder: Path, entries: int = 150) -> tuple[Site, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    listing = folder / "rounds.txt"
    listing.write_text(numbered_listing(entries), encoding="utf-8")
    return Site(folder, write_config(folder, [bulletin_source(listing, "rounds")])), listing


def outputs(root: Path) -> dict[str, bytes]:
    """Every published file's bytes (Herald's own records, hidden, aside)."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    }


def unreadable(root: Path) -> list[str]:
    """The served files that do not parse as what their name says."""
    bad = []
    for path in root.rglob("*"):
        if not path.is_file() or path.name.startswith("."):
            continue
        try:
            if path.suffix in (".atom", ".rss", ".opml"):
                etree.parse(str(path))
            elif path.suffix == ".json":
                json.loads(path.read_bytes())
            elif path.suffix == ".html":
                assert html.parse(str(path)).getroot() is not None
        except Exception as exc:
            bad.append(f"{path.relative_to(root)}: {exc}")
    return bad


def leftovers(root: Path) -> list[str]:
    return [str(p) for p in root.rglob(".tmp-*")]


PUBLISH_UNDER_A_LIMIT = """
import resource, signal, sys
from datetime import datetime, UTC
from pathlib import Path
from herald.app import load, open_pipeline
from herald.errors import PublishError
pipeline = open_pipeline(load(Path(sys.argv[1])))
now = datetime(2026, 3, 20, tzinfo=UTC)
for source in pipeline.settings.sources:
    pipeline.update_source(source, now)
# The store's journal starts empty, as after a checkpoint: the publisher's lease fits.
pipeline.store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
try:
    pipeline.publish()
except PublishError as exc:
    print(exc)
    sys.exit(1)
"""


def test_a_full_disk_while_publishing_loses_nothing(tmp_path: Path) -> None:
    site, listing = make_site(tmp_path)
    site.run_once()
    manifest = (site.feeds / ".herald-manifest").read_bytes()
    listing.write_text(numbered_listing(170), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", PUBLISH_UNDER_A_LIMIT, str(site.config), "25000"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "publishing stopped at" in done.stdout and "File too large" in done.stdout
    assert "every file published before is as it was" in done.stdout
    assert unreadable(site.feeds) == [] and leftovers(site.feeds) == []
    assert (site.feeds / ".herald-manifest").read_bytes() == manifest
    # With room again, the next run publishes what a run without the fault would have.
    site.run_once(NOW + timedelta(hours=1))
    reference, _ = make_site(tmp_path / "reference", 170)
    reference.run_once(NOW + timedelta(hours=1))
    assert outputs(site.feeds) == outputs(reference.feeds)


def test_a_backup_taken_while_herald_writes_restores_the_same_feeds(tmp_path: Path) -> None:
    site, listing = make_site(tmp_path)
    site.run_once()
    published = outputs(site.feeds)
    database = site.folder / "var" / "herald.sqlite"
    writer = sqlite3.connect(database)
    writer.execute("BEGIN IMMEDIATE")  # another process is in the middle of a write
    writer.execute("UPDATE meta SET value = value WHERE key = 'generation'")
    code, out, err = herald("backup", "--config", str(site.config), str(tmp_path / "copy.db"))
    writer.rollback()
    writer.close()
    assert code == 0, err
    assert out.startswith(f"backed up {database} to {tmp_path / 'copy.db'}")
    # Herald goes on; the store changes after the backup.
    listing.write_text(numbered_listing(160), encoding="utf-8")
    site.run_once(NOW + timedelta(hours=1))
    assert outputs(site.feeds) != published
    # Restored into a new installation, the backup publishes what was published then.
    restored, _ = make_site(tmp_path / "restored")
    (restored.folder / "var").mkdir(parents=True, exist_ok=True)
    (tmp_path / "copy.db").replace(restored.folder / "var" / "herald.sqlite")
    pipeline = restored.pipeline()
    try:
        pipeline.publish()
    finally:
        pipeline.store.close()
    assert outputs(restored.feeds) == published


def test_a_backup_refuses_what_it_cannot_do(tmp_path: Path) -> None:
    site, _ = make_site(tmp_path)
    code, _, err = herald("backup", "--config", str(site.config), str(tmp_path / "copy.db"))
    assert code == 1 and "no store there to back up" in err
    site.run_once()
    database = site.folder / "var" / "herald.sqlite"
    code, _, err = herald("backup", "--config", str(site.config), str(database))
    assert code == 1 and "that is the store itself" in err
    code, _, err = herald("backup", "--config", str(site.config), str(tmp_path / "no" / "x.db"))
    assert code == 1 and "cannot" in err
    assert not list(tmp_path.glob(".*.partial"))


@pytest.mark.parametrize("damage", ["not-a-database", "torn-pages"])
def test_a_damaged_store_stops_herald_with_the_way_back(tmp_path: Path, damage: str) -> None:
    site, _ = make_site(tmp_path)
    site.run_once()
    published = outputs(site.feeds)
    database = site.folder / "var" / "herald.sqlite"
    store = SQLiteStore(database)
    store.close()  # checkpointed: the WAL is folded into the file
    for extra in ("-wal", "-shm"):
        Path(f"{database}{extra}").unlink(missing_ok=True)
    data = bytearray(database.read_bytes())
    if damage == "not-a-database":
        data[:100] = b"this is not a database" + bytes(78)
    else:
        for start in range(4096, len(data), 4096):  # every page's header but the first's
            data[start : start + 12] = bytes(range(200, 212))
    database.write_bytes(bytes(data))
    code, _, err = herald("run", "--once", "--config", str(site.config))
    assert code == 1, err
    assert f"{database}: the store cannot be read" in err
    assert "restore the last `herald backup` over it" in err
    assert "Traceback" not in err
    assert outputs(site.feeds) == published  # the feeds stay as they were


def test_sigkill_at_any_moment_leaves_every_file_whole_and_the_next_run_right(
    tmp_path: Path,
) -> None:
    """Killed while reading the sources, and at several points of publishing (after the
    first file, in the first batch, after a batch was renamed, near the end); each time
    every served file parses, the store checks out, and the next run ends where an
    uninterrupted run does, leaving no temporary file."""
    reference, _ = make_site(tmp_path / "reference", 600)
    code, _, err = run_herald(reference)
    assert code == 0, err
    expected = without_run_times(outputs(reference.feeds))
    total = len(list(reference.feeds.rglob("*")))
    for point, files in enumerate((0, 1, 50, 600, total - 40)):
        site, _ = make_site(tmp_path / f"killed-{point}", 600)
        process = start_herald(site)
        while process.poll() is None and count(site.feeds) < files:
            time.sleep(0.002)
        if files == 0:
            time.sleep(0.3)  # reading and storing, before anything is published
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        assert process.returncode == -signal.SIGKILL, f"finished before the kill at {files}"
        if site.feeds.exists():
            assert unreadable(site.feeds) == [], files
        database = site.folder / "var" / "herald.sqlite"
        if database.exists():  # killed after the store was made
            with sqlite3.connect(database) as db:
                assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        code, _, err = run_herald(site)
        assert code == 0, err
        assert leftovers(site.feeds) == []
        assert without_run_times(outputs(site.feeds)) == expected, files


def count(root: Path) -> int:
    """Files and folders under `root`, temporary files included."""
    total = 0
    for _, names, files in os.walk(root):
        total += len(names) + len(files)
    return total


def without_run_times(files: dict[str, bytes]) -> dict[str, bytes]:
    """The output but the index pages, which say when each source was last read."""
    return {path: data for path, data in files.items() if not path.endswith("index.html")}


def start_herald(site: Site) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "herald.cli", "run", "--once", "--config", str(site.config)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def run_herald(site: Site) -> tuple[int, str, str]:
    process = start_herald(site)
    _, err = process.communicate(timeout=120)
    return process.returncode, "", err.decode()
