"""FAQs that write their questions as lines (bold, "Q:", <details>, <dl>) get one entry a
question, as FAQs with question headings do."""

from __future__ import annotations

import re

import pytest

from bot.core.importing.build import import_pages
from bot.core.importing.from_html import parse_html
from bot.core.importing.from_markdown import parse_markdown
from bot.core.importing.question_lines import question_of

ASKED = [
    ("How do I join the club?", "Fill in the form and pay the yearly fee of 20 euros."),
    ("When do you meet?", "Every Thursday from 7pm in the community hall."),
    ("Can I bring a friend?", "Yes, guests are welcome twice before they have to join."),
]


def entries(page_text: str, name: str, level: int | None = None) -> list[tuple[str, str]]:
    parse = parse_html if name.endswith(".html") else parse_markdown
    result = import_pages([parse(page_text, name)], level)
    return [(e.title, e.answer) for e in result.entries]


def html(body: str) -> str:
    return f"<html><head><title>Club FAQ</title></head><body>{body}</body></html>"


@pytest.mark.parametrize(("name", "text"), [
    ("bold.md", "# Club FAQ\n\n" + "".join(f"**{q}**\n{a}\n\n" for q, a in ASKED)),
    ("bold-apart.md", "".join(f"**{q}**\n\n{a}\n\n" for q, a in ASKED)),
    ("labels.md", "# Club FAQ\n\n" + "".join(f"Q: {q}\nA: {a}\n\n" for q, a in ASKED)),
    ("bold-labels.md", "".join(f"**Q:** {q}\n\n**A:** {a}\n\n" for q, a in ASKED)),
    ("details.html", html("<h1>FAQ</h1>" + "".join(
        f"<details><summary>{q}</summary><p>{a}</p></details>" for q, a in ASKED))),
    ("terms.html", html("<dl>" + "".join(f"<dt>{q}</dt><dd>{a}</dd>" for q, a in ASKED)
                        + "</dl>")),
    ("strong.html", html("".join(f"<p><strong>{q}</strong><br>{a}</p>" for q, a in ASKED))),
    ("numbered.md", "# Club FAQ\n\n" + "".join(
        f"{n}. **{q}** {a}\n" for n, (q, a) in enumerate(ASKED, 1))),
    ("numbered-plain.md", "# Club FAQ\n\n" + "".join(
        f"{n}. {q}\n   {a}\n\n" for n, (q, a) in enumerate(ASKED, 1))),
    ("numbered-apart.md", "# Club FAQ\n\n" + "".join(
        f"{n}. {q}\n\n   {a}\n\n" for n, (q, a) in enumerate(ASKED, 1))),
    ("quoted.md", "# FAQ\n\n" + "".join(f"> **Q: {q}**\n> A: {a}\n\n" for q, a in ASKED)),
    ("accordion.html", html("<h1>FAQ</h1>" + "".join(
        f'<div class="item"><div class="title">{q}</div><div class="content"><p>{a}</p></div>'
        "</div>" for q, a in ASKED))),
    ("buttons.html", html("<h1>FAQ</h1>" + "".join(
        f'<div class="item"><button aria-expanded="false">{q}</button><div><p>{a}</p></div>'
        "</div>" for q, a in ASKED) + "<button>Subscribe</button>")),
    ("notion.html", html("".join(
        f'<ul class="toggle"><li><details open=""><summary>{q}</summary><p>{a}</p></details>'
        "</li></ul>" for q, a in ASKED))),
])
def test_questions_written_as_lines_give_one_entry_a_question(name: str, text: str) -> None:
    assert entries(text, name) == ASKED


def test_a_long_numbered_faq_is_one_entry_a_question_not_one_cut_page() -> None:
    many = [(f"Question number {n} about topic{n}?", f"Answer {n}. " + "Some detail. " * 20)
            for n in range(1, 31)]
    text = "# Club FAQ\n\n" + "".join(f"{n}. {q}\n   {a}\n\n"
                                      for n, (q, a) in enumerate(many, 1))
    assert entries(text, "faq.md") == [(q, a.strip()) for q, a in many]


def test_a_numbered_list_of_questions_without_answers_stays_text() -> None:
    text = ("# Interview guide\n\nAsk each candidate:\n\n1. Why do you want to join?\n"
            "2. What did you build last?\n3. How do you handle a conflict?\n")
    assert [title for title, _ in entries(text, "guide.md")] == ["Interview guide"]


