"""The labelled development set: recall per tag family, and no forbidden tag, ever."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from herald.app import load
from herald.cli import cli
from herald.evaluate import evaluate

from .conftest import DATA, ROOT

LABELS = DATA / "labelled" / "labels.json"
CONFIG = ROOT / "config" / "herald.toml"


def test_labelled_set_is_large_and_covers_every_topic() -> None:
    data = json.loads(LABELS.read_text(encoding="utf-8"))
    assert len(data["entries"]) >= 40
    topics = {t for entry in data["entries"] for t in entry["topics"]}
    assert len(topics) == 14
    assert sum(1 for entry in data["entries"] if entry["forbidden"]) >= 20


def test_recall_and_no_forbidden_tag() -> None:
    result = evaluate(LABELS, load(CONFIG).classifier)
    for family, score in result.scores.items():
        assert score.recall >= 0.95, (family, result.table())
    assert result.forbidden == [], result.table()


def test_eval_command_prints_scores_and_fails_on_forbidden(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(cli, ["eval", str(LABELS), "--config", str(CONFIG)])
    assert ok.exit_code == 0, ok.output
    rows = {line.split()[0]: line.split()[1:3] for line in ok.stdout.splitlines()[1:4]}
    assert set(rows) == {"country", "organization", "topic"}
    assert all(float(recall) >= 0.95 for _, recall in rows.values())

    data = json.loads(LABELS.read_text(encoding="utf-8"))
    for entry in data["entries"]:
        if entry["title"] == "Flemish Companies Invest in Kazakh Logistics":
            entry["forbidden"] = ["country:BE"]
    shutil.copy(LABELS.parent / data["listing"], tmp_path / data["listing"])
    strict = tmp_path / "labels.json"
    strict.write_text(json.dumps(data), encoding="utf-8")
    bad = runner.invoke(cli, ["eval", str(strict), "--config", str(CONFIG)])
    assert bad.exit_code == 1
    assert 'forbidden: "Flemish Companies Invest in Kazakh Logistics" was given country:BE' in (
        bad.stdout
    )


@pytest.mark.parametrize(
    ("language", "size"),
    [("ru", 40), ("kk", 20)],
)
def test_russian_and_kazakh_sets_reach_their_marks(language: str, size: int) -> None:
    """The rules were written alongside the tuning part; the held-out part was written
    after they were frozen and is never tuned on. Its marks are today's scores (see
    README), kept from falling; they are below the targets of the classification issue."""
    classifier = load(CONFIG).classifier
    tuning = DATA / "labelled" / f"labels-{language}.json"
    data = json.loads(tuning.read_text(encoding="utf-8"))
    assert data["language"] == language and len(data["entries"]) >= size
    result = evaluate(tuning, classifier)
    for family, score in result.scores.items():
        assert score.recall >= 0.95 and score.precision >= 0.95, (family, result.table())
    assert result.forbidden == [], result.table()
    held_out = evaluate(DATA / "labelled" / f"held-out-{language}.json", classifier)
    assert held_out.forbidden == [], held_out.table()
    marks = HELD_OUT_MARKS[language]
    for family, score in held_out.scores.items():
        assert score.recall >= marks[family], (family, held_out.table())
        assert score.precision >= 0.95, (family, held_out.table())


def test_the_english_held_out_set_keeps_its_marks() -> None:
    """Written after the rules were frozen, never tuned on (README: Countries, …)."""
    result = evaluate(DATA / "labelled" / "held-out-en.json", load(CONFIG).classifier)
    assert result.forbidden == [], result.table()
    for family, score in result.scores.items():
        assert score.recall >= HELD_OUT_MARKS["en"][family], (family, result.table())
        assert score.precision >= 0.95, (family, result.table())


# Recall on the held-out parts when they were first scored.
HELD_OUT_MARKS = {
    "en": {"country": 1.0, "organization": 1.0, "topic": 0.77},
    "ru": {"country": 0.94, "organization": 0.66, "topic": 0.66},
    "kk": {"country": 1.0, "organization": 0.5, "topic": 0.8},
}
