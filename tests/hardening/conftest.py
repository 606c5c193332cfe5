"""Hardening tests: fuzzing, protocol abuse, data safety and security.

Fuzz tests run a modest number of examples by default (the whole folder stays under two
minutes on two cores); ``PLANTLS_FUZZ_EXAMPLES=N`` runs each of them N times instead.
Hypothesis keeps failing examples in ``.hypothesis/`` at the repository root (git-ignored).
"""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]

sys.path.insert(0, str(HERE))

settings.register_profile(
    "plantls-hardening",
    database=DirectoryBasedExampleDatabase(str(REPO / ".hypothesis" / "examples")),
)
settings.load_profile("plantls-hardening")
