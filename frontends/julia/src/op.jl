# Any registered op, by name.

"""
    op(name, inputs::NDArray...; params...)

Invokes the registered op (or alias) `name` on the inputs, positionally, and
returns its output, or a vector of them when it has several.  Parameters are
keywords, written as MXNet writes them: strings as they are, `true`/`false`
as "True"/"False", numbers, tuples and vectors as "(2, 3)", `nothing` as
"None", a `Context` as "cpu(0)".  Axes and shapes are MX's (row-major) order,
the reverse of Julia's dims.  An op without inputs takes its device from
`ctx`.  `op_names()` lists the ops.
"""
function op(name::AbstractString, inputs::NDArray...; params...)
    op_handle = Ref{MXOpHandle}(C_NULL)
    check(ccall((:MXGetOpHandle, libmx), Cint, (Cstring, Ref{MXOpHandle}), name, op_handle))
    handles = MXNDArrayHandle[live_handle(x) for x in inputs]
    param_keys = String[string(k) for k in keys(params)]
    param_values = String[format_param(v) for v in values(params)]
    num_outputs = Ref{Cint}(0)
    outputs = Ref{Ptr{MXNDArrayHandle}}(C_NULL)
    results = with_cstrings(param_keys) do key_ptrs
        with_cstrings(param_values) do value_ptrs
            without_finalizers() do
                check(ccall((:MXImperativeInvoke, libmx), Cint,
                            (MXOpHandle, Cint, Ptr{MXNDArrayHandle}, Ref{Cint},
                             Ref{Ptr{MXNDArrayHandle}}, Cint, Ptr{Cstring}, Ptr{Cstring}),
                            op_handle[], length(handles), handles, num_outputs, outputs,
                            length(key_ptrs), key_ptrs, value_ptrs))
                take_ndarrays(outputs[], num_outputs[])
            end
        end
    end
    return length(results) == 1 ? results[1] : results
end

format_param(value::AbstractString) = String(value)
format_param(value::Bool) = value ? "True" : "False"
format_param(value::Integer) = string(value)
format_param(value::AbstractFloat) = string(Float64(value))
format_param(::Nothing) = "None"
format_param(value::Context) = string(value)
format_param(value::Union{Tuple,AbstractVector}) = "(" * join(map(format_param, value), ", ") * ")"
format_param(value) = throw(ArgumentError("cannot pass a $(typeof(value)) as an op parameter; " *
                                          "give a string, Bool, number, tuple, nothing or Context"))

"""The names of all registered ops and aliases, sorted."""
function op_names()
    count = Ref{Cuint}(0)
    names = Ref{Ptr{Cstring}}(C_NULL)
    # The strings live as long as the process; only the array is scratch.
    return without_finalizers() do
        check(ccall((:MXListOps, libmx), Cint, (Ref{Cuint}, Ref{Ptr{Cstring}}), count, names))
        [unsafe_string(unsafe_load(names[], i)) for i in 1:count[]]
    end
end
