"""A stand-in for the gov.kz portal as its public clients meet it, on loopback.

- `/memleket/entities/<project>/press/news?lang=xx` is the portal's news page. Each load
  hands the page a fresh seed (bound to the loading browser's User-Agent); the page's
  script computes `token` (the seed reversed) and `hash` (FNV-1a of seed and project) and
  calls the news API with them through `fetch`, then lists the headlines it got.
- `/api/v1/public/content-manager/news` answers 403 without valid headers, or when they
  have been used `uses` times (so they expire and must be refreshed), or when the
  User-Agent is not the browser's that loaded the page. With them it answers the newer
  shape, an object whose `content` holds items spelled `name`, `createdDate`; with
  `shape="bare"` (and `tokens=False`) the older shape: a bare list spelled `title`,
  `created_date`.
- `/api/v1/public/content-manager/news/<id>` serves an article's full body under `data`,
  with the same checks.

Three articles exist in English, Russian and Kazakh under the same ids, a fourth in
English only. The texts are Herald's own, written for these tests.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from itertools import count
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

ARTICLES: dict[int, dict[str, dict[str, str]]] = {
    7101: {
        "en": {
            "title": "Kazakhstan and Japan Discuss Green Hydrogen Projects",
            "body": (
                "<p>Deputy Foreign Minister met a delegation of Japanese energy companies in "
                "Astana to discuss green hydrogen projects in the Mangystau region, Ministry "
                "of Foreign Affairs of the Republic of Kazakhstan reports.</p>"
                '<p>The <a href="/memleket/entities/mfa/documents/h2">roadmap</a> was '
                "reviewed.</p>"
            ),
        },
        "ru": {
            "title": "Казахстан и Япония обсудили проекты зелёного водорода",
            "body": (
                "<p>Заместитель министра иностранных дел встретился с делегацией японских "
                "энергетических компаний в Астане, сообщает МИД Республики Казахстан.</p>"
            ),
        },
        "kk": {
            "title": "Қазақстан мен Жапония жасыл сутегі жобаларын талқылады",
            "body": (
                "<p>Сыртқы істер министрінің орынбасары Астанада жапон энергетикалық "
                "компанияларының делегациясымен кездесті, деп хабарлайды ҚР СІМ.</p>"
            ),
        },
    },
    7102: {
        "en": {
            "title": "Citizens Brought Home from Lebanon on a Special Flight",
            "teaser": "<p>A special flight organized by the Ministry returned…</p>",
            "body": (
                "<p>A special flight organized by the Ministry returned 112 citizens of "
                "Kazakhstan from Beirut to Almaty, Ministry of Foreign Affairs of the "
                "Republic of Kazakhstan reports.</p><p>The embassy in Lebanon stays open.</p>"
            ),
        },
        "ru": {
            "title": "Граждан вернули из Ливана специальным рейсом",
            "teaser": "<p>Специальный рейс, организованный министерством…</p>",
            "body": (
                "<p>Специальный рейс, организованный министерством, доставил 112 граждан "
                "Казахстана из Бейрута в Алматы.</p>"
            ),
        },
        "kk": {
            "title": "Азаматтар Ливаннан арнайы рейспен елге оралды",
            "teaser": "<p>Министрлік ұйымдастырған арнайы рейс…</p>",
            "body": (
                "<p>Министрлік ұйымдастырған арнайы рейс 112 Қазақстан азаматын Бейруттан "
                "Алматыға жеткізді.</p>"
            ),
        },
    },
    7103: {
        "en": {
            "title": "Foreign Minister Receives the Ambassador of Brazil",
            "body": "<p>The sides discussed direct flights between Astana and São Paulo.</p>",
        },
        "ru": {
            "title": "Министр иностранных дел принял посла Бразилии",
            "body": "<p>Стороны обсудили прямые рейсы между Астаной и Сан-Паулу.</p>",
        },
        "kk": {
            "title": "Сыртқы істер министрі Бразилия елшісін қабылдады",
            "body": "<p>Тараптар Астана мен Сан-Паулу арасындағы тікелей рейстерді талқылады.</p>",
        },
    },
    # Published in English only, and known to the newer API by its slug alone.
    7104: {
        "en": {
            "title": "Trade Mission to Oman Signs Three Agreements",
            "body": (
                "<p>A trade mission from Kazakhstan signed three agreements on logistics in "
                "Muscat, Ministry of Foreign Affairs of the Republic of Kazakhstan reports.</p>"
            ),
        },
    },
}
DATES = {
    7101: "2026-04-10T09:00:00",
    7102: "2026-04-09T15:30:00+05:00",
    7103: "2026-04-08T11:00",
    7104: "2026-04-07T10:00:00",
}
SLUGS = {7104: "trade-mission-to-oman"}

# The news page's own script: compute the headers, call the API, list the headlines.
PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>News</title></head>
<body><h1>News</h1><ul id="news"></ul>
<script>
const seed = {seed};
function fnv(text) {{
  let h = 0x811c9dc5;
  for (const c of text) {{ h ^= c.codePointAt(0); h = Math.imul(h, 0x01000193) >>> 0; }}
  return h.toString(16).padStart(8, "0");
}}
const headers = {{
  token: seed.split("").reverse().join(""),
  hash: fnv(seed + "|{project}{salt}"),
}};
if ({calls}) {{
  fetch("/api/v1/public/content-manager/news?sort-by=created_date:DESC&projects=eq:{project}"
        + "&page=1&size=20&lang={lang}", {{ headers }})
    .then((r) => r.json())
    .then((data) => {{
      for (const item of data.content) {{
        const li = document.createElement("li");
        li.textContent = item.name;
        document.getElementById("news").append(li);
      }}
    }});
}}
</script></body></html>
"""