def test_a_long_bold_question_keeps_its_own_line_above_its_answer() -> None:
    long = "Can I control the lights of another vendor's bridge (IKEA, Innr)?"
    text = f"# FAQ\n\n**{long}**\nIf they are paired to it, yes.\n\n**Is it free?**\nYes.\n"
    assert entries(text, "faq.md") == [(long, "If they are paired to it, yes."),
                                       ("Is it free?", "Yes.")]


def test_every_toggle_of_a_details_faq_is_an_entry_asked_or_not() -> None:
    toggles = [*ASKED, ("Rules for redstone farms", "Each needs an off switch.")]
    body = "<h1>FAQ</h1>" + "".join(
        f"<details><summary>{q}</summary><p>{a}</p></details>" for q, a in toggles)
    assert entries(html(body), "faq.html") == toggles


def test_a_definition_keeps_its_paragraphs_and_lists() -> None:
    body = ("<dl><dt>Where are the slides?</dt><dd>On GitHub:<ul><li>the talks repo</li>"
            "<li>or the <code>#resources</code> channel</li></ul></dd>"
            "<dt>Is it free?</dt><dd><p>Yes.</p><p>Donations welcome.</p></dd></dl>")
    assert entries(html(body), "faq.html") == [
        ("Where are the slides?", "On GitHub:\n\n- the talks repo\n- or the `#resources` channel"),
        ("Is it free?", "Yes.\n\nDonations welcome.")]


def test_a_readmes_faq_section_gives_one_entry_a_question() -> None:
    """A short README, one entry before, is cut at its headings once its FAQ section gives
    one entry a question: what follows them under another heading is not their answer."""
    text = ("# tool\n\n## Install\n\n`pip install tool`\n\n## Usage\n\n`tool run`\n\n"
            "## FAQ\n\n**Why is it slow?**\nDisable debug mode.\n\n"
            "**Does it work on Windows?**\nYes.\n\n## License\n\nMIT\n\n## Limits\n\nTen.\n")
    result = import_pages([parse_markdown(text, "README.md", "https://x.org/tool")])
    assert [(e.title, e.group, e.answer) for e in result.entries] == [
        ("Install", "tool", "`pip install tool`"), ("Usage", "tool", "`tool run`"),
        ("Why is it slow?", "FAQ", "Disable debug mode."),
        ("Does it work on Windows?", "FAQ", "Yes."),
        ("License", "tool", "MIT"), ("Limits", "tool", "Ten.")]
    assert result.entries[2].url == "https://x.org/tool#faq"


def test_a_long_readme_is_cut_as_before_and_its_faq_questions_too() -> None:
    section = "## {}\n\n" + "Some text. " * 300 + "\n\n### More\n\nA detail.\n\n"
    text = ("# tool\n\n" + section.format("Install") + section.format("Usage")
            + "## FAQ\n\n**Why is it slow?**\nDisable debug mode.\n\n"
            "**Does it work on Windows?**\nYes.\n\n### More\n\nA detail.\n")
    assert [(title, answer[:10]) for title, answer in entries(text, "README.md")] == [
        ("Install", "Some text."), ("Usage", "Some text."),
        ("Why is it slow?", "Disable de"), ("Does it work on Windows?", "Yes."),
        ("More", "A detail.")]


def test_question_lines_under_topic_headings_are_grouped_by_them() -> None:
    text = ("# Club FAQ\n\n## Membership\n\n" + "".join(f"**{q}**\n{a}\n\n" for q, a in ASKED[::2])
            + "## Meetings\n\n" + f"**{ASKED[1][0]}**\n{ASKED[1][1]}\n")
    result = import_pages([parse_markdown(text, "faq.md")])
    assert [(e.title, e.group) for e in result.entries] == [
        (ASKED[0][0], "Membership"), (ASKED[2][0], "Membership"), (ASKED[1][0], "Meetings")]
    assert result.entries[0].questions == (ASKED[0][0],)


def test_a_guide_with_a_question_or_two_in_its_text_is_cut_as_before() -> None:
    """Fewer question lines than headings: the headings are the page's structure (here a
    short page under one title: one entry)."""
    text = ("# Guide\n\n## Setup\n\nInstall it.\n\n**Why does it fail?**\nCheck the path.\n\n"
            "## Use\n\nRun it.\n\n## Upgrade\n\n**Is it safe?**\nYes.\n")
    [(title, answer)] = entries(text, "guide.md")
    assert title == "Guide" and "**Why does it fail?**" in answer


