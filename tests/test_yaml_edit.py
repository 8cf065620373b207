"""The layout-keeping edit of a knowledge file's text: one question added, nothing else changed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from knowledge_edit_cases import FAQ, changed_lines

from bot.knowledge_edit import find_item_file
from bot.yaml_edit import EditError, add_question_to_text


def test_double_quoted_siblings_get_a_double_quoted_question(tmp_path: Path) -> None:
    text = FAQ.replace("- how do I join?   # the most asked", '- "how do I join?"')
    new = add_question_to_text(text.encode(), "join", "joining?").decode()
    assert changed_lines(text, new) == ([], ['      - "joining?"'])


def test_crlf_line_endings_are_kept(tmp_path: Path) -> None:
    text = FAQ.replace("\n", "\r\n")
    new = add_question_to_text(text.encode(), "join", "crlf?").decode()
    assert "      - crlf?\r\n" in new
    assert new.replace("      - crlf?\r\n", "") == text


def test_offset_zero_lists_are_followed(tmp_path: Path) -> None:
    text = ("entries:\n- id: a\n  title: A\n  answer: x\n  keywords:\n  - k\n"
            "- id: b\n  title: B\n  answer: y\n")
    new = add_question_to_text(text.encode(), "b", "bee?").decode()
    assert changed_lines(text, new) == ([], ["  questions:", "  - bee?"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(question=st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
                        min_size=1, max_size=80),
       item_id=st.sampled_from(["join", "rules", "events", "price", "storage"]))
def test_any_question_round_trips_or_is_refused_cleanly(question: str, item_id: str) -> None:
    text = " ".join(question.split())
    try:
        new = add_question_to_text(FAQ.encode(), item_id, text).decode()
    except EditError:
        return
    data = yaml.safe_load(new)
    items = [*data["entries"], data["table"], *data["table"]["rows"]]
    item = next(i for i in items if i["id"] == item_id)
    assert item["questions"][-1] == text
    removed, added = changed_lines(FAQ, new)
    assert len(removed) <= 1 and 1 <= len(added) <= 2


def test_an_alias_bomb_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    """The plain and round-trip parsers never see a file the loader would refuse."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 9)]
    bomb = ("entries:\n  - id: one\n    title: One\n    answer: A\n" + "\n".join(lines) + "\n")
    path = tmp_path / "bomb.yaml"
    path.write_text(bomb, encoding="utf-8")
    with pytest.raises(EditError, match="does not parse"):
        add_question_to_text(bomb.encode(), "one", "is this safe?")
    assert find_item_file(tmp_path, "one") is None
    assert path.read_text(encoding="utf-8") == bomb


def test_a_layout_the_loader_takes_but_the_editor_cannot_is_said_so() -> None:
    # libyaml (the loader) takes a tab before a comment; the round-trip editor does not.
    text = (b"entries:\n  - id: a\n    title: T\n    answer: A\n    questions:\n"
            b"      - one\n      - two\t# note\n")
    with pytest.raises(EditError, match=r"^this file's layout at line 7 cannot be edited "
                                        r"automatically; add the question by hand$"):
        add_question_to_text(text, "a", "three")
