"""Golden files: expected outputs kept in tests/data, compared whole.

Set HERALD_UPDATE_GOLDEN=1 to rewrite them from the current output; review the diff by eye
before committing it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from herald.models import TaggedArticle

from .conftest import DATA


def article_summary(tagged: TaggedArticle) -> dict[str, Any]:
    """What the golden file records of an article."""
    a = tagged.article
    return {
        "id": a.id,
        "title": a.title,
        "published": a.published.isoformat(),
        "updated": a.updated.isoformat(),
        "has_images": a.has_images,
        "paragraphs": len(a.paragraphs),
        "summary": a.summary,
        "countries": [t.term for t in tagged.passed("country")],
        "weak_countries": [t.term for t in tagged.tags if t.family == "country" and not t.passed],
        "organizations": [t.term for t in tagged.tags if t.family == "organization"],
        "topics": [t.term for t in tagged.passed("topic")],
    }


def check_golden(name: str, actual: Any) -> None:
    """Compare `actual` with tests/data/<name>, or rewrite it when asked to."""
    path: Path = DATA / name
    if isinstance(actual, bytes):
        if os.environ.get("HERALD_UPDATE_GOLDEN"):
            path.write_bytes(actual)
        assert actual == path.read_bytes(), f"{name} differs from the golden file"
        return
    text = json.dumps(actual, indent=2, ensure_ascii=False) + "\n"
    if os.environ.get("HERALD_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert json.loads(text) == json.loads(path.read_text(encoding="utf-8"))
