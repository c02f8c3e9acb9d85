"""Where external data lives. Read lazily (never at import time) so tests and CLI can override.

FLEXTIME_BENCHMARKS  folder with ttp/ and itc2021/ (default: ../shared/benchmarks next to the repo)
FLEXTIME_BIG12_FACTS folder with the Big 12 fact sheets (default: ../shared/big12)
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]


def _shared(env: str, sub: str) -> Path:
    value = os.environ.get(env)
    if value:
        return Path(value).expanduser()
    for candidate in (REPO_ROOT.parent / "shared" / sub, Path("/work/shared") / sub):
        if candidate.exists():
            return candidate
    return REPO_ROOT.parent / "shared" / sub


def benchmarks_dir() -> Path:
    """The benchmark data folder (may not exist on machines without ../shared)."""
    return _shared("FLEXTIME_BENCHMARKS", "benchmarks")


def big12_facts_dir() -> Path:
    """The Big 12 fact sheets folder (documentation only; the dataset is in flextime.scenarios)."""
    return _shared("FLEXTIME_BIG12_FACTS", "big12")
