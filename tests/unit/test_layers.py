"""The packages of bench form layers: each imports only from its own layer or the layers below it.

The order is the architecture (docs/architecture.md draws it). An import from a lower layer to a higher
one, or a loop between packages, is what made the library one tangle before; this test reads every
`import` of bench/ (top-level and inside functions) from the source and fails on either, naming the file.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"

#: lowest first; a top-level module counts as a package of its own
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "vocabulary"),
    ("platforms", "safe"),
    ("config", "composition"),
    ("plan", "scenario"),
    ("machine",),
    ("host", "network", "builders"),
    ("services",),
    ("bases",),
    ("engine", "caches"),
    ("store", "audit"),
    ("secrets", "debug", "analysis", "cluster"),
    ("sweep",),
    ("report",),
    ("run",),
    ("stack", "history"),
    ("commands",),
    ("cli",),
)
LAYER = {unit: n for n, units in enumerate(LAYERS) for unit in units}


def unit_of(module: str) -> str:
    """The package (or top-level module) that `bench.a.b...` belongs to."""
    return module.split(".")[1]


def imports() -> list[tuple[Path, str, str]]:
    """(file, its unit, the unit it imports) for every import of another bench unit."""
    found = []
    for path in sorted(BENCH.rglob("*.py")):
        parts = path.relative_to(BENCH).with_suffix("").parts
        if parts == ("__init__",):
            continue
        unit = parts[0]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [f"bench.{a.name}" for a in node.names] if node.module == "bench" else [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                if name.startswith("bench.") and unit_of(name) != unit:
                    found.append((path.relative_to(BENCH.parent), unit, unit_of(name)))
    return found


def test_every_package_has_a_layer() -> None:
    units = {p.relative_to(BENCH).with_suffix("").parts[0] for p in BENCH.rglob("*.py")} - {"__init__"}
    assert sorted(units - set(LAYER)) == []


def test_no_import_reaches_up_a_layer() -> None:
    upward = [
        f"{path}: {unit} (layer {LAYER[unit]}) imports {target} (layer {LAYER[target]})"
        for path, unit, target in imports()
        if LAYER[target] > LAYER[unit]
    ]
    assert upward == []


def test_no_loop_between_packages() -> None:
    graph: dict[str, set[str]] = {}
    for _, unit, target in imports():
        graph.setdefault(unit, set()).add(target)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    loops = sorted(f"{a} -> {b} -> ... -> {a}" for a in graph for b in graph[a] if reaches(b, a, {b}))
    assert loops == []


@pytest.mark.parametrize("package", sorted({u for u in LAYER if (BENCH / u).is_dir()}))
def test_each_package_says_what_lives_there_and_what_it_may_import(package: str) -> None:
    doc = ast.get_docstring(ast.parse((BENCH / package / "__init__.py").read_text())) or ""
    assert len(doc.splitlines()) >= 2 and "import" in doc, f"bench/{package}/__init__.py docstring"
