"""Real HTTP servers on loopback for tests: uvicorn in a thread, and a Starlette app that
plays the sources Herald reads (an HTML site, a gov.kz-shaped API, feeds, bad servers)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from .conftest import DATA, SAMPLE

HTTP = DATA / "http"


@contextmanager
def running(app: Any) -> Iterator[str]:
    """Serve `app` on a free loopback port; yield its base URL (no trailing slash)."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, log_level="warning", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "test server did not start"
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def govkz_items(page: int) -> list[dict[str, Any]]:
    """Two pages of a project's news as the portal answers (from page 1): 20 items, then 3."""
    special = [
        {
            "id": 9001,
            "title": "Foreign Minister Meets the Ambassador of Brazil",
            "body": "<p>The sides discussed direct flights between Astana and São Paulo.</p>",
            "created_date": "2026-04-10T09:00:00",
            "heropic": "/uploads/news/9001.jpg",
        },
        {
            "id": 9002,
            "title": "Briefing on the Visa-Free Regime with Malaysia",
            "body": (
                "<!DOCTYPE html><html><head><title>ignored</title></head><body>"
                "<p>Citizens may stay up to thirty days without a visa.</p></body></html>"
            ),
            "created_date": "2026-04-09T15:30:00+05:00",
        },
        {"id": 9003, "title": "", "created_date": "2026-04-09T10:00:00"},
    ]
    filler = [
        {
            "id": 8000 + n,
            "title": f"Consultations on Transit Corridors, Session {n}",
            "body": f"<p>Session {n} of the consultations on transit corridors took place.</p>",
            "created_date": f"2026-04-0{1 + n % 8}T{8 + n % 10:02d}:00:00",
        }
        for n in range(20)
    ]
    return (special + filler)[:20] if page == 1 else filler[17:]


def source_site() -> tuple[Starlette, Counter[str]]:
    """The sources, with a counter of requests per route name and conditional headers seen."""
    hits: Counter[str] = Counter()

    def file(name: str, media_type: str) -> Response:
        return Response((HTTP / name).read_bytes(), media_type=media_type)

    async def html_news(request: Request) -> Response:
        hits["html-news"] += 1
        page = request.query_params.get("page", "1")
        if page not in ("1", "2"):
            return Response("no such page", status_code=404)
        return file(f"listing-{page}.html", "text/html")

    async def html_article(request: Request) -> Response:
        name = request.path_params["name"]
        hits[f"article-{name}"] += 1
        if not (HTTP / f"article-{name}").exists():
            return Response("gone", status_code=404)
        return file(f"article-{name}", "text/html; charset=utf-8")

    async def govkz(request: Request) -> Response:
        hits["govkz"] += 1
        hits[f"govkz-lang-{request.headers.get('accept-language')}"] += 1
        if request.query_params.get("projects") != "eq:mfa":
            return JSONResponse({"error": "unknown project"}, status_code=400)
        page = int(request.query_params.get("page", "1"))
        items = govkz_items(page)
        # The portal wraps some answers in an object and sends others bare.
        return JSONResponse({"content": items, "totalPages": 2} if page == 1 else items)

    async def feeds(request: Request) -> Response:
        name = request.path_params["name"]
        types = {
            ".xml": "application/xml",
            ".rdf": "application/rdf+xml",
            ".json": "application/feed+json",
        }
        return file(name, types[name[name.rindex(".") :]])

    async def conditional(request: Request) -> Response:
        hits["conditional"] += 1
        if request.headers.get("if-none-match") == '"sample-v1"':
            hits["conditional-304"] += 1
            return Response(status_code=304, headers={"ETag": '"sample-v1"'})
        return Response(
            SAMPLE.read_bytes(),
            media_type="text/plain; charset=utf-8",
            headers={"ETag": '"sample-v1"', "Last-Modified": "Tue, 10 Mar 2026 18:00:00 GMT"},
        )

    async def flaky(request: Request) -> Response:
        hits["flaky"] += 1
        if hits["flaky"] == 1:
            return Response("overloaded", status_code=500)
        return Response(SAMPLE.read_bytes(), media_type="text/plain")

    async def busy(request: Request) -> Response:
        hits["busy"] += 1
        if hits["busy"] == 1:
            return Response("slow down", status_code=429, headers={"Retry-After": "1"})
        return Response(SAMPLE.read_bytes(), media_type="text/plain")

    async def never(request: Request) -> Response:
        await asyncio.sleep(30)
        return Response("too late")

    async def huge(request: Request) -> Response:
        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(64):
                yield b"x" * 32_768

        return StreamingResponse(chunks(), media_type="text/plain")

    async def loop(request: Request) -> Response:
        return RedirectResponse("/loop", status_code=302)

    async def links_elsewhere(request: Request) -> Response:
        """A listing whose article links lead to another host: directly, by a redirect on
        its own host, and to a local file."""
        hits["links-elsewhere"] += 1
        other = f"http://localhost:{request.url.port}"
        items = [
            ("Directly Elsewhere", f"{other}/html/articles/101.html"),
            ("Redirected Elsewhere", "/go/elsewhere"),
            ("A Local File", "file:///etc/hostname"),
            ("At Home", "/html/articles/102.html"),
        ]
        body = "".join(
            f'<li class="item"><h2><a href="{href}">{title}</a></h2>'
            f'<time datetime="2026-04-0{n}T10:00:00">day</time>'
            f'<p class="lead">What the listing says of {title}.</p></li>'
            for n, (title, href) in enumerate(items, start=1)
        )
        return Response(f"<ul>{body}</ul>", media_type="text/html")

    async def go_elsewhere(request: Request) -> Response:
        hits["go-elsewhere"] += 1
        return RedirectResponse(
            f"http://localhost:{request.url.port}/html/articles/103.html", status_code=302
        )

    routes = [
        Route("/html/news", html_news),
        Route("/html/articles/{name}", html_article),
        Route("/api/v1/public/content-manager/news", govkz),
        Route("/feeds/{name}", feeds),
        Route("/conditional/listing.txt", conditional),
        Route("/flaky/listing.txt", flaky),
        Route("/busy/listing.txt", busy),
        Route("/never", never),
        Route("/huge", huge),
        Route("/loop", loop),
        Route("/html/elsewhere", links_elsewhere),
        Route("/go/elsewhere", go_elsewhere),
    ]
    return Starlette(routes=routes), hits
