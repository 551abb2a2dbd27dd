"""What `stat` says of a file's or folder's version, for telling it unchanged without
reading it: its device, inode, size and times. A change within the file system's clock
tick may keep the times, so a version changed less than RACY_NS before it was looked at is
not trusted (the next look compares more)."""

from __future__ import annotations

import os

RACY_NS = 2_000_000_000


def version(found: os.stat_result, now_ns: int) -> str | None:
    """A mark that differs for every other version of the file or folder `found` describes,
    or None if it changed less than RACY_NS before `now_ns`."""
    if now_ns - max(found.st_mtime_ns, found.st_ctime_ns) < RACY_NS:
        return None
    parts = (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns)
    return ":".join(map(str, parts))
