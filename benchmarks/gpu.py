"""MX's Triton kernels on a GPU, side by side with PyTorch on the same GPU.

1. Element-wise add bandwidth as a fraction of the device-to-device copy
   rate measured the same way (goal: at least 85%).
2. softmax over the last axis of a (rows, 4096) float32 array, in GB/s moved
   (goal: at least PyTorch's).
3. dot of two n x n matrices in TFLOP/s, float32 (IEEE products, no TF32 on
   either side) and float16 (goal: at least 70% of PyTorch's, i.e. cuBLAS).
4. The dispatch cost of a small GPU op: microseconds per `c = a + b` on 2x2
   arrays, N in a row, one wait at the end; and per op of a dependent chain
   (`c = c + b`: each op reads the last one's result, so it shows whether
   ops launch behind one another on the stream).
5. A full sum of the copy row's array, in GB/s read (one output over a long
   extent: the reductions' split path).

    python benchmarks/gpu.py [--size-mb 256] [--matmul 4096] [--repeat 20] [--small-ops 1000]
    python benchmarks/gpu.py --dry-run      # the table with made-up timings

Rationale: PyTorch runs in a child process (`--torch`), because MX's
Triton kernels must not share a process with torch (Triton then takes
torch's driver and streams).  Emulated GPUs (MX_GPU_EMULATION) are not
timed: their kernels run under Triton's interpreter.
"""
import argparse
import json
import os
import subprocess
import sys
import time

def _seconds(fn, sync, repeat, runs=3):
    """Best wall time of `repeat` calls of fn, the device drained around them."""
    fn()
    sync()
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(repeat):
            fn()
        sync()
        best = min(best, time.perf_counter() - start)
    return best / repeat


def _dispatch(small, sync, ops):
    """Microseconds per small add (independent ones, then a dependent chain)
    of a framework's 2x2 GPU array `small`."""
    def independent():
        for _ in range(ops):
            small + small

    def chain():
        c = small
        for _ in range(ops):
            c = c + small
    return {"dispatch_us": _seconds(independent, sync, 3) / ops * 1e6,
            "chain_us": _seconds(chain, sync, 3) / ops * 1e6}


