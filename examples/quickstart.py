"""MX's main job: train a small network on a shipped dataset, both ways the
MXNet paper describes -- imperatively with autograd, and as a symbolic
graph bound to an executor with planned memory.

The dataset is three interleaved spirals in the plane (600 points), made
deterministically here, so nothing is downloaded.  An MLP with two hidden
layers of 64 learns to tell the spirals apart.
"""
import time

import numpy as np

import mxnet as mx

HIDDEN, CLASSES, BATCH, EPOCHS, LR = 64, 3, 60, 60, 0.2


def spirals(points_per_class=200, seed=0):
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for c in range(CLASSES):
        r = np.linspace(0.05, 1.0, points_per_class)
        theta = c * 2 * np.pi / CLASSES + r * 4.0 + rng.normal(0, 0.15, points_per_class)
        xs.append(np.stack([r * np.sin(theta), r * np.cos(theta)], axis=1))
        ys.append(np.full(points_per_class, c))
    x, y = np.concatenate(xs).astype(np.float32), np.concatenate(ys).astype(np.float32)
    order = rng.permutation(len(x))
    return x[order], y[order]


def init_params(seed=1):
    rng = np.random.default_rng(seed)
    params, fan_in = {}, 2
    for i, width in enumerate((HIDDEN, HIDDEN, CLASSES)):
        params["fc%d_weight" % i] = mx.nd.array(rng.normal(0, np.sqrt(2.0 / fan_in), (width, fan_in)))
        params["fc%d_bias" % i] = mx.nd.zeros((width,))
        fan_in = width
    return params


def accuracy(scores, labels):
    return float((scores.argmax(axis=1) == labels).mean().asscalar())


def train_imperative(x, y):
    """autograd: record the forward pass, backward, SGD with NDArray ops."""
    params = init_params()
    for p in params.values():
        p.attach_grad()

    def forward(data):
        h = data
        for i in range(3):
            h = mx.nd.FullyConnected(h, params["fc%d_weight" % i], params["fc%d_bias" % i],
                                     num_hidden=params["fc%d_bias" % i].shape[0])
            if i < 2:
                h = mx.nd.relu(h)
        return h

    data, labels = mx.nd.array(x), mx.nd.array(y)
    for epoch in range(EPOCHS):
        for start in range(0, len(x), BATCH):
            xb, yb = data[start:start + BATCH], labels[start:start + BATCH]
            with mx.autograd.record():
                log_p = mx.nd.log_softmax(forward(xb))
                loss = -mx.nd.pick(log_p, yb).mean()
            loss.backward()
            for p in params.values():
                p[:] = p - LR * p.grad
        if epoch % 20 == 0 or epoch == EPOCHS - 1:
            print("  imperative epoch %2d  loss %.3f  accuracy %.3f"
                  % (epoch, loss.asscalar(), accuracy(forward(data), labels)))
    return accuracy(forward(data), labels)


def train_symbolic(x, y):
    """The same network as a Symbol, bound once; the executor runs the graph."""
    net = mx.sym.var("data")
    for i, width in enumerate((HIDDEN, HIDDEN, CLASSES)):
        net = mx.sym.FullyConnected(net, num_hidden=width, name="fc%d" % i)
        if i < 2:
            net = mx.sym.Activation(net, act_type="relu")
    log_p = mx.sym.log_softmax(net)
    loss = -mx.sym.mean(mx.sym.pick(log_p, mx.sym.var("label")))
    reqs = {name: "null" if name in ("data", "label") else "write" for name in loss.list_arguments()}
    ex = loss.simple_bind(mx.cpu(), grad_req=reqs, data=(BATCH, 2), label=(BATCH,))
    ex.copy_params_from(init_params())
    plan = ex.memory_plan()
    print("  executor memory: %d bytes planned, %d without planning"
          % (plan["planned_bytes"], plan["naive_bytes"]))
    scorer = net.simple_bind(mx.cpu(), grad_req="null", data=x.shape)
    for epoch in range(EPOCHS):
        for start in range(0, len(x), BATCH):
            ex.forward(is_train=True, data=x[start:start + BATCH], label=y[start:start + BATCH])
            ex.backward()
            for name, grad in ex.grad_dict.items():
                if grad is not None:
                    weight = ex.arg_dict[name]
                    weight[:] = weight - LR * grad
        if epoch % 20 == 0 or epoch == EPOCHS - 1:
            scorer.copy_params_from({k: v for k, v in ex.arg_dict.items()
                                     if k not in ("data", "label")})
            scores = scorer.forward(data=x)[0]
            print("  symbolic   epoch %2d  loss %.3f  accuracy %.3f"
                  % (epoch, ex.outputs[0].asscalar(), accuracy(scores, mx.nd.array(y))))
    return accuracy(scores, mx.nd.array(y))


def main():
    x, y = spirals()
    print("MX %s (libmx %s), engine %s: training an MLP on %d spiral points"
          % (mx.__version__, ".".join(map(str, mx.runtime_version())), mx.engine.engine_type(),
             len(x)))
    start = time.perf_counter()
    imperative = train_imperative(x, y)
    symbolic = train_symbolic(x, y)
    print("final accuracy: imperative %.3f, symbolic %.3f (%.1f s)"
          % (imperative, symbolic, time.perf_counter() - start))


if __name__ == "__main__":
    main()
