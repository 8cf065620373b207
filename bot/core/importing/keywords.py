"""A section's most distinctive words: frequent in it, rare in the other sections imported.

The title is already matched as a phrasing, so keywords add what it does not say: words of
the body (those in code count double: they are the names members type), scored by tf-idf with
the rarity squared, so that a word every section uses never wins by being frequent.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter

from bot.core.matching.english import is_english, is_everyday
from bot.core.matching.text import STOP_WORDS

KEYWORDS = 12
CODE_WEIGHT = 2
_WORD = re.compile(r"[a-z][a-z0-9]*")  # words as the matcher splits them
_ADDRESS = re.compile(r"https?://[^\s)>]+")
_CODE = re.compile(r"```[^\n]*\n(.*?)```|`([^`\n]+)`", re.DOTALL)
_MIN_LENGTH = 3
# How much an English word says about a section, against a term of the trade ("matrix",
# "asyncio"): an everyday word ("show", "certainly") nothing, another common one little.
EVERYDAY_WORTH = 0.0
ENGLISH_WORTH = 0.5


def _telling(word: str) -> float:
    if is_everyday(word):
        return EVERYDAY_WORTH
    return ENGLISH_WORTH if is_english(word) else 1.0


def words(text: str) -> list[str]:
    """Lower-case words of at least three letters, not stop words, web addresses left out."""
    return _Words().of(text)


class _Words:
    """`words` for many texts, deciding each distinct word once."""

    def __init__(self) -> None:
        self.kept: dict[str, bool] = {}

    def of(self, text: str) -> list[str]:
        kept = self.kept
        out = []
        for word in _WORD.findall(_ADDRESS.sub(" ", text.lower())):
            keep = kept.get(word)
            if keep is None:
                keep = kept[word] = len(word) >= _MIN_LENGTH and word not in STOP_WORDS
            if keep:
                out.append(word)
        return out


def distinctive(documents: list[tuple[str, str]], count: int = KEYWORDS) -> list[list[str]]:
    """For each (title, body) pair, the `count` most distinctive words of the body that are
    not in the title; ties by first appearance."""
    splitter = _Words()
    bags: list[Counter[str]] = []
    for title, body in documents:
        bag: Counter[str] = Counter(splitter.of(body))
        for found in _CODE.finditer(body):
            for word in splitter.of(found.group(1) or found.group(2) or ""):
                bag[word] += CODE_WEIGHT - 1
        for word in splitter.of(title):
            bag.pop(word, None)
        bags.append(bag)
    frequency: Counter[str] = Counter(word for bag in bags for word in bag)
    total = len(bags)
    rarity = {word: math.log((1 + total) / seen) ** 2 * _telling(word)
              for word, seen in frequency.items()}
    return [heapq.nsmallest(count, bag, key=lambda word: -(1 + math.log(bag[word])) * rarity[word])
            for bag in bags]
