"""Herald as its history grows: a first run, an idle rerun and an incremental run over
10,000, 30,000 and 100,000 articles in 20 listings (one source each); prints a table for
the README.

Run: make bench  (or .venv/bin/python benchmarks/bench_scale.py --sizes 10000 30000)
Each size runs in a process of its own, so its peak memory is its own. Not a test: timings
on a shared machine vary, so they are reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import make_listing, site_config, write_corpus  # noqa: E402

FILES = 20
ADDED = 100


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _run(pipeline: Any, now: datetime) -> dict[str, Any]:
    """One pass like `herald run --once`, timed, with what it read and published."""
    start = time.perf_counter()
    reports = [pipeline.update_source(s, now) for s in pipeline.settings.sources]
    published = pipeline.publish()
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "unchanged_sources": sum(r.not_modified for r in reports),
        "rendered": getattr(published, "rendered", None),
        "written": len(published.written),
    }


def child(articles: int, folder: Path) -> dict[str, Any]:
    """Measure one size in this process."""
    from herald.app import load, open_pipeline, settle

    write_corpus(folder / "corpus", articles, FILES)
    listings = [(f"bench-{n:02d}", f"corpus/listing-{n:02d}.txt") for n in range(1, FILES + 1)]
    # The local listings' limit was [fetch] max_bytes before max_file_bytes: a baseline run
    # of older code reads them too.
    config = site_config(*listings, extra="[fetch]\nmax_bytes = 1073741824")
    (folder / "herald.toml").write_text(config, encoding="utf-8")
    pipeline = open_pipeline(load(folder / "herald.toml"))
    settle()  # as `herald run` does once it has loaded
    now = datetime(2026, 3, 12, tzinfo=UTC)
    first = _run(pipeline, now)
    rerun = _run(pipeline, now + timedelta(hours=1))
    listing = folder / "corpus" / "listing-01.txt"
    newer = make_listing(ADDED, seed=99, offset=-ADDED - 1, stride=1)
    listing.write_text(newer + listing.read_text(encoding="utf-8"), encoding="utf-8")
    added = _run(pipeline, now + timedelta(hours=2))
    pipeline.store.close()
    return {
        "articles": articles,
        "first": first,
        "rerun": rerun,
        "added": added,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "output_bytes": _size(folder / "feeds"),
        "database_bytes": _size(folder) - _size(folder / "feeds") - _size(folder / "corpus"),
        "documents": sum(1 for p in (folder / "feeds").rglob("*") if p.is_file()),
    }


def table(results: list[dict[str, Any]]) -> str:
    """The README's table."""
    lines = [
        "| articles | first run | articles/s | s per 1,000 | idle rerun | rerun / first "
        "| +100 articles | peak RSS | output per 1,000 | database per 1,000 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        n, first, rerun, added = r["articles"], r["first"], r["rerun"], r["added"]
        lines.append(
            f"| {n:,} | {first['seconds']:.1f} s | {n / first['seconds']:,.0f} "
            f"| {1000 * first['seconds'] / n:.2f} "
            f"| {rerun['seconds']:.2f} s ({rerun['rendered']} rendered, "
            f"{rerun['written']} written) | {100 * rerun['seconds'] / first['seconds']:.1f} % "
            f"| {added['seconds']:.2f} s ({added['rendered']} rendered) "
            f"| {r['peak_mb']:.0f} MB | {r['output_bytes'] / n:,.0f} kB "
            f"| {r['database_bytes'] / n:,.0f} kB |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.folder)))
        return
    results = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as folder:
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(size), "--folder", folder],
                check=True,
                capture_output=True,
                text=True,
            )
        results.append(json.loads(done.stdout.splitlines()[-1]))
        print(json.dumps(results[-1]), file=sys.stderr)
    print(table(results))


if __name__ == "__main__":
    main()
