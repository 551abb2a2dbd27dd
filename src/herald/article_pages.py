"""The page of every article, in every language tree: rendered when the article changed
since the last publish, a batch at a time; what the last publish left stands for the rest."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from herald.render.html import Tree, article_page_path, render_article_page
from herald.render.view import Edition, entry_view
from herald.site import Document, Site, fingerprint, no_file, once
from herald.store import FeedQuery

PAGE_BATCH = 200  # article pages rendered from one read of the store


def article_pages(
    site: Site,
    edition: Edition,
    context: str,
    feeds: frozenset[str],
    links: list[tuple[str | None, str]],
) -> Iterator[Document]:
    """The page of every article of an edition. What the last publish left stands for
    each article that did not change since (its generation says), unless the context did;
    the others are rendered, a batch at a time."""
    record_name = f":pages {edition.prefix}"
    noted = (site.published.noted(record_name) if site.published else None) or ""
    since, _, kept_context = noted.partition(" ")
    since_generation = int(since) if since.isdigit() and kept_context == context else None
    missing: list[tuple[str, str]] = []  # (article id, fingerprint) of pages to render
    there: dict[str, str] = {}  # the pages the last publish left, with their fingerprints
    if since_generation is not None and site.published is not None:
        there = site.published.current_under(f"{edition.prefix}articles")
    for article_id, changed in site.store.changes(edition.query(FeedQuery())):
        path = article_page_path(edition.prefix, article_id)
        if since_generation is not None and changed <= since_generation:
            mark = there.get(path)
            if mark is not None:
                yield Document(path, mark, no_file, kept=True)
                continue
        missing.append((article_id, fingerprint(context, article_id, changed)))
    tree = site.tree(edition)
    for start in range(0, len(missing), PAGE_BATCH):
        batch = missing[start : start + PAGE_BATCH]
        rendered = once(partial(_render_pages, site, edition, tree, feeds, links, batch))
        for article_id, mark in batch:
            path = article_page_path(edition.prefix, article_id)
            yield Document(path, mark, partial(_pick, rendered, article_id))
    yield Document(record_name, f"{site.generation} {context}", no_file, record=True)


def _render_pages(
    site: Site,
    edition: Edition,
    tree: Tree,
    feeds: frozenset[str],
    links: list[tuple[str | None, str]],
    batch: list[tuple[str, str]],
) -> dict[str, bytes]:
    """The pages of a batch of articles, from one read of the store."""
    found = site.store.get_many([i for i, _ in batch], evidence=False)
    tagged = [found[i] for i, _ in batch if i in found]
    full = site.with_versions(site.with_translations(edition, tagged), tagged)
    pages = {}
    for t in tagged:
        a = t.article
        view = entry_view(t, site.settings.site.base_url, site.names, full)
        # Herald's page of an article in the other trees: where every tree holds it.
        trees = links if a.group is None else []
        pages[a.id] = render_article_page(tree, view, a.source_id, feeds, trees, a.language)
    return pages


def _pick(rendered: Callable[[], dict[str, bytes]], article_id: str) -> bytes:
    return rendered()[article_id]
