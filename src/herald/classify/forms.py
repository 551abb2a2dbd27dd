"""The forms a name takes in Russian and Kazakh text, so that one automaton still finds it.

Russian declines names: Грузия, Грузии, Грузию, Грузией. The forms are made with pymorphy3
and its Russian dictionary: every word up to the name's head noun takes the case (Южная
Корея → Южной Кореи), the words after it stay as they are (Организация Объединённых Наций →
Организации Объединённых Наций). Matching stays one pass, exact, as fast as before.

The forms of every name the shipped rules hold are in russian-forms.tsv (written by
tools/russian_forms.py; a test keeps it what pymorphy3 makes), so a process with those
rules never loads the dictionary (20 MB); a name of the operator's own rules is declined
by pymorphy3 when the rules are loaded.

Kazakh adds suffixes to the name itself: Жапония, Жапониямен, Жапониядағы. Those are
checked where a match ends: the rest of the word must be a chain of Kazakh case,
possessive and relational suffixes (`KAZAKH_SUFFIXES`), so that Нигер never takes Нигерия
(the longer name wins at that place anyway) and a name never takes an unrelated word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

FORMS = Path(__file__).resolve().parent / "russian-forms.tsv"
CYRILLIC_LETTERS = "А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі"  # Russian and Kazakh
CYRILLIC = re.compile(f"[{CYRILLIC_LETTERS}]")
_RUSSIAN_ONLY = re.compile(r"^[А-Яа-яЁё\s\-’'.]+$")
CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")

# A chain of Kazakh suffixes after a name: derivation (-лық, "of Japan"), possessive,
# case, relational (-дағы, "in"), plural, and a case again (Жапониядағылардың).
_CASE = (
    "ның|нің|дың|дің|тың|тің|ға|ге|қа|ке|на|не|ны|ні|ды|ді|ты|ті|да|де|та|те|нда|нде"
    "|дан|ден|тан|тен|нан|нен|менен|бенен|пенен|мен|бен|пен|ша|ше|а|е|н|ң"
)
KAZAKH_SUFFIXES = re.compile(
    rf"(?:лық|лік|дық|дік|тық|тік)?(?:сы|сі|ы|і)?(?:{_CASE})?(?:ғы|гі|қы|кі)?"
    rf"(?:лар|лер|дар|дер|тар|тер)?(?:{_CASE})?"
)


def is_russian(name: str) -> bool:
    """Whether a name is written in Russian letters only (Kazakh has letters of its own)."""
    return bool(_RUSSIAN_ONLY.match(name)) and any("а" <= c.lower() <= "я" for c in name)


def russian_forms(name: str) -> set[str]:
    """The name in each case (with ё also written е), itself included."""
    known = shipped_forms().get(name)
    return set(known) if known is not None else declined(name)


@cache
def shipped_forms() -> dict[str, tuple[str, ...]]:
    """russian-forms.tsv: a name, then its forms, on each line."""
    table = {}
    for line in FORMS.read_text(encoding="utf-8").splitlines():
        name, *forms = line.split("\t")
        table[name] = tuple(forms)
    return table


def write_forms(names: Iterable[str]) -> int:
    """Write russian-forms.tsv for the Russian ones of `names`; how many it holds."""
    rows = sorted({name for name in names if is_russian(name)})
    lines = ["\t".join([name, *sorted(declined(name))]) + "\n" for name in rows]
    FORMS.write_text("".join(lines), encoding="utf-8")
    return len(rows)


def declined(name: str) -> set[str]:
    """The name in each case, as pymorphy3 declines it."""
    before, dash, after = re.sub(" [-–] ", " — ", name).rpartition(" — ")
    if dash:  # Папуа — Новая Гвинея (or Папуа-Новая Гвинея): the part after it declines
        return {f"{before}{joint}{form}" for form in declined(after) for joint in (dash, "-")}
    morph = _analyzer()
    words = name.split(" ")
    options = [morph.parse(word) if word.isalpha() or "-" in word else [] for word in words]
    head = next(
        (i for i, found in enumerate(options) if found and found[0].tag.POS == "NOUN"),
        len(words) - 1,
    )
    # A name is given in the nominative, and the words before its head agree with it:
    # "лесной пожар" is masculine, never the feminine "лесной" of "лесной тропы".
    parses: list[Any] = [None] * len(words)
    parses[head] = _nominative(options[head], None)
    for index, found in enumerate(options):
        if index != head:
            parses[index] = _nominative(found, parses[head] if index < head else None)
    # In the accusative a masculine or plural adjective follows its noun's animacy
    # (лесной пожар → лесной пожар, never лесного пожар).
    tag: Any = parses[head].tag if parses[head] is not None else None
    animate = tag.animacy if tag is not None and not {"femn", "neut"} & tag.grammemes else None
    # Coordinated nouns decline with the head: Босния и Герцеговина → Боснии и Герцеговине.
    last = head
    if head + 2 < len(words) and words[head + 1] == "и":
        last = head + 2
    forms = {name}
    for case in CASES:
        inflected = []
        for index, (word, parsed) in enumerate(zip(words, parses, strict=True)):
            changed = None
            if parsed is not None and index <= last and (index <= head or index == last):
                animacy = animate if index < head and case == "accs" else None
                changed = (animacy and parsed.inflect({case, animacy})) or parsed.inflect({case})
            inflected.append(_cased(changed.word, word) if changed is not None else word)
        forms.add(" ".join(inflected))
    return forms | {form.replace("ё", "е").replace("Ё", "Е") for form in forms}


def _nominative(options: list[Any], head: Any) -> Any:
    """The parse of a word in the nominative (agreeing with the head's gender and number
    where a head is given); the likeliest parse if there is none; None for no word."""
    nominative = [p for p in options if "nomn" in p.tag]
    if head is not None:
        nominative = [
            p
            for p in nominative
            if p.tag.number == head.tag.number
            and (p.tag.number == "plur" or p.tag.gender == head.tag.gender)
        ] or nominative
    found = nominative or options
    return found[0] if found else None


def _cased(word: str, like: str) -> str:
    """`word` (pymorphy3 answers in lower case) with the capitals of `like`."""
    if like.isupper():
        return word.upper()
    return "".join(
        c.upper() if i < len(like) and like[i].isupper() else c for i, c in enumerate(word)
    )


@cache
def _analyzer() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()
