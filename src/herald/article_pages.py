"""The page of every article, in every language tree: rendered when the article changed
since the last publish, a batch at a time; what the last publish left stands for the rest."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from herald.render.html import Tree, article_page_path, render_article_page
from herald.render.view import Edition
from herald.site import Document, Site, no_file, once
from herald.store import FeedQuery

PAGE_BATCH = 200  # article pages rendered from one read of the store
LAST = 1 << 62  # after every arrival number


def article_pages(
    site: Site,
    edition: Edition,
    context: str,
    feeds: frozenset[str],
    links: list[tuple[str | None, str]],
) -> Iterator[tuple[int, Document]]:
    """The page of every article of an edition, in a folder Herald owns whole, each with
    the arrival number it may be rendered after (its batch's last): rendered then, a batch
    finds its articles as the archive pages just read them (`EntryCache.read`). A page that
    is there and whose article did not change since the last publish (its generation says),
    with the same context, is left as it is, not even named; the others are rendered, a
    batch at a time. So a publish costs a count of the folder's files (a `stat` of each of
    its folders, a listing of those that changed since they were last counted) and a look
    at the articles that changed; the folder is listed whole only when a page went missing."""
    record_name = f":pages {edition.prefix}"
    folder = f"{edition.prefix}articles/"
    noted = (site.published.noted(record_name) if site.published else None) or ""
    since, _, kept_context = noted.partition(" ")
    since_generation = int(since) if since.isdigit() and kept_context == context else -1
    published = site.published if since_generation >= 0 else None
    query = edition.query(FeedQuery())
    if published is not None and published.noted(folder) == str(published.count_under(folder)):
        # As many pages as the last publish left: only the changed articles are looked at.
        missing = [(i, seq) for i, _, seq in site.store.changes(query, since_generation)]
    else:  # every article whose page changed or is not there
        there = published.files_under(folder) if published is not None else set()
        missing = [
            (article_id, seq)
            for article_id, changed, seq in site.store.changes(query)
            if changed > since_generation
            or article_page_path(edition.prefix, article_id) not in there
        ]
    yield 0, Document(folder, None, no_file, folder=True)
    tree = site.tree(edition)
    for start in range(0, len(missing), PAGE_BATCH):
        chunk = missing[start : start + PAGE_BATCH]
        batch, after = [article_id for article_id, _ in chunk], chunk[-1][1]
        rendered = once(partial(_render_pages, site, edition, tree, feeds, links, batch))
        for article_id in batch:
            path = article_page_path(edition.prefix, article_id)
            yield after, Document(path, None, partial(_pick, rendered, article_id), listed=False)
    yield LAST, Document(record_name, f"{site.generation} {context}", no_file, record=True)


def _render_pages(
    site: Site,
    edition: Edition,
    tree: Tree,
    feeds: frozenset[str],
    links: list[tuple[str | None, str]],
    batch: list[str],
) -> dict[str, bytes]:
    """The pages of a batch of articles: those the archive pages read lately as they read
    them, the others from one read of the store."""
    known = site.cache.read(edition.prefix, batch)
    rest = [i for i in batch if i not in known]
    if rest:
        known.update((t.article.id, (t, view)) for t, view in site.read_views(edition, rest))
    pages = {}
    for t, view in (known[i] for i in batch if i in known):
        a = t.article
        # Herald's page of an article in the other trees: where every tree holds it.
        trees = links if a.group is None else []
        pages[a.id] = render_article_page(tree, view, a.source_id, feeds, trees, a.language)
    return pages


def _pick(rendered: Callable[[], dict[str, bytes]], article_id: str) -> bytes:
    return rendered()[article_id]
