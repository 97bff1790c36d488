"""mx.nd.add, maximum, equal, ...: MXNet 1.9's binary functions of arrays and
numbers (an array and an array broadcast; a number uses the scalar op; two
numbers give a number)."""
import math
import operator

from .ndarray import _ufunc

__all__ = ["add", "subtract", "multiply", "divide", "true_divide", "modulo", "power", "maximum",
           "minimum", "hypot", "equal", "not_equal", "greater", "greater_equal", "lesser",
           "lesser_equal", "logical_and", "logical_or", "logical_xor"]


def _function(name, array_op, scalar_fn, scalar_op, rscalar_op, doc):
    def fn(lhs, rhs):
        return _ufunc(lhs, rhs, array_op, scalar_fn, scalar_op, rscalar_op)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = ("Returns element-wise %s of the input arrays with broadcasting.\n\n"
                  "Parameters\n----------\nlhs : scalar or NDArray\nrhs : scalar or NDArray\n\n"
                  "Returns\n-------\nNDArray\n    The element-wise %s." % (doc, doc))
    return fn


def _flag(fn):
    return lambda x, y: 1 if fn(x, y) else 0


_TABLE = [
    ("add", "broadcast_add", operator.add, "_plus_scalar", None, "sum"),
    ("subtract", "broadcast_sub", operator.sub, "_minus_scalar", "_rminus_scalar", "difference"),
    ("multiply", "broadcast_mul", operator.mul, "_mul_scalar", None, "product"),
    ("divide", "broadcast_div", operator.truediv, "_div_scalar", "_rdiv_scalar", "division"),
    ("true_divide", "broadcast_div", operator.truediv, "_div_scalar", "_rdiv_scalar", "division"),
    ("modulo", "broadcast_mod", operator.mod, "_mod_scalar", "_rmod_scalar", "modulo"),
    ("maximum", "broadcast_maximum", max, "_maximum_scalar", None, "maximum"),
    ("minimum", "broadcast_minimum", min, "_minimum_scalar", None, "minimum"),
    ("hypot", "broadcast_hypot", math.hypot, "_hypot_scalar", None, "hypotenuse"),
    ("equal", "broadcast_equal", _flag(operator.eq), "_equal_scalar", None, "equality"),
    ("not_equal", "broadcast_not_equal", _flag(operator.ne), "_not_equal_scalar", None,
     "inequality"),
    ("greater", "broadcast_greater", _flag(operator.gt), "_greater_scalar", "_lesser_scalar",
     "greater-than"),
    ("greater_equal", "broadcast_greater_equal", _flag(operator.ge), "_greater_equal_scalar",
     "_lesser_equal_scalar", "greater-than-or-equal"),
    ("lesser", "broadcast_lesser", _flag(operator.lt), "_lesser_scalar", "_greater_scalar",
     "less-than"),
    ("lesser_equal", "broadcast_lesser_equal", _flag(operator.le), "_lesser_equal_scalar",
     "_greater_equal_scalar", "less-than-or-equal"),
    ("logical_and", "broadcast_logical_and", _flag(lambda x, y: x and y), "_logical_and_scalar",
     None, "logical and"),
    ("logical_or", "broadcast_logical_or", _flag(lambda x, y: x or y), "_logical_or_scalar", None,
     "logical or"),
    ("logical_xor", "broadcast_logical_xor", _flag(lambda x, y: bool(x) != bool(y)),
     "_logical_xor_scalar", None, "logical xor"),
]

for _name, _array_op, _scalar_fn, _scalar_op, _rscalar_op, _doc in _TABLE:
    globals()[_name] = _function(_name, _array_op, _scalar_fn, _scalar_op, _rscalar_op, _doc)


def power(base, exp):
    """Returns result of first array elements raised to powers from second array,
    element-wise with broadcasting.

    Parameters
    ----------
    base : scalar or NDArray
    exp : scalar or NDArray

    Returns
    -------
    NDArray
        The bases in x raised to the exponents in y."""
    return _ufunc(base, exp, "broadcast_power", operator.pow, "_power_scalar", "_rpower_scalar")
