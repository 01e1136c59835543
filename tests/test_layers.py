"""Inner layers never import outer ones (README, "How it is built"): checked on every module's imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "spyglass"

#: inner to outer; a module may import its own layer and the ones before it. ``testing`` (the fakes users'
#: and our own tests use) is outermost, so nothing in the product can import it.
LAYERS = ["exceptions", "settings", "markup", "project", "warehouse", "checks", "state", "report", "service",
          "pipeline", "store", "gitlab", "demo", "server", "mcp", "cli", "testing"]
#: entry points that sit side by side and may use each other's libraries
PEERS = {"server": {"gitlab", "demo"}, "cli": {"server", "gitlab", "demo"},
         "gitlab": {"store"}}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {n for n in names if n.startswith("spyglass.")}


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_inner_layer_imports_an_outer_one(path: Path) -> None:
    own = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
    if own not in LAYERS:
        return  # __init__, __main__, py.typed
    rank = LAYERS.index(own)
    outward = [m for m in _imports(path)
               if _layer(m) in LAYERS and LAYERS.index(_layer(m)) > rank and _layer(m) not in PEERS.get(own, set())]
    assert outward == [], f"{path.relative_to(PACKAGE)} imports outer layers: {outward}"
