"""Members ask through Discord with the semantic layer on: meaning finds what words miss."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from faqbot_harness import Harness
from test_admin import MANAGE_GUILD
from test_ask import buttons_of, embed_of

from bot.core.matching.semantic import FusedMatcher

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def knowledge_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "semantic" / "kb", folder)
    return folder


@pytest.fixture
def settings_changes(model_folder: Path) -> dict[str, Any]:
    return {"semantic": True, "semantic_model_path": model_folder}


async def test_a_question_in_other_words_is_answered(harness: Harness) -> None:
    assert isinstance(harness.library.current.matcher, FusedMatcher)
    record = await harness.slash("ask", {"question": "whats a boost, is it like a retweet"})
    assert embed_of(record)["title"] == "Server boosts"
    harness.assert_valid()


async def test_a_question_sharing_no_word_gets_did_you_mean(harness: Harness) -> None:
    record = await harness.slash("ask", {"question": "how can i pm a user"})
    assert embed_of(record)["title"] == "Did you mean…"
    labels = [b.get("label") for b in buttons_of(record)]
    assert labels[0] == "1. Sending direct messages"
    harness.assert_valid()


async def test_status_names_the_semantic_layer(harness: Harness) -> None:
    record = await harness.slash("kb status", permissions=MANAGE_GUILD)
    key = harness.library.current.matcher.semantic.model  # type: ignore[union-attr]
    assert f"**Matching:** lexical + semantic (`{key}`)" in embed_of(record)["description"]
    harness.assert_valid()
