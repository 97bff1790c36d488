# Prediction through MXNet's C predict API (c_predict_api.h).

"""
    Predictor(symbol_file, params_file, input_shapes; ctx = cpu())

A trained model loaded for prediction: its `-symbol.json` graph, its
`.params` file (keys "arg:<name>" and "aux:<name>", as MXNet's checkpoints
write them) and the input dims in Julia's order, e.g.
`Dict("data" => (20, 4))` for 4 samples of 20 features (MX's shape (4, 20)).
Freed by the garbage collector, or now by `free!`.
"""
mutable struct Predictor
    handle::PredictorHandle
    input_shapes::Dict{String,Tuple{Vararg{Int}}}
    num_outputs::Int
    function Predictor(handle::PredictorHandle, input_shapes, num_outputs::Integer)
        return finalizer(free!, new(handle, input_shapes, num_outputs))
    end
end

function Predictor(symbol_file::AbstractString, params_file::AbstractString,
                   input_shapes::AbstractDict; ctx::Context = cpu())
    json = read(symbol_file, String)
    params = read(params_file)
    num_outputs = count_outputs(json)  # first: it also refuses malformed JSON
    names = String[string(name) for name in keys(input_shapes)]
    shapes = Dict(name => Tuple(Int.(input_shapes[name])) for name in names)
    indptr = Cuint[0]
    dims = Cuint[]
    for name in names
        append!(dims, reverse(shapes[name]))  # MX's order; negative dims throw InexactError
        push!(indptr, length(dims))
    end
    out = Ref{PredictorHandle}(C_NULL)
    with_cstrings(names) do name_ptrs
        check(ccall((:MXPredCreate, libmx), Cint,
                    (Cstring, Ptr{Cvoid}, Cint, Cint, Cint, Cuint, Ptr{Cstring}, Ptr{Cuint},
                     Ptr{Cuint}, Ref{PredictorHandle}),
                    json, params, length(params), ctx.dev_type, ctx.dev_id, length(names),
                    name_ptrs, indptr, dims, out))
    end
    return Predictor(out[], shapes, num_outputs)
end

# Rationale: the predict API has no output count; the graph has it, through
# c_api.h's symbols.
function count_outputs(json::AbstractString)
    symbol = Ref{MXSymbolHandle}(C_NULL)
    check(ccall((:MXSymbolCreateFromJSON, libmx), Cint, (Cstring, Ref{MXSymbolHandle}), json, symbol))
    count = Ref{Cuint}(0)
    rc = ccall((:MXSymbolGetNumOutputs, libmx), Cint, (MXSymbolHandle, Ref{Cuint}), symbol[], count)
    ccall((:MXSymbolFree, libmx), Cint, (MXSymbolHandle,), symbol[])
    check(rc)
    return Int(count[])
end

"""Frees the predictor now.  Freeing twice does nothing; using a freed one throws."""
function free!(p::Predictor)
    handle = p.handle
    p.handle = C_NULL
    ccall((:MXPredFree, libmx), Cint, (PredictorHandle,), handle)
    return nothing
end

function live_handle(p::Predictor)
    p.handle == C_NULL && throw(MXError("this Predictor has been freed (free!) and cannot be used"))
    return p.handle
end

"""
    predict(p, inputs)

Runs the model on `inputs` (a `Dict` of input name to array, or the array of
a one-input model), each with the dims the predictor was made for, and
returns the outputs (`Float32` arrays, dims in Julia's order) as a vector.
"""
function predict(p::Predictor, inputs::AbstractDict)
    handle = live_handle(p)
    Set(string(name) for name in keys(inputs)) == Set(keys(p.input_shapes)) ||
        throw(ArgumentError("the model's inputs are $(join(keys(p.input_shapes), ", ")); " *
                            "got $(join(keys(inputs), ", "))"))
    for (name, x) in inputs
        size(x) == p.input_shapes[string(name)] ||
            throw(DimensionMismatch("input $name has size $(size(x)) but the predictor " *
                                    "was made for $(p.input_shapes[string(name)])"))
        data = convert(Array{Float32}, x)
        check(ccall((:MXPredSetInput, libmx), Cint, (PredictorHandle, Cstring, Ptr{Cfloat}, Cuint),
                    handle, string(name), data, length(data)))
    end
    check(ccall((:MXPredForward, libmx), Cint, (PredictorHandle,), handle))
    return [output(p, index) for index in 0:p.num_outputs-1]
end

function predict(p::Predictor, input::AbstractArray)
    length(p.input_shapes) == 1 ||
        throw(ArgumentError("the model has inputs $(join(keys(p.input_shapes), ", ")); give a Dict"))
    return predict(p, Dict(first(keys(p.input_shapes)) => input))
end

function output(p::Predictor, index::Integer)
    shape = Ref{Ptr{Cuint}}(C_NULL)
    ndim = Ref{Cuint}(0)
    check(ccall((:MXPredGetOutputShape, libmx), Cint,
                (PredictorHandle, Cuint, Ref{Ptr{Cuint}}, Ref{Cuint}), live_handle(p), index, shape, ndim))
    # Reversed into Julia's order; the shape stays valid until the next call on p.
    dims = ntuple(k -> Int(unsafe_load(shape[], ndim[] - k + 1)), ndim[])
    out = Array{Float32}(undef, dims)
    check(ccall((:MXPredGetOutput, libmx), Cint, (PredictorHandle, Cuint, Ptr{Cfloat}, Cuint),
                live_handle(p), index, out, length(out)))
    return out
end

function Base.show(io::IO, p::Predictor)
    state = p.handle == C_NULL ? " (freed)" : ""
    inputs = join(("$name $(join(shape, "×"))" for (name, shape) in p.input_shapes), ", ")
    print(io, "Predictor$state: inputs $inputs; $(p.num_outputs) output(s)")
end