def measure_mx(args):
    import mxnet as mx
    nd, ctx, sync = mx.nd, mx.gpu(0), mx.nd.waitall
    n = int(args.size_mb * 2**20) // 4
    a, b, c = nd.ones((n,), ctx=ctx), nd.ones((n,), ctx=ctx), nd.zeros((n,), ctx=ctx)
    copy = _seconds(lambda: a.copyto(c), sync, args.repeat)
    add = _seconds(lambda: nd.elemwise_add(a, b, out=c), sync, args.repeat)
    x = nd.ones((n // 4096, 4096), ctx=ctx)
    y = nd.zeros(x.shape, ctx=ctx)
    softmax = _seconds(lambda: nd.softmax(x, axis=-1, out=y), sync, args.repeat)
    results = {"copy_gbs": 2 * n * 4 / copy / 1e9, "add_gbs": 3 * n * 4 / add / 1e9,
               "softmax_gbs": 2 * n * 4 / softmax / 1e9}
    m = args.matmul
    for dtype in ("float32", "float16"):
        p, q = nd.ones((m, m), ctx=ctx, dtype=dtype), nd.ones((m, m), ctx=ctx, dtype=dtype)
        r = nd.zeros((m, m), ctx=ctx, dtype=dtype)
        results[f"dot_{dtype}_tflops"] = 2 * m**3 / _seconds(lambda: nd.dot(p, q, out=r), sync, 5) / 1e12
    results["sum_gbs"] = n * 4 / _seconds(lambda: nd.sum(a), sync, args.repeat) / 1e9
    results.update(_dispatch(nd.ones((2, 2), ctx=ctx), sync, args.small_ops))
    return results


def measure_torch(args):
    import torch
    if not torch.cuda.is_available():
        return None
    torch.backends.cuda.matmul.allow_tf32 = False  # IEEE float32 products, as MX
    dev, sync = "cuda", torch.cuda.synchronize
    n = int(args.size_mb * 2**20) // 4
    a, b, c = (torch.ones(n, device=dev) for _ in range(3))
    copy = _seconds(lambda: c.copy_(a), sync, args.repeat)
    add = _seconds(lambda: torch.add(a, b, out=c), sync, args.repeat)
    x = torch.ones(n // 4096, 4096, device=dev)
    y = torch.empty_like(x)
    softmax = _seconds(lambda: torch.softmax(x, dim=-1, out=y), sync, args.repeat)
    results = {"copy_gbs": 2 * n * 4 / copy / 1e9, "add_gbs": 3 * n * 4 / add / 1e9,
               "softmax_gbs": 2 * n * 4 / softmax / 1e9, "version": torch.__version__}
    m = args.matmul
    for dtype in ("float32", "float16"):
        p = torch.ones(m, m, device=dev, dtype=getattr(torch, dtype))
        r = torch.empty_like(p)
        results[f"dot_{dtype}_tflops"] = 2 * m**3 / _seconds(lambda: torch.matmul(p, p, out=r), sync, 5) / 1e12
    results["sum_gbs"] = n * 4 / _seconds(lambda: torch.sum(a), sync, args.repeat) / 1e9
    results.update(_dispatch(torch.ones(2, 2, device=dev), sync, args.small_ops))
    return results


def torch_in_child(args):
    """PyTorch's numbers from `benchmarks/gpu.py --torch` in a child process;
    None where torch or a CUDA device is missing there."""
    command = [sys.executable, os.path.abspath(__file__), "--torch", "--size-mb", str(args.size_mb),
               "--matmul", str(args.matmul), "--repeat", str(args.repeat), "--small-ops", str(args.small_ops)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        return None
    return json.loads(result.stdout) or None


# (label, key, unit, goal) of each row; goal(mx, torch) -> text or None
ROWS = [
    ("device-to-device copy", "copy_gbs", "GB/s", None),
    ("element-wise add", "add_gbs", "GB/s",
     lambda m, t: f"{m['add_gbs'] / m['copy_gbs']:.0%} of MX's copy rate (goal >= 85%)"),
    ("softmax (rows x 4096)", "softmax_gbs", "GB/s",
     lambda m, t: f"{m['softmax_gbs'] / t['softmax_gbs']:.2f}x PyTorch (goal >= 1)" if t else None),
    ("dot float32", "dot_float32_tflops", "TFLOP/s",
     lambda m, t: f"{m['dot_float32_tflops'] / t['dot_float32_tflops']:.0%} of PyTorch (goal >= 70%)" if t else None),
    ("dot float16", "dot_float16_tflops", "TFLOP/s",
     lambda m, t: f"{m['dot_float16_tflops'] / t['dot_float16_tflops']:.0%} of PyTorch (goal >= 70%)" if t else None),
    ("full sum", "sum_gbs", "GB/s",
     lambda m, t: f"{m['sum_gbs'] / t['sum_gbs']:.2f}x PyTorch" if t else None),
    ("small op dispatch", "dispatch_us", "us", None),
    ("dependent chain, per op", "chain_us", "us", None),
]


def table(mx_results, torch_results, device):
    """The report's lines."""
    torch_label = f"PyTorch {torch_results['version']}" if torch_results else "PyTorch"
    lines = [f"GPU: {device}", f"{'':24} {'MX':>12} {torch_label:>16}   {'unit':8} against the goal"]
    for label, key, unit, goal in ROWS:
        theirs = f"{torch_results[key]:16.2f}" if torch_results else f"{'n/a':>16}"
        verdict = goal(mx_results, torch_results) if goal else None
        lines.append(f"{label:24} {mx_results[key]:12.2f} {theirs}   {unit:8} {verdict or ''}".rstrip())
    if not torch_results:
        lines.append("PyTorch with CUDA is not importable here: its column is empty (never installed for this).")
    return lines


FAKE = {"copy_gbs": 3000.0, "add_gbs": 2700.0, "softmax_gbs": 2500.0, "dot_float32_tflops": 40.0,
        "dot_float16_tflops": 600.0, "sum_gbs": 2800.0, "dispatch_us": 12.0, "chain_us": 14.0}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=256, help="MiB per array of the bandwidth rows")
    parser.add_argument("--matmul", type=int, default=4096, help="n of the n x n dot")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--small-ops", type=int, default=1000, help="small adds per dispatch measurement")
    parser.add_argument("--dry-run", action="store_true", help="print the table with made-up timings")
    parser.add_argument("--torch", action="store_true", help=argparse.SUPPRESS)  # the child's role
    args = parser.parse_args(argv)
    if args.torch:
        try:
            print(json.dumps(measure_torch(args)))
        except ImportError:
            print("null")
        return 0
    if args.dry_run:
        print("\n".join(table(FAKE, dict(FAKE, softmax_gbs=2400.0, dot_float32_tflops=50.0,
                                         dot_float16_tflops=700.0, dispatch_us=6.0, version="(fake)"),
                              "none (--dry-run: made-up timings)")))
        return 0
    import mxnet as mx
    if mx.context.num_gpus() == 0:
        print("benchmarks/gpu.py: no GPU here (mx.context.num_gpus() == 0); nothing to measure.")
        return 0
    if os.environ.get("MX_GPU_EMULATION"):
        print("benchmarks/gpu.py: the GPUs are emulated (MX_GPU_EMULATION); their timings mean nothing.")
        return 0
    mx_results = measure_mx(args)
    print("\n".join(table(mx_results, torch_in_child(args), f"gpu(0) of {mx.context.num_gpus()}")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
