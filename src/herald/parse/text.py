"""Turning fetched bytes into text, with errors that say what is wrong."""

from __future__ import annotations

import codecs
import re

from herald.errors import ParseError
from herald.models import Fetched

_CHARSET = re.compile(rb"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([\w.:-]+)", re.IGNORECASE)
_META = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_NOT_CHARSETS = {"punycode", "idna", "raw-unicode-escape", "unicode-escape", "undefined"}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def detect_encoding(fetched: Fetched) -> tuple[str, int]:
    """The encoding of fetched bytes, and the length of a BOM to skip.

    In this order: the Content-Type charset, a byte order mark, the document's own
    declaration (`<?xml encoding=…?>` or `<meta charset=…>`), else UTF-8.
    """
    data = fetched.content
    bom = next(((len(mark), name) for mark, name in _BOMS if data.startswith(mark)), (0, None))
    header = _CHARSET.search((fetched.content_type or "").encode("latin-1", "replace"))
    if header:
        encoding = header.group(1).decode("ascii")
    elif bom[1]:
        encoding = bom[1]
    else:
        head = data[:2048]
        declared = _XML_DECLARATION.search(head) or _META.search(head)
        encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise ParseError(f"{fetched.url}: unknown charset {encoding!r}") from None
    # Python also registers codecs that are no text encodings (zlib, hex, punycode…).
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        raise ParseError(f"{fetched.url}: {encoding!r} is not a text encoding")
    return encoding, bom[0]


def decode_text(fetched: Fetched) -> str:
    """Decode fetched bytes as text (see detect_encoding); refuse binary data."""
    encoding, skip = detect_encoding(fetched)
    data = fetched.content[skip:]
    if b"\x00" in data and not encoding.lower().startswith("utf-16"):
        raise ParseError(f"{fetched.url}: binary data, not a text listing")
    try:
        return data.decode(encoding)
    except UnicodeError as exc:
        if not isinstance(exc, UnicodeDecodeError):
            raise ParseError(f"{fetched.url}: not {encoding} text ({exc})") from None
        raise ParseError(
            f"{fetched.url}: not {encoding} text (undecodable byte at offset {exc.start})"
        ) from None
