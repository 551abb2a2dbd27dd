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

# (recall, precision) per family on each held-out part as last measured (README), kept
# from falling.
HELD_OUT_MARKS = {
    "held-out-en.json": {
        "country": (1.0, 1.0),
        "organization": (1.0, 1.0),
        "topic": (0.86, 0.91),
    },
    "held-out-ru.json": {"country": (1.0, 1.0), "organization": (1.0, 1.0), "topic": (0.76, 1.0)},
    "held-out-kk.json": {"country": (1.0, 1.0), "organization": (1.0, 1.0), "topic": (0.9, 1.0)},
    "held-out-2-en.json": {
        "country": (1.0, 1.0),
        "organization": (1.0, 1.0),
        "topic": (0.87, 0.95),
    },
    "held-out-2-ru.json": {
        "country": (1.0, 1.0),
        "organization": (1.0, 1.0),
        "topic": (1.0, 0.91),
    },
    "held-out-2-kk.json": {"country": (1.0, 1.0), "organization": (1.0, 1.0), "topic": (0.75, 1.0)},
    "held-out-3-en.json": {
        "country": (1.0, 1.0),
        "organization": (1.0, 1.0),
        "topic": (0.94, 0.97),
    },
    "held-out-3-ru.json": {"country": (1.0, 1.0), "organization": (1.0, 1.0), "topic": (0.9, 1.0)},
    "held-out-4-en.json": {
        "country": (1.0, 0.95),
        "organization": (1.0, 1.0),
        "topic": (0.93, 0.93),
    },
    "held-out-4-ru.json": {"country": (1.0, 1.0), "organization": (1.0, 1.0), "topic": (1.0, 1.0)},
    "held-out-4-kk.json": {
        "country": (1.0, 1.0),
        "organization": (1.0, 1.0),
        "topic": (0.87, 0.87),
    },
    "held-out-5-en.json": {
        "country": (0.93, 0.96),
        "organization": (0.85, 1.0),
        "topic": (1.0, 0.97),
    },
    "held-out-5-ru.json": {"country": (1.0, 1.0), "organization": (1.0, 1.0), "topic": (1.0, 1.0)},
    "held-out-5-kk.json": {"country": (1.0, 1.0), "organization": (1.0, 1.0), "topic": (1.0, 1.0)},
    "held-out-6-en.json": {"country": (1.0, 1.0), "organization": (1.0, 1.0), "topic": (1.0, 1.0)},
    "held-out-6-ru.json": {"country": (1.0, 1.0), "organization": (1.0, 1.0), "topic": (1.0, 1.0)},
    "held-out-6-kk.json": {"country": (1.0, 1.0), "organization": (1.0, 1.0), "topic": (0.85, 1.0)},
    "held-out-7-en.json": {
        "country": (1.0, 1.0),
        "organization": (1.0, 1.0),
        "topic": (0.96, 0.96),
    },
    "held-out-7-ru.json": {"country": (1.0, 1.0), "organization": (1.0, 1.0), "topic": (1.0, 0.92)},
    "held-out-7-kk.json": {"country": (1.0, 1.0), "organization": (1.0, 1.0), "topic": (1.0, 1.0)},
    "held-out-8-en.json": {
        "country": (1.0, 0.96),
        "organization": (1.0, 1.0),
        "topic": (0.96, 1.0),
    },
    "held-out-8-ru.json": {"country": (1.0, 1.0), "organization": (1.0, 1.0), "topic": (0.9, 1.0)},
    "held-out-8-kk.json": {"country": (1.0, 1.0), "organization": (1.0, 1.0), "topic": (0.87, 1.0)},
}


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
def test_russian_and_kazakh_tuning_parts_reach_the_targets(language: str, size: int) -> None:
    """The rules were written alongside the tuning parts."""
    tuning = DATA / "labelled" / f"labels-{language}.json"
    data = json.loads(tuning.read_text(encoding="utf-8"))
    assert data["language"] == language and len(data["entries"]) >= size
    result = evaluate(tuning, load(CONFIG).classifier)
    for family, score in result.scores.items():
        assert score.recall >= 0.95 and score.precision >= 0.95, (family, result.table())
    assert result.forbidden == [], result.table()


@pytest.mark.parametrize("name", sorted(HELD_OUT_MARKS))
def test_held_out_parts_keep_their_marks(name: str) -> None:
    """Each held-out part was written before the rules and the topic model were last
    changed, and is never tuned on. Its marks are the scores measured then (README:
    Classification), kept from falling; they are below the classification issue's
    targets."""
    result = evaluate(DATA / "labelled" / name, load(CONFIG).classifier)
    assert result.forbidden == [], result.table()
    for family, (recall, precision) in HELD_OUT_MARKS[name].items():
        score = result.scores[family]
        assert score.recall >= recall, (family, result.table())
        assert score.precision >= precision, (family, result.table())


def test_eval_reports_both_parts() -> None:
    runner = CliRunner()
    done = runner.invoke(cli, ["eval", str(LABELS), str(HELD_OUT), "--config", str(CONFIG)])
    headings = [line for line in done.stdout.splitlines() if line.startswith("== ")]
    assert headings == [
        "== labels.json: tuning part, en, 232 entries",
        "== held-out-en.json: held-out part, en, 74 entries",
    ]
    assert done.exit_code == (1 if "forbidden:" in done.stdout else 0)
