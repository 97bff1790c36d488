"""Every op that defines a gradient has a gradient check.

Family files export GRAD_HARNESS (canonical op name -> check); a new
gradient without a check fails here, and so does a check of an op that has
no gradient.
"""
import importlib
import pathlib

from _mxref import op_handle
from mxnet._registry import list_ops, op_handle as raw_handle
from mxnet.base import _LIB, check_call, ffi

HERE = pathlib.Path(__file__).parent


def has_gradient(name):
    out = ffi.new("int*")
    check_call(_LIB.MXOpHasGradient(raw_handle(name), out))
    return bool(out[0])


def grad_harness():
    harness = {}
    for path in sorted(HERE.glob("test_*.py")):
        if path.stem in ("test_coverage", "test_gradient_coverage"):
            continue
        harness.update(getattr(importlib.import_module(path.stem), "GRAD_HARNESS", {}))
    return harness


GRAD_HARNESS = grad_harness()


def test_every_gradient_is_checked():
    checked = {op_handle(name) for name in GRAD_HARNESS}
    missing = sorted({n for n in list_ops() if has_gradient(n) and op_handle(n) not in checked})
    assert not missing, "ops with a gradient but no GRAD_HARNESS entry: %s" % missing


def test_checked_ops_have_gradients():
    wrong = [n for n in GRAD_HARNESS if not has_gradient(n)]
    assert not wrong, "GRAD_HARNESS entries for ops without a gradient: %s" % wrong
