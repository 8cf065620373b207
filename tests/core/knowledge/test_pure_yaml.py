"""The pure-Python composer reads a file as libyaml does: the same nodes, the same problems."""

from __future__ import annotations

import pytest
import yaml

from bot.core.knowledge.nodes import ParsedFile
from bot.core.knowledge.parse import parse_text
from bot.core.knowledge.problems import Problem

needs_libyaml = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml")


def parse(text: str) -> tuple[ParsedFile | None, list[Problem]]:
    return parse_text("kb.yaml", text.encode())


def both_ways(text: str, monkeypatch: pytest.MonkeyPatch
              ) -> tuple[tuple[ParsedFile | None, list[Problem]],
                         tuple[ParsedFile | None, list[Problem]]]:
    """The file parsed with libyaml, then with the pure-Python composer alone."""
    fast = parse(text)
    with monkeypatch.context() as patched:
        patched.setattr(yaml, "__with_libyaml__", False)
        return fast, parse(text)


@needs_libyaml
@pytest.mark.parametrize("text", [
    # a tab between tokens, between a value's words, after a block scalar's indicators
    "a:\tb\n", "a: b\t# note\n", "a: [1,\t2]\n", "a: {b:\tc}\n", "- a:\t'b'\n", "a:\t|\n  b\n",
    "answer: Press Ctrl+C\tto copy.\n", "a: [x\ty]\n", "a: b \t \n", "a: x\n  \ty\n",
    "answer: |\t\n  x\n", "a: >-\t# note\n  x\n", "k: a\n  \t\n",
    # a question mark inside a flow collection's value
    "questions: [is it free?, how much?]\n", "- {id: a, title: Is it free?, answer: Yes}\n",
    "a: [b ?c]\n",
    # tabs that indent: refused both ways, at the same place
    "\ta: 1\n", "-\ta\n", "a: b\n\t# note\n", "a:\n\t- b\n",
])
def test_libyaml_and_the_pure_python_composer_read_a_file_alike(
        text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file never loads on one machine (libyaml) and fails on another (none), nor gets
    false problems once an unrelated mistake sends it to the pure-Python composer."""
    fast, pure = both_ways(text, monkeypatch)
    assert pure == fast


@pytest.mark.parametrize(("text", "value"), [
    ("questions: [is it free?, how much?]\n", {"questions": ["is it free?", "how much?"]}),
    ("answer: Press Ctrl+C\tto copy.\n", {"answer": "Press Ctrl+C\tto copy."}),
    ("answer: |-\t# note\n  Line one.\n", {"answer": "Line one."}),
])
def test_what_libyaml_reads_the_pure_python_composer_reads(
        text: str, value: dict[str, object], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml, "__with_libyaml__", False)
    parsed, problems = parse(text)
    assert problems == [] and parsed is not None and parsed.root is not None
    read = {key: node.value for key, node in parsed.root.value.items()}
    assert {k: [n.value for n in v] if isinstance(v, list) else v for k, v in read.items()} \
        == value


def test_a_flow_list_of_questions_gets_no_false_problem_beside_a_real_one() -> None:
    """A syntax error sends the file to the pure-Python composer, which reports it; the lists
    of questions around it are read as libyaml reads them."""
    parsed, problems = parse("a: [is it free?, how?]\nb: c: d\ne:\t[why?]\n")
    assert [(p.line, p.message[:12]) for p in problems] == [(2, "YAML syntax:")]
    assert parsed is not None and parsed.root is not None
    assert set(parsed.root.value) == {"a", "e"}
