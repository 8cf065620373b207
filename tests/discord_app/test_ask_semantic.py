"""Members ask through Discord with the semantic layer on: meaning finds what words miss."""

from __future__ import annotations

import asyncio
import logging
import shutil
import signal
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from fakediscord import DEFAULT_TOKEN, FakeDiscord
from faqbot_harness import Harness
from faqbot_process import start_faqbot
from test_admin import MANAGE_GUILD, run_deferred
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


def _vectors(harness: Harness) -> int:
    path = harness.bot.settings.database_path.parent / "vectors.sqlite3"
    with closing(sqlite3.connect(path)) as connection:
        return int(connection.execute("SELECT count(*) FROM vectors").fetchone()[0])


async def test_kb_reload_keeps_the_live_vectors_or_encodes_only_what_changed(
        harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    live = harness.library.current.matcher
    stored = _vectors(harness)
    path = harness.knowledge_dir / "community.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good + "  - id: [broken\n", encoding="utf-8")
    refused = embed_of(await run_deferred(harness, "kb reload", permissions=MANAGE_GUILD))
    assert refused["title"].startswith("Reload refused")
    assert harness.library.current.matcher is live  # the live knowledge base and its vectors
    record = await harness.slash("ask", {"question": "how can i pm a user"})
    assert buttons_of(record)[0].get("label") == "1. Sending direct messages"
    path.write_text(good.replace("      - how do i block someone\n",
                                 "      - how do i block someone\n"
                                 "      - how can i stop a spammer\n"), encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="bot.semantic.index"):
        reloaded = embed_of(await run_deferred(harness, "kb reload", permissions=MANAGE_GUILD))
    assert "Edited (1): blocking" in reloaded["description"]
    assert isinstance(harness.library.current.matcher, FusedMatcher)
    assert _vectors(harness) == stored + 1
    assert [r.getMessage() for r in caplog.records  # the one new question, nothing else
            if r.name == "bot.semantic.index"] == [
        f"semantic vectors: 1 text encoded, {stored} from the cache"]
    record = await harness.slash("ask", {"question": "how can i stop a spammer"})
    assert embed_of(record)["title"] == "Blocking a member"
    harness.assert_valid()


async def test_members_are_answered_while_a_reload_encodes(harness: Harness) -> None:
    # Encoding runs off the event loop: a reload that encodes 3,000 new texts (2 s here) does
    # not hold up an answer, which comes from the live knowledge base meanwhile.
    path = harness.knowledge_dir / "community.yaml"
    extra = "".join(f"  - id: extra-{n}\n    title: Extra topic {n}\n"
                    f"    answer: The answer about extra topic {n} and its part {n * 7}.\n"
                    f"    questions:\n      - what about extra thing {n} and detail {n * 3}\n\n"
                    for n in range(1000))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nout_of_scope:", "\n" + extra + "out_of_scope:"),
                    encoding="utf-8")
    live = harness.library.current
    reload = asyncio.create_task(run_deferred(harness, "kb reload", permissions=MANAGE_GUILD))
    await asyncio.sleep(0.05)  # the reload is under way
    record = await harness.slash("ask", {"question": "how can i pm a user"})
    assert buttons_of(record)[0].get("label") == "1. Sending direct messages"
    assert not reload.done() and harness.library.current is live  # answered meanwhile
    assert "Added (1000)" in embed_of(await reload)["description"]
    assert isinstance(harness.library.current.matcher, FusedMatcher)
    record = await harness.slash("ask", {"question": "what about extra thing 321 and detail 963"})
    assert embed_of(record)["title"] == "Extra topic 321"
    harness.assert_valid()


@pytest.mark.parametrize("model", ["missing", "random bytes"])
async def test_faqbot_run_without_a_usable_model_connects_and_answers_lexically(
        tmp_path: Path, knowledge_dir: Path, model: str) -> None:
    folder = tmp_path / "model"
    if model == "random bytes":
        folder.mkdir()
        (folder / "model.onnx").write_bytes(bytes(range(256)) * 100)
        (folder / "tokenizer.json").write_text("{}", encoding="utf-8")
    async with FakeDiscord() as fake:
        process = start_faqbot(fake.api_base, fake.gateway_url, ["run"], cwd=tmp_path, env={
            "DISCORD_TOKEN": DEFAULT_TOKEN, "KNOWLEDGE_DIR": str(knowledge_dir),
            "DATABASE_PATH": str(tmp_path / "data" / "faq.sqlite3"), "USER_ID_SALT": "salt",
            "DEV_GUILD_ID": str(fake.guild.id), "SEMANTIC": "1",
            "SEMANTIC_MODEL_PATH": str(folder)})
        try:
            info = await fake.send_slash("ask", {"question": "how do i DM someone"})
            record = await fake.wait_for_callback(info, timeout=30)
            assert embed_of(record)["title"] == "Sending direct messages"
            process.send_signal(signal.SIGTERM)
            out, err = await asyncio.to_thread(process.communicate, timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
        assert fake.violations == []
    assert process.returncode == 0, err
    assert "Traceback" not in err + out
    off = [line for line in err.splitlines() if "Semantic layer off" in line]
    assert len(off) == 1 and off[0].startswith("Semantic layer off: ")
    assert str(folder) in off[0] and off[0].endswith("; answering with the lexical matcher.")
