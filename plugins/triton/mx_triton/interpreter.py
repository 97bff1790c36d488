"""Running the kernels under Triton's interpreter (TRITON_INTERPRET=1): the
CPU-only tests, and MX's emulated GPU (MX_GPU_EMULATION, host memory).

The interpreter cannot call CUDA's libdevice (create_extern_elementwise
raises NotImplementedError), so install() gives it numpy / scipy versions of
the functions the kernels call, by symbol (__nv_tan for float64, __nv_tanf
for float32).  The GPU runs the real libdevice; the ahead-of-time compile
test checks those calls compile.  (TensorView carries the storage API the
interpreter asks of tensor arguments.)
"""
import numpy as np
import scipy.special
from triton.language.extra.cuda import libdevice
from triton.runtime import interpreter


def _round_half_away(x):
    r = np.trunc(x)
    return r + np.where(np.abs(x - r) >= 0.5, np.sign(x), 0)


FUNCTIONS = {
    "exp": np.exp, "expm1": np.expm1, "log": np.log, "log1p": np.log1p, "log2": np.log2, "log10": np.log10,
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan,
    "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh, "asinh": np.arcsinh, "acosh": np.arccosh,
    "atanh": np.arctanh, "cbrt": np.cbrt, "rcbrt": lambda x: 1 / np.cbrt(x), "floor": np.floor, "ceil": np.ceil,
    "round": _round_half_away, "trunc": np.trunc, "erf": scipy.special.erf, "erfinv": scipy.special.erfinv,
    "tgamma": scipy.special.gamma, "lgamma": scipy.special.gammaln, "pow": np.power, "fmod": np.fmod,
    "hypot": np.hypot,
}


def _extern_elementwise(self, lib_name, lib_path, symbol, args, ret_type, is_pure):
    name = symbol.removeprefix("__nv_")
    fn = FUNCTIONS.get(name) or (FUNCTIONS.get(name[:-1]) if name.endswith("f") else None)
    if fn is None:
        raise NotImplementedError(f"no interpreter version of libdevice {symbol}")
    scalar = ret_type.scalar
    with np.errstate(all="ignore"):
        result = fn(*[a.data for a in args])
    return interpreter.TensorHandle(np.asarray(result).astype(interpreter._get_np_dtype(scalar)), scalar)


def install():
    """Idempotent.  Lets interpreted kernels call libdevice: its functions get the
    interpreter's semantic as tl's do (_patch_lang patches only tl), and
    extern calls run FUNCTIONS."""
    if interpreter.InterpreterBuilder.create_extern_elementwise is _extern_elementwise:
        return
    interpreter.InterpreterBuilder.create_extern_elementwise = _extern_elementwise
    patch_lang = interpreter._patch_lang

    def patch_lang_and_libdevice(fn):
        scope = patch_lang(fn)
        interpreter._patch_builtin(libdevice, interpreter.interpreter_builder, scope)
        return scope

    interpreter._patch_lang = patch_lang_and_libdevice
