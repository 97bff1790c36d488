# MX arrays in Julia.

# MXNet's dtype codes (c_api.h) and the Julia element types they hold.
const DTYPE_CODES = Dict{DataType,Cint}(Float32 => 0, Float64 => 1, Float16 => 2, UInt8 => 3,
                                        Int32 => 4, Int8 => 5, Int64 => 6, Bool => 7)
const ELTYPES = Dict{Cint,DataType}(code => T for (T, code) in DTYPE_CODES)

"""
    NDArray(x::AbstractArray; ctx = cpu())

An MX array holding a copy of `x`, whose element type is its dtype (`Float32`,
`Float64`, `Float16`, `UInt8`, `Int32`, `Int8`, `Int64` or `Bool`).

Layout (as MXNet.jl): a Julia array of size `(d1, ..., dn)` becomes the MX
array of shape `(dn, ..., d1)` over the same memory, so no element moves and
`x[i, j, k]` is MX's `[k, j, i]`.  `size` answers in Julia's order; op
parameters naming axes or shapes (`op`) are MX's order.

Freed by the garbage collector, or now by `free!`.
"""
mutable struct NDArray
    handle::MXNDArrayHandle
    function NDArray(handle::MXNDArrayHandle)
        return finalizer(free!, new(handle))
    end
end

function NDArray(x::AbstractArray{T}; ctx::Context = cpu()) where {T}
    haskey(DTYPE_CODES, T) ||
        throw(ArgumentError("MX has no dtype for $T; use one of $(join(keys(DTYPE_CODES), ", "))"))
    data = convert(Array{T}, x)
    shape = Int64[reverse(size(data))...]
    out = Ref{MXNDArrayHandle}(C_NULL)
    check(ccall((:MXNDArrayCreate, libmx), Cint,
                (Ptr{Int64}, Cint, Cint, Cint, Cint, Ref{MXNDArrayHandle}),
                shape, length(shape), ctx.dev_type, ctx.dev_id, DTYPE_CODES[T], out))
    nd = NDArray(out[])
    check(ccall((:MXNDArraySyncCopyFromCPU, libmx), Cint, (MXNDArrayHandle, Ptr{Cvoid}, Csize_t),
                nd.handle, data, length(data)))
    return nd
end

"""Frees the array now.  Freeing twice does nothing; using a freed array throws."""
function free!(nd::NDArray)
    handle = nd.handle
    nd.handle = C_NULL
    ccall((:MXNDArrayFree, libmx), Cint, (MXNDArrayHandle,), handle)
    return nothing
end

function live_handle(nd::NDArray)
    nd.handle == C_NULL && throw(MXError("this NDArray has been freed (free!) and cannot be used"))
    return nd.handle
end

"""The dims in Julia's order: MX's shape reversed."""
function Base.size(nd::NDArray)
    ndim = Ref{Cint}(0)
    dims = Ref{Ptr{Int64}}(C_NULL)
    check(ccall((:MXNDArrayGetShape, libmx), Cint, (MXNDArrayHandle, Ref{Cint}, Ref{Ptr{Int64}}),
                live_handle(nd), ndim, dims))
    return ntuple(k -> Int(unsafe_load(dims[], ndim[] - k + 1)), ndim[])
end

function Base.eltype(nd::NDArray)
    code = Ref{Cint}(-1)
    check(ccall((:MXNDArrayGetDType, libmx), Cint, (MXNDArrayHandle, Ref{Cint}), live_handle(nd), code))
    return ELTYPES[code[]]
end

"""The device the array lives on."""
function context(nd::NDArray)
    dev_type = Ref{Cint}(0)
    dev_id = Ref{Cint}(0)
    check(ccall((:MXNDArrayGetContext, libmx), Cint, (MXNDArrayHandle, Ref{Cint}, Ref{Cint}),
                live_handle(nd), dev_type, dev_id))
    return Context(dev_type[], dev_id[])
end

"""A Julia copy of the array, after pending work; throws the error of a failed
op that made it."""
function Base.Array(nd::NDArray)
    out = Array{eltype(nd)}(undef, size(nd))
    check(ccall((:MXNDArraySyncCopyToCPU, libmx), Cint, (MXNDArrayHandle, Ptr{Cvoid}, Csize_t),
                live_handle(nd), out, length(out)))
    return out
end

function Base.show(io::IO, nd::NDArray)
    if nd.handle == C_NULL
        print(io, "NDArray (freed)")
    else
        print(io, "NDArray{", eltype(nd), "} ", join(size(nd), "×"), " @", context(nd))
    end
end

"""NDArrays owning `count` handles of a thread-scratch array libmx returned;
call it inside `without_finalizers`."""
take_ndarrays(scratch::Ptr{MXNDArrayHandle}, count::Integer) =
    NDArray[NDArray(unsafe_load(scratch, i)) for i in 1:count]
