"""Each benchmark runs in --quick mode and ends with its one-line JSON summary.

The figures themselves are checked by reading the full runs, never by timed tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHES = sorted(p.name for p in (ROOT / "benchmarks").glob("bench_*.py"))


@pytest.mark.parametrize("script", BENCHES)
def test_quick_run_prints_a_table_and_json_last(script: str) -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.strip().splitlines()
    assert len(lines) > 2  # a readable table before the figures
    figures = json.loads(lines[-1])
    assert figures["bench"] == script.removeprefix("bench_").removesuffix(".py")
