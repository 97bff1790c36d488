"""Every registered op is checked by some family's harness.

Each tests/ops/test_<family>.py exports HARNESS (canonical op name ->
checker) and ALIASES (MXNet alias -> canonical name).  A new op without a
harness entry fails here.
"""
import importlib
import pathlib

import pytest

from _mxref import canonical_name, op_handle
from mxnet.ndarray import register

HERE = pathlib.Path(__file__).parent


def _families():
    harness, aliases = {}, {}
    for path in sorted(HERE.glob("test_*.py")):
        if path.stem == "test_coverage":
            continue
        module = importlib.import_module(path.stem)
        harness.update(getattr(module, "HARNESS", {}))
        aliases.update(getattr(module, "ALIASES", {}))
    return harness, aliases


HARNESS, ALIASES = _families()
REGISTERED = register.list_ops()


def test_every_registered_op_has_a_harness_entry():
    covered = {op_handle(name) for name in HARNESS if name in REGISTERED}
    missing = [n for n in REGISTERED if op_handle(n) not in covered]
    assert not missing, "ops without a harness entry: %s" % missing


def test_harness_ops_are_registered():
    missing = [n for n in list(HARNESS) + list(ALIASES) if n not in REGISTERED]
    assert not missing, "MXNet ops missing from the registry: %s" % missing


@pytest.mark.parametrize("alias,canonical", sorted(ALIASES.items()))
def test_mxnet_alias_resolves_to_canonical(alias, canonical):
    assert op_handle(alias) == op_handle(canonical)
    assert canonical_name(alias) == canonical
