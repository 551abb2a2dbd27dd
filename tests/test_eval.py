"""The labelled development set: recall per tag family, and no forbidden tag, ever."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

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
