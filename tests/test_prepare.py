"""What Herald settles before an engine sees a text: names, terms and headline casing."""

from __future__ import annotations

from pathlib import Path

import pytest

from herald.classify import load_country_rules
from herald.errors import ConfigError
from herald.settings import load_settings
from herald.translate.glossary import Glossary
from herald.translate.prepare import (
    Names,
    mid_sentence_capitals,
    name_table,
    prepare,
    restore,
    sentence_case,
)
from herald.translate.texts import Translator

from .conftest import ROOT, SAMPLE, bulletin_source, write_config

RULES = load_country_rules(ROOT / "config" / "countries.toml")
TERMS = {"Middle Corridor": "Corredor Medio", "Foreign Minister": "ministro de Asuntos Exteriores"}
NAMES = Names.build("es", name_table("es", RULES, TERMS, ["Kassym-Jomart Tokayev"]))


def test_countries_organizations_places_and_terms_come_back_in_spanish() -> None:
    text = (
        "The Foreign Minister met envoys of the Dominican Republic, the Republic of Korea and "
        "WIPO in Tbilisi to discuss the Middle Corridor with Kassym-Jomart Tokayev."
    )
    prepared = prepare(text, NAMES, "word")
    assert "Dominican" not in prepared.sent and "Hgzn" in prepared.sent
    # An engine that keeps unknown words as they are (as Apertium does) gives them back:
    answer = restore(prepared.sent, prepared)
    assert "ministro de Asuntos Exteriores" in answer
    assert "la República Dominicana" in answer and "Corea del Sur" in answer
    assert "OMPI" in answer and "Tiflis" in answer and "Corredor Medio" in answer
    assert "Kassym-Jomart Tokayev" in answer  # the glossary: never translated


def test_tag_placeholders_for_engines_that_keep_markup() -> None:
    prepared = prepare("Talks with Kazakhstan", NAMES, "tag")
    assert prepared.sent == 'Talks with <i data-herald-name="0"></i>'
    assert restore('Conversaciones con <i data-herald-name="0"></i>', prepared) == (
        "Conversaciones con Kazajistán"
    )
    assert restore('Con <i data-herald-name="7"></i>', prepared) == "Con "  # made up: dropped


def test_only_whole_words_and_never_a_persons_name() -> None:
    assert prepare("Omanis and Jordan Henderson", NAMES, "word").targets == ()
    assert prepare("Kazakhstani firms", NAMES, "word").targets == ()
    assert prepare("Georgia and Jordan", NAMES, "word").targets == ()  # also first names
    assert prepare("Omani dates from Oman", NAMES, "word").targets == ("Omán",)


def test_a_title_case_headline_is_put_in_sentence_case() -> None:
    keep = mid_sentence_capitals(["Compatriots met Nauryz guests in Almaty. Music played."])
    assert keep >= {"Nauryz", "Almaty"} and "Music" not in keep
    title = "Diaspora Celebrates Nauryz in Almaty with Visa-Free Guests from the EU"
    assert sentence_case(title, keep) == (
        "Diaspora celebrates Nauryz in Almaty with visa-free guests from the EU"
    )
    # Not Title Case: left alone.
    assert sentence_case("Talks on trade held in Astana", keep) == "Talks on trade held in Astana"
    prepared = prepare("Kazakhstan And Oman Sign Agreements", NAMES, "word", title=True)
    assert prepared.sent == "Hgzn0z and Hgzn1z sign agreements"
    # Apertium capitalizes the first word it knows; after a leading name it is no capital.
    assert (
        restore("Hgzn0z Y Hgzn1z firman acuerdos", prepared) == "Kazajistán y Omán firman acuerdos"
    )


def test_keys_change_only_where_something_is_settled() -> None:
    class Engine:
        name = "apertium"
        glossary_style = "word"

    plain = Translator(Engine(), Glossary([]), ("es",), ("title",), 1000)  # type: ignore[arg-type]
    settled = Translator(  # type: ignore[arg-type]
        Engine(), Glossary([]), ("es",), ("title",), 1000, {"es": NAMES}
    )
    untouched = "talks on trade held in the capital"
    assert settled.key("en", "summary", untouched, "es") == plain.key("en", "summary", untouched)
    named = "talks with Kazakhstan"
    assert settled.key("en", "summary", named, "es") != plain.key("en", "summary", named)


def test_terms_in_the_configuration(tmp_path: Path) -> None:
    extra = (
        '[translate]\ntargets = ["es"]\n[translate.terms.es]\n"Middle Corridor" = "Corredor Medio"'
    )
    settings = load_settings(write_config(tmp_path, [bulletin_source(SAMPLE)], extra=extra))
    assert settings.translate.terms == {"es": {"Middle Corridor": "Corredor Medio"}}
    bad = '[translate]\ntargets = ["es"]\n[translate.terms.es]\n"Middle Corridor" = ""'
    with pytest.raises(ConfigError, match=r"terms\.es\] \"Middle Corridor\": give a phrase"):
        load_settings(write_config(tmp_path, [bulletin_source(SAMPLE)], extra=bad))


def test_spanish_articles_contract_after_a_name_is_put_in() -> None:
    prepared = prepare("Kazakhstan reports to the UN Human Rights Council", NAMES, "word")
    answer = restore("Hgzn0z informa a Hgzn1z", prepared)
    assert answer == "Kazajistán informa al Consejo de Derechos Humanos de la ONU"
    cairo = prepare("Flights to Cairo", NAMES, "word")
    assert restore("Vuelos a Hgzn0z", cairo) == "Vuelos a El Cairo"  # a name's own article


def test_the_article_agrees_with_the_name_behind_a_placeholder() -> None:
    text = "The WIPO office and the European Union met the EU envoys."
    prepared = prepare(text, NAMES, "word")
    answer = restore(prepared.sent, prepared)
    assert answer.startswith("La OMPI office")  # an acronym: its name's article
    assert "la Unión Europea" in answer and "la UE" in answer


def test_adjectives_the_engine_lacks_are_sent_as_ones_it_knows() -> None:
    """Apertium has no "Kazakh": it gets "Polish" (or the next one the text does not
    hold), and its forms of that one come back as the missing one's."""
    prepared = prepare("Kazakh and Uzbek envoys met Polish firms.", NAMES, "word")
    assert prepared.sent == "Swedish and Austrian envoys met Polish firms."
    answer = "Suecos y enviados austriacos cumplieron empresas polacas."
    assert restore(answer, prepared) == "Kazajos y enviados uzbekos cumplieron empresas polacas."
    # A name Herald put in is never taken for a stand-in's form.
    prepared = prepare("Kazakh envoys in Sweden", NAMES, "word")
    assert prepared.sent.startswith("Polish envoys in Hgzn0z")
    assert restore("Enviados polacos en Hgzn0z", prepared) == "Enviados kazajos en Suecia"
    # Not a part of a longer word, and not for engines that know the word themselves.
    assert prepare("Kazakhstan and the Kazakhs", NAMES, "word").swaps == ()
    assert prepare("Kazakh envoys", NAMES, "tag").sent == "Kazakh envoys"


def test_apertium_places_and_inflects_the_adjective_it_lacks() -> None:
    from herald.translate.apertium import Apertium

    texts = ["Citizens can apply for Kazakh visas.", "An exhibition of Kazakh carpets opened."]
    prepared = [prepare(text, NAMES, "word") for text in texts]
    answers = Apertium().translate([p.sent for p in prepared], "en", "es")
    made = [restore(answer, p) for answer, p in zip(answers, prepared, strict=True)]
    assert "visados kazajos" in made[0] and "alfombras kazajas" in made[1], made