def test_question_headings_win_over_question_lines_inside_answers() -> None:
    text = ("# FAQ\n\n## How do I join?\n\n**What does it cost?**\n20 euros.\n\n"
            "**Why a fee?**\nThe hall.\n\n## When do you meet?\n\nThursdays.\n")
    titles = [title for title, _ in entries(text, "faq.md")]
    assert titles == ["How do I join?", "When do you meet?"]


def test_a_forced_level_keeps_question_lines_in_their_section() -> None:
    text = "# Club FAQ\n\n" + "".join(f"**{q}**\n{a}\n\n" for q, a in ASKED)
    [(title, answer)] = entries(text, "bold.md", level=1)
    assert title == "Club FAQ"
    assert "**How do I join the club?**" in answer and ASKED[2][1] in answer


@pytest.mark.parametrize(("line", "question"), [
    ("**How do I join?**", "How do I join?"),
    ("**Where is the hall**", None),  # in bold, a question only with its "?"
    ("**Do not share it.**", None),
    ("Q: where is it", "where is it"),
    ("**Q. Can I use \\*args?**", "Can I use *args?"),
    ("**[How do I join?](https://x.org/join)**", "How do I join?"),
    ("**Can I use `my_var` in *both*?**", "Can I use my_var in both?"),
    ("Question: Is there a fee?", "Is there a fee?"),
    ("Q1: Is there a fee?", "Is there a fee?"),
    ("**Q12.** Is there a fee?", "Is there a fee?"),
    ("Q3 2024: revenue grew", None),
    ("**Note:** read this first", None),
    ("**Fees**", None),  # bold, but no question
    ("**How** and **why**", None),  # bold words, not a bold line
    ("How do I join?", None),  # a question, but neither bold nor labelled
    ("Quarterly: meetings", None),
])
def test_what_makes_a_line_a_question(line: str, question: str | None) -> None:
    assert question_of(line) == question


# -- pages that are no FAQ keep their text (an adversarial review's cases) ---------------------


def test_bold_warnings_that_do_not_ask_stay_text() -> None:
    text = ("# Bot setup\n\n## Token\n\nPaste the token into `.env`.\n\n**Do not share it.**\n\n"
            "**Do not commit it.**\n\n## Prefix\n\nSet `PREFIX` to change the prefix.\n")
    [(title, answer)] = entries(text, "setup.md")
    assert title == "Bot setup"
    assert "Paste the token" in answer and "**Do not commit it.**" in answer


def test_a_tutorial_whose_sections_open_with_a_question_is_cut_as_before() -> None:
    section = ("## {}\n\nWhat do you need before you {}?\n\n" + "Some explanation. " * 100
               + "\n\n### Details\n\n" + "More detail. " * 100 + "\n\n")
    text = "# Tutorial\n\n" + "".join(section.format(name, verb) for name, verb in [
        ("Prerequisites", "start"), ("Building", "build"), ("Deploying", "deploy")])
    titles = [title for title, _ in entries(text, "tutorial.md")]
    assert titles == ["Prerequisites", "Building", "Deploying"]


def test_a_questions_answer_labels_are_only_a_colon_label() -> None:
    text = ("# Club FAQ\n\n**Who founded the club?**\n\nA. Smith and J. Doe founded it.\n\n"
            "**Which rooms can we use?**\n\na) the main hall\nb) the kitchen\n")
    assert entries(text, "faq.md") == [
        ("Who founded the club?", "A. Smith and J. Doe founded it."),
        ("Which rooms can we use?", "a) the main hall\nb) the kitchen")]


def test_question_lines_with_no_answer_stay_text() -> None:
    text = "# T\n\n" + "".join(f"**Is line {n} bold?**  \n" for n in range(5))
    [(title, answer)] = entries(text, "lines.md")
    assert title == "T" and answer.count("**Is line") == 5


def test_a_question_line_links_to_the_heading_above_it() -> None:
    text = "# Tool\n\n## FAQ\n\n**Why is it slow?**\nDebug mode.\n\n**Is it free?**\nYes.\n"
    result = import_pages([parse_markdown(text, "README.md", "https://x.org/tool")])
    assert [e.url for e in result.entries] == ["https://x.org/tool#faq"] * 2


