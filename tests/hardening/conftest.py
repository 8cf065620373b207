"""The hardening tests use the Discord layer's `harness` (a real FaqBot against FakeDiscord)."""

from __future__ import annotations

from typing import Any

import pytest
from faqbot_harness import harness, knowledge_dir

__all__ = ["harness", "knowledge_dir"]


@pytest.fixture
def settings_changes() -> dict[str, Any]:
    """No cooldown in the way: these tests ask many questions as one member."""
    return {"cooldown_rate": 10_000}
