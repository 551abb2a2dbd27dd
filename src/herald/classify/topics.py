"""Topics: keyword and phrase rules from topics.toml, matched in one pass."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from herald.classify.forms import is_russian, russian_forms
from herald.classify.matching import ArticleText, PhraseMatcher
from herald.models import Evidence, Tag


@dataclass(frozen=True, slots=True)
class TopicRule:
    """One topic: its label, weighted phrases, phrases that do not count, and its bar."""

    slug: str
    label: str
    phrases: dict[str, float]
    negative: tuple[str, ...] = ()
    min_score: float = 2.0
    labels: Mapping[str, str] = field(default_factory=dict)  # the label in other languages


@dataclass(frozen=True, slots=True)
class TopicRules:
    """All topics, and how much more a match in the title weighs."""

    topics: tuple[TopicRule, ...]
    title_weight: float = 2.0

    def label(self, slug: str, language: str | None = None) -> str:
        """The label of a topic, in `language` where the rules give one."""
        for topic in self.topics:
            if topic.slug == slug:
                return topic.labels.get(language or "", topic.label)
        return slug


def phrase_form(phrase: str) -> tuple[str, str]:
    """A phrase as literal words and an ending pattern: plural forms, or any ending.

    "trade" also matches "trades"; "invest*" matches "investment" and "investors".
    """
    words = " ".join(phrase.split())
    if words.endswith("*"):
        return words.rstrip("*"), "any"
    return words, "plural"


def declined_phrases(rules: TopicRules) -> list[str]:
    """The rules' Russian phrases that are matched in every case (those without "*")."""
    return [
        phrase
        for topic in rules.topics
        for phrase in [*topic.phrases, *topic.negative]
        if not phrase.endswith("*") and is_russian(phrase)
    ]


def _forms(phrase: str) -> set[str]:
    """A phrase as matched (case folded); a Russian phrase without "*" in every case."""
    if not phrase.endswith("*") and is_russian(phrase):
        return {form.casefold() for form in russian_forms(phrase)}
    return {phrase.casefold()}


class TopicTagger:
    """Tags the topics an article is about, each with its evidence."""

    def __init__(self, rules: TopicRules) -> None:
        # One alternative per distinct phrase; a phrase may count for several topics.
        targets: dict[str, list[tuple[str, float | None]]] = defaultdict(list)
        for topic in rules.topics:
            negative = [(phrase, None) for phrase in topic.negative]
            for phrase, weight in [*topic.phrases.items(), *negative]:
                for form in _forms(phrase):
                    if (topic.slug, weight) not in targets[form]:  # two phrases, one form
                        targets[form].append((topic.slug, weight))
        ordered = sorted(targets)
        self._targets = [targets[p] for p in ordered]
        self._matcher = PhraseMatcher([phrase_form(p) for p in ordered], ignore_case=True)
        self._rules = rules

    def tag(self, text: ArticleText) -> list[Tag]:
        """Topic tags; each phrase counts once in the title and once in the body."""
        seen: set[tuple[int, bool]] = set()
        evidence: dict[str, list[Evidence]] = defaultdict(list)
        for index, start, matched in self._matcher.finditer(text.text, text.gapped):
            in_title = text.where(start) == "title"
            if (index, in_title) in seen:
                continue
            seen.add((index, in_title))
            factor = self._rules.title_weight if in_title else 1.0
            where = "title" if in_title else "body"
            for slug, weight in self._targets[index]:
                if weight is not None:
                    evidence[slug].append(Evidence(matched, where, weight * factor))
        tags = []
        for topic in self._rules.topics:
            if topic.slug in evidence:
                score = sum(e.weight for e in evidence[topic.slug])
                tags.append(
                    Tag(
                        family="topic",
                        term=topic.slug,
                        label=topic.label,
                        score=score,
                        passed=score >= topic.min_score,
                        evidence=tuple(evidence[topic.slug]),
                    )
                )
        return sorted(tags, key=lambda t: t.term)
