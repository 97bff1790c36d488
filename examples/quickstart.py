"""MX's main job, for now a short tour of the imperative API.

(A later milestone makes this a training run on a shipped dataset.)
"""
import time

import numpy as np

import mxnet as mx


def main():
    a = mx.nd.ones((2, 3))
    print("a * 2 + 1 =\n", (a * 2 + 1).asnumpy())

    x = mx.nd.array(np.arange(12).reshape(3, 4))
    y = mx.nd.array([10, 20, 30, 40])
    print("broadcast x + y =\n", (x + y).asnumpy())
    print("view x[1:3].reshape((-1,)) =", x[1:3].reshape((-1,)).asnumpy())

    # Independent work runs in parallel on the engine; mutation is ordered.
    big = [mx.nd.ones((1000, 1000)) for _ in range(4)]
    start = time.perf_counter()
    results = [b * 3 - 1 for b in big]
    for r in results:
        r += 1
    mx.nd.waitall()
    print("4 independent 1M-element ops: %.2f ms, sum=%.0f" %
          ((time.perf_counter() - start) * 1e3, sum(float(r.asnumpy().sum()) for r in results)))
    print("engine:", mx.engine.engine_type(), "| memory:", mx.storage.stats())


if __name__ == "__main__":
    main()
