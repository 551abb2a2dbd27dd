"""Clean text: NFC, no control characters, homoglyphs repaired, whitespace collapsed."""

from __future__ import annotations

import re
import unicodedata

# Invisible characters that only get in the way of matching and display.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad]")
# C0 and C1 controls, and what XML 1.0 cannot carry at all (surrogates, U+FFFE, U+FFFF).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_WORD = re.compile(r"\w+")
_FOREIGN = re.compile(r"[\u0370-\u03ff\u0400-\u052f]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_CYRILLIC = re.compile(r"[\u0400-\u052f]")
_GREEK = re.compile(r"[\u0370-\u03ff]")

# Letters of other scripts that look like Latin ones, and the reverse for Cyrillic words.
_TO_LATIN = str.maketrans(
    "АВЕКМНОРСТХУІЈЅаеорсухіјѕһԁԛԝҮΑΒΕΖΗΙΚΜΝΟΡΤΥΧο",
    "ABEKMHOPCTXYIJSaeopcyxijshdqwYABEZHIKMNOPTYXo",
)
_TO_CYRILLIC = str.maketrans("ABEKMHOPCTXaeopcyx", "АВЕКМНОРСТХаеорсух")
_LATIN_LOOKALIKES = frozenset("ABEKMHOPCTXaeopcyx")
_FOREIGN_LOOKALIKES = frozenset("АВЕКМНОРСТХУІЈЅаеорсухіјѕһԁԛԝҮΑΒΕΖΗΙΚΜΝΟΡΤΥΧο")


def clean_line(text: str) -> str:
    """Normalize one line of text: NFC, no control or invisible characters, single spaces."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    # Runs of whitespace (str.split's, which are re's \s) become one space.
    text = " ".join(_CONTROL.sub(" ", text).split())
    if _FOREIGN.search(text):
        text = _WORD.sub(_repair_word, text)
    return text


def _repair_word(match: re.Match[str]) -> str:
    """Make a word of mixed scripts one script, when the odd letters are lookalikes.

    "Аmbassador" with a Cyrillic "А" becomes Latin; "Мoсква" with a Latin "o" becomes
    Cyrillic. A word whose odd letters have no lookalike is left as it is.
    """
    word = match.group(0)
    latin = len(_LATIN.findall(word))
    cyrillic = len(_CYRILLIC.findall(word))
    greek = len(_GREEK.findall(word))
    if not latin or not (cyrillic or greek):
        return word
    if latin >= cyrillic + greek:
        odd = [c for c in word if _CYRILLIC.match(c) or _GREEK.match(c)]
        if all(c in _FOREIGN_LOOKALIKES for c in odd):
            return word.translate(_TO_LATIN)
    elif not greek:
        odd = [c for c in word if _LATIN.match(c)]
        if all(c in _LATIN_LOOKALIKES for c in odd):
            return word.translate(_TO_CYRILLIC)
    return word


def fold(text: str) -> str:
    """A form for comparing keys and titles: clean, case-folded."""
    return clean_line(text).casefold()


def cut_on_word(text: str, limit: int) -> str:
    """Shorten text to at most `limit` characters at a word boundary, marking the cut."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space > limit // 2:
        head = head[:space]
    return head.rstrip(" ,;:-–—") + "…"
