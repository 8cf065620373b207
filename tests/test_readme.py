"""The README and `faqbot --help` list the same commands, its settings exist, its Layout holds."""

from __future__ import annotations

import argparse
import re

from bot.cli import build_parser
from bot.settings import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def help_commands() -> set[str]:
    """Every command `faqbot --help` (and `faqbot kb --help`) lists."""
    names: set[str] = set()
    for name, sub in _subcommands(build_parser()).items():
        inner = _subcommands(sub)
        names |= {f"{name} {more}" for more in inner} if inner else {name}
    return names


def readme_commands() -> set[str]:
    """The commands in the README's command-line table: `faqbot NAME [SUBNAME] ...`."""
    section = README.split("## The command line", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `faqbot")]
    names: set[str] = set()
    for row in rows:
        for command in re.findall(r"`faqbot ([a-z][a-z ]*?)(?: \[|`| [A-Z])", row.split(" | ")[0]):
            names.add(command.strip())
    return names


def test_the_readme_and_help_list_the_same_commands() -> None:
    assert readme_commands() == help_commands()
    listed = build_parser().format_help()
    for name in {command.split()[0] for command in help_commands()}:
        assert re.search(rf"^\s+{name}\s", listed, flags=re.MULTILINE), name


def test_every_setting_the_readme_names_is_in_env_example() -> None:
    documented = set(re.findall(r"^([A-Z_]+)=", (PROJECT_ROOT / ".env.example").read_text(
        encoding="utf-8"), flags=re.MULTILINE))
    named = set(re.findall(r"`([A-Z][A-Z_]{3,})`", README))
    assert named - documented <= {"HEALTHCHECK"}, named - documented  # a Dockerfile word


def _layout() -> str:
    return README.split("## Layout", 1)[1].split("```", 2)[1]


def _parts_of_bot() -> set[str]:
    """The modules and folders the Layout must name: bot/'s own, the core's, and those of each
    part of the core (the adapters' folders are named as a whole)."""
    bot = PROJECT_ROOT / "bot"
    core = bot / "core"
    folders = [bot, core, *(d for d in core.iterdir() if (d / "__init__.py").exists())]
    names: set[str] = set()
    for folder in folders:
        for path in folder.iterdir():
            if path.suffix == ".py" and path.name != "__init__.py":
                names.add(path.stem if folder not in (bot, core) else path.name)
            elif (path / "__init__.py").exists():
                names.add(f"{path.name}/")
    return names


def test_the_layout_names_every_part_of_the_tree() -> None:
    layout = _layout()
    written = set(re.findall(r"[a-z_]+/|[a-z_]+\.py|[a-z_]+", layout))
    missing = sorted(name for name in _parts_of_bot() if name not in written)
    assert not missing, f"README's Layout does not name: {missing}"


def test_every_file_the_layout_names_exists() -> None:
    bot = PROJECT_ROOT / "bot"
    named = set(re.findall(r"(?<![\w/.])([a-z_]+\.py)\b", _layout()))
    existing = {p.name for p in bot.rglob("*.py")} | {p.name for p in PROJECT_ROOT.glob("*/*.py")}
    assert not sorted(named - existing), sorted(named - existing)
    folders = set(re.findall(r"^ *([a-z_]+)/ ", _layout(), re.M))
    assert all(any(PROJECT_ROOT.rglob(f"{name}/")) for name in folders), folders
