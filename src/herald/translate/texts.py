"""What of an article is translated, and the key its translation is kept under."""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass

from herald.models import Article
from herald.normalize import clean_html
from herald.translate import Engine
from herald.translate.glossary import Glossary

_TAG = re.compile(r"<[^>]*>")


def field_payload(article: Article, field: str) -> str:
    """The HTML an engine is sent for one field; plain-text fields are escaped."""
    if field == "title":
        return html.escape(article.title, quote=False)
    if field == "summary":
        return html.escape(article.summary, quote=False)
    return article.content_html


def field_result(field: str, translated: str) -> str:
    """An engine's HTML back as the field holds it: plain text, or sanitized HTML."""
    if field == "content":
        return clean_html(translated)
    return " ".join(html.unescape(_TAG.sub(" ", translated)).split())


@dataclass(frozen=True, slots=True)
class Translator:
    """An engine with the settings that shape what it is sent."""

    engine: Engine
    glossary: Glossary
    targets: tuple[str, ...]
    fields: tuple[str, ...]
    max_chars: int

    def key(self, language: str, field: str, payload: str) -> str:
        """The hash a translation is kept under: the text, its language, and the glossary
        (which changes what the engine is sent)."""
        material = "\x1f".join((language, field, payload, *self.glossary.terms))
        return hashlib.sha256(material.encode()).hexdigest()
