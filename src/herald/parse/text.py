"""Turning fetched bytes into text, with errors that say what is wrong."""

from __future__ import annotations

import codecs
import re

from herald.errors import ParseError
from herald.models import Fetched

_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_text(fetched: Fetched) -> str:
    """Decode by the Content-Type charset, else a BOM, else UTF-8; refuse binary data."""
    data = fetched.content
    encoding = "utf-8"
    match = _CHARSET.search(fetched.content_type or "")
    if match:
        encoding = match.group(1)
    for bom, name in _BOMS:
        if data.startswith(bom):
            data, encoding = data[len(bom) :], (encoding if match else name)
            break
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ParseError(f"{fetched.url}: unknown charset {encoding!r}") from None
    if b"\x00" in data and not encoding.startswith("utf-16"):
        raise ParseError(f"{fetched.url}: binary data, not a text listing")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"{fetched.url}: not {encoding} text (undecodable byte at offset {exc.start})"
        ) from None
