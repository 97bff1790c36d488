"""Prints, as JSON, the kernels the CPU plugin registers: {op name: [MX
dtype names]} (all dtypes when it lists none).

Run as a script in a process of its own: it calls the plugin's
mx_plugin_init a second time with a host table that only records, which
leaves the plugin unusable in that process."""
import json
import os

from mxnet._ffi import LIB_DIR, declare_plugin_abi

DTYPES = ["float32", "float64", "float16", "uint8", "int32", "int8", "int64", "bool"]  # MX dtype codes


def main():
    ffi = declare_plugin_abi()
    ffi.cdef("int mx_plugin_init(const MXPluginHost* host, int abi_version);")
    plugin = ffi.dlopen(os.path.join(LIB_DIR, "libmx_cpu.so"))
    kernels = {}

    @ffi.callback("int(const MXKernelDesc*)")
    def register_kernel(desc):
        codes = [desc.dtypes[k] for k in range(desc.num_dtypes)] or range(len(DTYPES))
        kernels.setdefault(ffi.string(desc.op_name).decode(), set()).update(DTYPES[c] for c in codes)
        return 0

    host = ffi.new("MXPluginHost*")
    host.abi_major, host.abi_minor = 1, 2
    host.struct_size = ffi.sizeof("MXPluginHost")
    host.register_kernel = register_kernel
    if plugin.mx_plugin_init(host, 1002) != 0:
        raise SystemExit("the CPU plugin's init failed")
    print(json.dumps({op: sorted(dtypes) for op, dtypes in kernels.items()}))


if __name__ == "__main__":
    main()
