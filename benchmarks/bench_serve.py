"""`herald serve` beside nginx (with docs/nginx.conf) serving the same all.atom on loopback:
requests per second and the 99th percentile, for 200, 304 and gzip, with ApacheBench.

Run: .venv/bin/python benchmarks/bench_serve.py   (needs: apt-get install nginx apache2-utils)
Both servers get one worker process; the load comes from ab on the same machine.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import make_listing, site_config  # noqa: E402
from herald.app import load, open_pipeline  # noqa: E402

REQUESTS, CONCURRENCY = 20000, 50
NGINX = """
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    gzip_http_version 1.0;  # ab speaks HTTP/1.0; nginx would not compress for it otherwise
    client_body_temp_path {folder}/nginx-body;
    proxy_temp_path {folder}/nginx-proxy;
    fastcgi_temp_path {folder}/nginx-fastcgi;
    uwsgi_temp_path {folder}/nginx-uwsgi;
    scgi_temp_path {folder}/nginx-scgi;
    include {folder}/server.conf;
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for(url: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer")


def ab(url: str, *headers: str) -> tuple[float, int]:
    """Requests per second and the 99th percentile in ms."""
    options = [part for header in headers for part in ("-H", header)]
    command = ["ab", "-q", "-n", str(REQUESTS), "-c", str(CONCURRENCY), *options, url]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    rate = re.search(r"Requests per second:\s+([\d.]+)", out)
    p99 = re.search(r"^\s+99%\s+(\d+)", out, re.MULTILINE)
    failed = re.search(r"Non-2xx responses:\s+(\d+)", out)
    if rate is None or p99 is None:
        raise SystemExit(f"ab said:\n{out}")
    if failed and "If-None-Match" not in " ".join(headers):
        raise SystemExit(f"{url}: {failed.group(1)} answers were not 2xx")
    return float(rate.group(1)), int(p99.group(1))


def main() -> None:
    for tool in ("nginx", "ab"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is needed: apt-get install nginx apache2-utils")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        folder.chmod(0o755)  # nginx's workers run as another user
        (folder / "listing.txt").write_text(make_listing(200), encoding="utf-8")
        (folder / "herald.toml").write_text(site_config(("bench", "listing.txt")), "utf-8")
        pipeline = open_pipeline(load(folder / "herald.toml"))
        pipeline.run_once(datetime(2026, 3, 12, tzinfo=UTC))
        pipeline.store.close()
        feeds = folder / "feeds"
        size = (feeds / "all.atom").stat().st_size

        nginx_port, herald_port = free_port(), free_port()
        server = (ROOT / "docs" / "nginx.conf").read_text(encoding="utf-8")
        server = server.replace("listen 80;", f"listen 127.0.0.1:{nginx_port};")
        server = server.replace("root /srv/herald/feeds;", f"root {feeds};")
        (folder / "server.conf").write_text(server, encoding="utf-8")
        (folder / "nginx.conf").write_text(NGINX.format(folder=folder), encoding="utf-8")
        servers = [
            subprocess.Popen(["nginx", "-c", str(folder / "nginx.conf"), "-p", str(folder)]),
            subprocess.Popen(
                [
                    *(sys.executable, "-m", "herald.cli", "serve"),
                    *("--config", str(folder / "herald.toml"), "--port", str(herald_port)),
                ],
                stderr=subprocess.DEVNULL,
            ),
        ]
        try:
            rows = []
            for label, port in (("nginx", nginx_port), ("herald serve", herald_port)):
                url = f"http://127.0.0.1:{port}/all.atom"
                wait_for(url)
                first = httpx.get(url, headers={"Accept-Encoding": "identity"})
                if first.status_code != 200 or "etag" not in first.headers:
                    raise SystemExit(f"{label}: {first.status_code} {dict(first.headers)}")
                etag = first.headers["etag"]
                rows.append(
                    (
                        label,
                        ab(url, "Accept-Encoding: identity"),
                        ab(url, f"If-None-Match: {etag}"),
                        ab(url, "Accept-Encoding: gzip"),
                    )
                )
        finally:
            for process in servers:
                process.terminate()
                process.wait(timeout=10)
    print(f"all.atom: {size:,} bytes; {REQUESTS} requests, {CONCURRENCY} at a time (ab)")
    print("| server | 200 | 304 | gzip |")
    print("|---|---|---|---|")
    for label, *cells in rows:
        print(f"| {label} | " + " | ".join(f"{r:,.0f}/s (p99 {p} ms)" for r, p in cells) + " |")
    (_, *base), (_, *ours) = rows
    shares = [f"{100 * o[0] / b[0]:.0f} %" for o, b in zip(ours, base, strict=True)]
    print(f"| herald / nginx | {' | '.join(shares)} |")


if __name__ == "__main__":
    main()
