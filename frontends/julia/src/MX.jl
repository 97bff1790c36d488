"""
    MX

A thin Julia binding over libmx's stable C ABI (`mx/c_api.h` and
`mx/c_predict_api.h`), with `ccall` only: create arrays from Julia arrays,
invoke any registered op by name, read results back, save and load MXNet
`.params` files, and predict with a `-symbol.json` graph and its parameters.

Julia arrays are column-major and MX's row-major: a Julia array of size
`(d1, ..., dn)` is the MX array of shape `(dn, ..., d1)` over the same memory,
as in MXNet.jl (see `NDArray`).
"""
module MX

export NDArray, Predictor, MXError, free!

include("libmx.jl")
include("ndarray.jl")
include("op.jl")
include("ndarray_file.jl")
include("predictor.jl")

__init__() = check_abi()

end # module
