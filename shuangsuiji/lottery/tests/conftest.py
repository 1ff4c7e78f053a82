"""The draw engine is pure: its tests must run with or without pytest-django."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _immediate_tasks() -> Iterator[None]:
    """Shadow the project-wide autouse fixture that needs Django settings; nothing to set up here."""
    yield
