"""Fetching: the only stage that reads from outside. It returns bytes, nothing else.

Local paths and file: URLs are read from disk; http(s) URLs go through HttpFetcher.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from herald.fetch.files import read_file
from herald.fetch.hosts import LinkRule
from herald.fetch.http import HttpFetcher
from herald.models import Fetched, Validators


class Fetcher(Protocol):
    """Reads a source's location into bytes."""

    def fetch(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        validators: Validators | None = None,
        rule: LinkRule | None = None,
    ) -> Fetched:
        """The bytes at `url`, or `not_modified`; raises SourceError when there are none.
        With a `rule`, `url` and every redirect must keep to it (LinkRefusedError)."""


class DefaultFetcher:
    """Local files from disk, http(s) over the network."""

    def __init__(self, http: HttpFetcher, max_bytes: int) -> None:
        self._http = http
        self._max_bytes = max_bytes

    def fetch(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        validators: Validators | None = None,
        rule: LinkRule | None = None,
    ) -> Fetched:
        """The bytes at `url`, or `not_modified`; raises SourceError when there are none.
        With a `rule`, `url` and every redirect must keep to it (LinkRefusedError)."""
        if url.startswith(("http://", "https://")):  # the client checks the rule on every hop
            etag = validators.etag if validators else None
            modified = validators.last_modified if validators else None
            return self._http.fetch(
                url, headers=headers or {}, etag=etag, last_modified=modified, rule=rule
            )
        if rule is not None:
            rule.check(url)  # a local file is never a follow-up: refused
        return read_file(url, self._max_bytes, validators)


__all__ = ["DefaultFetcher", "Fetcher", "HttpFetcher", "Validators"]
