"""What `stat` says of a file's or folder's version, for telling it unchanged without
reading it: its device, inode, size and times. A change within the file system's clock
tick may keep the times, so a version changed less than RACY_NS before it was looked at is
not trusted (the next look compares more)."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

RACY_NS = 2_000_000_000
END = ".\n"  # the last line of FolderCounts' notes, so that a file cut short is not read


def version(found: os.stat_result, now_ns: int) -> str | None:
    """A mark that differs for every other version of the file or folder `found` describes,
    or None if it changed less than RACY_NS before `now_ns`."""
    if now_ns - max(found.st_mtime_ns, found.st_ctime_ns) < RACY_NS:
        return None
    parts = (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns)
    return ":".join(map(str, parts))


class FolderCounts:
    """How many files (hidden ones aside) the folders under `root` hold, each folder
    listed only when it is not as it was when last counted: a folder's version changes
    whenever a name is added to it or removed, so a tree of a hundred thousand files in
    which a hundred changed costs a `stat` per folder and a listing of the folders that
    changed. Kept between runs in `notes` (a cache: lost or damaged, everything is listed)."""

    def __init__(self, root: str, notes: Path) -> None:
        self._root = root
        self._notes = notes
        self._known: dict[str, Counted] | None = None
        self._text = ""  # the notes as last read or written
        self._seen: set[str] = set()  # what a save keeps: the folders looked at since the last
        self.listed = 0  # folders listed since this was made (for tests and benchmarks)

    def count(self, folder: str, now_ns: int) -> int:
        """The files under `folder` (relative to the root, "/"-separated), at any depth."""
        return sum(files for _, files in self._walk(folder.rstrip("/"), now_ns))

    def folders(self, folder: str, now_ns: int) -> list[str]:
        """`folder` and every folder under it."""
        return [path for path, _ in self._walk(folder.rstrip("/"), now_ns)]

    def _walk(self, folder: str, now_ns: int) -> Iterator[tuple[str, int]]:
        """Every folder from `folder` down, with the files right inside it."""
        found = self._folder(folder, now_ns)
        if found is not None:
            yield folder, found[0]
            for name in found[1]:
                yield from self._walk(f"{folder}/{name}", now_ns)

    def save(self) -> None:
        """Keep what was counted for the next run (best effort: it is a cache)."""
        if self._known is None:
            return
        kept = sorted((path, c) for path, c in self._known.items() if path in self._seen)
        lines = "".join("\t".join((p, c.mark, str(c.files), *c.folders)) + "\n" for p, c in kept)
        lines += END
        self._seen.clear()
        if lines == self._text:
            return  # an idle run changes no file
        self._text = lines
        temporary = self._notes.with_name(f".tmp-{self._notes.name}")
        try:
            self._notes.parent.mkdir(exist_ok=True)
            temporary.write_text(lines, encoding="utf-8")
            temporary.replace(self._notes)
        except OSError:
            temporary.unlink(missing_ok=True)

    def _folder(self, folder: str, now_ns: int) -> tuple[int, tuple[str, ...]] | None:
        """The files and folders right inside `folder`: as counted before if it did not
        change since, else listed (and noted, if its version can be trusted)."""
        try:
            found = os.stat(os.path.join(self._root, folder))  # noqa: PTH116, PTH118
        except OSError:
            return None
        if not stat.S_ISDIR(found.st_mode):
            return None
        mark, known = version(found, now_ns), self._load()
        self._seen.add(folder)
        earlier = known.get(folder)
        if mark is not None and earlier is not None and earlier.mark == mark:
            return earlier.files, earlier.folders
        files, folders = 0, []
        self.listed += 1
        with os.scandir(os.path.join(self._root, folder)) as entries:  # noqa: PTH118
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.name)
                elif not entry.name.startswith("."):
                    files += 1
        if mark is not None and not any("\t" in n or "\n" in n for n in (folder, *folders)):
            known[folder] = Counted(mark, files, tuple(sorted(folders)))
        else:  # listed again next time
            known.pop(folder, None)
        return files, tuple(folders)

    def _load(self) -> dict[str, Counted]:
        if self._known is None:
            self._known = {}
            with contextlib.suppress(OSError, UnicodeDecodeError):
                self._text = self._notes.read_text(encoding="utf-8")
            if not self._text.endswith(END):
                return self._known  # cut short: nothing in it is trusted
            for line in self._text.splitlines()[:-1]:
                fields = line.split("\t")
                if len(fields) >= 3 and fields[1] and fields[2].isdigit():
                    self._known[fields[0]] = Counted(fields[1], int(fields[2]), (*fields[3:],))
        return self._known


@dataclass(frozen=True, slots=True)
class Counted:
    """A folder as it was last counted: its version, its files, the folders in it."""

    mark: str
    files: int
    folders: tuple[str, ...]
