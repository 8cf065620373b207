"""The core is pure: no module under bot/core imports discord or reads the environment."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "bot" / "core"
MODULES = sorted(CORE.rglob("*.py"))


def _imports(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(CORE)))
def test_no_discord_no_environment(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert not {n for n in _imports(tree) if n.split(".")[0] == "discord"}
    read = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert not read & {"environ", "getenv"}
