"""A section's keywords are the terms a curator would pick: repeated or marked terms, two-word
terms and the names its code uses; never an example's invented names, noise or the title."""

from __future__ import annotations

from bot.core.importing.build import import_pages
from bot.core.importing.from_html import parse_html
from bot.core.importing.from_markdown import parse_markdown
from bot.core.importing.from_rst import parse_rst
from bot.core.importing.keywords import bound_names, distinctive

# Other sections, so that a term's rarity means something.
FILLER = [
    ("Installing", "Download the installer and run it. The installer asks for a folder."),
    ("Updating", "Updates arrive monthly. Restart after an update to load it."),
    ("Logging", "Logs go to the logs folder; rotate them weekly with the rotation setting."),
]


def keywords(title: str, body: str) -> list[str]:
    return distinctive([(title, body), *FILLER])[0]


def test_a_two_word_term_the_body_repeats_is_one_keyword() -> None:
    picked = keywords("Finding bugs early", "Run static analysis on your code. Static "
                      "analysis finds mistakes before the tests do.")
    assert "static analysis" in picked


def test_a_term_needs_evidence_a_second_mention_or_a_mark() -> None:
    picked = keywords("Odd calls", "Call `frobnicate` when the zephyr changes, and "
                      "remember the kestrel, the kestrel above all.")
    assert "frobnicate" in picked  # named once, in inline code
    assert "kestrel" in picked  # twice in prose
    assert "zephyr" not in picked  # once in plain prose: no evidence


def test_emphasis_and_link_text_are_marked_terms() -> None:
    picked = keywords("Rotations", "Use *quaternions* for this; see "
                      "[Pyglet](https://pyglet.org) for a library.")
    assert {"quaternions", "pyglet"} <= set(picked)


def test_names_the_code_uses_are_keywords_names_it_binds_are_not() -> None:
    body = ("Reload a module after editing it:\n```py\nmydict = {}\nfor item in mydict:\n"
            "    importlib.reload(item)\nimportlib.reload(other)\n```\nThat is all.")
    picked = keywords("Editing modules", body)
    assert "importlib.reload" in picked
    assert not {"mydict", "item"} & set(picked)


def test_a_hyphenated_compound_is_one_term_never_its_fragments() -> None:
    # "add-ons" is the term, as the matcher reads a member's "add-ons" (two words side by
    # side); "ons" alone, "bit" of "32-bit" and "don" of "don't" are no words of the text.
    picked = keywords("Backups", "A backup keeps your add-ons. Restoring a backup restores "
                      "the add-ons too, but don't restore a 32-bit backup on a 64-bit "
                      "system: 32-bit add-ons don't run there.")
    assert "add ons" in picked
    assert not {"ons", "add", "bit", "don", "dont"} & set(picked)
    # A name beside a number or a letter is still a name.
    named = keywords("Sticks", "Use a SLZB-06 or a ZBDongle-E; the SLZB-06 and the ZBDongle-E "
                     "both work.")
    assert {"slzb", "zbdongle"} <= set(named)


def test_bound_names_are_assigned_defined_looped_or_parameters() -> None:
    code = ("def handler(signum, frame=None):\n    total, count = 0, 1\n"
            "for row in rows:\n    print(row)\nwith open(p) as f:\n    pass\n"
            "class Point:\n    pass\nconst limit = 3\nint size = 4;\nif a == b: go()\n")
    assert bound_names(code) == {"handler", "signum", "frame", "total", "count", "row", "f",
                                 "Point", "limit", "size"}


def test_a_numbered_series_of_names_and_hex_strings_are_no_keywords() -> None:
    body = ("Call `tabulate(arg1, arg2)`; `arg1` and `arg2` are examples. The object "
            "prints as `<obj at 0x16d07cc>` and `<obj at 0x16d07cc>`.")
    picked = keywords("Computing", body)
    assert "tabulate" in picked
    assert not [word for word in picked if "arg" in word or "16d07cc" in word]


def test_everyday_words_and_title_words_are_never_keywords() -> None:
    picked = keywords("Webhooks", "Make webhooks make webhooks: make it show the "
                      "`payload` and show the payload again.")
    assert "payload" in picked
    assert not {"make", "show", "webhooks"} & set(picked)


def test_a_shared_term_stays_with_the_section_it_is_central_to() -> None:
    central = ("Splitting a big bot", "Sharding splits guilds. Each shard holds guilds; a shard "
               "restarts alone; shard counts grow; ask for a shard id.")
    passing = ("Intents", "Intents decide events. Intents are per shard, and a shard "
               "without intents hears nothing.")
    sharding, intents, *_ = distinctive([central, passing, *FILLER])
    assert "shard" in sharding
    assert "shard" not in intents
    assert "intents" not in intents  # its title says it already


def test_keywords_do_not_depend_on_the_source_format() -> None:
    markdown = ("# Guide\n\n## Reloading\n\nUse `importlib.reload` after an edit; "
                "*stale objects* keep the old code, so stale objects need rebuilding.\n")
    rst = ("Guide\n=====\n\nReloading\n---------\n\nUse ``importlib.reload`` after an edit; "
           "*stale objects* keep the old code, so stale objects need rebuilding.\n")
    html = ("<h1>Guide</h1><h2>Reloading</h2><p>Use <code>importlib.reload</code> after an "
            "edit; <em>stale objects</em> keep the old code, so stale objects need "
            "rebuilding.</p>")
    pages = [parse_markdown(markdown, "guide.md"), parse_rst(rst, "guide.rst"),
             parse_html(html, "guide.html")]
    found = {page.name: import_pages([page], level=2).entries[0].keywords for page in pages}
    assert found["guide.md"] == found["guide.rst"] == found["guide.html"]
    assert {"importlib.reload", "stale objects"} <= set(found["guide.md"])
