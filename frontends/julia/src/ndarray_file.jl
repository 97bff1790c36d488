# MXNet's NDArray files: `.params` checkpoints and mx.nd.save.

"""
    save(filename, arrays)

Writes the arrays to a file MXNet 1.x reads: a `Dict` of names to arrays (as
checkpoints are), or a vector of arrays (an unnamed list).
"""
function save(filename::AbstractString, arrays::AbstractVector{NDArray})
    handles = MXNDArrayHandle[live_handle(x) for x in arrays]
    check(ccall((:MXNDArraySave, libmx), Cint, (Cstring, Cuint, Ptr{MXNDArrayHandle}, Ptr{Cstring}),
                filename, length(handles), handles, C_NULL))
    return nothing
end

function save(filename::AbstractString, arrays::AbstractDict{<:AbstractString,NDArray})
    names = collect(keys(arrays))
    handles = MXNDArrayHandle[live_handle(arrays[name]) for name in names]
    with_cstrings(names) do name_ptrs
        check(ccall((:MXNDArraySave, libmx), Cint, (Cstring, Cuint, Ptr{MXNDArrayHandle}, Ptr{Cstring}),
                    filename, length(handles), handles, name_ptrs))
    end
    return nothing
end

"""
    load(filename)

The arrays of an NDArray file (MXNet 1.x's or MX's): a `Dict` for a named
file, a `Vector` for a list.
"""
function load(filename::AbstractString)
    count = Ref{Cuint}(0)
    handles = Ref{Ptr{MXNDArrayHandle}}(C_NULL)
    num_names = Ref{Cuint}(0)
    names = Ref{Ptr{Cstring}}(C_NULL)
    return without_finalizers() do
        check(ccall((:MXNDArrayLoad, libmx), Cint,
                    (Cstring, Ref{Cuint}, Ref{Ptr{MXNDArrayHandle}}, Ref{Cuint}, Ref{Ptr{Cstring}}),
                    filename, count, handles, num_names, names))
        arrays = take_ndarrays(handles[], count[])
        num_names[] == 0 && return arrays
        return Dict(unsafe_string(unsafe_load(names[], i)) => arrays[i] for i in 1:num_names[])
    end
end
