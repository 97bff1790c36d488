"""Symbol: MXNet's declarative graph (``mx.sym``).

A Symbol names some outputs of a graph that lives in libmx; building,
composing, attributes, JSON and shape/dtype inference all go through the C
ABI, so any frontend gets the same graphs.
"""
import numpy as np

from ..attribute import AttrScope
from ..base import (_LIB, _DTYPE_NP_TO_MX, NotImplementedForSymbol, c_str_array, check_call, ffi,
                    numeric_types, py_str,
                    string_types)
from .._registry import fluent_method, param_str

__all__ = ["Symbol", "var", "Variable", "Group", "load", "load_json"]

_INPUTS_ALL, _INPUTS_ARGUMENTS, _INPUTS_AUX = 0, 1, 2


def _new(out):
    return Symbol(out[0])


def _strings(fn, *args):
    size = ffi.new("uint32_t*")
    out = ffi.new("const char***")
    check_call(fn(*args, size, out))
    return [py_str(out[0][i]) for i in range(size[0])]


# Attributes MXNet stores as __key__ but also lists under their plain name.
_HIDDEN_KEYS = ("ctx_group", "lr_mult", "wd_mult", "force_mirroring", "mirror_stage",
                "profiler_scope")


def _attr_pairs(handle, recursive):
    """(key, value) pairs as MXNet's MXSymbolListAttr gives them: each hidden
    attribute (``__lr_mult__``) a second time under its plain name (``lr_mult``)."""
    size = ffi.new("uint32_t*")
    out = ffi.new("const char***")
    check_call(_LIB.MXSymbolListAttr(handle, recursive, size, out))
    flat = [py_str(out[0][i]) for i in range(2 * size[0])]
    pairs = []
    for key, value in zip(flat[::2], flat[1::2]):
        pairs.append((key, value))
        node, sep, attr = key.rpartition("$")
        if attr.startswith("__") and attr.endswith("__") and attr[2:-2] in _HIDDEN_KEYS:
            pairs.append((node + sep + attr[2:-2], value))
    return pairs


