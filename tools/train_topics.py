"""Train the topic model (src/herald/classify/topic-model.json) on the tuning parts of the
labelled sets, and choose how sure it must be by cross-validation on them.

The held-out parts are never read here. For each regularization strength and agreement
threshold, five folds of the tuning entries are classified by the shipped rules with a
model trained on the other four; the pair with the best topic recall at a topic precision
of at least PRECISION wins (of equals, the strongest regularization), and the model is
trained again on all tuning entries.

Needs scikit-learn (a dev dependency): .venv/bin/python tools/train_topics.py
Run after changing a tuning set or the topic rules (a test says when).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from herald.classify import Classifier, load_country_rules, load_topic_rules
from herald.classify.matching import article_text
from herald.classify.model import MODEL, TopicModel
from herald.classify.words import words_of
from herald.evaluate import Score, labelled, score
from herald.models import Article

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT / "tests" / "data" / "labelled"
TUNING_FILES = ("labels.json", "labels-ru.json", "labels-kk.json")
STRENGTHS = (0.3, 1.0, 3.0)
AGREEMENTS = (0.5, 0.6, 0.7, 0.8, 0.9)
PRECISION = 0.95
FOLDS = 5
RAREST = 2  # entries a word must be in to be weighed
COMMONEST = 0.2  # the share of entries a word may be in
SMALLEST = 0.05  # weights nearer zero than this are left out of the file


def tuning_entries() -> list[tuple[Article, dict[str, Any]]]:
    """Every entry of the tuning parts, with its labels."""
    return [pair for name in TUNING_FILES for pair in labelled(LABELLED / name)]


def digest() -> str:
    """What the model is made from: the tuning sets and the topic rules."""
    found = hashlib.sha256()
    for name in TUNING_FILES:
        data = json.loads((LABELLED / name).read_text("utf-8"))
        found.update((LABELLED / data["listing"]).read_bytes())
        found.update(json.dumps(data, sort_keys=True).encode())
    found.update((ROOT / "config" / "topics.toml").read_bytes())
    return found.hexdigest()[:16]


def train(
    entries: Sequence[tuple[Article, dict[str, Any]]], topics: Sequence[str], strength: float
) -> dict[str, Any]:
    """Per topic, a logistic regression over the entries' stems: its bias and weights."""
    words = [sorted(words_of(article_text(a).text)) for a, _ in entries]
    # Words in a few entries at least, and not in most (the, of, and say nothing).
    seen = Counter(w for found in words for w in found)
    vocabulary = sorted(w for w, n in seen.items() if RAREST <= n <= COMMONEST * len(words))
    index = {w: i for i, w in enumerate(vocabulary)}
    rows = [[0.0] * len(vocabulary) for _ in words]
    for row, found in zip(rows, words, strict=True):
        for w in found:
            if w in index:
                row[index[w]] = 1.0
    model: dict[str, Any] = {}
    for topic in topics:
        labels = [topic in entry["topics"] for _, entry in entries]
        if not any(labels):
            continue
        fitted = LogisticRegression(
            C=strength, class_weight="balanced", solver="liblinear", random_state=0
        ).fit(rows, labels)
        weights = {
            w: round(float(c), 3)
            for w, c in zip(vocabulary, fitted.coef_[0], strict=True)
            if abs(c) >= SMALLEST
        }
        model[topic] = {"bias": round(float(fitted.intercept_[0]), 3), "weights": weights}
    return model


def main() -> None:
    countries = load_country_rules(ROOT / "config" / "countries.toml")
    rules = load_topic_rules(ROOT / "config" / "topics.toml")
    topics = [t.slug for t in rules.topics]
    entries = tuning_entries()
    folds = list(KFold(FOLDS, shuffle=True, random_state=0).split(entries))
    results = {}
    for strength in STRENGTHS:
        trained = [train([entries[i] for i in fit], topics, strength) for fit, _ in folds]
        for agree in AGREEMENTS:
            found = Score()
            for model, (_, held) in zip(trained, folds, strict=True):
                classifier = Classifier(countries, rules, "KZ", TopicModel.of(model, agree))
                found += score([entries[i] for i in held], classifier).scores["topic"]
            results[(strength, agree)] = (found.recall, found.precision)
            print(
                f"C={strength:<4} agree={agree:.1f}: "
                f"recall {found.recall:.3f} precision {found.precision:.3f}"
            )
    alone = score(entries, Classifier(countries, rules, "KZ", None)).scores["topic"]
    print(f"the rules alone: recall {alone.recall:.3f} precision {alone.precision:.3f}")
    good = {k: v for k, v in results.items() if v[1] >= PRECISION} or results
    # The best recall; of equals, the simplest model (the strongest regularization): a
    # point of precision on the folds is two or three entries, not a reason for more.
    strength, agree = max(good, key=lambda k: (good[k][0], -k[0], good[k][1], k[1]))
    model = {
        "trained_on": digest(),
        "strength": strength,
        "agree": agree,
        "topics": train(entries, topics, strength),
    }
    MODEL.write_text(json.dumps(model, ensure_ascii=False, sort_keys=True) + "\n", "utf-8")
    print(f"chose C={strength} agree={agree}; {MODEL.name}: {MODEL.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
