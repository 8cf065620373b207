"""The matcher Settings ask for: lexical, or with the semantic layer when it is on and can be had.

Nothing heavy is imported unless SEMANTIC is on, so the bot runs without the `semantic` extra.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.core.knowledge.models import KnowledgeBase
from bot.core.library import Build, BuildFailed, Library
from bot.core.matching.matcher import Matcher
from bot.core.matching.semantic import FusedMatcher
from bot.core.memo import BuildMemory
from bot.semantic.model import reason
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.semantic.cache import VectorCache
    from bot.semantic.index import Encoder

log = logging.getLogger(__name__)

EXTRA = "make run SEMANTIC=1 installs it, or pip install 'faqbot[semantic]'"


class SemanticBuild:
    """Builds the fused matcher of a knowledge base; the encoder and the vector cache are
    shared by every reload. Vectors that cannot be computed leave the lexical matcher at the
    first build (the bot starts) and refuse a reload (`BuildFailed`: the live one stays)."""

    def __init__(self, encoder: Encoder, cache: VectorCache | None) -> None:
        self.encoder = encoder
        self.cache = cache
        self.built = False  # a fused matcher was built once: a reload must not lose it

    def __call__(self, kb: KnowledgeBase,
                 memory: BuildMemory | None = None) -> Matcher | FusedMatcher:
        from bot.semantic.index import VectorIndex

        lexical = Matcher.build(kb, memory)
        try:
            index = VectorIndex.build(kb, self.encoder, self.cache)  # (the cache never fails it)
        except Exception as exc:
            log.debug("semantic vectors failure", exc_info=True)
            if self.built:  # a reload: refused, so the live matcher keeps its layer
                raise BuildFailed(f"the semantic layer could not encode the new knowledge base "
                                  f"({reason(exc)}); a restart loads it, answering lexically "
                                  "if it still cannot") from exc
            log.warning("the semantic vectors could not be computed (%s); answering lexically",
                        reason(exc))
            return lexical
        self.built = True
        return FusedMatcher(lexical, index)


def data_dir(settings: Settings) -> Path:
    """The data folder: where the question log is (DATABASE_PATH's folder)."""
    return settings.database_path.parent


def matcher_builder(settings: Settings, out: TextIO | None = None) -> Build:
    """Matcher.build, or a SemanticBuild when SEMANTIC is on and its model can be had; when it
    cannot, one line on `out` (default stderr) says why and the bot answers lexically."""
    if not settings.semantic:
        return Matcher.build
    out = sys.stderr if out is None else out
    try:
        return semantic_build(settings, out)
    except Exception as exc:
        log.debug("semantic layer unavailable", exc_info=True)
        print(f"Semantic layer off: {reason(exc)}; answering with the lexical matcher.",
              file=out, flush=True)
        return Matcher.build


def semantic_build(settings: Settings, out: TextIO | None) -> SemanticBuild:
    """Locate (or download) the model and load it; raises when it cannot be had."""
    folder = data_dir(settings)
    try:  # each part of the extra is imported where it is first needed (convert: onnx, ...)
        from bot.semantic.cache import VectorCache
        from bot.semantic.encoder import OnnxEncoder
        from bot.semantic.index import one_blas_thread
        from bot.semantic.model import ModelUnavailable, locate

        one_blas_thread()
        files = locate(settings.semantic_model, settings.semantic_model_path,
                       folder / "models", settings.semantic_model_url, out)
    except ImportError as exc:
        raise ImportError(f"the 'semantic' extra is not installed ({EXTRA})") from exc
    try:
        encoder = OnnxEncoder(files.model, files.tokenizer, files.key)
    except ModelUnavailable as exc:
        if not files.made:
            raise
        # Downloaded wrong (a mirror's error page, a body cut short without a length) or
        # converted wrong: kept, it would fail every start from now on.
        files.discard()
        raise ModelUnavailable(f"{exc} (deleted, so the next start downloads or converts it "
                               "again)") from exc
    return SemanticBuild(encoder, VectorCache(folder / "vectors.sqlite3"))


def open_library(settings: Settings, out: TextIO | None = None) -> Library:
    """The knowledge folder of `settings`, matched as `settings` ask."""
    return Library.open(settings.knowledge_dir, build=matcher_builder(settings, out))
