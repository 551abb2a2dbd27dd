"""What of an article is translated, and the key its translation is kept under."""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from herald.models import Article
from herald.normalize import clean_html
from herald.translate import Engine
from herald.translate.glossary import Glossary
from herald.translate.prepare import Names, Prepared, mid_sentence_capitals, prepare

PREPARATION = "prepared 1"  # raised when what is settled before translating changes

_TAG = re.compile(r"<[^>]*>")


def field_payload(article: Article, field: str) -> str:
    """The HTML an engine is sent for one field; plain-text fields are escaped."""
    if field == "title":
        return html.escape(article.title, quote=False)
    if field == "summary":
        return html.escape(article.summary, quote=False)
    return article.content_html


def names_of(article: Article, field: str) -> frozenset[str]:
    """For a title: the words its article writes with a capital mid-sentence (its names),
    which keep their capital when the title is put in sentence case."""
    return mid_sentence_capitals(article.paragraphs) if field == "title" else frozenset()


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
    # By target: the names and terms Herald settles itself (herald.translate.prepare).
    names: Mapping[str, Names] = field(default_factory=dict)

    def key(
        self,
        language: str,
        field: str,
        payload: str,
        target: str = "",
        keep: frozenset[str] = frozenset(),
    ) -> str:
        """The hash a translation is kept under: the text, its language, and what changes
        the text the engine is sent (the glossary; the names and casing settled before).
        A text nothing is settled in keeps the key it always had."""
        if target:
            return self.keyed(language, field, payload, target, keep)[0]
        return self._hash(language, field, payload, None)

    def keyed(
        self,
        language: str,
        field: str,
        payload: str,
        target: str,
        keep: frozenset[str] = frozenset(),
    ) -> tuple[str, Prepared]:
        """The key of a text for a target, and the text prepared to be sent there."""
        prepared = self.prepare(field, payload, target, keep)
        return self._hash(language, field, payload, prepared), prepared

    def _hash(self, language: str, field: str, payload: str, prepared: Prepared | None) -> str:
        material = "\x1f".join((language, field, payload, *self.glossary.terms))
        if prepared is not None and prepared.changed:
            material += "\x1f" + "\x1f".join((PREPARATION, prepared.sent, *prepared.targets))
        return hashlib.sha256(material.encode()).hexdigest()

    def prepare(
        self, field: str, payload: str, target: str, keep: frozenset[str] = frozenset()
    ) -> Prepared:
        """The text to send for one field into one target: names and terms as
        placeholders, a title in sentence case (keeping the names in `keep`)."""
        return prepare(
            payload,
            self.names.get(target),
            self.engine.glossary_style,
            title=field == "title",
            keep=keep,
        )
