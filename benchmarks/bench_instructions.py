"""Counts the instructions classification takes (valgrind's callgrind), for the README.

Wall-clock figures on a shared machine move by a fifth within the hour; the instructions
a piece of work takes are the same to 0.1 % run after run. This classifies synthetic
articles once to warm up (each word's stem is worked out once per process), then counts
the instructions of classifying them again, and prints them per article.

Run: .venv/bin/python benchmarks/bench_instructions.py [--articles N] [SRC …]
Each SRC is a source tree to measure (default: this one's src), e.g. a git worktree of an
earlier commit, so that two versions are counted side by side; the rule files are the ones
beside it (SRC/../config), so each version is counted with its own rules. Needs valgrind
(Debian's package). Not a test.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def count(source: Path, articles: int) -> int:
    """The instructions of classifying `articles` synthetic articles with `source`."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        done = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",  # the work below turns counting on and off
                f"--callgrind-out-file={out}",
                sys.executable,
                __file__,
                "--child",
                "--articles",
                str(articles),
                "--rules",
                str(source.parent),
            ],
            env={**os.environ, "PYTHONPATH": str(source)},
            capture_output=True,
            text=True,
            check=True,
        )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"callgrind counted nothing:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def child(articles: int, rules: Path) -> None:
    """Under callgrind: load the shipped rules, classify once, count the second pass."""
    from benchmarks.corpus import make_listing, site_config
    from herald.app import load, settle
    from herald.models import Fetched
    from herald.normalize import normalize
    from herald.parse.bulletin import parse_bulletin

    listing = make_listing(articles)
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        (base / "listing.txt").write_text(listing, encoding="utf-8")
        config = site_config(("bench", "listing.txt"), root=rules)
        (base / "herald.toml").write_text(config, "utf-8")
        loaded = load(base / "herald.toml")
        settle()
        classifier, source = loaded.classifier, loaded.settings.sources[0]
        raw = parse_bulletin(Fetched(url="listing.txt", content=listing.encode()), source).items
        entries = [normalize(r, source.id, source.timezone, source.language) for r in raw]
        for entry in entries:
            classifier.classify(entry)
        toggle = ["callgrind_control", "--instr"]
        subprocess.run([*toggle, "on", str(os.getpid())], capture_output=True, check=True)
        for entry in entries:
            classifier.classify(entry)
        subprocess.run([*toggle, "off", str(os.getpid())], capture_output=True, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rules", type=Path, default=ROOT, help=argparse.SUPPRESS)
    parser.add_argument("sources", nargs="*", type=Path, default=[ROOT / "src"])
    args = parser.parse_args()
    if args.child:
        child(args.articles, args.rules)
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed: apt-get install valgrind")
    print(f"classifying {args.articles} synthetic articles, words seen (callgrind)")
    for source in args.sources:
        total = count(source.resolve(), args.articles)
        each = total / args.articles
        print(f"{source!s:<40} {total / 1e6:10.1f} M instructions  {each:>12,.0f} an article")


if __name__ == "__main__":
    main()
