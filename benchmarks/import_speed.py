"""Import speed: a 10 MB docs folder (Markdown, reStructuredText and HTML in about equal
shares) through `faqbot kb import`'s whole pipeline (read, parse, make entries, write YAML,
check the folder as `faqbot kb check` does, write the files), phase by phase. Target: <= 10 s.

Run: .venv/bin/python benchmarks/import_speed.py [--megabytes N] [--keep DIR]

The folder is built from the test fixtures (CPython's and discord.py's FAQ sources): the .rst
files as they are, the same pages published as HTML by docutils' own HTML writer, and each
imported section written back as a Markdown page (as a folder of tags would be), copied into
numbered sub-folders until the size is reached. The pipeline runs in one process and then
with one a CPU (as the command does for a large import); wall and CPU seconds are printed, CPU
being what an unloaded machine would take (the wall time suffers from other work running).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docutils.core import publish_string  # noqa: E402

from bot.atomic_file import atomic_write  # noqa: E402
from bot.core.importing.build import import_pages  # noqa: E402
from bot.core.importing.from_rst import parse_rst  # noqa: E402
from bot.doc_sources import gather  # noqa: E402
from bot.import_work import MAX_WORKERS, check, compose, parse_documents  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "import"
T = TypeVar("T")
PARALLEL_PHASES = (1, 4)  # parse and check run in `workers` processes


def seed_pages() -> dict[str, bytes]:
    """One copy of every seed page, by relative path."""
    pages: dict[str, bytes] = {}
    sources = sorted(FIXTURES.glob("*/source/*.rst"))
    for path in sources:
        text = path.read_text(encoding="utf-8")
        pages[f"rst/{path.parent.parent.name}-{path.name}"] = text.encode()
        html = publish_string(text, writer="html5", settings_overrides={
            "report_level": 5, "halt_level": 5, "file_insertion_enabled": False,
            "raw_enabled": False, "output_encoding": "utf-8"})
        pages[f"html/{path.parent.parent.name}-{path.stem}.html"] = html
    entries = import_pages([parse_rst(p.read_text(encoding="utf-8"), p.name)
                            for p in sources]).entries
    for entry in entries:
        pages[f"md/{entry.id}.md"] = f"# {entry.title}\n\n{entry.answer}\n".encode()
    return pages


def build_folder(root: Path, megabytes: float) -> tuple[int, Counter[str]]:
    """Copies of the seed pages, balanced by format, until `megabytes` are written."""
    seeds = seed_pages()
    by_kind: dict[str, list[tuple[str, bytes]]] = {}
    for name, data in seeds.items():
        by_kind.setdefault(name.split("/")[0], []).append((name, data))
    target = int(megabytes * 1024 * 1024)
    written: Counter[str] = Counter()
    copy = 0
    while sum(written.values()) < target:
        copy += 1
        for kind, pages in by_kind.items():
            share = target / len(by_kind)
            for name, data in pages:
                if written[kind] >= share:
                    break
                path = root / f"copy{copy:03d}" / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                written[kind] += len(data)
    return sum(written.values()), written


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the parsing processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run(docs: Path, workers: int) -> None:
    """The command's pipeline on `docs`, phase by phase: wall and CPU seconds."""
    phases: list[tuple[str, float, float]] = []

    def timed(name: str, step: Callable[[], T]) -> T:
        wall, cpu = time.perf_counter(), _cpu()
        value = step()
        phases.append((name, time.perf_counter() - wall, _cpu() - cpu))
        return value

    out = docs.parent / f"knowledge-{workers}" / "docs.yaml"
    out.parent.mkdir()
    gathered = timed("read", lambda: gather([str(docs)], "https://docs.example.org/"))
    pages, _ = timed(f"parse ({workers} process{'es' if workers > 1 else ''})",
                     lambda: parse_documents(gathered.documents, workers))
    result = timed("sections, ids, keywords, answers", lambda: import_pages(pages))
    files = timed("YAML", lambda: compose(out, [], result, ["docs"]))
    problems = timed("check (as kb check)",
                     lambda: check(out.parent, files, new=True, workers=workers))
    assert problems == [], problems[:3]

    def write() -> None:
        for path, merged in files:
            atomic_write(path, merged.text.encode("utf-8"))

    timed("write", write)
    text = "".join(merged.text for _, merged in files)
    for name, wall, cpu in phases:
        print(f"  {name:<34} {wall:6.2f} s wall {cpu:6.2f} s CPU")
    wall = sum(p[1] for p in phases)
    cpu = sum(p[2] for p in phases)
    size = sum(len(d.text.encode()) for d in gathered.documents)
    # On an otherwise idle machine a phase takes its CPU time, shared by its processes.
    idle = sum(c / (workers if n in PARALLEL_PHASES else 1)
               for n, (_, _, c) in enumerate(phases))
    print(f"  total {wall:.2f} s wall, {cpu:.2f} s CPU for {size / 1e6:.1f} MB "
          f"({size / 1e6 / wall:.2f} MB/s): {len(result.entries)} entries, "
          f"{len(text) / 1e6:.1f} MB of YAML in {len(files)} files")
    print(f"  target <= 10 s: {'met' if wall <= 10 else 'NOT met'} as measured "
          f"(load average {os.getloadavg()[0]:.1f}); {idle:.2f} s on an idle machine "
          f"(CPU time, parallel phases shared by {workers} process"
          f"{'es' if workers > 1 else ''}): {'met' if idle <= 10 else 'NOT met'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=10.0)
    parser.add_argument("--keep", type=Path, help="build the folder here and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="faqbot-import-bench-"))
    try:
        size, shares = build_folder(folder / "docs", args.megabytes)
        files = sum(1 for p in (folder / "docs").rglob("*") if p.is_file())
        print(f"docs folder: {size / 1e6:.1f} MB in {files} files ("
              + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sorted(shares.items())) + f"); "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
        workers = min(os.cpu_count() or 1, MAX_WORKERS)
        for count in sorted({1, workers}):
            run(folder / "docs", count)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
