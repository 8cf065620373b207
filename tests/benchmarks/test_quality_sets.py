"""The manifest of question sets: complete, every path real, every id known, bad ones refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.quality_sets import MANIFEST, load_manifest
from bot.core.curation.evaluate import load_questions
from bot.core.knowledge.load import load_knowledge

FIXTURES = MANIFEST.parent


def test_every_question_set_in_the_fixtures_is_listed_once() -> None:
    listed = [s.questions for s in load_manifest()]
    on_disk = {*FIXTURES.glob("*-questions.yaml"), *FIXTURES.glob("byo/*/questions.yaml"),
               *FIXTURES.glob("blind-byo/*/questions.yaml")}
    assert len(on_disk) >= 16
    assert sorted(listed) == sorted(path.resolve() for path in on_disk)


def test_every_set_loads_and_names_only_ids_of_its_knowledge_base() -> None:
    for question_set in load_manifest():
        kb, problems = load_knowledge(question_set.knowledge)
        assert kb is not None, (question_set.name, [str(p) for p in problems])
        questions = load_questions(question_set.questions)
        named = {item_id for q in questions for item_id in q.ids}
        assert named <= set(kb.ids), (question_set.name, sorted(named - set(kb.ids)))
        assert any(q.ids for q in questions) and any(not q.ids for q in questions)
        assert question_set.provenance


def test_sets_never_opened_while_tuning_stay_marked() -> None:
    untuned = {s.name for s in load_manifest() if not s.tuned}
    assert {"blind7", "blind10"} <= untuned


def test_the_shipped_knowledge_base_is_read_from_the_repository() -> None:
    by_name = {s.name: s for s in load_manifest()}
    root = MANIFEST.parents[2]
    assert by_name["dev"].knowledge == root / "knowledge"
    assert by_name["python-faq"].knowledge == FIXTURES / "byo" / "python-faq" / "knowledge"


GOOD = """\
  - name: one
    questions: q.yaml
    knowledge: kb
    provenance: written for this test
    tuned: false
    floors: {overall: 0.5, top1: 0.4, top3: 0.6, declined: 0.7}
"""


def test_a_good_manifest_reads_paths_relative_to_itself(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("sets:\n" + GOOD, encoding="utf-8")
    [only] = load_manifest(path)
    assert only.questions == tmp_path / "q.yaml"
    assert only.knowledge == tmp_path / "kb"
    assert (only.floors.overall, only.floors.top1, only.floors.top3,
            only.floors.declined) == (0.5, 0.4, 0.6, 0.7)
    assert only.tuned is False


@pytest.mark.parametrize(("text", "message"), [
    ("- 1\n", "expected a mapping with a 'sets' list"),
    ("sets:\n  - just text\n", "set 1: expected a mapping"),
    ("sets:\n" + GOOD.replace("    tuned: false\n", ""), "expected exactly the keys"),
    ("sets:\n" + GOOD.replace("tuned: false", "tuned: maybe"), "'tuned' must be true or false"),
    ("sets:\n" + GOOD.replace("top3: 0.6", "top3: 60"), "floor 'top3' must be a share"),
    ("sets:\n" + GOOD.replace("top1: 0.4, ", ""), "'floors' must give exactly"),
    ("sets:\n" + GOOD.replace("provenance: written for this test", "provenance: ''"),
     "'provenance' must be non-empty text"),
    ("sets:\n" + GOOD + GOOD, "set names used twice: one"),
])
def test_a_bad_manifest_is_refused_naming_what_is_wrong(tmp_path: Path, text: str,
                                                        message: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_manifest(path)
