"""Write src/herald/classify/russian-forms.tsv: every Russian name and phrase of the shipped
rules (config/countries.toml with CLDR's Russian country names, the places of places.tsv,
config/topics.toml) in each of its cases, as pymorphy3 declines them, so that Herald with
those rules never loads pymorphy3's dictionary.

Run after changing a Russian name in the shipped rules or the places (a test says when):
.venv/bin/python tools/russian_forms.py
"""

from __future__ import annotations

from pathlib import Path

from herald.classify import load_country_rules, load_topic_rules
from herald.classify.countries import declined_names
from herald.classify.forms import write_forms
from herald.classify.topics import declined_phrases

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    names = declined_names(load_country_rules(ROOT / "config" / "countries.toml"))
    phrases = declined_phrases(load_topic_rules(ROOT / "config" / "topics.toml"))
    print(f"russian-forms.tsv: {write_forms([*names, *phrases])} names")


if __name__ == "__main__":
    main()
