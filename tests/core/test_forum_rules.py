"""Help-forum rules: the question a post asks, the tags a solved post gets."""

from __future__ import annotations

from bot.core.forum import MAX_APPLIED_TAGS, find_tag, post_question, tags_with


def test_post_question_is_the_title_then_a_body_that_adds_something() -> None:
    assert post_question("  How do I   brew tea? ") == "How do I brew tea?"
    assert post_question("Brewing", "how long\nshould tea steep") == \
        "Brewing\nhow long should tea steep"
    assert post_question("How to brew", "  how TO brew ") == "How to brew"
    assert post_question("How to brew", "") == "How to brew"
    assert post_question("", "a body only") == "a body only"
    assert post_question("  ", None) == ""
    assert post_question("\u200b\u2060", "\ufeff") == ""  # shows nothing: asks nothing
    assert post_question("\u200b", "a body only") == "a body only"


def test_tags_with_keeps_the_others_in_order() -> None:
    assert tags_with([], 9) == (9,)
    assert tags_with([3, 1], 9) == (3, 1, 9)
    assert tags_with([3, 1, 3], 9) == (3, 1, 9)
    assert tags_with([3, 9], 9) is None  # already applied


def test_at_the_limit_the_last_tag_gives_way() -> None:
    full = [1, 2, 3, 4, 5]
    assert len(full) == MAX_APPLIED_TAGS
    assert tags_with(full, 9) == (1, 2, 3, 4, 9)
    assert tags_with([1, 2, 3, 4], 9) == (1, 2, 3, 4, 9)
    assert tags_with([1, 2], 9, limit=2) == (1, 9)
    assert tags_with([1, 2], 9, limit=1) == (9,)


def test_find_tag_ignores_case_and_spaces() -> None:
    tags = [(1, "Bug"), (2, " solved "), (3, "Question")]
    assert find_tag(tags, "Solved") == 2
    assert find_tag(tags, "SOLVED ") == 2
    assert find_tag(tags, "Answered") is None
    assert find_tag([], "Solved") is None
