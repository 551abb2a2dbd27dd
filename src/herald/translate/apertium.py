"""Apertium, the rule-based engine Debian packages, run offline as a process.

Many texts go through one process: they are joined with a marker element that Apertium's
HTML format handler leaves alone, and split again afterwards.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import pycountry

from herald.errors import TranslationError

_SPLIT = '<hr data-herald-split="{}">'
_SPLITTER = re.compile(r'\s*<hr\s+data-herald-split\s*=\s*"?(\d+)"?\s*/?>\s*')
BATCH_CHARS = 50_000


def apertium_code(language: str) -> str:
    """Apertium names languages by ISO 639-3: en -> eng, es -> spa."""
    base = language.split("-")[0].lower()
    found = pycountry.languages.get(alpha_2=base) if len(base) == 2 else None
    return found.alpha_3 if found is not None else base


class Apertium:
    """Translates with the `apertium` command: `apertium -u -f html eng-spa`."""

    name = "apertium"
    glossary_style = "word"

    def __init__(self, command: str = "apertium", timeout: float = 120.0) -> None:
        self._command = command
        self._timeout = timeout

    @cache  # noqa: B019 - one engine per process; the installed pairs do not change
    def pairs(self) -> frozenset[str]:
        """The language pairs installed: the mode files next to the command, which is what
        `apertium -l` lists, so that checking a pair runs no process."""
        found = shutil.which(self._command)
        if found is None:
            raise TranslationError(f"no {self._command!r} command on PATH")
        modes = Path(found).resolve().parent.parent / "share" / "apertium" / "modes"
        if modes.is_dir():
            return frozenset(p.stem for p in modes.glob("*.mode"))
        try:
            listed = subprocess.run(
                [self._command, "-l"], capture_output=True, text=True, timeout=30, check=True
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise TranslationError(f"cannot run {self._command!r}: {exc}") from exc
        return frozenset(line.strip() for line in listed.stdout.splitlines() if line.strip())

    def check_pair(self, source: str, target: str) -> str | None:
        """Why Apertium cannot translate source -> target here, or None."""
        pair = f"{apertium_code(source)}-{apertium_code(target)}"
        try:
            installed = self.pairs()
        except TranslationError as exc:
            return f"{exc}; install it (apt-get install apertium apertium-{pair})"
        if pair not in installed:
            have = ", ".join(sorted(installed)) or "none"
            return (
                f"apertium has no {pair} pair installed (installed: {have}); "
                f"install the Debian package apertium-{pair}"
            )
        return None

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """Translate in as few processes as the batch size allows."""
        pair = f"{apertium_code(source)}-{apertium_code(target)}"
        results: list[str] = []
        batch: list[str] = []
        size = 0
        for text in texts:
            if batch and size + len(text) > BATCH_CHARS:
                results += self._run(batch, pair)
                batch, size = [], 0
            batch.append(text)
            size += len(text)
        if batch:
            results += self._run(batch, pair)
        return results

    def _run(self, texts: list[str], pair: str) -> list[str]:
        joined = "".join(f"{_SPLIT.format(n)}\n{text}\n" for n, text in enumerate(texts))
        try:
            done = subprocess.run(
                [self._command, "-u", "-f", "html", pair],
                input=joined,
                capture_output=True,
                text=True,
                timeout=self._timeout,
                check=True,
            )
        except subprocess.CalledProcessError as exc:
            raise TranslationError(f"apertium {pair} failed: {exc.stderr.strip()[:200]}") from exc
        except (OSError, subprocess.SubprocessError) as exc:
            raise TranslationError(f"apertium {pair} failed: {exc}") from exc
        parts = _SPLITTER.split(done.stdout)
        # parts: ["", "0", text0, "1", text1, ...]
        numbers, pieces = parts[1::2], parts[2::2]
        if numbers != [str(n) for n in range(len(texts))]:
            raise TranslationError(f"apertium {pair}: the answer lost the text boundaries")
        return [piece.strip() for piece in pieces]
