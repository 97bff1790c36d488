"""Where the files written by the real MXNet 1.9.1 live: ../shared/fixtures
beside the checkout (a module of its own, not conftest: every test folder
with a conftest.py of its own would shadow that name)."""
import pathlib

FIXTURES = pathlib.Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"
