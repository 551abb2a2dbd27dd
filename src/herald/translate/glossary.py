"""Glossary terms (names, organizations, acronyms) pass through an engine untouched.

Each occurrence becomes an empty placeholder element before translation, which every
engine keeps as markup, and the term is put back afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

_PLACEHOLDER = re.compile(r"""<i\s+data-herald-term\s*=\s*["']?(\d+)["']?\s*>\s*</i>""")


class Glossary:
    """Protects and restores a fixed list of terms, longest first."""

    def __init__(self, terms: Sequence[str]) -> None:
        self.terms = tuple(sorted(set(terms), key=len, reverse=True))
        escaped = [re.escape(escape(t, quote=False)) for t in self.terms]
        self._pattern = (
            re.compile(r"(?<!\w)(?:" + "|".join(escaped) + r")(?!\w)") if escaped else None
        )

    def protect(self, html: str) -> str:
        """Replace each term (as it appears in HTML text) with its placeholder."""
        if self._pattern is None:
            return html
        index = {escape(t, quote=False): n for n, t in enumerate(self.terms)}
        return self._pattern.sub(lambda m: f'<i data-herald-term="{index[m.group(0)]}"></i>', html)

    def restore(self, html: str) -> str:
        """Put each term back where its placeholder is."""
        return _PLACEHOLDER.sub(lambda m: escape(self.terms[int(m.group(1))], quote=False), html)
