"""Glossary terms (names, organizations, acronyms) pass through an engine untouched.

Each occurrence is swapped for a placeholder before translation and the term is put back
afterwards. The placeholder suits the engine: an empty element for engines that keep
markup (DeepL, LibreTranslate, language models), a made-up word for Apertium, which
passes unknown words through and, unlike around an element, keeps the grammar around it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

_TAG = re.compile(r"""<i\s+data-herald-term\s*=\s*["']?(\d+)["']?\s*>\s*</i>""")
_WORD = re.compile(r"\bHgzq(\d+)z\b", re.IGNORECASE)


class Glossary:
    """Protects and restores a fixed list of terms, longest first."""

    def __init__(self, terms: Sequence[str]) -> None:
        self.terms = tuple(sorted(set(terms), key=len, reverse=True))
        escaped = [re.escape(escape(t, quote=False)) for t in self.terms]
        self._pattern = (
            re.compile(r"(?<!\w)(?:" + "|".join(escaped) + r")(?!\w)") if escaped else None
        )
        self._index = {escape(t, quote=False): n for n, t in enumerate(self.terms)}

    def protect(self, html: str, style: str = "tag") -> str:
        """Replace each term (as it appears in HTML text) with a placeholder of `style`."""
        if self._pattern is None:
            return html
        if style == "word":
            return self._pattern.sub(lambda m: f"Hgzq{self._index[m.group(0)]}z", html)
        return self._pattern.sub(
            lambda m: f'<i data-herald-term="{self._index[m.group(0)]}"></i>', html
        )

    def restore(self, html: str) -> str:
        """Put each term back where a placeholder of either style is."""

        def term(match: re.Match[str]) -> str:
            return escape(self.terms[int(match.group(1))], quote=False)

        return _WORD.sub(term, _TAG.sub(term, html))
