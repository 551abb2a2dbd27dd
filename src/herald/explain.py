"""`herald explain`: the evidence behind every tag of an article, as text."""

from __future__ import annotations

from herald.models import TaggedArticle
from herald.settings import Settings

FAMILY_TITLES = {"country": "Countries", "organization": "Organizations", "topic": "Topics"}


def explain_text(tagged: TaggedArticle, settings: Settings) -> str:
    """A readable report: the article, then each tag with score, verdict and evidence."""
    a = tagged.article
    lines = [
        a.title,
        f"  id:        {a.id}",
        f"  source:    {a.source_id}",
        f"  published: {a.published.isoformat()}",
        f"  updated:   {a.updated.isoformat()}",
    ]
    if a.note:
        lines.append(f"  note:      {a.note}")
    for family, heading in FAMILY_TITLES.items():
        tags = [t for t in tagged.tags if t.family == family]
        lines.append("")
        lines.append(f"{heading}:" if tags else f"{heading}: none")
        for tag in tags:
            verdict = "in feed" if tag.passed else "weak, below threshold"
            lines.append(f"  {tag.term} {tag.label}: score {tag.score:g} ({verdict})")
            for e in tag.evidence:
                if e.where == "model":
                    lines.append(
                        f"    the topic model agrees, probability {e.weight:g}, "
                        f"most from the words {e.matched}"
                    )
                else:
                    lines.append(f'    "{e.matched}" in {e.where}, weight {e.weight:g}')
    if settings.site.home_country:
        lines.append("")
        lines.append(f"(the home country {settings.site.home_country} is never tagged)")
    return "\n".join(lines)
