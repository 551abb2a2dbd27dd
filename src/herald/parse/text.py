"""Turning fetched bytes into text, with errors that say what is wrong."""

from __future__ import annotations

import codecs
import logging
import re

import charset_normalizer

from herald.errors import ParseError
from herald.models import Fetched

log = logging.getLogger(__name__)
# The legacy encodings listings come in without saying so: Western European (Latin-1 is a
# subset), Cyrillic from Windows, Cyrillic from old Unix. Guessing among every code page
# takes short French for Central European, so the guess is among these only.
LEGACY = ("cp1252", "cp1251", "koi8_r")
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
    """Decode fetched bytes as text (see detect_encoding); refuse binary data. Bytes that
    declare nothing and are not UTF-8 (a Windows-1251 or Latin-1 listing saved as it was)
    are read in the legacy encoding charset-normalizer finds most likely, and the guess is
    logged."""
    encoding, skip = detect_encoding(fetched)
    data = fetched.content[skip:]
    if b"\x00" in data and not encoding.lower().startswith("utf-16"):
        raise ParseError(f"{fetched.url}: binary data, not a text listing")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        guessed = None if _declares(fetched) else _guess(fetched, data)
        if guessed is not None:
            return guessed
        raise ParseError(
            f"{fetched.url}: not {encoding} text (undecodable byte at offset {exc.start})"
        ) from None
    except UnicodeError as exc:
        raise ParseError(f"{fetched.url}: not {encoding} text ({exc})") from None


def _declares(fetched: Fetched) -> bool:
    """Whether the response, a byte order mark or the document names an encoding."""
    head = fetched.content[:2048]
    header = _CHARSET.search((fetched.content_type or "").encode("latin-1", "replace"))
    bom = any(fetched.content.startswith(mark) for mark, _ in _BOMS)
    return bool(header or bom or _XML_DECLARATION.search(head) or _META.search(head))


def _guess(fetched: Fetched, data: bytes) -> str | None:
    """The text in the encoding charset-normalizer finds most likely, or None."""
    best = charset_normalizer.from_bytes(data, cp_isolation=list(LEGACY)).best()
    if best is None:
        return None
    log.info("%s: declares no encoding and is not UTF-8; read as %s", fetched.url, best.encoding)
    return str(best)
