"""mx_triton: MX's GPU kernels, written in Triton.

The glue that registers them with libmx through plugin.h calls:

    mx_triton.kernels()      every Kernel (op, aliases, dtypes, fn)
    mx_triton.find(name)     the Kernel of an op or alias, or None
    mx_triton.run(call)      run call.op's kernel on call.stream
    mx_triton.workspace_bytes(call)
                             the scratch bytes call.workspace must hold

See call.py for the call object and README.md for how to add an op.
"""
from .call import Call, TensorView, contiguous_strides
from .launch import on_stream
from .registry import ALL, ATOMIC, FLOATS, INTEGERS, NUMERIC, Kernel, KernelError, find, kernels


def workspace_bytes(call):
    """Bytes of scratch memory the kernel of call.op needs for this call (0:
    none, or no kernel)."""
    kernel = find(call.op)
    return kernel.workspace(call) if kernel is not None and kernel.workspace is not None else 0


def run(call):
    """Runs call.op's kernel; raises KernelError naming the op and device on
    any failure (no kernel, unsupported dtype, a compile error, ...)."""
    kernel = find(call.op)
    # an op without outputs (reset_arrays) runs on its inputs' device
    anchor = call.outputs or call.inputs
    device = anchor[0].device_id if anchor else 0
    where = f"operator {call.op} on gpu({device})"
    if kernel is None:
        raise KernelError(f"{where}: no GPU kernel")
    dispatch = call.inputs[0] if call.inputs else call.outputs[0]
    if dispatch.dtype not in kernel.dtypes:
        raise KernelError(f"{where}: no GPU kernel for dtype {dispatch.dtype} "
                          f"(supported: {', '.join(kernel.dtypes)})")
    if call.req and all(r == "null" for r in call.req):
        return
    try:
        with on_stream(call.stream, device):
            kernel.fn(call)
    except KernelError as e:
        raise KernelError(f"{where}: {e}") from e
    except Exception as e:  # compile errors, out of resources, driver errors
        raise KernelError(f"{where}: {type(e).__name__}: {e}") from e


__all__ = ["ALL", "ATOMIC", "Call", "FLOATS", "INTEGERS", "Kernel", "KernelError", "NUMERIC", "TensorView",
           "contiguous_strides", "find", "kernels", "on_stream", "run", "workspace_bytes"]
