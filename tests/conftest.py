"""Session fixtures: the shipped knowledge base, loaded and validated once, and its matcher."""

from __future__ import annotations

import pytest

from bot.core.knowledge import load_knowledge
from bot.core.matcher import Matcher
from bot.core.models import KnowledgeBase
from bot.settings import SHIPPED_KNOWLEDGE


@pytest.fixture(scope="session")
def shipped_kb() -> KnowledgeBase:
    kb, problems = load_knowledge(SHIPPED_KNOWLEDGE)
    assert [str(p) for p in problems] == []
    assert kb is not None
    return kb


@pytest.fixture(scope="session")
def shipped_matcher(shipped_kb: KnowledgeBase) -> Matcher:
    return Matcher.build(shipped_kb)
