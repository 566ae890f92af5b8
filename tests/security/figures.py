"""Figures the security tests report at the end of the run (matrix cases, CSRF cases, fuzzed inputs).

Each test process appends ``name count`` lines to a file in a folder that the controlling pytest
process creates (tests/conftest.py) and sums in the terminal summary, xdist or not.
"""

import os
from collections import Counter
from pathlib import Path

ENV = "JINBAO_TEST_FIGURES_DIR"


def add(name: str, count: int = 1) -> None:
    folder = os.environ.get(ENV)
    if not folder or not count:
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with (Path(folder) / f"{worker}.txt").open("a", encoding="utf-8") as handle:
        handle.write(f"{name} {count}\n")


def totals(folder: str) -> Counter:
    counts: Counter = Counter()
    for path in Path(folder).glob("*.txt"):
        for line in path.read_text(encoding="utf-8").splitlines():
            name, _sep, value = line.rpartition(" ")
            counts[name] += int(value)
    return counts
