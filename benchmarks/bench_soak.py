"""The service's job, 1,000 times over: memory and open file descriptors stay flat.

Four sources (three local listings and one RSS feed served on loopback, read with
conditional GETs) take turns through `Service.run_source`, the job `herald schedule` runs
on every interval: read on a connection of its own, store, translate, publish. Every 25th
cycle a listing grows by one entry, so the job also stores and publishes. Prints resident
memory and open descriptors every 100 cycles, for the README.

Run: .venv/bin/python benchmarks/bench_soak.py [--cycles 1000]
Not a test: on a shared machine timings vary; what matters is that nothing grows.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import make_listing, site_config  # noqa: E402
from herald.app import load, open_pipeline, reader_for  # noqa: E402
from herald.schedule import Service  # noqa: E402

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Office</title><link>http://office.example/</link>
<description>News</description>{items}</channel></rss>
"""
ITEM = """<item><title>Notice number {n}</title><link>http://office.example/{n}</link>
<guid>office-{n}</guid><pubDate>Tue, 10 Mar 2026 {h:02d}:00:00 +0000</pubDate>
<description>The office published notice {n}.</description></item>"""


class Quiet(http.server.SimpleHTTPRequestHandler):
    """A file server that keeps its log to itself."""

    def log_message(self, format: str, *args: object) -> None:
        pass


def resident_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def open_descriptors() -> int:
    return sum(1 for _ in Path("/proc/self/fd").iterdir())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=1000)
    cycles = parser.parse_args().cycles
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "www").mkdir()
        (folder / "www" / "office.rss").write_text(
            RSS.format(items="".join(ITEM.format(n=n, h=n % 24) for n in range(20))), "utf-8"
        )
        handler = functools.partial(Quiet, directory=str(folder / "www"))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        listings = []
        for number in range(3):
            path = folder / f"listing-{number}.txt"
            path.write_text(make_listing(40, seed=number, offset=number * 1000), "utf-8")
            listings.append((f"listing-{number}", path.name))
        feed = (
            '\n[[sources]]\nid = "office"\nname = "Office"\nkind = "feed"\n'
            f'url = "http://127.0.0.1:{server.server_port}/office.rss"\n'
        )
        # No pause between requests to the one host: the cycles are what is measured.
        config = site_config(*listings, extra="[fetch]\nhost_delay = 0.0") + feed
        (folder / "herald.toml").write_text(config, encoding="utf-8")
        loaded = load(folder / "herald.toml")
        pipeline = open_pipeline(loaded)
        service = Service(pipeline, reader_for(loaded.settings))
        sources = pipeline.settings.sources
        rows = []
        start = time.perf_counter()
        for cycle in range(cycles + 1):
            if cycle % 100 == 0:
                rows.append((cycle, resident_kb(), open_descriptors(), time.perf_counter() - start))
            if cycle == cycles:
                break
            if cycle % 25 == 24:  # a listing grows by one entry
                grown = folder / listings[cycle % 3][1]
                added = make_listing(1, seed=cycle, offset=-(cycle + 1))
                grown.write_text(added + grown.read_text(encoding="utf-8"), encoding="utf-8")
            service.run_source(sources[cycle % len(sources)])
        pipeline.store.close()
        server.shutdown()
    print(f"{cycles} cycles of Service.run_source over {len(sources)} sources")
    print("| cycle | resident memory | open descriptors | seconds |")
    print("|---|---|---|---|")
    for cycle, kb, fds, seconds in rows:
        print(f"| {cycle} | {kb / 1024:.1f} MB | {fds} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
