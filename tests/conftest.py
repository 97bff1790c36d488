"""Makes tests/_mxref.py (numpy references of MXNet semantics and the op
harness helpers) importable from every test folder."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pytest  # noqa: E402

from _fixtures import FIXTURES  # noqa: E402


@pytest.fixture
def fixtures():
    if not FIXTURES.is_dir():
        pytest.skip("MXNet 1.9.1 fixtures (../shared/fixtures) not present")
    return FIXTURES
