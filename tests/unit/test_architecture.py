"""Dependencies point inward: handlers -> bot <- storage, and inside bot/ each stage imports only
the stages before it. Checked on the source, not by convention."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLATFORM_LIBS = {"telegram", "discord", "tinydb"}
OUTER_LAYERS = {"storage", "handlers"}
# The one module of bot/ that may import the outer layers (inside functions): it hands them in.
COMPOSITION_ROOTS = {"bot/cli.py"}
# The stages in the order of the flow's dependencies: each may import only those before it.
STAGES = ("text", "ingest", "matching", "stories", "alerts", "delivery", "web")
BASE = {"models", "ports", "errors", "logs", "clock", "config", "texts"}  # shared records and protocols


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(top-level module, imported at module level?) for each import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, bool]] = []
    top_level = set(map(id, tree.body))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name.split(".")[0], id(node) in top_level) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module.split(".")[0], id(node) in top_level))
    return found


def test_core_imports_no_platform_and_no_outer_layer() -> None:
    offenders = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        for module, at_top in _imports(path):
            if module in PLATFORM_LIBS:
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
            if module in OUTER_LAYERS and (
                path.relative_to(ROOT).as_posix() not in COMPOSITION_ROOTS or at_top
            ):
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def _bot_imports(path: Path) -> set[str]:
    """The bot modules a file imports, as "stage" or "module" names under bot/."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "bot" and len(parts) > 1:
                found.add(parts[1])
    return found


def test_stages_import_only_earlier_stages_and_base_modules() -> None:
    offenders = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        rel = path.relative_to(ROOT / "bot")
        own = rel.parts[0] if len(rel.parts) > 1 else rel.stem
        if own in STAGES:
            allowed = set(STAGES[: STAGES.index(own) + 1]) | BASE
        elif own in BASE:
            allowed = BASE
        else:
            continue  # pipeline, service, runtime, bootstrap, cli, demo: they orchestrate the stages
        for module in _bot_imports(path) - allowed - {"data"}:
            if module in STAGES or module not in BASE:
                offenders.append(f"bot/{rel.as_posix()} imports bot.{module}")
    assert offenders == []


def test_no_import_cycle_inside_the_core() -> None:
    graph: dict[str, set[str]] = {}
    for path in sorted((ROOT / "bot").rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        name = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        deps = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bot"):
                deps.add(node.module)
                deps.update(f"{node.module}.{a.name}" for a in node.names)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names if a.name.startswith("bot"))
        graph[name] = deps
    graph = {n: {d for d in deps if d in graph and d != n} for n, deps in graph.items()}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> list[str] | None:
        state[node] = 1
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                return [*trail, node, dep]
            if dep not in state and (cycle := visit(dep, [*trail, node])):
                return cycle
        state[node] = 2
        return None

    for module in sorted(graph):
        if module not in state:
            cycle = visit(module, [])
            assert cycle is None, f"import cycle: {' -> '.join(cycle or [])}"


def test_storage_and_handlers_do_not_import_each_other() -> None:
    offenders = []
    for layer, forbidden in (
        ("storage", {"handlers", "telegram", "discord"}),
        ("handlers", {"storage", "tinydb"}),
    ):
        for path in sorted((ROOT / layer).rglob("*.py")):
            offenders += [
                f"{path.relative_to(ROOT)} imports {m}" for m, _ in _imports(path) if m in forbidden
            ]
    assert offenders == []


def test_importing_the_core_loads_no_platform_or_database() -> None:
    code = (
        "import sys, importlib, pkgutil, bot\n"
        "for m in pkgutil.walk_packages(bot.__path__, 'bot.'): importlib.import_module(m.name)\n"
        "outer = {'telegram', 'discord', 'tinydb', 'storage', 'handlers'}\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in outer)\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
