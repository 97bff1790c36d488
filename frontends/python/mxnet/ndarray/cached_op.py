"""mx.nd.CachedOp: a Symbol called like an imperative function.

``CachedOp(sym)(*inputs)`` runs the graph on NDArrays given in
``sym.list_inputs()`` order and returns its output (a list when it has
several).  Each op is invoked as mx.nd would, so autograd records the call
and training mode (Dropout, BatchNorm) follows autograd's, as with MXNet's
CachedOp.

Rationale: MXNet's CachedOp is a C++ executor cached per input shape.  Here
the graph is parsed once into a plan (op handles, parameter strings, input
entries) and replayed op by op through the ordinary invoke path, which
keeps autograd, devices and plugins working unchanged; a compiled CachedOp
in libmx can replace the replay without changing this interface.
"""
import json

from ..base import MXNetValueError
from .._registry import op_handle
from . import _invoke
from .ndarray import NDArray, _new_from_handle

__all__ = ["CachedOp"]


def _is_hidden(key):
    return key.startswith("__") and key.endswith("__")


class CachedOp:
    """A Symbol as a function of NDArrays.

    Parameters
    ----------
    sym : Symbol
        The graph; its inputs (arguments and auxiliary states) are the
        function's parameters, in ``sym.list_inputs()`` order.
    flags : sequence of (str, str), optional
        MXNet's CachedOp flags (static_alloc, ...); accepted and ignored.
    thread_safe : bool, optional
        Accepted for compatibility.
    """

    def __init__(self, sym, flags=(), thread_safe=False):
        graph = json.loads(sym.tojson())
        nodes = graph["nodes"]
        self._input_names = sym.list_inputs()
        self._num_outputs = len(sym.list_outputs())
        slot = {}  # variable node id -> position among the inputs
        for position, node_id in enumerate(graph["arg_nodes"]):
            slot[node_id] = position
        # plan: (op handle, keys, vals, input entries, node id) per op node in
        # topological order; an entry is ("in", position) or ("op", node id, output).
        self._plan = []
        for node_id, node in enumerate(nodes):
            if node["op"] == "null":
                continue
            attrs = {k: v for k, v in node.get("attrs", {}).items()
                     if not _is_hidden(k)}
            entries = [("in", slot[src]) if nodes[src]["op"] == "null" else ("op", src, index)
                       for src, index, *_ in node["inputs"]]
            self._plan.append((op_handle(node["op"]), tuple(attrs), tuple(attrs.values()),
                               entries, node_id))
        self._heads = [("in", slot[src]) if nodes[src]["op"] == "null" else ("op", src, index)
                       for src, index, *_ in graph["heads"]]

    def __call__(self, *args, **kwargs):
        out = kwargs.pop("out", None)
        kwargs.pop("default_ctx", None)
        if kwargs:
            raise TypeError("CachedOp.__call__ got unexpected keyword argument(s): "
                            + ", ".join(kwargs))
        if len(args) != len(self._input_names):
            raise MXNetValueError("CachedOp takes %d inputs (%s), got %d"
                                  % (len(self._input_names), ", ".join(self._input_names),
                                     len(args)))
        for name, arg in zip(self._input_names, args):
            if not isinstance(arg, NDArray):
                raise TypeError("CachedOp input %s must be an NDArray, got %s"
                                % (name, type(arg).__name__))
        values = {}  # node id -> its outputs (NDArrays)

        def value(entry):
            return args[entry[1]] if entry[0] == "in" else values[entry[1]][entry[2]]

        for handle, keys, vals, entries, node_id in self._plan:
            inputs = [value(e).handle for e in entries]
            values[node_id] = [_new_from_handle(h)
                               for h in _invoke.invoke(handle, inputs, keys, vals)]
        results = [value(e) for e in self._heads]
        if out is not None:
            outs = out if isinstance(out, (list, tuple)) else [out]
            if len(outs) != len(results):
                raise MXNetValueError("CachedOp has %d outputs, out gives %d"
                                      % (len(results), len(outs)))
            for src, dst in zip(results, outs):
                src.copyto(dst)
            return out
        return results[0] if self._num_outputs == 1 else results
