"""The forms a name takes in Russian and Kazakh text, so that one automaton still finds it.

Russian declines names: Грузия, Грузии, Грузию, Грузией. The forms are made once, when the
rules are loaded, with pymorphy3 and its Russian dictionary: every word up to the name's
head noun takes the case (Южная Корея → Южной Кореи), the words after it stay as they are
(Организация Объединённых Наций → Организации Объединённых Наций). Matching stays one
pass, exact, as fast as before.

Kazakh adds suffixes to the name itself: Жапония, Жапониямен, Жапониядағы. Those are
checked where a match ends: the rest of the word must be a chain of Kazakh case,
possessive and relational suffixes (`KAZAKH_SUFFIXES`), so that Нигер never takes Нигерия
(the longer name wins at that place anyway) and a name never takes an unrelated word.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

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
    before, dash, after = re.sub(" [-–] ", " — ", name).rpartition(" — ")
    if dash:  # Папуа — Новая Гвинея (or Папуа-Новая Гвинея): the part after it declines
        return {f"{before}{joint}{form}" for form in russian_forms(after) for joint in (dash, "-")}
    morph = _analyzer()
    words = name.split(" ")
    parses = [morph.parse(word)[0] if word.isalpha() or "-" in word else None for word in words]
    head = next(
        (i for i, p in enumerate(parses) if p is not None and p.tag.POS == "NOUN"), len(words) - 1
    )
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
                changed = parsed.inflect({case})
            inflected.append(_cased(changed.word, word) if changed is not None else word)
        forms.add(" ".join(inflected))
    return forms | {form.replace("ё", "е").replace("Ё", "Е") for form in forms}


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
