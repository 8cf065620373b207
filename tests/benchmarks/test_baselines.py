"""Tuning a baseline's decline threshold and counting its figures as `faqbot eval` does."""

from __future__ import annotations

import math

from benchmarks.baselines import tune
from bot.core.curation.evaluate import EvalQuestion

QUESTIONS = [
    EvalQuestion("tea?", ("tea",)),
    EvalQuestion("coffee?", ("coffee",)),
    EvalQuestion("bike?", ("bike",)),
    EvalQuestion("weather?", ()),
    EvalQuestion("a joke?", ()),
]


def test_the_threshold_that_maximises_overall_is_chosen() -> None:
    ranked = [
        [("tea", 9.0), ("coffee", 1.0)],  # right, high
        [("coffee", 7.0)],  # right
        [("tea", 6.0), ("coffee", 5.0), ("bike", 4.0)],  # wrong first, right third
        [("tea", 3.0)],  # out of scope, low
        [("bike", 6.5)],  # out of scope, as high as an answer
    ]
    figures = tune(QUESTIONS, ranked)
    # At 7.0: tea and coffee answered right, bike declined (wrong anyway), both out of scope
    # declined: 4 of 5. No other threshold does better (at 6.5 the joke is answered).
    assert figures.threshold == 7.0
    assert figures.overall == 4 / 5
    assert figures.top1 == 2 / 3
    assert figures.top3 == 1.0
    assert figures.declined == 1.0


def test_a_tie_takes_the_lowest_threshold() -> None:
    ranked = [[("tea", 5.0)], [("coffee", 5.0)], [("bike", 5.0)], [], []]
    figures = tune(QUESTIONS, ranked)
    assert (figures.threshold, figures.overall) == (0.0, 1.0)  # a question with nothing ranked
    ranked = [[("tea", 5.0)], [("coffee", 4.0)], [("bike", 8.0)], [("tea", 2.0)], [("x", 3.0)]]
    assert tune(QUESTIONS, ranked).threshold == 4.0


def test_declining_everything_wins_when_every_answer_is_wrong() -> None:
    ranked = [[("coffee", 5.0), ("tea", 4.0)], [("tea", 6.0)], [("tea", 2.0)],
              [("tea", 1.0)], [("bike", 9.0)]]  # out of scope, above every answer
    figures = tune(QUESTIONS, ranked)
    assert math.isinf(figures.threshold or 0.0)
    assert (figures.overall, figures.top1, figures.declined) == (2 / 5, 0.0, 1.0)
    assert figures.top3 == 1 / 3  # ranked top-3 does not depend on the threshold
