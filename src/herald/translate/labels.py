"""Topic labels in the translated trees: from topics.toml's `labels` where it gives one,
else translated by the engine once and kept with the other translations."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

from herald.classify.topics import TopicRules
from herald.errors import TranslationError
from herald.store import Store
from herald.translate.texts import Translator

log = logging.getLogger(__name__)
FIELD = "label"
LANGUAGE = "en"  # topics.toml's labels are English


def _missing(topics: TopicRules, translator: Translator) -> dict[str, dict[str, str]]:
    """By target: the key of each label the rules do not give in it, and the label."""
    return {
        target: {
            translator.key(LANGUAGE, FIELD, t.label): t.label
            for t in topics.topics
            if target not in t.labels
        }
        for target in translator.targets
        if target != LANGUAGE
    }


def kept_labels(
    store: Store, translator: Translator | None, topics: TopicRules
) -> Mapping[tuple[str, str], str]:
    """(target, English label) -> the label translated into the target, as kept."""
    if translator is None:
        return {}
    found: dict[tuple[str, str], str] = {}
    for target, wanted in _missing(topics, translator).items():
        kept = store.translations(target, translator.engine.name, [(k, FIELD) for k in wanted])
        found.update(((target, wanted[key]), text) for (key, _), text in kept.items())
    return found


def translate_labels(
    store: Store, translator: Translator, topics: TopicRules, now: datetime
) -> int:
    """Translate the labels not kept yet, one request per target; how many were."""
    done = 0
    name = translator.engine.name
    for target, wanted in _missing(topics, translator).items():
        kept = store.translations(target, name, [(k, FIELD) for k in wanted])
        todo = [(key, label) for key, label in wanted.items() if (key, FIELD) not in kept]
        if not todo:
            continue
        try:
            answers = translator.engine.translate([label for _, label in todo], LANGUAGE, target)
        except TranslationError as exc:
            log.warning("topic labels into %s are left for the next run: %s", target, exc)
            continue
        rows = [
            (key, FIELD, answer.strip())
            for (key, _), answer in zip(todo, answers, strict=True)
            if answer.strip()
        ]
        store.save_translations(target, name, rows, [], now)
        done += len(rows)
    return done
