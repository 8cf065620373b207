"""Phrasing fit: which phrasings are compared, digests, and the fit itself. No mocks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.knowledge.models import Entry, KnowledgeBase
from bot.core.matching.fit import Digest, PhraseFitter, bits_of
from bot.core.matching.index import Item, Phrase
from bot.core.matching.matcher import Matcher
from bot.core.matching.weights import Weights
from bot.core.memo import BuildMemory, Memo

PHRASINGS_COMPARED = Weights().phrasings


def gizmo_matcher() -> Matcher:
    fillers = tuple(f"gizmo filler number {n}" for n in range(PHRASINGS_COMPARED + 4))
    return Matcher.build(KnowledgeBase(entries=(
        Entry(id="gizmo", title="Gizmo", answer="All about the gizmo.",
              questions=(*fillers, "does the gizmo need a flux capacitor")),
        Entry(id="kettle", title="Kettle care", answer="Descale it.",
              questions=("how do i clean a kettle",)),
    )))


def test_the_phrasings_sharing_the_most_weight_are_compared_earliest_first_among_equals() -> None:
    matcher = gizmo_matcher()
    item = matcher.index.items[0]
    sharing = PhraseFitter().sharing(matcher.reader.read("gizmo flux capacitor"), item)
    flux = next(n for n, p in enumerate(item.phrases) if "flux" in p.text)
    assert flux in sharing
    assert len(sharing) == PHRASINGS_COMPARED
    assert sharing == sorted(sharing)
    # The others tie on "gizmo": the earliest of them fill the remaining places.
    assert [n for n in sharing if n != flux] == sorted(
        n for n, p in enumerate(item.phrases) if "gizmo" in p.stems and n != flux
    )[: PHRASINGS_COMPARED - 1]


def test_fit_finds_the_nearest_phrasing() -> None:
    matcher = gizmo_matcher()
    fit, phrase = PhraseFitter().fit(matcher.reader.read("does a gizmo need a flux capacitor?"),
                                     matcher.index.items[0])
    assert phrase is not None and "flux capacitor" in phrase.text
    assert fit > 0.9


def test_digest_and_bits_summarise_a_phrasing() -> None:
    matcher = gizmo_matcher()
    item = matcher.index.items[0]
    phrase = item.phrases[-1]
    digest = Digest.of(phrase)
    assert digest.stems == frozenset(phrase.stems)
    assert sum(digest.stem_weight.values()) == pytest.approx(sum(phrase.weights))
    bits = bits_of(item)
    assert all(bits[f] >> n & 1 for f, numbers in item.by_feature.items() for n in numbers)


def test_fitters_sharing_a_memory_share_the_digests_of_equal_phrasings() -> None:
    first, second = (gizmo_matcher().index.items[0] for _ in range(2))
    assert first is not second and first.phrases == second.phrases
    shared = BuildMemory().digests

    def digests(item: Item, memo: Memo[Phrase, Digest] | None) -> list[Digest]:
        fitter = PhraseFitter([item], memo)
        return [fitter._digests[id(p)] for p in item.phrases]

    assert all(a is b for a, b in zip(digests(first, shared), digests(second, shared),
                                      strict=True))
    assert not any(a is b for a, b in zip(digests(first, None), digests(second, None),
                                          strict=True))


EXPLAINED = """
import sys
from pathlib import Path
from bot.core.curation.evaluate import load_questions
from bot.core.knowledge.load import load_knowledge
from bot.settings import SHIPPED_KNOWLEDGE
from bot.core.matching.matcher import Matcher
matcher = Matcher.build(load_knowledge(SHIPPED_KNOWLEDGE)[0])
questions = [q.text for q in load_questions(Path(sys.argv[1]))]
questions.append("can someone remove the safety training from a downloaded model")
for question in questions:
    print(repr(matcher.explain(question, 3)))
"""


def test_fits_and_closest_phrasings_are_the_same_in_every_process() -> None:
    # A set of strings iterates in an order that changes with the hash seed; the fit's sums
    # must not (under one seed, another phrasing of the same fit was named the closest).
    root = Path(__file__).resolve().parents[3]
    questions = root / "tests" / "fixtures" / "dev-questions.yaml"
    outputs = [subprocess.run([sys.executable, "-c", EXPLAINED, str(questions)], cwd=root,
                              env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True,
                              text=True, check=True, timeout=120).stdout
               for seed in ("1", "2", "3")]
    assert outputs[0].count("Candidate(") > 100
    assert outputs[1] == outputs[0] and outputs[2] == outputs[0]
