"""``newsdesk.review`` imports on its own, first, in a fresh interpreter (no import cycle)."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["newsdesk.review", "newsdesk.review.edits",
                                    "newsdesk.store.revisions", "newsdesk.edition"])
def test_module_imports_first(module: str) -> None:
    done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
