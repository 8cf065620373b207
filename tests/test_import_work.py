"""The heavy steps of kb import run the same in several processes as in one."""

from __future__ import annotations

from pathlib import Path

from bot.core.importing.build import import_pages
from bot.core.importing.knowledge_file import Merge
from bot.doc_sources import gather
from bot.import_work import check, compose, parse_documents

FAQ = Path(__file__).parent / "fixtures" / "import" / "python-faq" / "source"


def test_parsing_in_processes_gives_the_same_pages_in_the_same_order() -> None:
    documents = gather([str(FAQ)]).documents
    alone, problems = parse_documents(documents, workers=1)
    together, problems_too = parse_documents(documents, workers=2)
    assert [page.name for page in alone] == ["source/general.rst", "source/library.rst",
                                             "source/license.rst", "source/programming.rst"]
    assert together == alone
    assert problems == problems_too == []


def test_checking_in_processes_finds_what_one_check_finds(tmp_path: Path) -> None:
    pages, _ = parse_documents(gather([str(FAQ / "library.rst")]).documents, workers=1)
    out = tmp_path / "faq.yaml"
    (path, made), = compose(out, [], import_pages(pages), ["library.rst"])
    second = tmp_path / "faq-2.yaml"
    other = Merge("entries:\n- id: other\n  title: Other\n  answer: Yes.\n", made=["other"])
    assert check(tmp_path, [(path, made), (second, other)], new=True, workers=2) == []
    broken = Merge(made.text.replace("- id: ", "- id: Not An Id ", 1), made=made.made)
    unanswered = Merge("entries:\n- id: x\n  title: X\n", made=["x"])
    bad = [(path, broken), (second, unanswered)]
    one = check(tmp_path, bad, new=True, workers=1)
    assert check(tmp_path, bad, new=True, workers=2) == one
    assert {(Path(p.path).name, p.message.split(";")[0].split(" (")[0]) for p in one} >= {
        ("faq-2.yaml", "missing required field 'answer'")}
    assert any(Path(p.path).name == "faq.yaml" for p in one)
    twice = check(tmp_path, [(path, made), (second, made)], new=True, workers=2)
    assert twice[0].message.startswith("ids made twice: ")
