"""Language versions of one article carry the tags of its first version.

The portal publishes each article in English, Russian and Kazakh. The rules read English
best, and a version says what its first version says, so a version takes the first
version's tags as they are, each with one piece of evidence: where they came from.
"""

from __future__ import annotations

from dataclasses import replace

from herald.models import Article, Evidence, TaggedArticle


def first_version_of(article: Article) -> str | None:
    """The id of the article's first language version, when it is another version."""
    if article.group is None or article.group == article.id:
        return None
    return article.group


def inherit_tags(article: Article, first: TaggedArticle) -> TaggedArticle:
    """The article with the tags of its first language version."""
    where = f"its {first.article.language} version"
    return TaggedArticle(
        article,
        tuple(
            replace(tag, evidence=(Evidence(first.article.title, where, tag.score),))
            for tag in first.tags
        ),
    )
