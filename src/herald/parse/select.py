"""Selectors for HTML pages: CSS, or XPath after `xpath:`; `@attr` takes an attribute."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from cssselect import SelectorError
from lxml import etree
from lxml.cssselect import CSSSelector

from herald.errors import ParseError
from herald.normalize.text import clean_line

_ATTRIBUTE = re.compile(r"^(?P<css>.*?)\s*@(?P<attr>[\w:-]+)$")


@dataclass(frozen=True, slots=True)
class Selector:
    """A compiled selector: elements by CSS or XPath, then maybe one attribute of each."""

    spec: str
    find: Any  # CSSSelector or etree.XPath
    attribute: str | None

    def elements(self, node: Any) -> list[Any]:
        """Matching elements (or, for XPath, whatever the expression returns)."""
        try:
            found = self.find(node)
        except etree.XPathError as exc:
            raise ParseError(f'selector "{self.spec}": {exc}') from exc
        return list(found) if isinstance(found, list) else [found]

    def first(self, node: Any) -> str | None:
        """The text (or attribute) of the first match, cleaned, or None."""
        for found in self.elements(node):
            if isinstance(found, str):
                value = found
            elif self.attribute is not None:
                value = found.get(self.attribute) or ""
            else:
                value = found.text_content()
            value = clean_line(value)
            if value:
                return value
        return None


@cache
def compile_selector(spec: str) -> Selector:
    """Compile `spec`; a bad selector is a ParseError that names it."""
    if spec.startswith("xpath:"):
        try:
            return Selector(spec, etree.XPath(spec.removeprefix("xpath:")), None)
        except etree.XPathSyntaxError as exc:
            raise ParseError(f'selector "{spec}": {exc}') from exc
    match = _ATTRIBUTE.match(spec)
    css, attribute = (match["css"], match["attr"]) if match else (spec, None)
    if not css:  # "@href": the attribute of the node itself
        return Selector(spec, lambda node: [node], attribute)
    try:
        return Selector(spec, CSSSelector(css), attribute)
    except SelectorError as exc:
        raise ParseError(f'selector "{spec}": {exc}') from exc
