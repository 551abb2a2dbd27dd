"""The translate stage: find what is not yet translated, send it, keep the answers."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from herald.errors import TranslationError
from herald.store import FeedQuery, Store
from herald.translate.prepare import Prepared, restore
from herald.translate.texts import Translator, field_payload, field_result, names_of

log = logging.getLogger(__name__)
CHUNK_CHARS = 40_000  # characters per request or process


@dataclass
class TranslationReport:
    """What one run sent to an engine for one target language."""

    engine: str
    target: str
    chars_sent: int = 0
    cache_hits: int = 0
    translated: int = 0
    left_for_later: int = 0
    error: str | None = None


@dataclass(frozen=True, slots=True)
class _Job:
    key: str
    field: str
    prepared: Prepared  # the text with Herald's names and casing settled
    sent: str  # what the engine is sent: that text with the glossary's placeholders too
    article_ids: list[str]  # every article whose field reads so


def translate_missing(
    store: Store, translator: Translator, now: datetime, holder: str, lease: timedelta
) -> list[TranslationReport]:
    """Translate, newest article first, every field not yet translated, within the cap.

    An engine that fails stops this run's translating for that language; the entries are
    published untranslated and tried again next run. When nothing was stored since a pass
    that left nothing to translate, there is nothing to look at. A text another worker
    (another `holder`) is translating is left to it: its translation arrives in the
    shared store, and the next run finds it there.
    """
    # Under a key of everything that decides what is sent: a change of it looks again.
    settled = sorted(
        f"{t}={k}={v}" for t, n in translator.names.items() for k, v in n.table.items()
    )
    what = (translator.engine.name, *translator.targets, "|", *translator.fields, "|", *settled)
    mark = "translated " + translator.key("", "", "\x1f".join(what))
    if store.mark(mark) == store.generation():
        return []
    budget = translator.max_chars
    reports = []
    name = translator.engine.name
    for target in translator.targets:
        # The target's tree: an article the source publishes in the target language itself
        # is there in that version, and is never machine-translated into it.
        tree = FeedQuery(language=target, machine=True)
        articles = [t.article for t in store.articles(tree, 10**9)]
        report = TranslationReport(name, target)
        reports.append(report)
        known = store.translation_keys(target, name)
        pending: dict[str, dict[tuple[str, str], _Job]] = defaultdict(dict)
        for article in articles:
            if article.language == target:
                continue
            for field in translator.fields:
                payload = field_payload(article, field)
                if not payload.strip():
                    continue
                keep = names_of(article, field)
                key, prepared = translator.keyed(article.language, field, payload, target, keep)
                if (key, field) in known:
                    report.cache_hits += 1
                else:
                    job = pending[article.language].get((key, field))
                    if job is None:
                        sent = translator.glossary.protect(
                            prepared.sent, translator.engine.glossary_style
                        )
                        job = _Job(key, field, prepared, sent, [])
                        pending[article.language][(key, field)] = job
                    job.article_ids.append(article.id)
        for language, jobs in pending.items():
            queue = list(jobs.values())
            while queue and report.error is None:
                chunk: list[_Job] = []
                size = 0
                while queue and _fits(len(queue[0].sent), size, budget, first=not chunk):
                    size += len(queue[0].sent)
                    chunk.append(queue.pop(0))
                if not chunk:
                    break  # the cap is reached: the rest waits for the next run
                # What another worker is translating is left to it.
                claimed = store.claim_translations(
                    target, name, [(j.key, j.field) for j in chunk], holder, now, lease
                )
                report.left_for_later += sum((j.key, j.field) not in claimed for j in chunk)
                chunk = [j for j in chunk if (j.key, j.field) in claimed]
                size = sum(len(j.sent) for j in chunk)
                try:
                    if chunk:
                        _send(store, translator, chunk, language, target, now, report)
                except TranslationError as exc:
                    report.error = str(exc)
                    log.warning("translation to %s stopped for this run: %s", target, exc)
                budget -= size
                report.chars_sent += size
            report.left_for_later += len(queue)
        log.info(
            "translation %s -> %s: %d characters sent, %d translated, %d cache hits, %d left",
            name,
            target,
            report.chars_sent,
            report.translated,
            report.cache_hits,
            report.left_for_later,
        )
    if not any(r.left_for_later or r.error for r in reports):
        store.set_mark(mark, store.generation())
    return reports


def _fits(length: int, size: int, budget: int, *, first: bool) -> bool:
    """Whether a text joins the request: within the run's cap always, and within a
    request's size unless it is the first (a long article goes alone)."""
    if size + length > budget:
        return False
    return first or size + length <= CHUNK_CHARS


def _send(
    store: Store,
    translator: Translator,
    chunk: list[_Job],
    language: str,
    target: str,
    now: datetime,
    report: TranslationReport,
) -> None:
    answers = translator.engine.translate([job.sent for job in chunk], language, target)
    rows: list[tuple[str, str, str]] = []
    ids: list[str] = []
    for job, answer in zip(chunk, answers, strict=True):
        text = field_result(job.field, restore(translator.glossary.restore(answer), job.prepared))
        if not text.strip():  # an empty answer to a text is garbage, not a translation
            report.left_for_later += 1
            continue
        rows.append((job.key, job.field, text))
        ids.extend(job.article_ids)
    store.save_translations(target, translator.engine.name, rows, ids, now)
    report.translated += len(rows)
