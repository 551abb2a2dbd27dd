"""A synthetic bulletin listing for benchmarks: many entries in the sample's format.

The sentences are written for Herald and combined at random (with a fixed seed), so the
corpus is the same on every machine.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

PARTNERS = [
    "Belgium",
    "Rwanda",
    "Türkiye",
    "Germany",
    "Portugal",
    "Spain",
    "Switzerland",
    "Czechia",
    "Mongolia",
    "Japan",
    "the Republic of Korea",
    "Brazil",
    "Egypt",
    "Poland",
    "Uzbekistan",
    "Papua New Guinea",
    "South Sudan",
    "the Dominican Republic",
    "Côte d’Ivoire",
    "Norway",
]
SUBJECTS = [
    "trade and investment",
    "transit through the Middle Corridor",
    "renewable energy",
    "digital technologies and artificial intelligence",
    "higher education exchanges",
    "regional security",
    "humanitarian assistance",
    "the Kazakh diaspora and culture",
    "visa facilitation for tourists",
    "grain exports and food security",
    "interparliamentary dialogue",
    "water resources management",
    "public health",
]
SENTENCES = [
    "The Ambassador of Kazakhstan met representatives of {partner} to discuss {subject}.",
    "The parties reviewed the agenda of bilateral cooperation, with attention to {subject}.",
    "Officials from {partner} noted the progress of reforms and the interest of companies.",
    "A working group will prepare proposals on {subject} before the next session.",
    "The sides agreed to keep in contact and to hold consultations later this year.",
    "Experts from both countries presented studies on {subject} and its prospects.",
]


def make_listing(entries: int, *, paragraphs: int = 12, seed: int = 7) -> str:
    """A listing of `entries` entries of about 2 KB each, newest first."""
    rng = random.Random(seed)
    start = datetime(2026, 3, 10, 18, 0)
    blocks = []
    for index in range(entries):
        when = start - timedelta(minutes=37 * index)
        partner, subject = rng.choice(PARTNERS), rng.choice(SUBJECTS)
        title = f"Kazakhstan and {partner} Discuss {subject.capitalize()} (No. {index})"
        body = [
            rng.choice(SENTENCES).format(partner=rng.choice(PARTNERS), subject=subject)
            + " "
            + rng.choice(SENTENCES).format(partner=partner, subject=rng.choice(SUBJECTS))
            for _ in range(paragraphs)
        ]
        images = ["Images"] if index % 3 == 0 else []
        header = f"{when:%d.%m.%Y, %H:%M} {rng.randint(100, 9999)}"
        blocks.append("\n".join([header, title, *images, *body]))
    return "\n".join(blocks) + "\n"