class Symbol:
    """A symbolic graph: some outputs of variables and op nodes."""

    __slots__ = ("handle", "__weakref__")
    # numpy defers to Symbol's reflected operators.
    __array_priority__ = 1000.0

    def __init__(self, handle):
        self.handle = handle

    def __del__(self, _free=_LIB.MXSymbolFree):
        if self.handle is not None:
            _free(self.handle)

    def __repr__(self):
        name = self.name
        if name is None:
            return "<%s group [%s]>" % (type(self).__name__, ", ".join(s.name for s in self))
        return "<%s %s>" % (type(self).__name__, name)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __len__(self):
        out = ffi.new("uint32_t*")
        check_call(_LIB.MXSymbolGetNumOutputs(self.handle, out))
        return out[0]

    __hash__ = object.__hash__

    def __bool__(self):
        raise NotImplementedForSymbol(self.__bool__, "bool")

    # -- copying and composing -----------------------------------------------------
    def __copy__(self):
        out = ffi.new("MXSymbolHandle*")
        check_call(_LIB.MXSymbolCopy(self.handle, out))
        return _new(out)

    def __deepcopy__(self, _memo):
        return self.__copy__()

    def __getstate__(self):
        return {"handle": None if self.handle is None else self.tojson()}

    def __setstate__(self, state):
        self.handle = None
        if state["handle"] is not None:
            loaded = load_json(state["handle"])
            self.handle, loaded.handle = loaded.handle, None

    def __call__(self, *args, **kwargs):
        """A copy of the symbol with its inputs replaced (see _compose)."""
        s = self.__copy__()
        s._compose(*args, **kwargs)
        return s

    def _compose(self, *args, **kwargs):
        """Replaces inputs in place: positionally (in list_inputs order) or by name."""
        name = kwargs.pop("name", None)
        if args and kwargs:
            raise TypeError("compose only accept input Symbols either as positional or keyword "
                            "arguments, not both")
        for arg in list(args) + list(kwargs.values()):
            if not isinstance(arg, Symbol):
                raise TypeError("Compose expect `Symbol` as arguments")
        c_name = name.encode("utf-8") if name else ffi.NULL
        if kwargs:
            owned, keys = c_str_array(kwargs.keys())
            handles = ffi.new("MXSymbolHandle[]", [s.handle for s in kwargs.values()])
        else:
            keys = ffi.NULL
            handles = ffi.new("MXSymbolHandle[]", [s.handle for s in args])
        check_call(_LIB.MXSymbolCompose(self.handle, c_name, len(kwargs) or len(args), keys, handles))
        if name and self.name not in (None, name):
            # MXNet (nnvm's Compose) renames the head node to `name` whatever the graph.
            self._set_attr(name=name)

    # -- outputs and structure -----------------------------------------------------
    def __getitem__(self, index):
        if isinstance(index, slice):
            return Group([self[i] for i in range(len(self))[index]])
        if isinstance(index, string_types):
            names = self.list_outputs()
            matches = [i for i, n in enumerate(names) if n == index]
            if not matches:
                raise ValueError('Cannot find output that matches name "%s"' % index)
            if len(matches) > 1:
                raise ValueError('There are multiple outputs with name "%s"' % index)
            index = matches[0]
        if not isinstance(index, (int, np.integer)):
            raise TypeError("Symbol only support integer index to fetch i-th output")
        count = len(self)
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError("Symbol index %d is out of range for %d outputs" % (index, count))
        out = ffi.new("MXSymbolHandle*")
        check_call(_LIB.MXSymbolGetOutput(self.handle, int(index), out))
        return _new(out)

    @property
    def name(self):
        """The output node's name; None for a group of several nodes."""
        return self.attr("name")

    def get_internals(self):
        """A group of every output of every node, in topological order."""
        out = ffi.new("MXSymbolHandle*")
        check_call(_LIB.MXSymbolGetInternals(self.handle, out))
        return _new(out)

    def get_children(self):
        """A group of the output nodes' inputs; None for a variable."""
        out = ffi.new("MXSymbolHandle*")
        check_call(_LIB.MXSymbolGetChildren(self.handle, out))
        ret = _new(out)
        return ret if len(ret) else None

    def list_arguments(self):
        """Names of the arguments (inputs no op updates), in graph order."""
        return _strings(_LIB.MXSymbolListInputs, self.handle, _INPUTS_ARGUMENTS)

    def list_outputs(self):
        """Names of the outputs (``<node>_output`` for op outputs)."""
        return _strings(_LIB.MXSymbolListOutputs, self.handle)

    def list_auxiliary_states(self):
        """Names of the auxiliary states (inputs ops update, such as BatchNorm's moving stats)."""
        return _strings(_LIB.MXSymbolListInputs, self.handle, _INPUTS_AUX)

    def list_inputs(self):
        """Names of every input: arguments and auxiliary states, in graph order."""
        return _strings(_LIB.MXSymbolListInputs, self.handle, _INPUTS_ALL)

    # -- attributes ----------------------------------------------------------------
    def attr(self, key):
        """The attribute `key` of the output node as a string, or None."""
        out = ffi.new("const char**")
        success = ffi.new("int*")
        check_call(_LIB.MXSymbolGetAttr(self.handle, key.encode("utf-8"), out, success))
        return py_str(out[0]) if success[0] else None

    def list_attr(self, recursive=False):
        """The output node's attributes as a dict.  recursive=True raises
        DeprecationWarning, as in MXNet 1.9: use attr_dict."""
        if recursive:
            raise DeprecationWarning("Symbol.list_attr with recursive=True has been deprecated. "
                                     "Please use attr_dict instead.")
        return dict(_attr_pairs(self.handle, 0))

    def attr_dict(self):
        """{node name: {key: value}} for every node that has attributes."""
        ret = {}
        for key, value in _attr_pairs(self.handle, 1):
            node, attr = key.rsplit("$", 1)
            ret.setdefault(node, {})[attr] = value
        return ret

    def _set_attr(self, **kwargs):
        """Sets attributes of the output node; values must be strings."""
        for key, value in kwargs.items():
            if not isinstance(value, string_types):
                raise ValueError("Set Attr only accepts string values")
            check_call(_LIB.MXSymbolSetAttr(self.handle, key.encode("utf-8"),
                                            value.encode("utf-8")))

    # -- serialization -------------------------------------------------------------
    def tojson(self, remove_amp_cast=True):
        """The graph in MXNet's -symbol.json format."""
        out = ffi.new("const char**")
        check_call(_LIB.MXSymbolSaveToJSON(self.handle, out))
        return py_str(out[0])

    def save(self, fname, remove_amp_cast=True):
        """Saves the graph to `fname` in MXNet's -symbol.json format."""
        if not isinstance(fname, string_types):
            raise TypeError("fname need to be string")
        if "://" in fname:
            import fsspec
            with fsspec.open(fname, "w") as f:
                f.write(self.tojson())
            return
        check_call(_LIB.MXSymbolSaveToFile(self.handle, fname.encode("utf-8")))

    def debug_str(self):
        """A text description of the graph: outputs, variables and op nodes."""
        out = ffi.new("const char**")
        check_call(_LIB.MXSymbolPrint(self.handle, out))
        return py_str(out[0])

    # -- inference -----------------------------------------------------------------
    def infer_shape(self, *args, **kwargs):
        """Infers the shapes of all arguments, outputs and aux states from the known ones.

        Returns (arg_shapes, out_shapes, aux_shapes), or (None, None, None) with a
        warning when some shape cannot be decided.
        """
        from .infer import infer_shape
        return infer_shape(self, False, args, kwargs)

    def infer_shape_partial(self, *args, **kwargs):
        """infer_shape that returns what it could infer: () for an unknown shape, 0 for an
        unknown dimension."""
        from .infer import infer_shape
        return infer_shape(self, True, args, kwargs)

    def infer_type(self, *args, **kwargs):
        """Infers the dtypes of all arguments, outputs and aux states from the known ones."""
        from .infer import infer_type
        return infer_type(self, False, args, kwargs)

    def infer_type_partial(self, *args, **kwargs):
        """infer_type that returns what it could infer (None where unknown)."""
        from .infer import infer_type
        return infer_type(self, True, args, kwargs)


