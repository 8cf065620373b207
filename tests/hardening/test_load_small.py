"""The load benchmark's invariants at a small scale: 100 concurrent /ask while the knowledge
base reloads every 100 ms. Every question answered exactly once, from one consistent version,
with valid bodies, and recorded; timings are the benchmark's business, not asserted here."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "discord_load.py"


@pytest.fixture(scope="module")
def discord_load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("discord_load", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("discord_load", module)
    spec.loader.exec_module(module)
    return module


async def test_100_questions_while_reloading(discord_load: ModuleType, tmp_path: Path) -> None:
    result = await discord_load.run_load(100, reload_every=0.1, give_up_after=15.0,
                                         base=tmp_path, validate_live=True)
    report = "\n".join(result.lines())
    assert result.answered_once == 100, report
    assert (result.lost, result.doubled, result.late, result.failed_callbacks) == (0, 0, 0, 0)
    assert result.violations == 0, report
    assert result.mixed_versions == 0, report
    assert result.unmarked_answers == 0, report
    assert result.failed_reloads == 0, report
    assert result.reloads >= 2, report
    assert result.rows_lost == 0, report
    assert sum(result.by_version.values()) == 100


async def test_versions_are_marked_everywhere(discord_load: ModuleType, tmp_path: Path) -> None:
    from bot.core.knowledge.load import load_knowledge
    from bot.settings import SHIPPED_KNOWLEDGE

    folders = discord_load.make_versions(SHIPPED_KNOWLEDGE, tmp_path)
    for tag, folder in folders.items():
        kb, problems = load_knowledge(folder)
        assert kb is not None, problems
        marker = f"[{tag}]"
        assert all(marker in e.title and marker in e.answer for e in kb.entries)
        assert kb.table is not None and marker in kb.table.title
        assert all(marker in row.factor for row in kb.table.rows)
