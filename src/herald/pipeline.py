"""One pass of the data flow: fetch, parse, normalize, classify, store; then render, publish."""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from herald import __version__
from herald.classify import Classifier
from herald.classify.versions import first_version_of, inherit_tags
from herald.collect import Collected, collect
from herald.documents import LAYOUT, documents
from herald.errors import HeraldError
from herald.fetch import Fetcher
from herald.fetch.browser import Browser
from herald.models import Article, ParseProblem, RawItem, TaggedArticle
from herald.normalize import normalize
from herald.normalize.identity import article_id, first_of_each, resolve_ids
from herald.publish import Publisher
from herald.render.html import TEMPLATES_DIGEST
from herald.settings import Settings, SourceSettings
from herald.store import Store
from herald.translate.labels import kept_labels, translate_labels
from herald.translate.stage import TranslationReport, translate_missing
from herald.translate.texts import Translator
from herald.update import Outcome, decide
from herald.websub import WebSubNotifier, is_feed
from herald.workers import worker_id

log = logging.getLogger(__name__)


def describe_failure(exc: Exception) -> str:
    """What to say of a source that failed: Herald's own message, or for anything else
    (a bug that input revealed) its kind, logged with its traceback at -v."""
    if isinstance(exc, HeraldError):
        return str(exc)
    log.debug("unexpected failure", exc_info=exc)
    return f"unexpected {type(exc).__name__}: {exc} (run with -v for the traceback)"


def _now() -> datetime:
    return datetime.now(UTC)


