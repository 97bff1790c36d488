# Where libmx lies, its handle types and its error convention.

"""The folder holding libmx.so: `MX_LIBRARY_PATH`, else the installed Python
package's (asked through `ENV["PYTHON"]`, default `python3`)."""
function library_dir()
    dir = get(ENV, "MX_LIBRARY_PATH", "")
    isempty(dir) || return dir
    python = get(ENV, "PYTHON", "python3")
    try
        return readchomp(`$python -c "import mxnet._ffi as f; print(f.LIB_DIR)"`)
    catch
        error("cannot find libmx: set MX_LIBRARY_PATH to the folder holding libmx.so, " *
              "or install MX's Python package for $python")
    end
end

# Rationale: ccall takes the library as a constant, fixed when the module is
# (pre)compiled; set MX_LIBRARY_PATH before the first `using MX`.
const libmx = joinpath(library_dir(), "libmx.so")

# c_api.h's typed opaque handles, typed here too so a symbol handle cannot be
# passed where an array handle belongs.
struct MXNDArray_ end
struct MXOp_ end
struct MXSymbol_ end
struct MXPredictor_ end
const MXNDArrayHandle = Ptr{MXNDArray_}
const MXOpHandle = Ptr{MXOp_}
const MXSymbolHandle = Ptr{MXSymbol_}
const PredictorHandle = Ptr{MXPredictor_}

"""An error reported by libmx, with its message."""
struct MXError <: Exception
    msg::String
end

Base.showerror(io::IO, e::MXError) = print(io, "MXError: ", e.msg)

"""Throws an `MXError` with libmx's message unless `rc` is 0 (c_api.h's
convention: 0 ok, -1 error)."""
function check(rc::Cint)
    rc == 0 && return nothing
    throw(MXError(unsafe_string(ccall((:MXGetLastError, libmx), Cstring, ()))))
end

# The c_api.h major this binding was written against.
const ABI_MAJOR = 1

function check_abi()
    major = Ref{Cint}(0)
    minor = Ref{Cint}(0)
    check(ccall((:MXGetABIVersion, libmx), Cint, (Ref{Cint}, Ref{Cint}), major, minor))
    major[] == ABI_MAJOR || error("libmx at $libmx implements C ABI $(major[]).$(minor[]) " *
                                  "but MX.jl needs major $ABI_MAJOR")
    return nothing
end

"""Calls `f` with the strings as a C `const char**` array, kept alive meanwhile."""
function with_cstrings(f, strings)
    owned = String[String(s) for s in strings]
    GC.@preserve owned f(Cstring[Base.unsafe_convert(Cstring, s) for s in owned])
end

"""Runs `f` with finalizers held off.  Rationale: a finalizer's MX call may
reuse a thread-scratch array that libmx just returned, before it is copied."""
function without_finalizers(f)
    GC.enable_finalizers(false)
    try
        return f()
    finally
        GC.enable_finalizers(true)
    end
end

"""A device, as MXNet names them: `cpu()`, `gpu(0)` (MXNet's codes: cpu 1, gpu 2)."""
struct Context
    dev_type::Cint
    dev_id::Cint
end

cpu(dev_id::Integer = 0) = Context(1, dev_id)
gpu(dev_id::Integer = 0) = Context(2, dev_id)

# "cpu(0)": how MXNet writes a context in op parameters (and so `string(ctx)`).
Base.show(io::IO, ctx::Context) =
    print(io, ("cpu", "gpu", "cpu_pinned")[ctx.dev_type], "(", ctx.dev_id, ")")
