"""`fold`: the one comparison key of the core (gap grouping, table-row names, autocomplete)."""

from __future__ import annotations

from bot.core.text import fold


def test_fold() -> None:
    assert fold("  What's   the Server-IP?? ") == "what s the server ip"
    assert fold("ＦＵＬＬ width") == "full width"
    assert fold("?!…") == ""


def test_fold_agrees_on_the_ways_of_writing_a_name() -> None:
    assert fold("Data-Privacy") == fold("data privacy") == fold("DATA_PRIVACY") == "data privacy"
    assert fold("Straße") == fold("STRASSE")
    assert fold("что такое") == "что такое"  # any script keeps its words
