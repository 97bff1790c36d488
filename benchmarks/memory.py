"""Planned executor memory (paper section 3.3), side by side.

For a 50-layer MLP and a small ResNet-style conv net, the bytes the executor
allocates for inference and for training under each planning option:
no optimization, in-place only, co-share only, both, and both plus
mirroring (recomputation).  Ratios are to the unoptimized plan.

MXNet 1.9.1 cannot be imported beside MX (both are `mxnet`, and its wheels
need numpy < 1.24), so its numbers are not measured here: the paper reports
the two optimizations roughly halving training memory and cutting inference
memory further.

    python benchmarks/memory.py [--batch 64]
"""
import argparse

import mxnet as mx
from mxnet.symbol import bind as bind_module

OPTIONS = [("none", 0), ("in-place", 1), ("co-share", 2), ("both", 3), ("both + mirror", 7)]


def mlp(depth=50, hidden=1024):
    x = mx.sym.var("data")
    for i in range(depth):
        x = mx.sym.FullyConnected(x, num_hidden=hidden, name="fc%d" % i)
        x = mx.sym.Activation(x, act_type="relu", name="relu%d" % i)
    return mx.sym.FullyConnected(x, num_hidden=10, name="out"), {"data": (None, 512)}


def resnet(stages=3, blocks=2, width=32):
    """Conv-BN-ReLU residual blocks (He et al.), global pooling, a classifier."""
    x = mx.sym.Convolution(mx.sym.var("data"), num_filter=width, kernel=(3, 3), pad=(1, 1),
                           name="stem")
    for s in range(stages):
        for b in range(blocks):
            name = "s%db%d" % (s, b)
            stride = (2, 2) if b == 0 and s > 0 else (1, 1)
            filters = width * 2 ** s
            y = mx.sym.BatchNorm(x, name=name + "_bn1")
            y = mx.sym.Activation(y, act_type="relu")
            y = mx.sym.Convolution(y, num_filter=filters, kernel=(3, 3), pad=(1, 1), stride=stride,
                                   name=name + "_conv1")
            y = mx.sym.BatchNorm(y, name=name + "_bn2")
            y = mx.sym.Activation(y, act_type="relu")
            y = mx.sym.Convolution(y, num_filter=filters, kernel=(3, 3), pad=(1, 1),
                                   name=name + "_conv2")
            if stride != (1, 1) or b == 0 and s > 0:
                x = mx.sym.Convolution(x, num_filter=filters, kernel=(1, 1), stride=stride,
                                       name=name + "_proj")
            x = x + y
    x = mx.sym.Pooling(x, global_pool=True, kernel=(1, 1), pool_type="avg")
    return mx.sym.FullyConnected(mx.sym.Flatten(x), num_hidden=10, name="fc"), \
        {"data": (None, 3, 32, 32)}


def planned_bytes(symbol, shapes, flags, training):
    saved = bind_module._MEMORY_FLAGS
    bind_module._MEMORY_FLAGS = flags
    try:
        ex = symbol.simple_bind(mx.cpu(), grad_req="write" if training else "null", **shapes)
        return ex.memory_plan()["planned_bytes"]
    finally:
        bind_module._MEMORY_FLAGS = saved


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args()
    print("%-8s %-9s %-15s %12s %8s" % ("net", "mode", "plan", "MB", "ratio"))
    for net_name, build in (("mlp50", mlp), ("resnet", resnet)):
        try:
            symbol, shapes = build()
        except (mx.base.MXNetError, AttributeError) as error:  # an op not registered yet
            print("%-8s skipped: %s" % (net_name, str(error).splitlines()[0]))
            continue
        shapes = {k: (args.batch,) + v[1:] for k, v in shapes.items()}
        for training in (False, True):
            mode = "training" if training else "inference"
            base = None
            for label, flags in OPTIONS:
                if flags & 4 and not training:
                    continue
                try:
                    size = planned_bytes(symbol, shapes, flags, training)
                except mx.base.MXNetError as error:
                    print("%-8s %-9s %-15s %s" % (net_name, mode, label, str(error).splitlines()[0]))
                    break
                base = base or size
                print("%-8s %-9s %-15s %12.2f %8.3f" % (net_name, mode, label, size / 2 ** 20,
                                                        size / base))


if __name__ == "__main__":
    main()
