"""mx.nd.contrib: the contributed ops (registered as `_contrib_<name>`) and
MXNet 1.9's Python functions there: the imperative control flow
(``foreach``, ``while_loop``, ``cond``: plain Python loops and branches over
NDArrays, recorded by autograd op by op), ``isinf``/``isfinite``/``isnan``,
``rand_zipfian`` and the AdamW / multi-tensor LAMB optimizer updates."""
import math

import numpy as np

from ..context import current_context
from .ndarray import NDArray
from .register import OpNamespace

_ops = OpNamespace("contrib")

__all__ = ["foreach", "while_loop", "cond", "isinf", "isfinite", "isnan", "rand_zipfian", "adamw_update",
           "mp_adamw_update", "multi_adamw_update", "multi_mp_adamw_update", "multi_lamb_update",
           "multi_mp_lamb_update"]


def __getattr__(name):
    fn = _ops.make(name)
    if fn is None:
        raise AttributeError("module 'mxnet.ndarray.contrib' has no attribute %r" % name)
    globals()[name] = fn
    return fn


def __dir__():
    return sorted(set(globals()) | set(_ops.names()))


# -- nested lists of NDArrays ------------------------------------------------------

def _flatten(nested, what):
    """(the NDArrays of a nested list in order, its layout for _regroup)."""
    if nested is None:
        return [], None
    if isinstance(nested, NDArray):
        return [nested], 0
    if not isinstance(nested, (list, tuple)):
        raise ValueError("%s must be an NDArray or a (nested) list of NDArrays, got %s"
                         % (what, type(nested).__name__))
    flat, layout = [], []
    for item in nested:
        items, item_layout = _flatten(item, what)
        flat.extend(items)
        layout.append(item_layout)
    return flat, layout


def _regroup(flat, layout):
    """Inverse of _flatten: (the nested value, the unused rest of flat)."""
    if layout == 0:
        return flat[0], flat[1:]
    nested = []
    for item_layout in layout:
        item, flat = _regroup(flat, item_layout)
        nested.append(item)
    return nested, flat


def _python_scalar(value, kind, what):
    if isinstance(value, NDArray):
        value = value.asscalar()
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise ValueError("Cannot convert %s to python %s" % (what, kind.__name__)) from None


# -- control flow ----------------------------------------------------------------

def foreach(body, data, init_states, name="foreach"):
    """Runs ``outputs, states = body(data[i], states)`` for each i along the
    first axis of data (an NDArray, or a list of them sliced alike).

    Returns
    -------
    (outputs, states): each step's outputs stacked along a new first axis, in
    the nesting body returned them; the states after the last step.
    """
    items, _ = _flatten(data, "data")
    if not items:
        raise ValueError("foreach needs data")
    _flatten(init_states, "init_states")
    steps = items[0].shape[0]
    states, per_step, layout = init_states, [], None
    for i in range(steps):
        sliced = data[i] if isinstance(data, NDArray) else [d[i] for d in data]
        outputs, states = body(sliced, states)
        flat, layout = _flatten(outputs, "foreach output")
        per_step.append(flat)
    from . import op
    stacked = [op.stack(*step_values, axis=0) for step_values in zip(*per_step)]
    if layout is None:
        return [], states
    outputs, _ = _regroup(stacked, layout)
    return outputs, states


def while_loop(cond, func, loop_vars, max_iterations=None):
    """``while cond(*loop_vars): step_output, loop_vars = func(*loop_vars)``,
    at most max_iterations times.

    Returns
    -------
    (outputs, loop_vars): each step's outputs stacked along a new first axis
    and padded to max_iterations rows (the padding's values are undefined,
    as in MXNet); the final loop variables.
    """
    if max_iterations is None:
        raise ValueError("max_iterations should be specified")
    max_iterations = _python_scalar(max_iterations, int, "max_iteration")
    single = isinstance(loop_vars, NDArray)
    loop_vars = [loop_vars] if single else list(loop_vars)
    if not loop_vars:
        raise ValueError("loop_vars should contain at least one element")
    steps, per_step, layout = 0, [], None
    while steps < max_iterations and _python_scalar(cond(*loop_vars), bool, "Return value of cond"):
        step_output, new_vars = func(*loop_vars)
        new_vars = [] if new_vars is None else new_vars
        new_vars = [new_vars] if isinstance(new_vars, NDArray) else list(new_vars)
        if len(new_vars) != len(loop_vars):
            raise ValueError("The length of loop_vars should be consistent during the loop")
        flat, layout = _flatten([] if step_output is None else step_output, "while output")
        if per_step and len(flat) != len(per_step[0]):
            raise ValueError("Number of elements in step_output should be the same in each step")
        per_step.append(flat)
        loop_vars = new_vars
        steps += 1
    from . import op, zeros
    stacked = []
    for step_values in zip(*per_step):
        rows = [v.expand_dims(0) for v in step_values]
        if steps < max_iterations:
            first = step_values[0]
            rows.append(zeros((max_iterations - steps,) + first.shape, ctx=first.context,
                                 dtype=first.dtype))
        stacked.append(op.concat(*rows, dim=0))
    outputs = _regroup(stacked, layout)[0] if layout is not None else []
    return outputs, loop_vars[0] if single else loop_vars


def cond(pred, then_func, else_func):
    """then_func() if pred (a scalar NDArray or a Python value) is true, else
    else_func()."""
    return then_func() if _python_scalar(pred, bool, "pred") else else_func()


