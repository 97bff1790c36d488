"""Calling ops through MXImperativeInvoke, with per-thread argument buffers.

Rationale: building cffi arrays on every call costs more than the rest of a
small op; each thread keeps its buffers (cffi releases the GIL during calls,
so threads must not share them).
"""
import threading

from ..base import _LIB, ffi, get_last_error

_MAX_FAST = 16
_NULL = ffi.NULL
_invoke_c = _LIB.MXImperativeInvoke


class _Buffers(threading.local):
    def __init__(self):
        self.inputs = ffi.new("MXNDArrayHandle[%d]" % _MAX_FAST)
        self.given = ffi.new("MXNDArrayHandle[%d]" % _MAX_FAST)
        self.num_outputs = ffi.new("int*")
        self.outputs = ffi.new("MXNDArrayHandle**")
        self.keys = ffi.new("const char*[%d]" % _MAX_FAST)
        self.vals = ffi.new("const char*[%d]" % _MAX_FAST)


_buffers = _Buffers()
_key_cache = {}


def _key(name):
    k = _key_cache.get(name)
    if k is None:
        k = _key_cache[name] = ffi.new("char[]", name.encode())
    return k


def invoke(op, input_handles, keys=(), vals=(), out_handles=None):
    """Run op (an MXOpHandle) and return the handles of its outputs.

    input_handles: MXNDArrayHandles; keys/vals: parameter names and values
    as str; out_handles: handles to write into, or None for new outputs.
    """
    b = _buffers
    n_in = len(input_handles)
    ins = b.inputs if n_in <= _MAX_FAST else ffi.new("MXNDArrayHandle[]", n_in)
    for i, h in enumerate(input_handles):
        ins[i] = h
    n_par = len(keys)
    if n_par:
        ks = b.keys if n_par <= _MAX_FAST else ffi.new("const char*[]", n_par)
        vs = b.vals if n_par <= _MAX_FAST else ffi.new("const char*[]", n_par)
        keep = [ffi.new("char[]", v.encode()) for v in vals]
        for i in range(n_par):
            ks[i] = _key(keys[i])
            vs[i] = keep[i]
    else:
        ks = vs = _NULL
    outs = b.outputs
    if out_handles is None:
        outs[0] = _NULL
    else:
        n_out = len(out_handles)
        given = b.given if n_out <= _MAX_FAST else ffi.new("MXNDArrayHandle[]", n_out)
        for i, h in enumerate(out_handles):
            given[i] = h
        outs[0] = given
        b.num_outputs[0] = n_out
    if _invoke_c(op, n_in, ins, b.num_outputs, outs, n_par, ks, vs) != 0:
        raise get_last_error()
    if out_handles is not None:
        return out_handles
    res = outs[0]
    return [res[i] for i in range(b.num_outputs[0])]


def invoke_binary(op, lhs, rhs):
    """Fast path: two input handles, no parameters, one new output handle."""
    b = _buffers
    ins = b.inputs
    ins[0] = lhs
    ins[1] = rhs
    outs = b.outputs
    outs[0] = _NULL
    if _invoke_c(op, 2, ins, b.num_outputs, outs, 0, _NULL, _NULL) != 0:
        raise get_last_error()
    return outs[0][0]


_SCALAR_KEYS = None


def invoke_scalar(op, data, scalar, out=None):
    """Fast path: one input handle and a `scalar` parameter."""
    global _SCALAR_KEYS
    if _SCALAR_KEYS is None:
        _SCALAR_KEYS = ffi.new("const char*[1]", [_key("scalar")])
    b = _buffers
    ins = b.inputs
    ins[0] = data
    value = ffi.new("char[]", repr(float(scalar)).encode())
    vs = b.vals
    vs[0] = value
    outs = b.outputs
    if out is None:
        outs[0] = _NULL
    else:
        b.given[0] = out
        outs[0] = b.given
        b.num_outputs[0] = 1
    if _invoke_c(op, 1, ins, b.num_outputs, outs, 1, _SCALAR_KEYS, vs) != 0:
        raise get_last_error()
    return out if out is not None else outs[0][0]
