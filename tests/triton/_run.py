"""Running one op's Triton kernel on numpy arrays (see _host.py)."""
import numpy as np

import mx_triton
from _host import Device, from_storage, storage_dtype, to_storage

DEVICE = Device()


def run_op(op, inputs, outputs, attrs=None, req=None, seed=0, initial=None, is_train=False, read_inputs=False):
    """inputs: (values, dtype) pairs; outputs: (shape, dtype) pairs.  Returns
    the outputs' values (bfloat16 as float32).  `initial` fills the outputs
    first (for req='add').  read_inputs: returns (outputs, inputs after the
    call), for ops that update inputs in place."""
    views = [DEVICE.tensor(to_storage(v, d), d) for v, d in inputs]
    outs = []
    for k, (shape, dtype) in enumerate(outputs):
        start = np.zeros(shape, storage_dtype(dtype)) if initial is None else to_storage(initial[k], dtype)
        outs.append((DEVICE.tensor(start, dtype), start))
    call = mx_triton.Call(op, views, [v for v, _ in outs], req=req, attrs=attrs or {}, seed=seed,
                          is_train=is_train)
    with_workspace(call)
    mx_triton.run(call)
    result = [from_storage(DEVICE.read(v, like), d) for (v, like), (_, d) in zip(outs, outputs)]
    updated = [from_storage(DEVICE.read(v, to_storage(x, d)), d) for v, (x, d) in zip(views, inputs)] \
        if read_inputs else None
    DEVICE.free()
    result = result[0] if len(result) == 1 else result
    return (result, updated) if read_inputs else result


def with_workspace(call):
    """Gives call the workspace its kernel asks for, as libmx does."""
    need = mx_triton.workspace_bytes(call)
    if need:
        call.workspace = DEVICE.tensor(np.zeros(need, np.uint8), "uint8")
    return call


def rounded(values, dtype):
    """values as the dtype stores them (bfloat16 rounding included), as float64."""
    return from_storage(to_storage(values, dtype), dtype).astype(np.float64)


TOLERANCE = {"float16": 2e-3, "bfloat16": 1e-2, "float32": 2e-6, "float64": 1e-12}
