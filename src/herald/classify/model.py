"""The second signal for topics: a linear model over an article's word stems.

Rules say why a topic is given; they miss a topic that a reader sees but whose rule words
appear only once ("flights" in a line about a new embassy). The model, a logistic
regression per topic trained on the tuning part of the labelled set (tools/train_topics.py,
scikit-learn at build time; only its weights ship, in topic-model.json), weighs all the
words. It never gives a topic alone: a topic some rule found evidence for, below the
topic's `min_score`, is given when the model is at least `agree` sure (chosen by
cross-validation when it was trained, and kept in the file), and `herald explain` shows
the model's figure and the words that weighed most beside the rules' evidence. A topic the
model was not trained on (an operator's own) is left to the rules.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

MODEL = Path(__file__).resolve().parent / "topic-model.json"


@dataclass(frozen=True, slots=True)
class TopicModel:
    """Per topic: a bias and a weight per stem; `agree` is the probability that counts."""

    biases: dict[str, float]
    weights: dict[str, dict[str, float]]
    agree: float
    digest: str  # of the file, so that a new model re-tags what it changes
    vocabulary: frozenset[str] = field(init=False)  # every stem some topic weighs
    _words: dict[str, frozenset[str]] = field(init=False)  # the stems each topic weighs

    @classmethod
    def of(cls, topics: dict[str, Any], agree: float, digest: str = "") -> TopicModel:
        """A model from its file's "topics" table: per topic, a bias and its weights."""
        return cls(
            biases={topic: t["bias"] for topic, t in topics.items()},
            weights={topic: t["weights"] for topic, t in topics.items()},
            agree=agree,
            digest=digest,
        )

    def __post_init__(self) -> None:
        words = {topic: frozenset(weights) for topic, weights in self.weights.items()}
        object.__setattr__(self, "_words", words)
        object.__setattr__(self, "vocabulary", frozenset().union(*words.values()))

    def probability(self, topic: str, words: AbstractSet[str]) -> float | None:
        """How sure the model is of a topic for an article with these stems (the ones in
        `vocabulary` are enough); None for a topic it does not know."""
        if topic not in self.biases:
            return None
        weights = self.weights[topic]
        total = self.biases[topic] + sum(map(weights.__getitem__, words & self._words[topic]))
        return 1 / (1 + math.exp(-total))

    def strongest(self, topic: str, words: AbstractSet[str], most: int = 3) -> tuple[str, ...]:
        """The stems that weighed most for a topic."""
        weights = self.weights[topic]
        found = sorted(((weights[w], w) for w in words & self._words[topic]), reverse=True)
        return tuple(w for weight, w in found[:most] if weight > 0)


@cache
def shipped_model() -> TopicModel:
    """topic-model.json as tools/train_topics.py wrote it."""
    data = MODEL.read_bytes()
    found = json.loads(data)
    return TopicModel.of(found["topics"], found["agree"], hashlib.sha256(data).hexdigest()[:16])
