"""Every registered op is either differentiable with a gradient check or
declared non-differentiable.

Family files export GRAD_HARNESS (canonical op name -> check) and
NO_GRADIENT (ops MXNet does not differentiate).  A new op in neither, a
gradient without a check, a check of an op without a gradient, or a
gradient on an op declared non-differentiable fails here.
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


def declarations():
    harness, none = {}, set()
    for path in sorted(HERE.glob("test_*.py")):
        if path.stem in ("test_coverage", "test_gradient_coverage"):
            continue
        module = importlib.import_module(path.stem)
        harness.update(getattr(module, "GRAD_HARNESS", {}))
        none |= set(getattr(module, "NO_GRADIENT", ()))
    return harness, none


GRAD_HARNESS, NO_GRADIENT = declarations()


def test_every_gradient_is_checked():
    checked = {op_handle(name) for name in GRAD_HARNESS}
    missing = sorted({n for n in list_ops() if has_gradient(n) and op_handle(n) not in checked})
    assert not missing, "ops with a gradient but no GRAD_HARNESS entry: %s" % missing


def test_checked_ops_have_gradients():
    wrong = [n for n in GRAD_HARNESS if not has_gradient(n)]
    assert not wrong, "GRAD_HARNESS entries for ops without a gradient: %s" % wrong


def test_every_op_is_declared():
    declared = {op_handle(n) for n in list(GRAD_HARNESS) + list(NO_GRADIENT)}
    missing = sorted({n for n in list_ops() if op_handle(n) not in declared})
    assert not missing, "ops neither in GRAD_HARNESS nor in NO_GRADIENT: %s" % missing


def test_non_differentiable_ops_have_no_gradient():
    wrong = sorted(n for n in NO_GRADIENT if has_gradient(n))
    assert not wrong, "NO_GRADIENT ops that define a gradient: %s" % wrong