def test_buttons_that_are_controls_are_not_text() -> None:
    body = ("<h1>Docs</h1><p>Run it. <button>Copy</button></p><button>Do it now</button>"
            "<ul><li>Open settings <button>Do it now</button></li><li>Save</li></ul>")
    [(_, answer)] = entries(html(body), "docs.html")
    assert answer == "Run it.\n\n- Open settings\n- Save"


def test_a_summary_inside_a_list_is_kept_as_text() -> None:
    text = ("# Tool\n\n- Install it\n\n  <details><summary>Why not pip?</summary>\n\n"
            "  Because.\n\n  </details>\n")
    [(_, answer)] = entries(text, "README.md")
    assert "Why not pip?" in answer


def test_a_summary_that_does_not_ask_never_decides_where_a_page_is_cut() -> None:
    section = ("## {}\n\n" + "Some text. " * 450
               + "\n\n<details><summary>Click to expand</summary>\n\nMore.\n\n</details>\n\n")
    text = "# Tool\n\n" + section.format("One") + section.format("Two")
    assert [title for title, _ in entries(text, "README.md")] == ["One", "Two"]


def test_prose_wrapped_at_a_question_mark_stays_one_paragraph() -> None:
    text = ("# Notes\n\nThis paragraph is wrapped at seventy-two columns, so does it end?\n"
            "It goes on here.\n")
    [(_, answer)] = entries(text, "notes.md")
    assert answer == ("This paragraph is wrapped at seventy-two columns, so does it end? "
                      "It goes on here.")


# -- a second review: pages with a few questions keep all their text -----------------------------


@pytest.mark.parametrize(("name", "text", "titles"), [
    ("docs.html", "<main><h1>Caching</h1><p>The tool caches packages.</p><h2>Clearing</h2>"
     "<p>Run tool cache clear.</p><details><summary>Example</summary><pre>tool cache clear"
     "</pre></details><details><summary>Why is my cache so big?</summary><p>Every version is "
     "kept.</p></details></main>", ["Caching"]),  # one toggle asks: no FAQ, a docs page
    ("readme.md", "# quickstats\n\nA tiny statistics library.\n\n## Usage\n\n**Warning:** "
     "`median` sorts its input in place.\n\n### Streaming\n\nUse `RunningMean` for big data."
     "\n\n## FAQ\n\n**Why not numpy?**\nToo big a dependency.\n\n**Is it thread-safe?**\nYes.\n",
     ["quickstats", "Usage", "Streaming", "Why not numpy?", "Is it thread-safe?"]),
    ("rules.md", "# Server rules\n\n**Rule 1: Be respectful.**\nNo harassment or slurs.\n\n"
     "**Why do we have rules?**\nThe server is big.\n\n**What if I break one?**\nWarn, "
     "timeout, ban.\n", ["Server rules", "Why do we have rules?", "What if I break one?"]),
    ("rules.html", "<main><h1>Rules</h1><ol><li>Be kind.</li><li>Keep it SFW.<details>"
     "<summary>What counts as NSFW?</summary><p>Anything you would not show a coworker.</p>"
     "</details></li><li>No spam.</li></ol></main>", ["Rules"]),
    ("guide.md", "# Admin guide\n\n## Webhooks\n\nWhy not just poll the API?\n\nPolling hits "
     "the rate limit. Set the webhook URL under Settings.\n\n## FAQ\n\n**Can I undo a ban?**\n"
     "Yes, with `/unban`.\n\n**Where are settings stored?**\nIn `data/settings.db`.\n",
     ["Webhooks", "Can I undo a ban?", "Where are settings stored?"]),
    ("glossary.html", "<main><h1>Glossary</h1><dl><dt>Ping</dt><dd>A mention that notifies "
     "someone.</dd><dt>What is a thread?</dt><dd>A side conversation.</dd><dt>Why can't I post"
     " images?</dt><dd>Unlocks at level 5.</dd></dl></main>",
     ["Glossary", "What is a thread?", "Why can't I post images?"]),
    ("api.md", "# Collection API\n\n## Predicates\n\n**`empty?`**\nTrue when it has no records."
     "\n\n**`frozen?`**\nTrue once `freeze` was called.\n", ["Collection API"]),  # names
    # a third review's: a changelog whose lists only partly ask; a menu whose labels ask;
    # an "Example" toggle inside an answer; collapsible sections headed inside their summary
    ("changelog.md", "# Changelog\n\n## 3.0.0\n\n- **Is this a breaking release?** Yes.\n"
     "- **Do I need to migrate?** Run migrate.\n- Dropped Python 3.9.\n\n## 2.4.0\n\n"
     "- **Is this a breaking release?** No.\n- Added /stats.\n", ["Changelog"]),
    ("menu.html", '<main><div class="menu"><div class="i"><a href="/why">Why us?</a><div>'
     '<a href="/c">Compare</a></div></div><div class="i"><a href="/help">Need help?</a><div>'
     '<a href="/d">Docs</a></div></div></div><h1>Install</h1><p>Open the invite link.</p>'
     "</main>", ["Install"]),
    ("api-faq.md", "# API FAQ\n\n**How do I authenticate?**\n\nSend your token.\n\n"
     "<details><summary>Example</summary>\n\n    curl https://x/me\n\n</details>\n\nIt "
     "expires after one hour.\n\n**What is the rate limit?**\n\nSixty a minute.\n",
     ["How do I authenticate?", "What is the rate limit?"]),
    ("sections.md", "# tidybot\n\n" + "".join(
        f"<details>\n<summary><h2>{name}</h2></summary>\n\n{name} text. "
        + "Lorem ipsum dolor. " * 120 + "\n\n</details>\n\n" for name in ("Rules", "Roles")),
     ["Rules", "Roles"]),
])
def test_a_page_with_questions_among_its_text_loses_none_of_it(
        name: str, text: str, titles: list[str]) -> None:
    source = parse_html(text, name) if name.endswith(".html") else parse_markdown(text, name)
    made = import_pages([source]).entries
    assert [e.title for e in made] == titles
    words = " ".join(f"{e.document} {e.title} {e.answer}" for e in made)
    for part in source.parts:
        for word in re.findall(r"[A-Za-z]{4,}", part.text):
            assert word in words, (word, made)


