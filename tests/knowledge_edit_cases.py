"""What the knowledge_edit and yaml_edit tests share: a file to edit, awkward questions, diffs."""

from __future__ import annotations

import difflib

FAQ = """\
# Community FAQ — curated by the mods.
document: Handbook  # where answers come from

entries:
  # --- joining -------------------------------------------------
  - id: join
    title: How to join
    answer: |
      Click the invite link.
      Then say hi in #welcome.
    questions:
      - how do I join?   # the most asked
      - "can I join"
    # keywords help the matcher
    keywords: [join, invite]

  - id: rules
    title: Rules
    answer: Be nice.
    questions: ['what are the rules', "rules?"]  # flow style
    related: [join]

  - id: events
    title: Events
    answer: >-
      Every Friday at
      eight.
    # no questions yet

table:
  id: compare
  title: Plans compared
  columns: [Free, Pro]
  rows:
    - id: price
      factor: Price
      cells: ["0", "5 a month"]
      questions:
        - how much does it cost
    - id: storage
      factor: Storage
      cells: [1 GB, 100 GB]
"""

SPECIAL = [
    "what's: the # deal?",
    'say "hello" @everyone',
    "- starts with a dash",
    "? starts with a question mark",
    "ends with a colon:",
    "`backticks` and {braces} and [brackets]",
    "100%",
    "yes",
    "null",
    "3.14",
    "*star &amp !bang |pipe >gt",
    "ünïcödé ✓ — emoji 🎉",
    "'quoted whole'",
    "a \\ backslash",
]


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """(removed lines, added lines) between two texts."""
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added
