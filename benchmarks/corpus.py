"""A synthetic bulletin listing for benchmarks: many entries in the sample's format.

The sentences are written for Herald and combined at random (with a fixed seed), so the
corpus is the same on every machine.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

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


def make_listing(
    entries: int, *, paragraphs: int = 12, seed: int = 7, offset: int = 0, stride: int = 1
) -> str:
    """A listing of `entries` entries of about 2 KB each, newest first. Entry number `n`
    (in its title too) is `n` minutes before 10 March 2026, 18:00 local time; the listing
    holds numbers `offset`, `offset + stride`, … (a negative offset makes newer entries)."""
    rng = random.Random(seed)
    start = datetime(2026, 3, 10, 18, 0)
    blocks = []
    for position in range(entries):
        index = offset + position * stride
        when = start - timedelta(minutes=index)
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


def write_corpus(folder: Path, articles: int, files: int = 20, *, first: int = 0) -> list[Path]:
    """`articles` entries spread over `files` listings (one source each), dated so that no
    two entries of the corpus share a minute; `first` shifts the numbering, for additions."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    per_file = articles // files
    for number in range(files):
        listing = make_listing(per_file, seed=7 + number, offset=first + number, stride=files)
        path = folder / f"listing-{number + 1:02d}.txt"
        path.write_text(listing, encoding="utf-8")
        paths.append(path)
    return paths


ROOT = Path(__file__).resolve().parent.parent
SITE = """
[site]
base_url = "http://127.0.0.1:8080/"
[paths]
output = "feeds"
database = "herald.sqlite"
[classify]
topics = "{root}/config/topics.toml"
countries = "{root}/config/countries.toml"
{extra}
"""
SOURCE = """
[[sources]]
id = "{id}"
name = "Benchmark {id}"
kind = "bulletin"
url = "{url}"
timezone = "Asia/Almaty"
"""


def site_config(*listings: tuple[str, str], extra: str = "", root: Path = ROOT) -> str:
    """A herald.toml for a benchmark folder: the rule files of the project at `root` (this
    one unless given), the output and the store inside the folder, one bulletin source per
    (id, listing path)."""
    sources = "".join(SOURCE.format(id=source_id, url=url) for source_id, url in listings)
    return SITE.format(root=root, extra=extra) + sources
