"""Topics: keyword and phrase rules from topics.toml, matched on the text and on its stems.

A phrase is found as written (with its plural, or any ending after "*"), and an English
phrase without "*" also by its words' stems, so that "escalation" finds "escalating" and
"connectivity" finds "connected" (words.py). The forms of one phrase count as that phrase.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from herald.classify.forms import CYRILLIC, is_russian, russian_forms
from herald.classify.matching import ArticleText, PhraseMatcher
from herald.classify.model import TopicModel
from herald.classify.words import stemmed_phrase, stems
from herald.models import Evidence, Tag

Targets = list[tuple[str, float | None]]  # what a phrase counts for: (topic, weight or None)


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


def _merged(found: list[Targets]) -> Targets:
    """The topics of several phrases as one phrase: each topic at its greatest weight (a
    phrase that does not count for a topic counts for it only if no other phrase does)."""
    best: dict[str, float | None] = {}
    for targets in found:
        for slug, weight in targets:
            if slug not in best or (weight is not None and (best[slug] or 0) < weight):
                best[slug] = weight
    return list(best.items())


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

    def __init__(self, rules: TopicRules, model: TopicModel | None = None) -> None:
        # One alternative per distinct phrase; a phrase may count for several topics.
        targets: dict[str, Targets] = defaultdict(list)
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
        self._model = model
        # The English phrases without "*" by their stems as well; the phrases of one stem
        # key count as one phrase ("company", "companies"), the first of them.
        groups: dict[str, list[int]] = defaultdict(list)
        for index, phrase in enumerate(ordered):
            key = "" if phrase.endswith("*") or CYRILLIC.search(phrase) else stemmed_phrase(phrase)
            if key:
                groups[key].append(index)
        self._phrase_of = list(range(len(ordered)))  # phrase -> the phrase it counts as
        for members in groups.values():
            for index in members:
                self._phrase_of[index] = members[0]
        self._stem_phrase = [members[0] for members in groups.values()]
        self._stem_targets = [_merged([self._targets[i] for i in m]) for m in groups.values()]
        self._stemmed = PhraseMatcher([(key, "") for key in groups], ignore_case=False)

    def tag(self, text: ArticleText) -> list[Tag]:
        """Topic tags; each phrase counts once in the title and once in the body; a topic
        below its bar passes when the model agrees."""
        evidence, stems_of_article = self._evidence(text)
        known: frozenset[str] | None = None  # the article's stems the model weighs, when asked
        tags = []
        for topic in self._rules.topics:
            if topic.slug not in evidence:
                continue
            found = evidence[topic.slug]
            score = sum(e.weight for e in found)
            passed = score >= topic.min_score
            if not passed and self._model is not None:
                known = stems_of_article() if known is None else known
                passed = _agrees(self._model, topic.slug, known, found)
            tags.append(Tag("topic", topic.slug, topic.label, score, passed, tuple(found)))
        return sorted(tags, key=lambda t: t.term)

    def _evidence(
        self, text: ArticleText
    ) -> tuple[dict[str, list[Evidence]], Callable[[], frozenset[str]]]:
        """Each topic's evidence from the written phrases, then from the stems of the
        words they did not take; and how to get the article's stems the model weighs."""
        seen: set[tuple[int, bool]] = set()
        taken: list[tuple[int, int]] = []  # where the written phrases matched
        evidence: dict[str, list[Evidence]] = defaultdict(list)

        def count(phrase: int, in_title: bool, matched: str, found: Targets) -> None:
            seen.add((phrase, in_title))
            factor = self._rules.title_weight if in_title else 1.0
            where = "title" if in_title else "body"
            for slug, weight in found:
                if weight is not None:
                    evidence[slug].append(Evidence(matched, where, weight * factor))

        title_end = text.ends[0]
        for index, start, matched in self._matcher.matches(text):
            taken.append((start, start + len(matched)))
            phrase, in_title = self._phrase_of[index], start < title_end
            if (phrase, in_title) not in seen:
                count(phrase, in_title, matched, self._targets[index])
        words = stems(text.folded, taken)  # "escalating" for "escalation"
        title = words.before(text.ends[0])
        for index, at, matched in self._stemmed.finditer(words.view, words.view):
            phrase, in_title = self._stem_phrase[index], at < title
            if (phrase, in_title) not in seen:
                start, end = words.span(at, matched)
                count(phrase, in_title, text.text[start:end], self._stem_targets[index])

        def stems_of_article() -> frozenset[str]:
            vocabulary = self._model.vocabulary if self._model is not None else frozenset()
            return words.among(vocabulary, " ".join([text.folded[s:e] for s, e in taken]))

        return evidence, stems_of_article


def _agrees(model: TopicModel, topic: str, known: frozenset[str], found: list[Evidence]) -> bool:
    """Whether the model is sure enough of the topic; if so, its evidence (the words it
    weighed most, at its probability) joins the rules'."""
    probability = model.probability(topic, known)
    if probability is None or probability < model.agree:
        return False
    strongest = ", ".join(model.strongest(topic, known))
    found.append(Evidence(strongest, "model", round(probability, 2)))
    return True
