"""Where a source's own links may take Herald: follow-up requests stay near the source.

Herald follows links it reads in third-party content (an article's page, the portal's
details endpoint). A listing must not be able to make Herald fetch anything else: such a
request goes only to the listing's own host or to a host the source names in
`follow_hosts`, over http(s), and never to an address in a loopback, private, link-local,
reserved or metadata range unless the listing itself is served from one. Redirects are
held to the same rule, by the HTTP client, on every hop.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from herald.errors import SourceError


class LinkRefusedError(SourceError):
    """A follow-up link breaks the rule; the message says why."""


def _internal(host: str) -> bool:
    """Whether a host name or address leads to a loopback, private, link-local or reserved
    address (any of those it resolves to)."""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError):
        return False  # an unknown name fails later, when it is fetched
    for address in addresses:
        ip = ipaddress.ip_address(str(address).split("%")[0])
        if ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_reserved:
            return True
        if ip.is_multicast or ip.is_unspecified:
            return True
    return False


@dataclass(frozen=True, slots=True)
class LinkRule:
    """The hosts a source's follow-up requests may go to."""

    hosts: frozenset[str]
    internal_allowed: bool  # the listing itself is served from an internal address

    @classmethod
    def for_source(cls, listing_url: str, follow_hosts: tuple[str, ...]) -> LinkRule:
        """The rule for a source read at `listing_url`."""
        host = (urlsplit(listing_url).hostname or "").lower()
        hosts = frozenset({host, *(h.lower() for h in follow_hosts)})
        return cls(hosts, _internal(host) if host else False)

    def check(self, url: str) -> None:
        """LinkRefusedError unless `url` may be fetched as a follow-up."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https"):
            raise LinkRefusedError(f"{url}: not an http(s) link")
        if host not in self.hosts:
            raise LinkRefusedError(
                f"{url}: {host} is not the listing's host; add it to the source's "
                "follow_hosts to allow it"
            )
        if not self.internal_allowed and _internal(host):
            raise LinkRefusedError(f"{url}: {host} is an internal address")