# -- operators and fluent methods ---------------------------------------------------
# As in MXNet 1.x: Symbol (+) Symbol is the element-wise op (_Plus), Symbol (+)
# number the scalar op (_PlusScalar); the alias names give the auto names
# (_plus0, _plusscalar0) that -symbol.json files show.
def _operator(array_op, scalar_op, reflected=False):
    def method(self, other):
        from . import _internal
        if isinstance(other, Symbol) and not reflected:
            return getattr(_internal, array_op)(self, other)
        if isinstance(other, numeric_types):
            return getattr(_internal, scalar_op)(self, scalar=other)
        raise TypeError("type %s not supported" % str(type(other)))
    return method


for _names, _ops in (
        (("__add__", "__radd__"), ("_Plus", "_PlusScalar")),
        (("__sub__",), ("_Minus", "_MinusScalar")),
        (("__mul__", "__rmul__"), ("_Mul", "_MulScalar")),
        (("__truediv__", "__div__"), ("_Div", "_DivScalar")),
        (("__mod__",), ("_Mod", "_ModScalar")),
        (("__pow__",), ("_Power", "_PowerScalar")),
        (("__eq__",), ("_equal", "_equal_scalar")),
        (("__ne__",), ("_not_equal", "_not_equal_scalar")),
        (("__gt__",), ("_greater", "_greater_scalar")),
        (("__ge__",), ("_greater_equal", "_greater_equal_scalar")),
        (("__lt__",), ("_lesser", "_lesser_scalar")),
        (("__le__",), ("_lesser_equal", "_lesser_equal_scalar"))):
    for _name in _names:
        setattr(Symbol, _name, _operator(*_ops))
for _name, _op in (("__rsub__", "_RMinusScalar"), ("__rtruediv__", "_RDivScalar"),
                   ("__rdiv__", "_RDivScalar"), ("__rmod__", "_RModScalar"),
                   ("__rpow__", "_RPowerScalar")):
    setattr(Symbol, _name, _operator(None, _op, reflected=True))
Symbol.__neg__ = lambda self: self.__mul__(-1.0)


def _no_inplace(name, alias):
    # Symbols are immutable graphs: MXNet refuses x += y rather than rebinding x.
    def method(self, other):
        raise NotImplementedForSymbol(getattr(self, name), alias, other)
    method.__name__ = name
    return method


for _name, _alias in (("__iadd__", "+="), ("__isub__", "-="), ("__imul__", "*="),
                      ("__idiv__", "/="), ("__itruediv__", "/=")):
    setattr(Symbol, _name, _no_inplace(_name, _alias))


def _ndarray_only(name):
    # MXNet's Symbol has these NDArray methods too, so that code written for
    # both (Gluon's F) fails clearly on a Symbol.
    def method(self, *args, **kwargs):
        raise NotImplementedForSymbol(getattr(self, name), None)
    method.__name__ = name
    return method


