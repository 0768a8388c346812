"""Data flows one way: analyses never import the store, the presentation or the explain layer."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "kneeguard"
# What each analysis stage must not import (directly or lazily inside a function).
FORBIDDEN = {
    "load": ("kneeguard.store", "kneeguard.advice", "kneeguard.report", "kneeguard.web", "kneeguard.cli",
             "kneeguard.gait", "kneeguard.clinic"),
    "clinic": ("kneeguard.store", "kneeguard.advice", "kneeguard.report", "kneeguard.web", "kneeguard.cli"),
    "gait": ("kneeguard.load", "kneeguard.advice", "kneeguard.report", "kneeguard.web", "kneeguard.cli"),
    "findings.py": ("kneeguard.store", "kneeguard.advice", "kneeguard.report", "kneeguard.web", "kneeguard.cli",
                    "kneeguard.explain"),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("stage", sorted(FORBIDDEN))
def test_stage_imports_only_upstream(stage):
    root = PACKAGE / stage
    files = [root] if root.is_file() else sorted(root.rglob("*.py"))
    bad = [f"{f.relative_to(PACKAGE)} imports {name}" for f in files for name in _imports(f)
           if any(name == banned or name.startswith(banned + ".") for banned in FORBIDDEN[stage])]
    assert not bad, "\n".join(bad)
