"""transpose and SwapAxis: the source strides permuted."""
from ..copy_kernel import strided_copy
from ..registry import ALL, register
from ..strides import normalize_axis, write_request


def _permuted_copy(call, perm):
    src, dst = call.inputs[0], call.outputs[0]
    if write_request(call):
        strided_copy(src, dst, dst.shape, [src.strides[k] for k in perm], dst.strides)


@register("transpose", dtypes=ALL)
def transpose(call):
    ndim = call.inputs[0].ndim
    axes = call.attrs.get("axes") or ()
    perm = [normalize_axis(a, ndim) for a in axes] if axes else list(reversed(range(ndim)))
    _permuted_copy(call, perm)


@register("SwapAxis", "swapaxes", dtypes=ALL)
def swap_axis(call):
    ndim = call.inputs[0].ndim
    perm = list(range(ndim))
    a, b = normalize_axis(call.attrs["dim1"], ndim), normalize_axis(call.attrs["dim2"], ndim)
    perm[a], perm[b] = perm[b], perm[a]
    _permuted_copy(call, perm)
