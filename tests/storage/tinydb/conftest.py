"""TinyDB-file tests: the TinyDB store only, whatever other backends the contract covers."""

from __future__ import annotations

import pytest

from storage import open_store
from tests.storage.conftest import Opener


@pytest.fixture
def backend() -> Opener:
    return open_store