for _name in ("wait_to_read", "asnumpy", "asscalar", "copy", "as_in_context", "detach",
              "backward"):
    setattr(Symbol, _name, _ndarray_only(_name))


def _op_module():
    from . import op
    return op


def _install_fluent_methods():
    from ..ndarray.ndarray import _FLUENT_METHODS
    for name in _FLUENT_METHODS + ("reshape", "broadcast_to", "broadcast_like"):
        setattr(Symbol, name, fluent_method(name, _op_module, "symbol"))
    cast = fluent_method("astype", _op_module, "symbol", "cast")
    Symbol.astype = lambda self, dtype: cast(self, dtype=dtype)


_install_fluent_methods()


def var(name, attr=None, shape=None, lr_mult=None, wd_mult=None, dtype=None, init=None,
        stype=None, profiler_scope=None, **kwargs):
    """Creates a symbolic variable with the given name.

    Parameters
    ----------
    name : str
        Variable name.
    attr : Dict of strings
        Additional attributes to set on the variable.
    shape : tuple
        The shape of the variable (0 marks an unknown dimension).
    lr_mult, wd_mult : float
        Learning rate and weight decay multipliers.
    dtype : str or numpy.dtype
        The dtype of the variable.
    init : initializer (mxnet.init.*) or str
        Initializer for this variable.
    stype : str
        The storage type ('default').
    profiler_scope : str
        The profiler scope of the variable.
    **kwargs
        More attributes, named ``__key__``.

    Returns
    -------
    Symbol
    """
    if not isinstance(name, string_types):
        raise TypeError("Expect a string for variable `name`")
    out = ffi.new("MXSymbolHandle*")
    check_call(_LIB.MXSymbolCreateVariable(name.encode("utf-8"), out))
    ret = _new(out)
    attr = dict(AttrScope.current.get(attr))
    if shape is not None:
        attr["__shape__"] = param_str("shape", tuple(shape) if isinstance(shape, list) else shape)
    if lr_mult is not None:
        attr["__lr_mult__"] = str(lr_mult)
    if wd_mult is not None:
        attr["__wd_mult__"] = str(wd_mult)
    if dtype is not None:
        attr["__dtype__"] = str(_DTYPE_NP_TO_MX[np.dtype(dtype).type])
    if init is not None:
        attr["__init__"] = init if isinstance(init, string_types) else init.dumps()
    if stype is not None:
        if stype != "default":
            raise NotImplementedError("sparse storage type %r is not supported" % stype)
        attr["__storage_type__"] = "0"
    if profiler_scope is not None:
        attr["__profiler_scope__"] = profiler_scope
    for key, value in kwargs.items():
        if not (key.startswith("__") and key.endswith("__")):
            raise ValueError("Attribute name=%s is not supported. Additional attributes must "
                             "start and end with double underscores, e.g, __yourattr__" % key)
        attr[key] = str(value)
    ret._set_attr(**attr)
    return ret


Variable = var


def Group(symbols):
    """One symbol whose outputs are the outputs of `symbols`, in order."""
    symbols = list(symbols)
    if not symbols or any(not isinstance(s, Symbol) for s in symbols):
        raise TypeError("Expected a list of symbols as input")
    handles = ffi.new("MXSymbolHandle[]", [s.handle for s in symbols])
    out = ffi.new("MXSymbolHandle*")
    check_call(_LIB.MXSymbolCreateGroup(len(symbols), handles, out))
    return _new(out)


def load(fname):
    """Loads a symbol from a -symbol.json file (a URL goes through fsspec)."""
    if not isinstance(fname, string_types):
        raise TypeError("fname need to be string")
    if "://" in fname:
        import fsspec
        with fsspec.open(fname, "r") as f:
            return load_json(f.read())
    out = ffi.new("MXSymbolHandle*")
    check_call(_LIB.MXSymbolCreateFromFile(fname.encode("utf-8"), out))
    return _new(out)


def load_json(json_str):
    """Loads a symbol from -symbol.json text."""
    if not isinstance(json_str, string_types):
        raise TypeError("fname required to be string")
    out = ffi.new("MXSymbolHandle*")
    check_call(_LIB.MXSymbolCreateFromJSON(json_str.encode("utf-8"), out))
    return _new(out)
