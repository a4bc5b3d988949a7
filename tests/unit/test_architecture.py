"""Dependencies point inward: handlers -> bot <- storage. Checked on the source, not by convention."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLATFORM_LIBS = {"telegram", "discord", "tinydb"}
OUTER_LAYERS = {"storage", "handlers"}


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
            if module in OUTER_LAYERS and (path.name != "cli.py" or at_top):
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


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
        "for m in pkgutil.iter_modules(bot.__path__): importlib.import_module('bot.' + m.name)\n"
        "outer = {'telegram', 'discord', 'tinydb', 'storage', 'handlers'}\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in outer)\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