def _fingerprint(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


@dataclass
class SourceReport:
    """How one source went in one run."""

    source_id: str
    error: str | None = None
    problems: list[str] = field(default_factory=list)
    outcomes: Counter[Outcome] = field(default_factory=Counter)
    not_modified: bool = False

    @property
    def ok(self) -> bool:
        """True when the source was read whole, without skipping anything."""
        return self.error is None and not self.problems


@dataclass
class PublishReport:
    """Which files a publish wrote and removed, and how many documents it rendered;
    `deferred` when another worker was publishing, so this one did not."""

    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    rendered: int = 0
    deferred: bool = False


PUBLISHER = "publish"  # the lease the publishing worker holds
RENEW_EVERY = 200  # documents between two renewals of the publisher's lease


class Pipeline:
    """The stages wired together over one store, classifier, fetcher and publisher."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        classifier: Classifier,
        fetcher: Fetcher,
        publisher: Publisher,
        translator: Translator | None = None,
        notifier: WebSubNotifier | None = None,
        browser: Callable[[], Browser] | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.classifier = classifier
        self.fetcher = fetcher
        self.publisher = publisher
        self.translator = translator
        self.notifier = notifier
        self.browser = browser
        self.worker = worker_id()
        self._rules = _fingerprint(
            __version__,
            settings.site.home_country,
            settings.classify.topics.read_bytes(),
            settings.classify.countries.read_bytes(),
            classifier.model.digest if classifier.model else "",
        )

    def reading(self, source: SourceSettings) -> str:
        """What turns a source's bytes into articles: Herald, the rules and its settings.
        The same bytes read the same way give the same articles, so they are not read
        again."""
        return _fingerprint(self._rules, source.model_dump_json())

    def run_once(self, now: datetime) -> list[SourceReport]:
        """Update every source, translate what is new, then publish the feeds."""
        reports = [self.update_source(source, now) for source in self.settings.sources]
        self.translate(now)
        self.publish(wait=True)
        return reports

    def translate(self, now: datetime) -> list[TranslationReport]:
        """Translate what is not translated yet, within the cap; nothing when not configured."""
        if self.translator is None:
            return []
        lease = self.settings.schedule.lease
        reports = translate_missing(self.store, self.translator, now, self.worker, lease)
        translate_labels(self.store, self.translator, self.classifier.topic_rules, now)
        return reports

    def update_source(self, source: SourceSettings, now: datetime) -> SourceReport:
        """Read one source and store what it says; a failure stores nothing, and whatever a
        source's bytes do, the damage stays in that source."""
        try:
            found = collect(
                source, self.fetcher, self.store, self.browser, now, self.reading(source)
            )
            return self.apply(source, found, now)
        except Exception as exc:  # the boundary around one source
            return self.record_failure(source, describe_failure(exc), now)

    def apply(self, source: SourceSettings, found: Collected, now: datetime) -> SourceReport:
        """Store what a read of a source found."""
        if found.not_modified:
            log.info('source "%s": not modified since the last run', source.id)
            report = SourceReport(source.id, not_modified=True)
            self.store.record_fetch(source.id, now, None)
        else:
            report = self.ingest(source, found.items, found.problems, now)
        for url, validators in found.validators:
            self.store.save_validators(url, validators)
        return report

    def ingest(
        self,
        source: SourceSettings,
        items: Sequence[RawItem],
        problems: Sequence[ParseProblem],
        now: datetime,
    ) -> SourceReport:
        """Normalize, classify and store raw items; an item made into an article before,
        from the same raw item read the same way, is unchanged and is not made again."""
        report = SourceReport(source.id)
        for problem in problems:
            report.problems.append(problem.describe(source.id))
            log.warning("%s", report.problems[-1])
        items, digests, unchanged = self._changed_items(source, items)
        if unchanged:
            report.outcomes[Outcome.UNCHANGED] += unchanged
        articles: list[Article] = []
        made: list[tuple[Article, str]] = []
        for raw in items:
            if raw.note:
                where = f", line {raw.line}" if raw.line is not None else ""
                log.warning('source "%s"%s: %s', source.id, where, raw.note)
            try:
                article = normalize(raw, source.id, source.timezone, source.language)
                articles.append(article)
                made.append((article, digests[id(raw)]))
            except ValueError as exc:  # one bad item never stops the others
                report.problems.append(ParseProblem(raw.line, str(exc)).describe(source.id))
                log.warning("%s", report.problems[-1])
        with self.store.transaction():
            known = self.store.known(source.id, {a.published for a in articles})
            resolved = resolve_ids(articles, known)
            # An edited title keeps the earlier id: the article is stored under that one.
            stored_as = {a.id: r.id for a, r in zip(articles, resolved, strict=True)}
            articles = first_of_each(resolved)
            firsts = {f for a in articles if (f := first_version_of(a)) is not None}
            stored = self.store.get_many([*(a.id for a in articles), *firsts])
            raw_digests = {stored_as[a.id]: digest for a, digest in made}
            tagged: dict[str, TaggedArticle] = {}
            for article in articles:
                first = first_version_of(article)
                from_first = (tagged.get(first) or stored.get(first)) if first else None
                tagged[article.id] = (
                    inherit_tags(article, from_first)
                    if from_first is not None
                    else self.classifier.classify(article)
                )
                decision = decide(tagged[article.id], stored.get(article.id), now)
                if decision.article is not None:
                    put = decision.article.article.id
                    self.store.put(decision.article, now, raw_digests.pop(put, None))
                report.outcomes[decision.outcome] += 1
            self.store.save_raw_digests(raw_digests.items())  # of the articles not stored again
            self.store.record_fetch(source.id, now, "; ".join(report.problems) or None)
        log.info(
            'source "%s": %s',
            source.id,
            ", ".join(f"{n} {o.value}" for o, n in sorted(report.outcomes.items(), key=str))
            or "no entries",
        )
        return report

    def _changed_items(
        self, source: SourceSettings, items: Sequence[RawItem]
    ) -> tuple[list[RawItem], dict[int, str], int]:
        """The items that are not exactly what an article was last made from, their digests
        (by `id()` of the item), and how many were left out as unchanged. A language
        version whose first version changed is kept, to take that version's tags."""
        reading = self.reading(source)
        # Where an item stands in the listing (its line, and the note on a split entry that
        # names lines) is not what it says: a grown listing moves every line, changing no
        # article.
        digests = {
            id(raw): hashlib.sha256(
                (reading + repr(replace(raw, line=None, note=None))).encode()
            ).hexdigest()
            for raw in items
        }
        ids = [article_id(source.id, raw.key) for raw in items]
        known = self.store.raw_digests(ids)
        changed = {i for raw, i in zip(items, ids, strict=True) if known.get(i) != digests[id(raw)]}
        kept = [
            raw
            for raw, i in zip(items, ids, strict=True)
            if i in changed
            or (raw.group_key is not None and article_id(source.id, raw.group_key) in changed)
        ]
        return kept, digests, len(items) - len(kept)

    def record_failure(self, source: SourceSettings, error: str, now: datetime) -> SourceReport:
        """Note a source that could not be read; its stored articles stay as they were."""
        log.warning('source "%s" failed, its articles are kept as they were: %s', source.id, error)
        self.store.record_fetch(source.id, now, error)
        return SourceReport(source.id, error=error)

    def publish(self, *, wait: bool = False) -> PublishReport:
        """Publish under the publisher's lease, which one worker at a time holds: when
        another has it, return a deferred report, or with `wait` wait for it (at most one
        lease's time, after which a dead publisher's lease has expired)."""
        lease = self.settings.schedule.lease
        deadline = time.monotonic() + lease.total_seconds() + 1
        while not self.store.take_lease(PUBLISHER, self.worker, _now(), lease):
            if not wait or time.monotonic() > deadline:
                log.info("another worker is publishing; this one leaves it to a later turn")
                return PublishReport(deferred=True)
            time.sleep(0.5)
        try:
            return self._publish()
        finally:
            try:
                self.store.release(PUBLISHER, self.worker)
            except Exception as exc:  # what stopped the publish says more than this
                log.warning("the publisher's lease is left to expire: %s", exc)

    def _publish(self) -> PublishReport:
        """Render every document whose inputs changed and write the ones whose bytes did.

        When nothing was stored since the last publish and the settings and rules are the
        same, nothing is even looked at (but feeds still to announce to a hub are)."""
        report = PublishReport()
        topics = self.classifier.topic_rules
        labels = kept_labels(self.store, self.translator, topics)
        # Which sources fail, and why: the index says so, so a change of it is published.
        health = sorted((f.source_id, f.last_error or "") for f in self.store.fetch_states())
        state = _fingerprint(
            repr(health),
            __version__,
            str(LAYOUT),
            TEMPLATES_DIGEST,
            repr(sorted(labels.items())),
            self._rules,
            self.settings.model_dump_json(),
            str(self.store.generation()),
            self.translator.engine.name if self.translator else "",
        )
        if self.publisher.is_published(state):
            log.info("nothing changed since the last publish")
            self._announce([])
            return report
        paths = []
        lease = self.settings.schedule.lease
        for count, document in enumerate(
            documents(self.settings, self.store, topics, self.translator, self.publisher, labels)
        ):
            if count % RENEW_EVERY == RENEW_EVERY - 1:  # a long publish keeps its lease
                self.store.take_lease(PUBLISHER, self.worker, _now(), lease)
            if document.listed:
                paths.append(document.path)
            mark = document.fingerprint
            if document.record:
                self.publisher.note(document.path, mark or "")
                continue
            if document.kept or document.folder:  # known current, or no file at all
                continue
            if mark is not None and self.publisher.is_current(document.path, mark):
                continue
            report.rendered += 1
            if self.publisher.write(document.path, document.render(), mark):
                report.written.append(document.path)
        if not paths:
            log.info("nothing stored yet; no feeds written")
            return report
        report.removed = self.publisher.prune(paths, state)
        if report.written or report.removed:
            log.info(
                "published %d changed files, removed %d", len(report.written), len(report.removed)
            )
        self._announce(report.written)
        return report

    def _announce(self, written: list[str]) -> None:
        """Tell the WebSub hub which feeds changed, with those it missed before."""
        if self.notifier is None:
            return
        base = self.settings.site.base_url
        pending = self.store.pending_pings(base + path for path in written if is_feed(path))
        failed = set(self.notifier.notify(pending))
        self.store.pings_done(url for url in pending if url not in failed)
