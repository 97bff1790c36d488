# MX.jl's tests, for machines with Julia (CI has none: there,
# tests/bindings/test_julia_ccalls.py checks every ccall against the headers
# and the symbols libmx exports).  Run with MX_LIBRARY_PATH set:
#   julia --project=frontends/julia -e 'using Pkg; Pkg.test()'
using MX
using Test

@testset "arrays keep values; dims are MX's shape reversed" begin
    m = Float32[1.5 3 5.25; -2 4 6]
    x = NDArray(m)
    @test size(x) == (2, 3)
    @test eltype(x) == Float32
    @test Array(x) == m
    a = reshape(collect(1.0:24.0), 2, 3, 4)
    @test Array(MX.op("transpose", NDArray(a))) == permutedims(a, (3, 2, 1))
    @test Array(MX.op("sum", NDArray(a); axis = 0)) == dropdims(sum(a; dims = 3); dims = 3)
    for T in (Float64, Float16, UInt8, Int32, Int8, Int64, Bool)
        v = T[1, 0, 1]
        @test Array(NDArray(v)) == v
        @test eltype(NDArray(v)) == T
    end
    @test_throws ArgumentError NDArray(["a"])
end

@testset "ops match Julia's arithmetic" begin
    a = [1.0 -2.0 3.0; 4.0 5.0 -6.0]
    b = [0.5 0.25 2.0; 1.0 -1.0 3.0]
    @test Array(MX.op("elemwise_add", NDArray(a), NDArray(b))) == a + b
    @test Array(MX.op("exp", NDArray(a))) ≈ exp.(a)
    @test Array(MX.op("Activation", NDArray(a); act_type = "relu")) == max.(a, 0)
    x = rand(2, 3)
    y = rand(3, 4)
    @test Array(MX.op("dot", NDArray(y), NDArray(x))) ≈ x * y
    @test size(MX.op("_zeros"; shape = (2, 3), ctx = MX.cpu())) == (3, 2)
    parts = MX.op("SliceChannel", NDArray(reshape(1.0:8.0, 4, 2)); num_outputs = 2, axis = 0)
    @test length(parts) == 2 && vec(Array(parts[2])) == 5.0:8.0
    @test "FullyConnected" in MX.op_names()
end

@testset "libmx's errors become MXErrors" begin
    a = NDArray(ones(2, 3))
    @test_throws MXError MX.op("no_such_op", a)
    @test_throws MXError MX.op("Activation", a; act_type = "bad")
    @test_throws MXError MX.op("elemwise_add", a, NDArray(ones(3, 2)))
    free!(a)
    @test_throws MXError Array(a)
    free!(a)
end

@testset "files round-trip and models predict" begin
    path = tempname() * ".params"
    weight = Float32[0.5 -1.0; 2.0 0.25; 1.0 1.0]  # 3 features, 2 hidden
    bias = Float32[0.1, -0.2]
    MX.save(path, Dict("arg:fc_weight" => NDArray(weight), "arg:fc_bias" => NDArray(bias)))
    loaded = MX.load(path)
    @test Array(loaded["arg:fc_weight"]) == weight
    MX.save(path, [NDArray(bias)])
    @test Array(MX.load(path)[1]) == bias
    @test_throws MXError MX.load(path * ".missing")

    symbol = tempname() * "-symbol.json"
    write(symbol, """{"nodes": [
        {"op": "null", "name": "data", "inputs": []},
        {"op": "null", "name": "fc_weight", "inputs": []},
        {"op": "null", "name": "fc_bias", "inputs": []},
        {"op": "FullyConnected", "name": "fc", "attrs": {"num_hidden": "2"},
         "inputs": [[0, 0, 0], [1, 0, 0], [2, 0, 0]]}],
        "arg_nodes": [0, 1, 2], "heads": [[3, 0, 0]]}""")
    MX.save(path, Dict("arg:fc_weight" => NDArray(weight), "arg:fc_bias" => NDArray(bias)))
    data = Float32[1 2 3 4; 5 6 7 8; -1 0 1 2]  # 4 samples of 3 features
    p = Predictor(symbol, path, Dict("data" => size(data)))
    @test MX.predict(p, data)[1] ≈ transpose(weight) * data .+ bias
    @test_throws DimensionMismatch MX.predict(p, ones(Float32, 4, 3))
    free!(p)
    @test_throws MXError MX.predict(p, data)
end
