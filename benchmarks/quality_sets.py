"""Read the manifest of labelled question sets (tests/fixtures/quality.yaml) into records."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "tests" / "fixtures" / "quality.yaml"
FIGURES = ("overall", "top1", "top3", "declined")


@dataclass(frozen=True, slots=True)
class Floors:
    """The least each figure may be (shares in [0, 1]): what the quality gate enforces."""

    overall: float
    top1: float
    top3: float
    declined: float


@dataclass(frozen=True, slots=True)
class QuestionSet:
    """A question file, the knowledge folder it is asked of, where it came from, and its floors."""

    name: str
    questions: Path
    knowledge: Path
    provenance: str
    tuned: bool
    floors: Floors


def load_manifest(path: Path = MANIFEST) -> list[QuestionSet]:
    """Every set of the manifest; raise ValueError naming the set and field that is wrong.
    Paths are relative to the manifest's folder."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("sets"), list):
        raise ValueError(f"{path}: expected a mapping with a 'sets' list")
    sets = [_question_set(path, n, item) for n, item in enumerate(data["sets"], start=1)]
    names = [s.name for s in sets]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ValueError(f"{path}: set names used twice: {', '.join(twice)}")
    return sets


def _question_set(path: Path, n: int, item: Any) -> QuestionSet:
    where = f"{path}: set {n}"
    if not isinstance(item, dict):
        raise ValueError(f"{where}: expected a mapping")
    keys = {"name", "questions", "knowledge", "provenance", "tuned", "floors"}
    if set(item) != keys:
        raise ValueError(f"{where}: expected exactly the keys {', '.join(sorted(keys))}")
    name = item["name"]
    if not isinstance(name, str) or not name:
        raise ValueError(f"{where}: 'name' must be non-empty text")
    where = f"{path}: set {name!r}"
    for key in ("questions", "knowledge", "provenance"):
        if not isinstance(item[key], str) or not item[key].strip():
            raise ValueError(f"{where}: {key!r} must be non-empty text")
    if not isinstance(item["tuned"], bool):
        raise ValueError(f"{where}: 'tuned' must be true or false")
    floors = item["floors"]
    if not isinstance(floors, dict) or set(floors) != set(FIGURES):
        raise ValueError(f"{where}: 'floors' must give exactly {', '.join(FIGURES)}")
    for key, value in floors.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise ValueError(f"{where}: floor {key!r} must be a share between 0 and 1")
    folder = path.parent
    return QuestionSet(
        name=name,
        questions=(folder / item["questions"]).resolve(),
        knowledge=(folder / item["knowledge"]).resolve(),
        provenance=" ".join(item["provenance"].split()),
        tuned=item["tuned"],
        floors=Floors(**{key: float(floors[key]) for key in FIGURES}),
    )
