"""The layering DEVELOPERS.md asks for, checked on the source so a shortcut cannot creep in."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


@pytest.mark.parametrize("path", sorted((ROOT / "bot").glob("*.py")), ids=lambda p: p.name)
def test_the_core_never_imports_telegram(path):
    mods = imported_modules(path)
    assert not {m for m in mods if m == "telegram" or m.startswith("telegram.")}, path.name


@pytest.mark.parametrize("path", sorted((ROOT / "handlers").glob("*.py")), ids=lambda p: p.name)
def test_handlers_hold_no_sql(path):
    text = path.read_text(encoding="utf-8")
    assert "sqlite3" not in imported_modules(path)
    assert not any(kw in text for kw in ("SELECT ", "INSERT ", "UPDATE ", "DELETE FROM")), path.name
