"""Building the configured engine, and checking its language pairs when the config loads."""

from __future__ import annotations

from collections.abc import Mapping

from herald.classify.countries import CountryRules
from herald.errors import ConfigError
from herald.settings import Settings
from herald.translate import Engine
from herald.translate.apertium import Apertium
from herald.translate.glossary import Glossary
from herald.translate.prepare import Names, name_table
from herald.translate.texts import Translator
from herald.translate.web import DeepL, LibreTranslate, OpenAIChat


def build_translator(
    settings: Settings, environment: Mapping[str, str], rules: CountryRules | None = None
) -> Translator | None:
    """The translator [translate] asks for, or None when it lists no targets.

    Raises ConfigError for a missing API key or a language pair the engine cannot do, so
    that such a mistake stops Herald at start, not in the middle of a run.
    """
    cfg = settings.translate
    if not cfg.targets:
        return None
    where = f"{settings.config_path}, [translate]"
    key = None
    if cfg.api_key_env:
        key = environment.get(cfg.api_key_env)
        if not key:
            raise ConfigError(
                f"{where}: the environment variable {cfg.api_key_env} (api_key_env) is not set"
            )
    engine: Engine
    if cfg.engine == "apertium":
        engine = Apertium(cfg.url or "apertium", cfg.timeout)
    elif cfg.engine == "libretranslate":
        engine = LibreTranslate(str(cfg.url), key, cfg.timeout)
    elif cfg.engine == "deepl":
        engine = DeepL(str(cfg.url), key, cfg.timeout)
    else:
        engine = OpenAIChat(str(cfg.url), key, str(cfg.model), cfg.timeout)
    problems = sorted(
        {
            problem
            for source in settings.sources
            for target in cfg.targets
            if source.language != target
            and (problem := engine.check_pair(source.language, target)) is not None
        }
    )
    if problems:
        raise ConfigError("\n".join(f"{where}: {p}" for p in problems))
    names = {
        target: Names.build(
            target,
            name_table(target, rules or CountryRules({}), cfg.terms.get(target, {}), cfg.glossary),
        )
        for target in cfg.targets
    }
    return Translator(engine, Glossary(cfg.glossary), cfg.targets, cfg.fields, cfg.max_chars, names)
