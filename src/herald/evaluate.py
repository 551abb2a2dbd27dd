"""`herald eval LABELS`: how well classification matches a labelled set of bulletins.

LABELS is a JSON file: `listing` (a bulletin file, relative to LABELS), `timezone`,
`language`, `part` ("tuning": the rules and the topic model were made with it; "held-out":
never looked at for that), and `entries`, each with its `title`, the expected `countries`,
`organizations` and `topics`, `forbidden` tags ("country:GN") that must never be given, and
`acceptable` tags, right either way (a country named once in passing), that count neither
as found nor as missed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from herald.classify import Classifier
from herald.errors import ConfigError, HeraldError
from herald.models import Article, Fetched
from herald.normalize import normalize
from herald.parse.bulletin import parse_bulletin
from herald.settings import SourceSettings

FAMILIES = (("country", "countries"), ("organization", "organizations"), ("topic", "topics"))


@dataclass
class Score:
    """True positives, false positives and false negatives of one tag family."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """Of the tags given, the share that were expected (1 when none were given)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Of the tags expected, the share that were given (1 when none were expected)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def __add__(self, other: Score) -> Score:
        return Score(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)


@dataclass
class Evaluation:
    """Scores per family, and every forbidden tag given and every miss, by entry title."""

    scores: dict[str, Score] = field(default_factory=lambda: {f: Score() for f, _ in FAMILIES})
    forbidden: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    about: str = ""  # which set: its part, language and size

    def table(self) -> str:
        """A readable report."""
        lines = [f"{'family':<14} {'precision':>9} {'recall':>7}   tp  fp  fn"]
        for family, score in self.scores.items():
            lines.append(
                f"{family:<14} {score.precision:>9.3f} {score.recall:>7.3f}  "
                f"{score.tp:>3} {score.fp:>3} {score.fn:>3}"
            )
        lines += [f"forbidden: {line}" for line in self.forbidden]
        lines += [f"differs: {line}" for line in self.wrong]
        return "\n".join(lines)


def _labels(path: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot read the labels: {exc}") from exc
    if not isinstance(data.get("entries"), list) or not isinstance(data.get("listing"), str):
        raise ConfigError(f'{path}: needs "listing" (a file) and "entries" (a list)')
    return data


def labelled(path: Path) -> list[tuple[Article, dict[str, Any]]]:
    """The entries of a labelled listing as articles, each with its labels."""
    return _entries(path, _labels(path))


def _entries(path: Path, data: dict[str, Any]) -> list[tuple[Article, dict[str, Any]]]:
    listing = path.parent / data["listing"]
    try:
        source = SourceSettings(
            id="eval",
            name="eval",
            kind="bulletin",
            url=str(listing),
            timezone=data.get("timezone", "UTC"),
            language=data.get("language", "en"),
        )
    except ValidationError as exc:
        raise ConfigError(f"{path}: {exc.errors()[0]['msg']}") from None
    try:
        fetched = Fetched(url=str(listing), content=listing.read_bytes())
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the listing {listing}: {exc}") from exc
    labels = {entry["title"]: entry for entry in data["entries"]}
    found = []
    for raw in parse_bulletin(fetched, source).items:
        article = normalize(raw, "eval", source.timezone, source.language)
        entry = labels.pop(article.title, None)
        if entry is None:
            raise HeraldError(f'{path}: no labels for "{article.title}"')
        found.append((article, entry))
    if labels:
        raise HeraldError(f"{path}: labelled entries not in the listing: {sorted(labels)}")
    return found


def evaluate(path: Path, classifier: Classifier) -> Evaluation:
    """Classify every entry of the labelled listing and compare with its labels."""
    data = _labels(path)
    entries = _entries(path, data)
    part, size = data.get("part"), f"{len(entries)} entries"
    return score(
        entries, classifier, f"{part} part, {data.get('language', 'en')}, {size}" if part else size
    )


def score(
    entries: Iterable[tuple[Article, dict[str, Any]]], classifier: Classifier, about: str = ""
) -> Evaluation:
    """Classify labelled entries and compare each with its labels."""
    result = Evaluation(about=about)
    for article, entry in entries:
        tagged = classifier.classify(article)
        # A tag that is acceptable either way (a place named in passing) is not counted.
        either = {tuple(tag.partition(":")[::2]) for tag in entry.get("acceptable", [])}
        given = {(t.family, t.term) for t in tagged.tags if t.passed} - either
        for family, key in FAMILIES:
            expected = {(family, term) for term in entry.get(key, [])} - either
            mine = {tag for tag in given if tag[0] == family}
            counted = result.scores[family]
            counted.tp += len(mine & expected)
            counted.fp += len(mine - expected)
            counted.fn += len(expected - mine)
            if mine != expected:
                extra = sorted(t for _, t in mine - expected)
                missed = sorted(t for _, t in expected - mine)
                result.wrong.append(f'"{article.title}" {family}: +{extra} -{missed}')
        for tag in entry.get("forbidden", []):
            family, _, term = tag.partition(":")
            if (family, term) in given:
                result.forbidden.append(f'"{article.title}" was given {tag}')
    return result
