"""Reads config/herald.toml once, at the entry point, into one frozen Settings object."""

from __future__ import annotations

import re
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pycountry
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from herald.errors import ConfigError
from herald.parse import KINDS
from herald.timezones import load_zone

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
TOKEN_MODES = ("auto", "browser", "none")
# How every lead paragraph of the Ministry's bulletins ends.
GLUE_MARKER = "Ministry of Foreign Affairs of the Republic of Kazakhstan reports."
_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


def language_code(value: str, *, example: str) -> str:
    """A BCP 47-style language code, or a ValueError that shows what one looks like."""
    if not _LANGUAGE.match(value):
        raise ValueError(f'"{value}" is not a language code; write e.g. {example}')
    return value


def _base_dir(info: ValidationInfo) -> Path:
    context = info.context or {}
    return Path(context.get("base_dir", "."))


def _relative_to_config(value: Any, info: ValidationInfo) -> Any:
    """Paths in a config file are relative to that file's folder."""
    if isinstance(value, str):
        return (_base_dir(info) / Path(value).expanduser()).resolve()
    return value


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


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


class StoreSettings(_Section):
    """[store]: where articles are kept. Without `url`, the SQLite file [paths] database;
    with a postgresql:// URL, a PostgreSQL database that several workers may share."""

    url: str | None = None
    password_env: str | None = None  # the name of the environment variable with the password
    pool_size: StrictInt = Field(default=4, ge=1, le=100)

    @field_validator("url")
    @classmethod
    def _postgresql(cls, value: str | None) -> str | None:
        if value is None:
            return value
        parts = urlsplit(value)
        if parts.scheme not in ("postgresql", "postgres"):
            raise ValueError(
                f'"{value}" is not a postgresql:// URL; write e.g. '
                '"postgresql://herald@db.example.org/herald" (or leave url out for SQLite)'
            )
        if parts.password is not None:
            raise ValueError(
                "the URL carries a password; keep it out of the file: name an environment "
                'variable that holds it, password_env = "HERALD_DB_PASSWORD"'
            )
        return value


class ScheduleSettings(_Section):
    """[schedule]: how `herald schedule` workers share the sources."""

    poll: timedelta = timedelta(seconds=5)  # how often a worker looks for due sources
    lease: timedelta = timedelta(minutes=2)  # a dead worker's sources wait this long
    threads: StrictInt = Field(default=4, ge=1, le=64)  # sources read at once per worker

    @field_validator("poll", "lease", mode="before")
    @classmethod
    def _interval(cls, value: Any) -> Any:
        if isinstance(value, str):
            return parse_duration(value)
        raise ValueError(f'{value!r} is not an interval; write e.g. "2m"')

    @model_validator(mode="after")
    def _renewed_in_time(self) -> ScheduleSettings:
        if self.poll <= timedelta(0):
            raise ValueError("poll must be at least 1s")
        if self.lease < 3 * self.poll:
            raise ValueError(
                "lease must be at least three times poll (a worker renews its leases "
                "each time it polls)"
            )
        return self


class FeedSettings(_Section):
    """[feeds]: what every feed holds."""

    max_entries: StrictInt = Field(default=50, ge=1, le=10_000)


class ServeSettings(_Section):
    """[serve]: where `herald serve` listens."""

    host: str = "127.0.0.1"
    port: StrictInt = Field(default=8080, ge=1, le=65_535)
    max_age: StrictInt = Field(default=300, ge=0)


class FetchSettings(_Section):
    """[fetch]: how politely and patiently sources are read over HTTP."""

    timeout: StrictFloat = Field(default=30.0, gt=0, description="whole response, seconds")
    connect_timeout: StrictFloat = Field(default=10.0, gt=0)
    max_bytes: StrictInt = Field(default=10 * 1024 * 1024, ge=1024)  # an HTTP body
    max_file_bytes: StrictInt = Field(default=1024 * 1024 * 1024, ge=1024)  # a local listing
    max_redirects: StrictInt = Field(default=5, ge=0)
    retries: StrictInt = Field(default=3, ge=0, le=10)
    backoff: StrictFloat = Field(
        default=1.0, ge=0, description="first retry delay, doubled each time"
    )
    max_retry_after: StrictFloat = Field(default=300.0, ge=0)
    host_delay: StrictFloat = Field(default=1.0, ge=0, description="between requests to one host")


class WebSubSettings(_Section):
    """[websub]: a hub to tell when feeds change, so readers need not poll."""

    hub: str | None = None
    timeout: StrictFloat = Field(default=10.0, gt=0)

    @field_validator("hub")
    @classmethod
    def _hub_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f'"{value}" is not an http(s) URL')
        return value


