"""Publishing: atomic, only changed bytes, pruning only what Herald wrote."""

from __future__ import annotations

import ctypes
import errno
import time
from pathlib import Path

import pytest

import herald.publish
from herald.errors import PublishError
from herald.filestate import FolderCounts
from herald.publish import DirectoryPublisher, sync_file_system


def test_write_only_when_bytes_change(tmp_path: Path) -> None:
    publisher = DirectoryPublisher(tmp_path)
    assert publisher.write("topics/a.atom", b"zero")
    assert publisher.write("topics/a.atom", b"one")  # the later bytes win
    assert not (tmp_path / "topics" / "a.atom").exists()  # in place when the publish ends
    publisher.prune(["topics/a.atom"])
    stat = (tmp_path / "topics" / "a.atom").stat()
    assert (tmp_path / "topics" / "a.atom").read_bytes() == b"one"
    assert not publisher.write("topics/a.atom", b"one")
    publisher.prune(["topics/a.atom"])
    assert (tmp_path / "topics" / "a.atom").stat().st_mtime_ns == stat.st_mtime_ns
    assert publisher.write("topics/a.atom", b"two")
    publisher.prune(["topics/a.atom"])
    assert (tmp_path / "topics" / "a.atom").read_bytes() == b"two"
    assert not [p for p in tmp_path.rglob(".tmp-*")]


def test_a_publish_renames_in_batches_and_sweeps_what_a_crash_left(tmp_path: Path) -> None:
    (tmp_path / "topics").mkdir()
    (tmp_path / "topics" / ".tmp-left-by-a-killed-run").write_bytes(b"half a feed")
    publisher = DirectoryPublisher(tmp_path)
    publisher.BATCH = 3
    for number in range(7):
        publisher.write(f"topics/{number}.atom", b"x")
    assert len(list((tmp_path / "topics").glob("*.atom"))) == 6  # two batches in place
    publisher.prune([f"topics/{number}.atom" for number in range(7)])
    assert sorted(p.name for p in (tmp_path / "topics").iterdir()) == [
        f"{number}.atom" for number in range(7)
    ]


