"""Stand-ins for the translation services that cannot run here: LibreTranslate, DeepL and
an OpenAI-compatible chat API. Each implements its documented request and answer shapes;
what it "translates" is marked so a test can see it: each text run gets an "ES:" prefix,
markup is kept as it is."""

from __future__ import annotations

import asyncio
import json
import re
from collections import Counter
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

_TEXT = re.compile(r">([^<>]*[^\s<>][^<>]*)<")


def fake_translate(html: str) -> str:
    """Mark every run of text between tags, keeping tags exactly."""
    return _TEXT.sub(lambda m: f">ES:{m.group(1)}<", f">{html}<")[1:-1]


class Behaviour:
    """How the stand-ins answer next: normally, or with one of the failures to test."""

    def __init__(self) -> None:
        self.mode = "ok"  # ok, busy-once, down, slow, garbage
        self.pause = 0.0  # seconds every answer takes
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.hits: Counter[str] = Counter()

    async def failure(self, request: Request, name: str) -> Response | None:
        self.hits[name] += 1
        self.headers.append(dict(request.headers))
        await asyncio.sleep(self.pause)
        if self.mode == "busy-once" and self.hits[name] == 1:
            return Response("slow down", status_code=429, headers={"Retry-After": "1"})
        if self.mode == "down":
            return Response("unavailable", status_code=503)
        if self.mode == "slow":
            await asyncio.sleep(10)
        return None


def translation_services() -> tuple[Starlette, Behaviour]:
    """One app serving all three APIs, and the switch that makes them misbehave."""
    state = Behaviour()

    async def libretranslate(request: Request) -> Response:
        body = await request.json()
        state.requests.append(body)
        if (failed := await state.failure(request, "libretranslate")) is not None:
            return failed
        texts = body["q"] if isinstance(body["q"], list) else [body["q"]]
        if state.mode == "garbage":
            return JSONResponse({"translatedText": texts[:-1]})
        return JSONResponse({"translatedText": [fake_translate(t) for t in texts]})

    async def languages(request: Request) -> Response:
        return JSONResponse(
            [
                {"code": "en", "name": "English", "targets": ["es", "fr", "ru"]},
                {"code": "es", "name": "Spanish", "targets": ["en"]},
            ]
        )

    async def deepl(request: Request) -> Response:
        body = await request.json()
        state.requests.append(body)
        if (failed := await state.failure(request, "deepl")) is not None:
            return failed
        if state.mode == "garbage":
            return Response("<html>not json</html>", media_type="text/html")
        return JSONResponse(
            {
                "translations": [
                    {"detected_source_language": "EN", "text": fake_translate(t)}
                    for t in body["text"]
                ]
            }
        )

    async def chat(request: Request) -> Response:
        body = await request.json()
        state.requests.append(body)
        if (failed := await state.failure(request, "openai")) is not None:
            return failed
        texts = json.loads(body["messages"][-1]["content"])
        content = (
            "I cannot do that."
            if state.mode == "garbage"
            else json.dumps([fake_translate(t) for t in texts], ensure_ascii=False)
        )
        return JSONResponse(
            {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": content},
                    }
                ],
            }
        )

    routes = [
        Route("/translate", libretranslate, methods=["POST"]),
        Route("/languages", languages),
        Route("/v2/translate", deepl, methods=["POST"]),
        Route("/v1/chat/completions", chat, methods=["POST"]),
    ]
    return Starlette(routes=routes), state
