"""Symbol.infer_shape / infer_type: argument handling and MXNet 1.x's legacy
shape convention (a 0 dimension or an empty shape means unknown)."""
import warnings

import numpy as np

from ..base import _DTYPE_MX_TO_NP, _DTYPE_NP_TO_MX, _LIB, c_str_array, check_call, ffi


def _known_values(symbol, args, kwargs):
    """(names, values): positional values name the arguments in order."""
    if args and kwargs:
        raise ValueError("Can only specify known argument shapes either by positional or "
                         "kwargs way.")
    if kwargs:
        return list(kwargs.keys()), list(kwargs.values()), True
    names = symbol.list_arguments()
    if len(args) > len(names):
        raise ValueError("got %d positional values for a symbol with %d arguments"
                         % (len(args), len(names)))
    return names[:len(args)], list(args), False


def _legacy_dims(shape):
    # MXNet 1.x: () is an unknown shape and 0 an unknown dimension.
    if shape is None or len(shape) == 0:
        return None
    return [-1 if int(d) == 0 else int(d) for d in shape]


def _split(counts, values):
    a, b = counts[0], counts[0] + counts[1]
    return values[:a], values[a:b], values[b:b + counts[2]]


def infer_shape(symbol, partial, args, kwargs):
    names, shapes, by_name = _known_values(symbol, args, kwargs)
    data, ind_ptr, keys = [], [0], []
    for name, shape in zip(names, shapes):
        if shape is not None and not isinstance(shape, tuple):
            where = "'%s'" % name if by_name else "argument %d" % len(keys)
            raise TypeError("Arguments need to be shapes (tuple), but %s is %s."
                            % (where, type(shape)))
        dims = _legacy_dims(shape)
        if dims is None:
            continue
        data.extend(dims)
        ind_ptr.append(len(data))
        keys.append(name)
    owned, c_keys = c_str_array(keys)
    counts = ffi.new("uint32_t[3]")
    ndim = ffi.new("const int**")
    dims = ffi.new("const int64_t***")
    complete = ffi.new("int*")
    check_call(_LIB.MXSymbolInferShape(
        symbol.handle, len(keys), c_keys, ffi.new("int64_t[]", ind_ptr),
        ffi.new("int64_t[]", data or [0]), counts, ndim, dims, complete))
    total = counts[0] + counts[1] + counts[2]
    result = []
    for j in range(total):
        n = ndim[0][j]
        result.append(() if n < 0 else tuple(max(int(d), 0) for d in dims[0][j][0:n]))
    if complete[0] or partial:
        return _split(counts, result)
    _warn_undecided("Cannot decide shape for the following arguments (0s in shape "
                    "means unknown dimensions).", symbol, result[:counts[0]],
                    lambda shape: not shape or 0 in shape)
    return None, None, None


def _warn_undecided(message, symbol, values, unknown):
    """MXNet's warning naming (up to 10 of) the arguments left undecided."""
    unknowns = ["%s: %s" % (name, value) for name, value in
                zip(symbol.list_arguments(), values) if unknown(value)]
    warnings.warn(message + " Consider providing them as input:\n\t" +
                  "\n\t".join(unknowns[:10] + (["..."] if len(unknowns) > 10 else [])),
                  stacklevel=4)


def infer_type(symbol, partial, args, kwargs):
    names, dtypes, _ = _known_values(symbol, args, kwargs)
    codes, keys = [], []
    for name, dtype in zip(names, dtypes):
        if dtype is None:
            continue
        code = _DTYPE_NP_TO_MX.get(np.dtype(dtype).type)
        if code is None:
            raise TypeError("Argument need to be one of " + str(list(_DTYPE_NP_TO_MX)))
        codes.append(code)
        keys.append(name)
    owned, c_keys = c_str_array(keys)
    counts = ffi.new("uint32_t[3]")
    types = ffi.new("const int**")
    complete = ffi.new("int*")
    check_call(_LIB.MXSymbolInferType(symbol.handle, len(codes), c_keys,
                                      ffi.new("int[]", codes or [0]), counts, types, complete))
    total = counts[0] + counts[1] + counts[2]
    result = [_DTYPE_MX_TO_NP.get(types[0][j]) if types[0][j] >= 0 else None
              for j in range(total)]
    if complete[0] or partial:
        return _split(counts, result)
    _warn_undecided("Cannot decide type for the following arguments.", symbol,
                    result[:counts[0]], lambda dtype: dtype is None)
    return None, None, None