class BrowserSettings(_Section):
    """[browser]: the Chromium that obtains session headers for sources that need them."""

    executable: str | None = None  # default: chromium, chromium-browser or google-chrome
    timeout: StrictFloat = Field(
        default=45.0, gt=0, description="page load and API request, seconds"
    )


ENGINES = ("apertium", "libretranslate", "deepl", "openai")
FIELDS = ("title", "summary", "content")


class TranslateSettings(_Section):
    """[translate]: which languages every feed is also published in, and by what engine."""

    targets: tuple[str, ...] = ()
    engine: str = "apertium"
    url: str | None = None  # the engine's API; for apertium, its command (default "apertium")
    api_key_env: str | None = None  # the name of the environment variable with the key
    model: str | None = None  # openai: the model to ask
    fields: tuple[str, ...] = FIELDS
    glossary: tuple[str, ...] = ()  # terms never translated: names, organizations, acronyms
    # By target language: phrase = its translation, put in before the engine sees the text.
    terms: dict[str, dict[str, str]] = Field(default_factory=dict)
    max_chars: StrictInt = Field(default=200_000, ge=0)  # characters sent per run, at most
    timeout: StrictFloat = Field(default=60.0, gt=0)

    @field_validator("targets")
    @classmethod
    def _languages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(language_code(code, example='"es"') for code in value)

    @field_validator("terms")
    @classmethod
    def _term_languages(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for code, terms in value.items():
            language_code(code, example='"es" in [translate.terms.es]')
            empty = [phrase for phrase, said in terms.items() if not phrase.strip() or not said]
            if empty:
                raise ValueError(
                    f'[translate.terms.{code}] "{empty[0]}": give a phrase and its translation'
                )
        return value

    @field_validator("engine")
    @classmethod
    def _engine(cls, value: str) -> str:
        if value not in ENGINES:
            raise ValueError(f'unknown engine "{value}"; use one of {", ".join(ENGINES)}')
        return value

    @field_validator("fields")
    @classmethod
    def _fields(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            if name not in FIELDS:
                raise ValueError(f'unknown field "{name}"; use some of {", ".join(FIELDS)}')
        return value

    @model_validator(mode="after")
    def _engine_needs(self) -> TranslateSettings:
        if self.engine in ("libretranslate", "deepl", "openai") and self.targets and not self.url:
            raise ValueError(f'engine "{self.engine}" needs url, the address of its API')
        if self.engine == "openai" and self.targets and not self.model:
            raise ValueError('engine "openai" needs model, e.g. model = "llama3.1"')
        return self


class ClassifySettings(_Section):
    """[classify]: the rule files for countries and topics, and whether the topic model
    may confirm a topic its rules found too little evidence for."""

    topics: Path = Path("topics.toml")
    countries: Path = Path("countries.toml")
    topic_model: bool = True

    _resolve = field_validator("topics", "countries", mode="before")(_relative_to_config)

    @field_validator("topics", "countries")
    @classmethod
    def _exists(cls, value: Path) -> Path:
        if not value.is_file():
            raise ValueError(f"file {value} does not exist")
        return value


def _selector(value: str) -> str:
    """A CSS selector, `xpath:` and an XPath expression, optionally ending in `@attribute`."""
    if not value.strip():
        raise ValueError("selector is empty")
    return value


class HtmlSettings(_Section):
    """[sources.html]: how to read items off a listing page."""

    item: str
    title: str
    link: str | None = None
    date: str | None = None
    summary: str | None = None
    date_format: str | None = None  # strptime; ISO 8601 when not given
    content: str | None = None  # on the article page: fetched once per new item
    next_page: str | None = None
    max_pages: StrictInt = Field(default=1, ge=1, le=100)

    _selectors = field_validator(
        "item", "title", "link", "date", "summary", "content", "next_page"
    )(_selector)


class JsonSettings(_Section):
    """[sources.json]: where items and their fields are in a JSON answer."""

    items: str = ""  # dotted path to the list; empty for a top-level list
    id: str
    title: str
    date: str
    summary: str | None = None
    content: str | None = None
    link: str | None = None  # a template such as "https://host/news/{id}"
    page_param: str | None = None
    start_page: StrictInt = 1
    max_pages: StrictInt = Field(default=1, ge=1, le=100)
    extra_headers: dict[str, str] = Field(default_factory=dict)


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
    html: HtmlSettings | None = None
    json_fields: JsonSettings | None = Field(default=None, alias="json")
    project: str | None = None  # gov-kz: the portal's project, e.g. "mfa"
    pages: StrictInt = Field(default=1, ge=1, le=50)  # gov-kz: pages of 20 items per run
    start_page: StrictInt = Field(default=1, ge=0)  # gov-kz: the number of the first page
    # gov-kz: every language edition to read; the first edition of an article is `language`.
    languages: tuple[str, ...] = ()
    # gov-kz: session headers from a browser: "auto" (when the API refuses), "browser"
    # (before the first request), "none" (never start a browser).
    tokens: str = "auto"
    token_ttl: timedelta = timedelta(minutes=10)  # gov-kz: session headers older are renewed
    # A lead paragraph ending so starts an article of its own ("" turns splitting off).
    glue_marker: str = GLUE_MARKER
    headers: dict[str, str] = Field(default_factory=dict)  # sent with every request
    # Hosts besides the listing's own that its links may make Herald fetch (article pages).
    follow_hosts: tuple[str, ...] = ()

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
        if value not in KINDS:
            raise ValueError(f'unknown kind "{value}"; use one of {", ".join(KINDS)}')
        return value

    @model_validator(mode="before")
    @classmethod
    def _portal_default(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("kind") == "gov-kz" and "url" not in data:
            return {**data, "url": "https://www.gov.kz"}
        return data

    @model_validator(mode="after")
    def _kind_settings(self) -> SourceSettings:
        needs = {"html": ("html", self.html), "json": ("json", self.json_fields)}
        if self.kind in needs and needs[self.kind][1] is None:
            raise ValueError(f'kind "{self.kind}" needs a [sources.{self.kind}] table')
        if self.kind == "gov-kz" and not self.project:
            raise ValueError('kind "gov-kz" needs project, e.g. project = "mfa"')
        if self.languages and self.kind != "gov-kz":
            raise ValueError('languages is read by kind "gov-kz" only')
        return self

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
        return language_code(value, example='"en" or "pt-BR"')

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("a language is listed twice")
        return tuple(language_code(code, example='"ru"') for code in value)

    @field_validator("tokens")
    @classmethod
    def _token_mode(cls, value: str) -> str:
        if value not in TOKEN_MODES:
            raise ValueError(f'unknown tokens "{value}"; use one of {", ".join(TOKEN_MODES)}')
        return value

    @field_validator("token_ttl", mode="before")
    @classmethod
    def _ttl(cls, value: Any) -> Any:
        if isinstance(value, str):
            return parse_duration(value)
        raise ValueError(f'{value!r} is not an interval; write e.g. "10m"')

    @property
    def editions(self) -> tuple[str, ...]:
        """The languages this source is read in, its own `language` first."""
        return (self.language, *(code for code in self.languages if code != self.language))

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
    store: StoreSettings = StoreSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    feeds: FeedSettings = FeedSettings()
    serve: ServeSettings = ServeSettings()
    fetch: FetchSettings = FetchSettings()
    translate: TranslateSettings = TranslateSettings()
    websub: WebSubSettings = WebSubSettings()
    classify: ClassifySettings = ClassifySettings()
    browser: BrowserSettings = BrowserSettings()
    sources: tuple[SourceSettings, ...] = ()

    @model_validator(mode="after")
    def _unique_sources(self) -> Settings:
        if not self.sources:
            raise ValueError(
                "no sources: add a [[sources]] table with id, name, kind and url "
                "(see README.md, Configuration)"
            )
        seen: set[str] = set()
        for source in self.sources:
            if source.id in seen:
                raise ValueError(f'source id "{source.id}" is used twice; ids must be unique')
            seen.add(source.id)
        return self


_SECTIONS: dict[str, type[BaseModel]] = {
    "site": SiteSettings,
    "paths": PathSettings,
    "store": StoreSettings,
    "schedule": ScheduleSettings,
    "feeds": FeedSettings,
    "serve": ServeSettings,
    "fetch": FetchSettings,
    "translate": TranslateSettings,
    "websub": WebSubSettings,
    "classify": ClassifySettings,
    "browser": BrowserSettings,
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
        valid = ", ".join(f.alias or n for n, f in model.model_fields.items() if n != "config_path")
        name = fields[-1] if fields else loc[-1]
        return f'{where}: unknown key "{name}"; valid keys are {valid}'
    if error["type"] == "missing":
        return f'{where}: field "{loc[-1]}" is required'
    if fields:
        return f'{where}, field "{".".join(str(f) for f in fields)}": {message}'
    if loc:
        return f'{where}, field "{loc[0]}": {message}'
    return f"{where}: {message}"