def test_a_batch_is_synced_on_its_own_file_system_and_a_failed_sync_stops_the_publish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch is made durable by syncing the output's file system (syncfs), not the whole
    machine's; a sync that fails (an I/O error) stops the publish with what was published
    before untouched and nothing half-staged left behind."""
    assert herald.publish._SYNCFS is not None  # Linux: syncfs, not os.sync
    sync_file_system(tmp_path)
    (tmp_path / "note.txt").write_text("not a folder")
    with pytest.raises(NotADirectoryError):
        sync_file_system(tmp_path / "note.txt")
    publisher = DirectoryPublisher(tmp_path)
    publisher.write("topics/a.atom", b"first")
    publisher.prune(["topics/a.atom"])

    def failing(handle: int) -> int:
        ctypes.set_errno(errno.EIO)
        return -1

    monkeypatch.setattr(herald.publish, "_SYNCFS", failing)  # an I/O error on the disk
    publisher = DirectoryPublisher(tmp_path)
    publisher.write("topics/a.atom", b"second")
    with pytest.raises(PublishError, match=r"publishing stopped at \.herald-staging: Input/output"):
        publisher.prune(["topics/a.atom"])
    assert (tmp_path / "topics" / "a.atom").read_bytes() == b"first"
    assert not list(tmp_path.rglob(".tmp-*"))


def test_prune_removes_only_files_herald_published(tmp_path: Path) -> None:
    publisher = DirectoryPublisher(tmp_path)
    publisher.write("a.atom", b"a")
    publisher.write("b.atom", b"b")
    publisher.prune(["a.atom", "b.atom"])
    (tmp_path / "mine.html").write_text("operator's own")
    assert publisher.prune(["a.atom"]) == ["b.atom"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".herald-manifest",
        ".herald-staging",  # where files are written before they are renamed into place
        "a.atom",
        "mine.html",
    ]
    assert not list((tmp_path / ".herald-staging").iterdir())


def test_temporary_files_are_written_in_one_folder_and_swept_there(tmp_path: Path) -> None:
    publisher = DirectoryPublisher(tmp_path)
    publisher.write("topics/a.atom", b"a")
    publisher.prune(["topics/a.atom"])
    (tmp_path / ".herald-staging" / ".tmp-left-by-a-killed-run").write_bytes(b"half")
    elsewhere = tmp_path / "topics" / ".tmp-not-ours-any-more"  # no Herald writes there now
    elsewhere.write_bytes(b"an operator's?")
    publisher.write("topics/b.atom", b"b")
    publisher.prune(["topics/a.atom", "topics/b.atom"])
    assert not list((tmp_path / ".herald-staging").iterdir())
    assert elsewhere.exists()  # only the staging folder is swept, not the whole tree


def test_paths_outside_the_directory_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="outside"):
        DirectoryPublisher(tmp_path / "out").write("../escape.atom", b"x")
    (tmp_path / "out").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out" / "topics").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ValueError, match="outside"):
        DirectoryPublisher(tmp_path / "out").write("topics/a.atom", b"x")
    assert not list((tmp_path / "elsewhere").iterdir())


def test_fingerprints_say_what_need_not_be_rendered_again(tmp_path: Path) -> None:
    publisher = DirectoryPublisher(tmp_path)
    publisher.write("archive/all/1.atom", b"page", "f1")
    publisher.write("index.html", b"index")
    publisher.prune(["archive/all/1.atom", "index.html"])
    again = DirectoryPublisher(tmp_path)  # a later run reads the manifest
    assert again.is_current("archive/all/1.atom", "f1")
    assert not again.is_current("archive/all/1.atom", "f2")
    assert not again.is_current("index.html", "")
    (tmp_path / "archive" / "all" / "1.atom").unlink()
    assert not again.is_current("archive/all/1.atom", "f1")  # gone from disk: render again


def test_folder_counts_list_only_the_folders_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("herald.filestate.RACY_NS", 0)  # no waiting out the clock tick
    pages = tmp_path / "articles"
    for folder in ("aa", "bb", "cc/dd"):
        (pages / folder).mkdir(parents=True)
        for number in range(3):
            (pages / folder / f"{number}.html").write_text("page")
    (pages / "bb" / ".tmp-staged").write_text("not a page")
    notes = tmp_path / "counts"
    first = FolderCounts(str(tmp_path), notes)
    assert first.count("articles/", time.time_ns()) == 9
    assert first.listed == 5  # articles, aa, bb, cc, cc/dd
    first.save()
    (pages / "aa" / "0.html").unlink()
    (pages / "cc" / "dd" / "3.html").write_text("a new page")
    later = FolderCounts(str(tmp_path), notes)  # the next run, from what the first noted
    assert later.count("articles", time.time_ns()) == 9
    assert later.listed == 2  # aa and cc/dd: the others are as they were counted
    assert sorted(later.folders("articles", time.time_ns())) == [
        "articles",
        "articles/aa",
        "articles/bb",
        "articles/cc",
        "articles/cc/dd",
    ]
    assert notes.read_text().endswith("\n.\n")
    kept = notes.read_text()
    notes.write_text(kept.replace("\t3", "\t1")[:-2])  # cut short: not trusted
    assert FolderCounts(str(tmp_path), notes).count("articles", time.time_ns()) == 9
    notes.write_text("articles\tdamaged\n\x00\nno tabs at all\n.\n")
    damaged = FolderCounts(str(tmp_path), notes)
    assert damaged.count("articles", time.time_ns()) == 9
    assert FolderCounts(str(tmp_path), tmp_path / "none").count("missing", time.time_ns()) == 0


def test_a_folder_changed_within_the_clock_tick_is_counted_again(tmp_path: Path) -> None:
    (tmp_path / "articles" / "aa").mkdir(parents=True)
    (tmp_path / "articles" / "aa" / "0.html").write_text("page")
    notes = tmp_path / "counts"
    first = FolderCounts(str(tmp_path), notes)
    assert first.count("articles", time.time_ns()) == 1
    first.save()
    (tmp_path / "articles" / "aa" / "0.html").unlink()  # too soon after to tell from its times
    later = FolderCounts(str(tmp_path), notes)
    assert later.count("articles", time.time_ns()) == 0
    assert later.listed == 2
