"""mx.nd.save / load / load_frombuffer: MXNet 1.x's NDArray file format.

Local paths go straight to libmx (the bytes a C program would read); a name
with a scheme (``s3://``, ``memory://``, ...) goes through fsspec.
"""
from ..base import _LIB, c_str_array, check_call, ffi, string_types
from .ndarray import NDArray, _new_from_handle

__all__ = ["save", "load", "load_frombuffer"]


def _is_url(fname):
    return "://" in fname and not fname.startswith("file://")


def _local(fname):
    return fname[len("file://"):] if fname.startswith("file://") else fname


def save(fname, data):
    """Saves a list of NDArrays or a dict of str->NDArray to a file.

    Parameters
    ----------
    fname : str
        The filename (a URL such as ``s3://bucket/x.params`` is written with fsspec).
    data : NDArray, list of NDArray or dict of str to NDArray
        The data to save.
    """
    if not isinstance(fname, string_types):
        raise TypeError("fname required to be a string")
    if isinstance(data, NDArray):
        data = [data]
    if isinstance(data, dict):
        keys = list(data.keys())
        arrays = list(data.values())
        if any(not isinstance(k, string_types) for k in keys) or \
                any(not isinstance(v, NDArray) for v in arrays):
            raise TypeError("save only accept dict str->NDArray or list of NDArray")
    elif isinstance(data, (list, tuple)):
        keys = None
        arrays = list(data)
        if any(not isinstance(v, NDArray) for v in arrays):
            raise TypeError("save only accept dict str->NDArray or list of NDArray")
    else:
        raise ValueError("data needs to either be a NDArray, dict of str, NDArray pairs "
                         "or a list of NDarrays.")
    handles = ffi.new("MXNDArrayHandle[]", [a.handle for a in arrays])
    if keys is None:
        c_keys = ffi.NULL
    else:
        owned, c_keys = c_str_array(keys)
    if _is_url(fname):
        size = ffi.new("size_t*")
        buf = ffi.new("const char**")
        check_call(_LIB.MXNDArraySaveToBuffer(len(arrays), handles, c_keys, size, buf))
        import fsspec
        with fsspec.open(fname, "wb") as f:
            f.write(ffi.buffer(buf[0], size[0]))
        return
    check_call(_LIB.MXNDArraySave(_local(fname).encode("utf-8"), len(arrays), handles, c_keys))


def _collect(size, arrays, name_size, names):
    out = [_new_from_handle(arrays[0][i]) for i in range(size[0])]
    if name_size[0] == 0:
        return out
    keys = [ffi.string(names[0][i]).decode("utf-8") for i in range(name_size[0])]
    return dict(zip(keys, out))


def _out_params():
    return (ffi.new("uint32_t*"), ffi.new("MXNDArrayHandle**"), ffi.new("uint32_t*"),
            ffi.new("const char***"))


def load(fname):
    """Loads an array list or dict of str->NDArray from a file.

    See more details in ``save``.

    Parameters
    ----------
    fname : str
        The filename (a URL is read with fsspec).

    Returns
    -------
    list of NDArray or dict of str to NDArray
        Loaded data.
    """
    if not isinstance(fname, string_types):
        raise TypeError("fname required to be a string")
    if _is_url(fname):
        import fsspec
        with fsspec.open(fname, "rb") as f:
            return load_frombuffer(f.read())
    out = _out_params()
    check_call(_LIB.MXNDArrayLoad(_local(fname).encode("utf-8"), *out))
    return _collect(*out)


def load_frombuffer(buf):
    """Loads an array dictionary or list from a buffer.

    See more details in ``save``.

    Parameters
    ----------
    buf : bytes
        Buffer containing the contents of a file as bytes (or a str).

    Returns
    -------
    list of NDArray or dict of str to NDArray
        Loaded data.
    """
    if not isinstance(buf, string_types + (bytes, bytearray, memoryview)):
        raise TypeError("buf required to be a string or bytes")
    if isinstance(buf, str):
        buf = buf.encode("latin-1")
    data = ffi.from_buffer(buf)
    out = _out_params()
    check_call(_LIB.MXNDArrayLoadFromBuffer(data, len(data), *out))
    return _collect(*out)
