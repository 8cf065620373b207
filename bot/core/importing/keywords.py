"""A section's most distinctive words: frequent in it, rare in the other sections imported.

The title is already matched as a phrasing, so keywords add what it does not say: words of
the body (those in code count double: they are the names members type), scored by tf-idf with
the rarity squared, so that a word every section uses never wins by being frequent.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from bot.core.normalize import is_stop

KEYWORDS = 10
CODE_WEIGHT = 2
_WORD = re.compile(r"[a-z][a-z0-9]*")  # words as the matcher splits them
_ADDRESS = re.compile(r"https?://[^\s)>]+")
_CODE = re.compile(r"```[^\n]*\n(.*?)```|`([^`\n]+)`", re.DOTALL)
_MIN_LENGTH = 3


def words(text: str) -> list[str]:
    """Lower-case words of at least three letters, not stop words, web addresses left out."""
    return [w for w in _WORD.findall(_ADDRESS.sub(" ", text.lower()))
            if len(w) >= _MIN_LENGTH and not is_stop(w)]


def distinctive(documents: list[tuple[str, str]], count: int = KEYWORDS) -> list[list[str]]:
    """For each (title, body) pair, the `count` most distinctive words of the body that are
    not in the title; ties by first appearance."""
    bags: list[Counter[str]] = []
    for title, body in documents:
        bag: Counter[str] = Counter(words(body))
        for found in _CODE.finditer(body):
            for word in words(found.group(1) or found.group(2) or ""):
                bag[word] += CODE_WEIGHT - 1
        for word in words(title):
            bag.pop(word, None)
        bags.append(bag)
    frequency: Counter[str] = Counter(word for bag in bags for word in bag)
    total = len(bags)

    def score(item: tuple[str, int]) -> float:
        word, count = item
        return (1 + math.log(count)) * math.log((1 + total) / frequency[word]) ** 2

    return [[word for word, _ in sorted(bag.items(), key=lambda item: -score(item))[:count]]
            for bag in bags]
