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
HELD_OUT = DATA / "labelled" / "held-out-en.json"
CONFIG = ROOT / "config" / "herald.toml"


def test_labelled_set_is_large_and_covers_every_topic() -> None:
    """English: a tuning part and a held-out part, over 200 entries and 80 countries
    together, every topic in each part, traps (forbidden tags) in both."""
    tuning = json.loads(LABELS.read_text(encoding="utf-8"))
    held_out = json.loads(HELD_OUT.read_text(encoding="utf-8"))
    assert (tuning["part"], held_out["part"]) == ("tuning", "held-out")
    entries = tuning["entries"] + held_out["entries"]
    assert len(entries) >= 200
    assert len({c for entry in entries for c in entry["countries"]}) >= 80
    for part in (tuning, held_out):
        assert len({t for entry in part["entries"] for t in entry["topics"]}) == 14
        assert sum(1 for entry in part["entries"] if entry["forbidden"]) >= 10
    assert not {e["title"] for e in tuning["entries"]} & {e["title"] for e in held_out["entries"]}


def test_recall_and_no_forbidden_tag() -> None:
    result = evaluate(LABELS, load(CONFIG).classifier)
    for family, score in result.scores.items():
        assert score.recall >= 0.95 and score.precision >= 0.95, (family, result.table())
    assert result.forbidden == [], result.table()


def test_acceptable_tags_count_neither_way(tmp_path: Path) -> None:
    """A tag listed as acceptable is neither a miss when absent nor wrong when given."""
    data = json.loads(LABELS.read_text(encoding="utf-8"))
    shutil.copy(LABELS.parent / data["listing"], tmp_path / data["listing"])
    [entry] = [
        e for e in data["entries"] if e["title"] == "Flemish Companies Invest in Kazakh Logistics"
    ]
    strict = tmp_path / "labels.json"
    classifier = load(CONFIG).classifier
    entry["countries"] = []
    strict.write_text(json.dumps(data), encoding="utf-8")
    assert evaluate(strict, classifier).scores["country"].fp == 1
    entry["acceptable"] = ["country:BE"]
    strict.write_text(json.dumps(data), encoding="utf-8")
    assert evaluate(strict, classifier).scores["country"].fp == 0
    before = evaluate(LABELS, classifier).scores
    entry["countries"], entry["topics"] = ["BE"], [*entry["topics"], "health"]
    entry["acceptable"] = ["country:BE", "topic:health"]
    strict.write_text(json.dumps(data), encoding="utf-8")
    after = evaluate(strict, classifier).scores
    assert (after["country"].fn, after["topic"].fn) == (before["country"].fn, before["topic"].fn)
    assert after["country"].tp == before["country"].tp - 1  # BE counts neither way


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
    """Written before the rules and the topic model were last tuned, never tuned on
    (README: Classification)."""
    result = evaluate(HELD_OUT, load(CONFIG).classifier)
    assert len(result.forbidden) <= HELD_OUT_FORBIDDEN, result.table()
    for family, score in result.scores.items():
        assert score.recall >= HELD_OUT_MARKS["en"][family], (family, result.table())
        assert score.precision >= 0.93, (family, result.table())


def test_eval_reports_both_parts() -> None:
    runner = CliRunner()
    done = runner.invoke(cli, ["eval", str(LABELS), str(HELD_OUT), "--config", str(CONFIG)])
    headings = [line for line in done.stdout.splitlines() if line.startswith("== ")]
    assert headings == [
        "== labels.json: tuning part, en, 135 entries",
        "== held-out-en.json: held-out part, en, 74 entries",
    ]
    assert done.exit_code == (1 if "forbidden:" in done.stdout else 0)


# Recall on the held-out parts as last measured (README), kept from falling; below the
# classification issue's targets. The English part's one forbidden tag: "eastern Congo"
# read as the Republic of the Congo.
HELD_OUT_MARKS = {
    "en": {"country": 1.0, "organization": 0.92, "topic": 0.74},
    "ru": {"country": 0.94, "organization": 0.66, "topic": 0.71},
    "kk": {"country": 1.0, "organization": 0.5, "topic": 0.9},
}
HELD_OUT_FORBIDDEN = 1
