"""Reads config/herald.toml once, at the entry point, into one frozen Settings object."""

from __future__ import annotations

import re
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pycountry
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from herald.errors import ConfigError
from herald.parse import PARSERS
from herald.timezones import load_zone

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


def _base_dir(info: ValidationInfo) -> Path:
    context = info.context or {}
    return Path(context.get("base_dir", "."))


def _relative_to_config(value: Any, info: ValidationInfo) -> Any:
    """Paths in a config file are relative to that file's folder."""
    if isinstance(value, str):
        return (_base_dir(info) / Path(value).expanduser()).resolve()
    return value


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SiteSettings(_Section):
    """[site]: how the published feeds present themselves."""

    title: str = "Herald"
    base_url: str = "http://127.0.0.1:8080/"
    home_country: str = "KZ"

    @field_validator("base_url")
    @classmethod
    def _absolute_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+/", value) or not value.endswith("/"):
            raise ValueError(
                f'"{value}" is not an absolute http(s) URL ending with "/"; '
                'write it like "https://feeds.example.org/"'
            )
        return value

    @field_validator("home_country")
    @classmethod
    def _iso_country(cls, value: str) -> str:
        code = value.upper()
        if pycountry.countries.get(alpha_2=code) is None:
            raise ValueError(f'"{value}" is not an ISO 3166-1 alpha-2 code; write e.g. "KZ"')
        return code


class PathSettings(_Section):
    """[paths]: where feeds are written and articles kept, relative to the config file."""

    output: Path = Path("../feeds")
    database: Path = Path("../var/herald.sqlite")

    _resolve = field_validator("output", "database", mode="before")(_relative_to_config)


class FeedSettings(_Section):
    """[feeds]: what every feed holds."""

    max_entries: int = Field(default=50, ge=1, le=10_000)


class ServeSettings(_Section):
    """[serve]: where `herald serve` listens."""

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65_535)
    max_age: int = Field(default=300, ge=0)


class ClassifySettings(_Section):
    """[classify]: the rule files for countries and topics."""

    topics: Path = Path("topics.toml")
    countries: Path = Path("countries.toml")

    _resolve = field_validator("topics", "countries", mode="before")(_relative_to_config)

    @field_validator("topics", "countries")
    @classmethod
    def _exists(cls, value: Path) -> Path:
        if not value.is_file():
            raise ValueError(f"file {value} does not exist")
        return value


def parse_duration(text: str) -> timedelta:
    """Read an interval such as "30m", "1h30m", "45s" or "1d"."""
    match = _DURATION.match(text.strip())
    if not text.strip() or match is None:
        raise ValueError(f'"{text}" is not an interval; write e.g. "30m", "1h30m", "45s" or "1d"')
    days, hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


class SourceSettings(_Section):
    """One [[sources]] table: where a bulletin listing lives and how to read it."""

    id: str
    name: str
    kind: str
    url: str
    language: str = "en"
    timezone: str = "UTC"
    every: timedelta = timedelta(minutes=30)

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(
                f'"{value}" is not a valid id; use lower-case letters, digits and "-", '
                "starting with a letter or digit (it becomes a file name)"
            )
        return value

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in PARSERS:
            raise ValueError(f'unknown kind "{value}"; use one of {", ".join(sorted(PARSERS))}')
        return value

    @field_validator("url")
    @classmethod
    def _location(cls, value: str, info: ValidationInfo) -> str:
        """Keep http(s) and file: URLs; make a plain path absolute."""
        if re.match(r"^https?://[^/\s]+", value) or value.startswith("file:"):
            return value
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", value):
            raise ValueError(f'"{value}" is not a path, a file: URL or an http(s) URL')
        return str((_base_dir(info) / Path(value).expanduser()).resolve())

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if not _LANGUAGE.match(value):
            raise ValueError(f'"{value}" is not a language code; write e.g. "en" or "pt-BR"')
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        load_zone(value)  # raises ValueError naming the zone
        return value

    @field_validator("every", mode="before")
    @classmethod
    def _interval(cls, value: Any) -> Any:
        if isinstance(value, str):
            interval = parse_duration(value)
            if interval < timedelta(seconds=10):
                raise ValueError(f'"{value}" is too short; poll at most every 10s')
            return interval
        raise ValueError(f'{value!r} is not an interval; write e.g. "30m"')


class Settings(_Section):
    """Everything Herald needs to run, validated once."""

    config_path: Path
    site: SiteSettings = SiteSettings()
    paths: PathSettings = PathSettings()
    feeds: FeedSettings = FeedSettings()
    serve: ServeSettings = ServeSettings()
    classify: ClassifySettings = ClassifySettings()
    sources: tuple[SourceSettings, ...] = ()

    @model_validator(mode="after")
    def _unique_sources(self) -> Settings:
        seen: set[str] = set()
        for source in self.sources:
            if source.id in seen:
                raise ValueError(f'source id "{source.id}" is used twice; ids must be unique')
            seen.add(source.id)
        return self


_SECTIONS: dict[str, type[BaseModel]] = {
    "site": SiteSettings,
    "paths": PathSettings,
    "feeds": FeedSettings,
    "serve": ServeSettings,
    "classify": ClassifySettings,
    "sources": SourceSettings,
}


def load_settings(path: Path) -> Settings:
    """Read and validate a config file; every mistake becomes one line of a ConfigError."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    if "config_path" in data:
        raise ConfigError(f'{path}: unknown key "config_path"')
    base_dir = path.resolve().parent
    # Defaults are relative to the config file's folder too, so resolve them here.
    for section, defaults in (("paths", PathSettings()), ("classify", ClassifySettings())):
        table = data.setdefault(section, {})
        if isinstance(table, dict):
            for name, value in defaults.model_dump().items():
                table.setdefault(name, str(value))
    try:
        return Settings.model_validate(
            {**data, "config_path": path.resolve()}, context={"base_dir": base_dir}
        )
    except ValidationError as exc:
        lines = [_describe(path, data, error) for error in exc.errors()]
        raise ConfigError("\n".join(lines)) from None


def _describe(path: Path, data: dict[str, Any], error: Any) -> str:
    """One line naming the file, the section or source, the field, and what is valid."""
    loc = tuple(error["loc"])
    message = str(error["msg"]).removeprefix("Value error, ")
    where = str(path)
    if loc and loc[0] == "sources" and len(loc) >= 2 and isinstance(loc[1], int):
        raw = data.get("sources", [])
        source = raw[loc[1]] if isinstance(raw, list) and loc[1] < len(raw) else {}
        source_id = source.get("id") if isinstance(source, dict) else None
        where += f', source "{source_id}"' if source_id else f", source #{loc[1] + 1}"
        section, fields = "sources", loc[2:]
    elif loc:
        section, fields = str(loc[0]), loc[1:]
        where += f", [{section}]" if fields else ""
    else:
        section, fields = "", ()
    if error["type"] == "extra_forbidden":
        model = _SECTIONS.get(section, Settings) if fields else Settings
        valid = ", ".join(n for n in model.model_fields if n != "config_path")
        name = fields[-1] if fields else loc[-1]
        return f'{where}: unknown key "{name}"; valid keys are {valid}'
    if error["type"] == "missing":
        return f'{where}: field "{loc[-1]}" is required'
    if fields:
        return f'{where}, field "{".".join(str(f) for f in fields)}": {message}'
    if loc:
        return f'{where}, field "{loc[0]}": {message}'
    return f"{where}: {message}"