def fnv(text: str) -> str:
    """FNV-1a, 32 bits, as the page's script computes it."""
    value = 0x811C9DC5
    for char in text:
        value ^= ord(char)
        value = (value * 0x01000193) & 0xFFFFFFFF
    return f"{value:08x}"


@dataclass
class Portal:
    """The stand-in's settings and what it saw."""

    tokens: bool = True  # the API wants hash and token
    shape: str = "content"  # "content": the newer object; "bare": the older list
    uses: int = 8  # API requests one seed is good for
    page_calls_api: bool = True  # False: a changed portal whose page never calls the API
    wrong_hash: bool = False  # True: the page computes a hash the API does not accept
    withheld: set[tuple[int, str]] = field(default_factory=set)  # (id, language) not out yet
    edited: dict[tuple[int, str], str] = field(default_factory=dict)  # (id, language): body
    hits: Counter[str] = field(default_factory=Counter)
    seeds: dict[str, dict[str, Any]] = field(default_factory=dict)
    _numbers: Any = field(default_factory=lambda: count(1))

    def authorized(self, request: Request) -> bool:
        """Whether a request carries live headers from a page load by the same browser."""
        if not self.tokens:
            return True
        seed = request.headers.get("token", "")[::-1]
        issued = self.seeds.get(seed)
        if issued is None or issued["left"] <= 0:
            return False
        if request.headers.get("hash") != fnv(f"{seed}|{issued['project']}"):
            return False
        if request.headers.get("user-agent") != issued["agent"]:
            return False
        if not request.headers.get("referer", "").startswith(issued["page"]):
            return False
        issued["left"] -= 1
        return True

    def app(self) -> Starlette:
        """The Starlette application of this portal."""

        async def news_page(request: Request) -> Response:
            self.hits["page"] += 1
            seed = f"s{next(self._numbers):04d}x{id(self) % 9973}"
            project = request.path_params["project"]
            lang = request.query_params.get("lang", "kk")
            self.seeds[seed] = {
                "project": project,
                "agent": request.headers.get("user-agent"),
                "left": self.uses,
                "page": f"{request.base_url}memleket/entities/{project}/press/news",
            }
            return HTMLResponse(
                PAGE.format(
                    seed=json.dumps(seed),
                    project=escape(project),
                    lang=escape(lang),
                    salt="-stale" if self.wrong_hash else "",
                    calls="true" if self.page_calls_api else "false",
                )
            )

        async def news(request: Request) -> Response:
            self.hits["api"] += 1
            if not self.authorized(request):
                self.hits["refused"] += 1
                return JSONResponse({"message": "Forbidden"}, status_code=403)
            lang = request.query_params.get("lang") or request.headers.get("accept-language")
            self.hits[f"api-{lang}"] += 1
            if request.query_params.get("projects") != "eq:mfa" or lang not in ("en", "ru", "kk"):
                return JSONResponse({"message": "unknown project or language"}, status_code=400)
            if request.query_params.get("page") != "1":
                return JSONResponse({"content": []} if self.shape == "content" else [])
            items = [
                self.item(number, lang)
                for number in ARTICLES
                if lang in ARTICLES[number] and (number, lang) not in self.withheld
            ]
            if self.shape == "bare":
                return JSONResponse(items)
            return JSONResponse({"content": items, "totalElements": len(items), "number": 1})

        async def details(request: Request) -> Response:
            self.hits["details"] += 1
            if not self.authorized(request):
                self.hits["refused"] += 1
                return JSONResponse({"message": "Forbidden"}, status_code=403)
            number = int(request.path_params["number"])
            lang = request.query_params.get("lang", "kk")
            self.hits[f"details-{number}-{lang}"] += 1
            text = ARTICLES.get(number, {}).get(lang)
            if text is None:
                return JSONResponse({"message": "not found"}, status_code=404)
            return JSONResponse({"data": {"id": number, "body": text["body"]}})

        return Starlette(
            routes=[
                Route("/memleket/entities/{project}/press/news", news_page),
                Route("/api/v1/public/content-manager/news", news),
                Route("/api/v1/public/content-manager/news/{number:int}", details),
            ]
        )

    def item(self, number: int, lang: str) -> dict[str, Any]:
        """One listing item in this portal's shape: 7102 has only a teaser, 7103 a picture
        and its date spelled `publishedDate`, 7104 a slug and no id."""
        text = ARTICLES[number][lang]
        body = self.edited.get((number, lang), text.get("teaser", text["body"]))
        if self.shape == "bare":
            return {
                "id": number,
                "title": text["title"],
                "created_date": DATES[number],
                "body": body,
            }
        ident = {"slug": SLUGS[number]} if number in SLUGS else {"id": number}
        date = "publishedDate" if number == 7103 else "createdDate"
        item = {**ident, "name": text["title"], date: DATES[number], "body": body}
        if number == 7103:
            item["heropic"] = "/uploads/news/7103.jpg"
        return item