# -- element tests ---------------------------------------------------------------

def isinf(data):
    """1 where data is +-inf, else 0, in data's dtype."""
    return data.abs() == np.inf


def isfinite(data):
    """1 where data is neither inf nor NaN, else 0, in data's dtype."""
    from . import logical_and
    return logical_and(data.abs() != np.inf, data == data)


def isnan(data):
    """1 where data is NaN, else 0, in data's dtype."""
    return data != data


# -- sampling --------------------------------------------------------------------

def rand_zipfian(true_classes, num_sampled, range_max, ctx=None):
    """Draws num_sampled classes from the approximately log-uniform (Zipfian)
    distribution over [0, range_max), as candidate sampling does.

    Returns
    -------
    (sampled classes as int64, the expected count of each true class, the
    expected count of each sampled class), both counts in float64.
    """
    from . import op, random
    ctx = ctx or current_context()
    log_range = math.log(range_max + 1)
    draws = random.uniform(0, log_range, shape=(num_sampled,), dtype="float64", ctx=ctx)
    sampled = (op.exp(draws) - 1).astype("int64") % range_max

    def expected_count(classes):
        classes = classes.astype("float64")
        return op.log((classes + 2.0) / (classes + 1.0)) / log_range * num_sampled

    return sampled, expected_count(true_classes.as_in_context(ctx)), expected_count(sampled)


# -- optimizer updates -------------------------------------------------------------

def _rescale_grad_array(rescale_grad, ctx):
    """rescale_grad as the array the AdamW ops read (a number: a float32 (1,) array)."""
    if isinstance(rescale_grad, NDArray):
        return rescale_grad.as_in_context(ctx)
    from . import full
    return full((1,), rescale_grad, ctx=ctx)


def _interleave(*lists):
    return [array for group in zip(*lists) for array in group]


def adamw_update(weight, grad, mean, var, rescale_grad, lr, eta, beta1=0.9, beta2=0.999, epsilon=1e-8, wd=0,
                 clip_gradient=-1, out=None, name=None, **kwargs):
    """AdamW's update of weight (``_adamw_update``); mean and var are updated in
    place.  rescale_grad: a number or an array; 0, inf or NaN skips the update."""
    from . import _internal
    return _internal._adamw_update(weight, grad, mean, var, _rescale_grad_array(rescale_grad, weight.context), lr=lr,
                                   eta=eta, beta1=beta1, beta2=beta2, epsilon=epsilon, wd=wd,
                                   clip_gradient=clip_gradient, out=out, name=name, **kwargs)


def mp_adamw_update(weight, grad, mean, var, weight32, rescale_grad, lr, eta, beta1=0.9, beta2=0.999, epsilon=1e-8,
                    wd=0, clip_gradient=-1, out=None, name=None, **kwargs):
    """adamw_update on the float32 master copy weight32 (``_mp_adamw_update``)."""
    from . import _internal
    return _internal._mp_adamw_update(weight, grad, mean, var, weight32,
                                      _rescale_grad_array(rescale_grad, weight.context), lr=lr, eta=eta, beta1=beta1,
                                      beta2=beta2, epsilon=epsilon, wd=wd, clip_gradient=clip_gradient, out=out,
                                      name=name, **kwargs)


def multi_adamw_update(weights, grads, mean, var, rescale_grad, lrs, wds, etas, out=None, name=None, size=0,
                       **kwargs):
    """adamw_update of every weight in one call (``_multi_adamw_update``);
    size: the number of weights (0: len(weights))."""
    from . import _internal
    return _internal._multi_adamw_update(*_interleave(weights, grads, mean, var),
                                         _rescale_grad_array(rescale_grad, weights[0].context),
                                         num_weights=size or len(weights), lrs=lrs, wds=wds, etas=etas, out=out,
                                         name=name, **kwargs)


def multi_mp_adamw_update(weights, grads, mean, var, weights32, rescale_grad, lrs, wds, etas, out=None, name=None,
                          size=0, **kwargs):
    """mp_adamw_update of every weight in one call (``_multi_mp_adamw_update``)."""
    from . import _internal
    return _internal._multi_mp_adamw_update(*_interleave(weights, grads, mean, var, weights32),
                                            _rescale_grad_array(rescale_grad, weights[0].context),
                                            num_weights=size or len(weights), lrs=lrs, wds=wds, etas=etas, out=out,
                                            name=name, **kwargs)


def multi_lamb_update(weights, grads, mean, var, step_count, lrs, wds, out=None, num_tensors=0, **kwargs):
    """LAMB's update of every weight in one call (``_multi_lamb_update``);
    step_count, lrs and wds hold one value per weight."""
    from . import _internal
    return _internal._multi_lamb_update(*_interleave(weights, grads, mean, var), out=out,
                                        num_tensors=num_tensors or len(weights), step_count=step_count,
                                        learning_rates=lrs, wds=wds, **kwargs)


def multi_mp_lamb_update(weights, grads, mean, var, weights32, step_count, lrs, wds, out=None, num_tensors=0,
                         **kwargs):
    """multi_lamb_update on the float32 master copies weights32 (``_multi_mp_lamb_update``)."""
    from . import _internal
    return _internal._multi_mp_lamb_update(*_interleave(weights, grads, mean, var, weights32), out=out,
                                           num_tensors=num_tensors or len(weights), step_count=step_count,
                                           learning_rates=lrs, wds=wds, **kwargs)
