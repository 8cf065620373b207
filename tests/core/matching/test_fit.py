"""Phrasing fit: which phrasings are compared, digests, and the fit itself. No mocks."""

from __future__ import annotations

import pytest

from bot.core.matching.fit import Digest, PhraseFitter, bits_of
from bot.core.matching.index import Item, Phrase
from bot.core.matching.matcher import Matcher
from bot.core.matching.weights import Weights
from bot.core.memo import BuildMemory, Memo
from bot.core.models import Entry, KnowledgeBase

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
