"""Classification: the countries, organizations and topics an article is about, with evidence."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, Literal

import pycountry

from herald.classify.countries import (
    Context,
    CountryRules,
    CountryTagger,
    Organization,
    country_label,
)
from herald.classify.matching import article_text
from herald.classify.model import TopicModel, shipped_model
from herald.classify.topics import TopicRule, TopicRules, TopicTagger
from herald.errors import ConfigError
from herald.models import Article, TaggedArticle

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
WEIGHTS = {"weak": 0.5, "keywords": 1.0, "strong": 2.0}  # what a topic phrase weighs, by list

__all__ = ["Classifier", "country_label", "load_country_rules", "load_topic_rules"]


class Classifier:
    """Built once from the rule files; tags articles without touching anything else."""

    def __init__(
        self,
        countries: CountryRules,
        topics: TopicRules,
        home_country: str,
        model: TopicModel | Literal["shipped"] | None = "shipped",
    ) -> None:
        """`model`: the topic model that may confirm a topic the rules found too little
        evidence for (model.py); None for the rules alone."""
        self._countries = CountryTagger(countries, home_country)
        self.model = shipped_model() if model == "shipped" else model
        self._topics = TopicTagger(topics, self.model)
        self.topic_rules = topics
        self.organizations = tuple(o.slug for o in countries.organizations)

    def classify(self, article: Article) -> TaggedArticle:
        """The article with its country and topic tags."""
        text = article_text(article)
        tags = self._countries.tag(text) + self._topics.tag(text)
        return TaggedArticle(article, tuple(tags))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc


def _number(path: Path, where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"{path}, {where}: {value!r} is not a non-negative number")
    return float(value)


def _strings(path: Path, where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{path}, {where}: must be a list of non-empty strings")
    return tuple(value)


def load_country_rules(path: Path) -> CountryRules:
    """Read countries.toml: `threshold`, `ambiguous`, `ignore`, `[aliases]` of ISO code ->
    names, and `[organizations.<slug>]` tables with a label and names."""
    data = _read_toml(path)
    keys = {"threshold", "aliases", "organizations", "ambiguous", "ignore", "contexts"}
    unknown = set(data) - keys
    if unknown:
        raise ConfigError(
            f'{path}: unknown key "{sorted(unknown)[0]}"; '
            "use threshold, ambiguous, ignore, aliases, contexts, organizations"
        )
    aliases: dict[str, tuple[str, ...]] = {}
    for code, names in data.get("aliases", {}).items():
        if pycountry.countries.get(alpha_2=code) is None or code != code.upper():
            raise ConfigError(
                f'{path}, [aliases]: "{code}" is not an upper-case ISO 3166-1 alpha-2 code'
            )
        aliases[code] = _strings(path, f"[aliases] {code}", names)
    organizations = []
    for slug, table in data.get("organizations", {}).items():
        where = f"[organizations.{slug}]"
        _check_slug(path, slug, "organization")
        if not isinstance(table, dict) or not isinstance(table.get("label"), str):
            raise ConfigError(f'{path}, {where}: needs a "label" string')
        if set(table) - {"label", "names", "translations"}:
            raise ConfigError(f"{path}, {where}: use only label, names and translations")
        names = _strings(path, f"{where} names", table.get("names", []))
        translations = table.get("translations", {})
        if not isinstance(translations, dict) or not all(
            isinstance(by_name, dict) and all(isinstance(v, str) for v in by_name.values())
            for by_name in translations.values()
        ):
            raise ConfigError(
                f"{path}, {where}.translations: give a table per language of name = "
                'translation, e.g. [organizations.wipo.translations.es] WIPO = "OMPI"'
            )
        organizations.append(Organization(slug, table["label"], names, translations))
    return CountryRules(
        aliases,
        _number(path, "threshold", data.get("threshold", 2.0)),
        tuple(organizations),
        frozenset(_strings(path, "ambiguous", data.get("ambiguous", []))),
        _strings(path, "ignore", data.get("ignore", [])),
        _contexts(path, data.get("contexts", {})),
    )


def _contexts(path: Path, tables: Any) -> tuple[Context, ...]:
    """`[contexts.<name>]` tables: the country a name means in an article with any of the
    `when` words."""
    found = []
    for name, table in tables.items():
        where = f"[contexts.{name}]"
        if not isinstance(table, dict) or set(table) != {"country", "when"}:
            raise ConfigError(f"{path}, {where}: give country (a code) and when (a list)")
        code = table["country"]
        if not isinstance(code, str) or pycountry.countries.get(alpha_2=code) is None:
            raise ConfigError(f'{path}, {where}: "{code}" is not an ISO 3166-1 alpha-2 code')
        found.append(Context(name, code, _strings(path, f"{where} when", table["when"])))
    return tuple(found)


def _check_slug(path: Path, slug: str, what: str) -> None:
    if not _SLUG.match(slug):
        raise ConfigError(
            f'{path}: {what} slug "{slug}" is not valid; use lower-case letters, digits '
            'and "-" (it becomes a file name)'
        )


def load_topic_rules(path: Path) -> TopicRules:
    """Read topics.toml: `title_weight`, `min_score`, and one `[topics.<slug>]` per topic
    (its phrases in `weak`, `keywords` and `strong`, by weight)."""
    data = _read_toml(path)
    default_min = _number(path, "min_score", data.get("min_score", 2.0))
    topics = []
    for slug, table in data.get("topics", {}).items():
        where = f"[topics.{slug}]"
        _check_slug(path, slug, "topic")
        if not isinstance(table, dict) or not isinstance(table.get("label"), str):
            raise ConfigError(f'{path}, {where}: needs a "label" string')
        keys = {"label", "labels", "keywords", "strong", "weak", "negative", "min_score"}
        unknown = set(table) - keys
        if unknown:
            raise ConfigError(
                f'{path}, {where}: unknown key "{sorted(unknown)[0]}"; '
                "use label, labels, keywords, strong, weak, negative, min_score"
            )
        labels = table.get("labels", {})
        if not isinstance(labels, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in labels.items()
        ):
            raise ConfigError(
                f"{path}, {where} labels: give a label per language, "
                'e.g. labels = { es = "Salud" }'
            )
        phrases: dict[str, float] = {}
        for key, weight in WEIGHTS.items():  # a phrase in two lists weighs as the later one
            phrases |= dict.fromkeys(_strings(path, f"{where} {key}", table.get(key, [])), weight)
        topics.append(
            TopicRule(
                slug=slug,
                label=table["label"],
                labels=labels,
                phrases=phrases,
                negative=_strings(path, f"{where} negative", table.get("negative", [])),
                min_score=_number(path, f"{where} min_score", table.get("min_score", default_min)),
            )
        )
    if not topics:
        raise ConfigError(f"{path}: no topics; add a [topics.<slug>] table")
    return TopicRules(tuple(topics), _number(path, "title_weight", data.get("title_weight", 2.0)))
