"""Time zones from the pinned tzdata package, not from the operating system."""

from __future__ import annotations

from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo


@cache
def load_zone(name: str) -> ZoneInfo:
    """Load a zone from the tzdata package.

    The system's zone files may be old: before tzdata 2024a, Asia/Almaty was UTC+6, but all
    of Kazakhstan moved to UTC+5 on 1 March 2024. The pinned tzdata package is always new
    enough, so it is read directly instead of whatever /usr/share/zoneinfo holds.
    """
    if name == "UTC":
        name = "Etc/UTC"
    parts = name.split("/")
    if not name or any(not p or p.startswith(".") for p in parts):
        raise ValueError(f'unknown time zone "{name}"; write e.g. "Asia/Almaty" or "UTC"')
    resource = resources.files("tzdata.zoneinfo")
    for part in parts:
        resource = resource.joinpath(part)
    try:
        with resource.open("rb") as handle:
            return ZoneInfo.from_file(handle, key=name)
    except (OSError, ValueError):
        raise ValueError(f'unknown time zone "{name}"; write e.g. "Asia/Almaty" or "UTC"') from None
