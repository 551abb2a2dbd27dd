"""SQLite against PostgreSQL on the same corpus, side by side: ingest (parse, normalize,
classify, store), the first publish, an idle rerun, and the store's size; prints a table
for the README.

Run: make bench  (or .venv/bin/python benchmarks/bench_stores.py --articles 30000)
PostgreSQL runs in a throwaway cluster (tests/pg.py) with fsync on, on a Unix socket, on
this machine: what the store costs, not a network. Each store is measured in a process of
its own. Not a test: timings on a shared machine vary, so they are reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import site_config, write_corpus  # noqa: E402

FILES = 20


def child(articles: int, folder: Path, url: str | None) -> dict[str, Any]:
    """Measure one store in this process."""
    from herald.app import load, open_pipeline

    write_corpus(folder / "corpus", articles, FILES)
    listings = [(f"bench-{n:02d}", f"corpus/listing-{n:02d}.txt") for n in range(1, FILES + 1)]
    extra = f'[store]\nurl = "{url}"\n' if url else ""
    (folder / "herald.toml").write_text(site_config(*listings, extra=extra), encoding="utf-8")
    pipeline = open_pipeline(load(folder / "herald.toml"))
    now = datetime(2026, 3, 12, tzinfo=UTC)
    start = time.perf_counter()
    for source in pipeline.settings.sources:
        pipeline.update_source(source, now)
    ingest = time.perf_counter() - start
    start = time.perf_counter()
    pipeline.publish()
    publish = time.perf_counter() - start
    start = time.perf_counter()
    for source in pipeline.settings.sources:
        pipeline.update_source(source, now + timedelta(hours=1))
    pipeline.publish()
    idle = time.perf_counter() - start
    pipeline.store.close()
    if url:
        import psycopg

        with psycopg.connect(url) as connection:
            row = connection.execute("SELECT pg_database_size(current_database())").fetchone()
            size = row[0] if row else 0
    else:
        size = sum(p.stat().st_size for p in folder.glob("herald.sqlite*"))
    return {"ingest": ingest, "publish": publish, "idle": idle, "bytes": size}


def table(articles: int, results: dict[str, dict[str, Any]]) -> str:
    """The README's table."""
    lines = [
        f"| store ({articles:,} articles) | ingest | articles/s | first publish "
        "| idle rerun | store size per 1,000 |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['ingest']:.1f} s | {articles / r['ingest']:,.0f} "
            f"| {r['publish']:.1f} s | {r['idle']:.2f} s "
            f"| {r['bytes'] / articles * 1000 / 1024:,.0f} kB |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.folder, args.url)))
        return
    from tests.pg import start_cluster

    results: dict[str, dict[str, Any]] = {}
    cluster = start_cluster(Path(tempfile.mkdtemp(prefix="herald-bench-pg-")), durable=True)
    try:
        for name in ("SQLite", "PostgreSQL"):
            url = cluster.create_database("bench") if name == "PostgreSQL" else None
            with tempfile.TemporaryDirectory() as folder:
                command = [sys.executable, __file__, "--child", str(args.articles)]
                command += ["--folder", folder] + (["--url", url] if url else [])
                done = subprocess.run(command, check=True, capture_output=True, text=True)
            results[name] = json.loads(done.stdout.splitlines()[-1])
            print(name, json.dumps(results[name]), file=sys.stderr)
    finally:
        cluster.stop()
    print(table(args.articles, results))


if __name__ == "__main__":
    main()
