"""Benchmarks Herald's stages on a synthetic corpus; prints figures for the README.

Run: .venv/bin/python benchmarks/bench_pipeline.py [--entries N]
Not a test: timings on a shared machine vary, so they are reported, never asserted.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import make_listing, site_config  # noqa: E402
from herald.app import load, open_pipeline, settle  # noqa: E402
from herald.models import Fetched  # noqa: E402
from herald.normalize import normalize  # noqa: E402
from herald.parse.bulletin import parse_bulletin  # noqa: E402

SAMPLE = "mfa-kz-2026-03-10.txt"


def timed(label: str, count: int, work: object) -> float:
    start = time.perf_counter()
    work()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    print(f"{label:<50} {seconds:8.3f} s  {count / seconds:10.0f} entries/s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=2000)
    args = parser.parse_args()
    listing = make_listing(args.entries)
    print(f"corpus: {args.entries} entries, {len(listing) / args.entries:.0f} bytes each")

    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        (base / "listing.txt").write_text(listing, encoding="utf-8")
        (base / "herald.toml").write_text(site_config(("bench", "listing.txt")), "utf-8")
        loaded = load(base / "herald.toml")
        settle()  # as `herald run` does once it has loaded
        settings, classifier = loaded.settings, loaded.classifier
        source = settings.sources[0]
        fetched = Fetched(url="listing.txt", content=listing.encode())
        raw = parse_bulletin(fetched, source).items
        articles = [normalize(r, source.id, source.timezone, source.language) for r in raw]

        timed("parse", len(raw), lambda: parse_bulletin(fetched, source))
        timed(
            "normalize",
            len(raw),
            lambda: [normalize(r, source.id, source.timezone, source.language) for r in raw],
        )
        timed(
            "classify, synthetic entries (one core)",
            len(articles),
            lambda: [classifier.classify(a) for a in articles],
        )
        # Each word's stem is worked out once per process; a service has seen most words.
        timed(
            "classify, the same entries again (words seen)",
            len(articles),
            lambda: [classifier.classify(a) for a in articles],
        )
        sample = Fetched(url="sample", content=(ROOT / "samples" / SAMPLE).read_bytes())
        real = [
            normalize(r, source.id, source.timezone, source.language)
            for r in parse_bulletin(sample, source).items
        ] * 250
        timed(
            "classify, the sample's 8 entries x250 (one core)",
            len(real),
            lambda: [classifier.classify(a) for a in real],
        )
        for language, copies in (("ru", 50), ("kk", 100)):
            dev = ROOT / "tests" / "data" / "labelled" / f"dev-set-{language}.txt"
            items = parse_bulletin(Fetched(url=str(dev), content=dev.read_bytes()), source).items
            entries = [normalize(r, source.id, source.timezone, language) for r in items] * copies
            timed(
                f"classify, the {language} development set x{copies} (one core)",
                len(entries),
                lambda entries=entries: [classifier.classify(a) for a in entries],
            )

        pipeline = open_pipeline(loaded)
        now = datetime(2026, 3, 12, tzinfo=UTC)
        timed("first run: store all, publish", len(raw), lambda: pipeline.run_once(now))
        timed(
            "second run: nothing changed, nothing written",
            len(raw),
            lambda: pipeline.run_once(now + timedelta(hours=1)),
        )
        files = list((base / "feeds").rglob("*.atom"))
        size = (base / "herald.sqlite").stat().st_size
        pipeline.store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"feeds written: {len(files)}; database: {size / 1e6:.1f} MB; peak RSS: {peak:.0f} MB")


if __name__ == "__main__":
    main()