def test_a_feedback_button_is_no_text() -> None:
    body = ("<main><h1>Install</h1><p>Run the installer.</p><div><button>Was this page "
            "helpful?</button><button>Yes</button></div><p>Next: configure.</p></main>")
    assert entries(body, "install.html") == [("Install", "Run the installer.\n\nNext: configure.")]


def test_a_google_docs_export_marks_its_questions_bold_by_style() -> None:
    body = ('<html><head><title>Chess Club FAQ</title><style>.c3{color:#000;font-weight:700}'
            '</style></head><body><p><span style="font-weight:700">When do we meet?</span></p>'
            '<p><span>Thursdays.</span></p><p><span class="c3">Is there a fee?</span></p>'
            '<p><span class="c0">$20.</span></p></body></html>')
    assert entries(body, "doc.html") == [("When do we meet?", "Thursdays."),
                                         ("Is there a fee?", "$20.")]


@pytest.mark.parametrize(("text", "made"), [
    # a question line's link stays in its answer, so that its address is not lost
    ("# Help\n\n**Did you read the [install guide](https://x.org/install)?**\nStart there.\n\n"
     "**Is it free?**\nYes.\n",
     [("Did you read the install guide?",
       "**Did you read the [install guide](https://x.org/install)?**\nStart there."),
      ("Is it free?", "Yes.")]),
    # a question and its answer on one line
    ("# FAQ\n\nQ: Is it free? A: Yes, always.\n\n**Q: Can moderators see deleted messages?** "
     "**A:** Only in the audit log.\n",
     [("Is it free?", "Yes, always."),
      ("Can moderators see deleted messages?", "Only in the audit log.")]),
    # numbered labels, and a count before a question, are no part of the title
    ("# FAQ\n\nQ1: Is it free?\nA1: Yes.\n\n**2. Can I cancel?**\nAny time.\n",
     [("Is it free?", "Yes."), ("Can I cancel?", "Any time.")]),
    # a list of questions inside an answer stays in it
    ("# FAQ\n\n**How do I choose a database?**\n\nIt depends:\n\n- **Under 1,000 members?** "
     "SQLite.\n- **Several bots?** PostgreSQL.\n\n**How do I back up?**\n\nCopy it.\n",
     [("How do I choose a database?",
       "It depends:\n\n- **Under 1,000 members?** SQLite.\n- **Several bots?** PostgreSQL."),
      ("How do I back up?", "Copy it.")]),
])
def test_what_a_question_lines_answer_holds(text: str, made: list[tuple[str, str]]) -> None:
    assert entries(text, "faq.md") == made
