"""Makes tests/_mxref.py (numpy references of MXNet semantics and the op
harness helpers) importable from every test folder."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pathlib

import pytest


# Files written by the real MXNet 1.9.1 (../shared/fixtures beside the checkout).
FIXTURES = pathlib.Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"


@pytest.fixture
def fixtures():
    if not FIXTURES.is_dir():
        pytest.skip("MXNet 1.9.1 fixtures (../shared/fixtures) not present")
    return FIXTURES
