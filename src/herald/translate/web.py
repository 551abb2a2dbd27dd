"""Translation engines over HTTP: LibreTranslate, DeepL, and OpenAI-compatible chat APIs.

Each implements its service's documented request and answer; an answer of the wrong shape
is a TranslationError, never a translation.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

import httpx

from herald.errors import TranslationError

MAX_WAIT = 30.0  # the longest Retry-After worth waiting out within a run


class _Client:
    """POSTs JSON, waits out one 429 or 5xx (honouring Retry-After), and reads JSON."""

    def __init__(self, name: str, url: str, timeout: float, headers: dict[str, str]) -> None:
        self.name = name
        self._url = url
        self._timeout = timeout
        self._headers = headers

    def post(self, path: str, payload: dict[str, Any]) -> Any:
        url = self._url.rstrip("/") + path
        for attempt in range(2):
            try:
                with httpx.Client(timeout=self._timeout, headers=self._headers) as http:
                    response = http.post(url, json=payload)
            except httpx.HTTPError as exc:
                raise TranslationError(f"{self.name}: {type(exc).__name__}: {exc}") from exc
            if response.status_code == 429 or response.status_code >= 500:
                wait = _seconds(response.headers.get("retry-after"))
                if attempt == 0 and wait <= MAX_WAIT:
                    time.sleep(wait)
                    continue
                raise TranslationError(f"{self.name}: HTTP {response.status_code}")
            if response.status_code != 200:
                raise TranslationError(
                    f"{self.name}: HTTP {response.status_code}: {response.text[:200]}"
                )
            try:
                return response.json()
            except ValueError:
                raise TranslationError(f"{self.name}: the answer is not JSON") from None
        raise TranslationError(f"{self.name}: gave up")  # pragma: no cover


def _seconds(value: str | None) -> float:
    try:
        return float(value) if value else 1.0
    except ValueError:
        return MAX_WAIT + 1  # an HTTP date: too far to wait for inside a run


def _strings(name: str, values: Any, count: int) -> list[str]:
    if not isinstance(values, list) or len(values) != count:
        raise TranslationError(f"{name}: malformed answer: expected {count} translations")
    if not all(isinstance(v, str) for v in values):
        raise TranslationError(f"{name}: malformed answer: a translation is not text")
    return list(values)


class LibreTranslate:
    """POST /translate with q, source, target, format=html, api_key."""

    name = "libretranslate"
    glossary_style = "tag"

    def __init__(self, url: str, api_key: str | None, timeout: float) -> None:
        self._client = _Client(self.name, url, timeout, {})
        self._url = url
        self._key = api_key

    def check_pair(self, source: str, target: str) -> str | None:
        """Ask the server's /languages; an unreachable server is a runtime matter."""
        try:
            answer = httpx.get(self._url.rstrip("/") + "/languages", timeout=10).json()
        except (httpx.HTTPError, ValueError):
            return None
        for language in answer if isinstance(answer, list) else []:
            if isinstance(language, dict) and language.get("code") == source:
                if target in language.get("targets", [target]):
                    return None
                return f"libretranslate at {self._url} cannot translate {source} to {target}"
        return f"libretranslate at {self._url} does not know the language {source}"

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """Translate a list of HTML fragments in one request."""
        payload: dict[str, Any] = {
            "q": list(texts),
            "source": source,
            "target": target,
            "format": "html",
        }
        if self._key:
            payload["api_key"] = self._key
        answer = self._client.post("/translate", payload)
        found = answer.get("translatedText") if isinstance(answer, dict) else None
        return _strings(self.name, found, len(texts))


# Languages DeepL translates into, by its documented codes.
DEEPL_TARGETS = {
    "ar": "AR",
    "bg": "BG",
    "cs": "CS",
    "da": "DA",
    "de": "DE",
    "el": "EL",
    "en": "EN-GB",
    "es": "ES",
    "et": "ET",
    "fi": "FI",
    "fr": "FR",
    "hu": "HU",
    "id": "ID",
    "it": "IT",
    "ja": "JA",
    "ko": "KO",
    "lt": "LT",
    "lv": "LV",
    "nb": "NB",
    "nl": "NL",
    "pl": "PL",
    "pt": "PT-PT",
    "pt-br": "PT-BR",
    "ro": "RO",
    "ru": "RU",
    "sk": "SK",
    "sl": "SL",
    "sv": "SV",
    "tr": "TR",
    "uk": "UK",
    "zh": "ZH",
    "en-us": "EN-US",
}


class DeepL:
    """POST /v2/translate with tag_handling=html and the key in the Authorization header."""

    name = "deepl"
    glossary_style = "tag"

    def __init__(self, url: str, api_key: str | None, timeout: float) -> None:
        headers = {"Authorization": f"DeepL-Auth-Key {api_key}"} if api_key else {}
        self._client = _Client(self.name, url, timeout, headers)

    def check_pair(self, source: str, target: str) -> str | None:
        """DeepL's target languages are a fixed, documented list."""
        if target.lower() not in DEEPL_TARGETS:
            return f"deepl does not translate into {target}"
        return None

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """Translate a list of HTML fragments in one request."""
        payload = {
            "text": list(texts),
            "source_lang": source.split("-")[0].upper(),
            "target_lang": DEEPL_TARGETS[target.lower()],
            "tag_handling": "html",
        }
        answer = self._client.post("/v2/translate", payload)
        found = answer.get("translations") if isinstance(answer, dict) else None
        if not isinstance(found, list):
            raise TranslationError(f"{self.name}: malformed answer: no translations")
        return _strings(
            self.name, [t.get("text") if isinstance(t, dict) else t for t in found], len(texts)
        )


PROMPT = (
    "You translate news from {source} to {target}. The user sends a JSON array of HTML "
    "fragments. Answer with only a JSON array of the same length: each fragment translated, "
    "with every HTML tag and attribute kept exactly as it is, including empty "
    "<i data-herald-term> elements. Translate nothing else and add nothing."
)


class OpenAIChat:
    """An OpenAI-compatible chat completions API (also Ollama, vLLM, llama.cpp)."""

    name = "openai"
    glossary_style = "tag"

    def __init__(self, url: str, api_key: str | None, model: str, timeout: float) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = _Client(self.name, url, timeout, headers)
        self._model = model

    def check_pair(self, source: str, target: str) -> str | None:
        """A language model takes any pair."""
        return None

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """Ask for a JSON array of translations and check its shape."""
        payload = {
            "model": self._model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": PROMPT.format(source=source, target=target)},
                {"role": "user", "content": json.dumps(list(texts), ensure_ascii=False)},
            ],
        }
        answer = self._client.post("/chat/completions", payload)
        try:
            content = answer["choices"][0]["message"]["content"]
            found = json.loads(content.strip().removeprefix("```json").strip("`\n "))
        except (KeyError, IndexError, TypeError, ValueError, AttributeError):
            raise TranslationError(f"{self.name}: malformed answer: no JSON array") from None
        return _strings(self.name, found, len(texts))
