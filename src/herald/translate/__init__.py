"""Translation: every feed also published in the languages an operator chooses.

An engine translates HTML fragments from one language to another, many per call. Each
text is translated once: translations are kept in the store, keyed by a hash of the text,
its field, the target language and the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Engine(Protocol):
    """A machine-translation engine."""

    name: str
    glossary_style: str  # "tag" or "word": the placeholder for glossary terms it keeps best

    def check_pair(self, source: str, target: str) -> str | None:
        """Why the engine cannot translate source -> target, or None if it can."""

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """HTML fragments translated, in order; TranslationError when that fails."""
