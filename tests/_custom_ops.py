"""Custom operators (mx.operator) shared by tests/python/test_custom_op.py and
tests/ops/test_custom.py: MXNet 1.x's documented examples and one of each
kind (a loss, several outputs, auxiliary states, a narrow backward
dependency).  Importing this module registers them.

Each records what libmx handed it in CALLS (op_type -> list of events), so
tests can check the calls' arguments without timing anything.
"""
import collections

import numpy as np

import mxnet as mx

CALLS = collections.defaultdict(list)


# -- MXNet's tutorial softmax: a loss layer in numpy (need_top_grad=False) ---
class Softmax(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        x = in_data[0].asnumpy()
        y = np.exp(x - x.max(axis=1).reshape((x.shape[0], 1)))
        y /= y.sum(axis=1).reshape((x.shape[0], 1))
        self.assign(out_data[0], req[0], mx.nd.array(y))

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        CALLS["softmax"].append(("backward", list(out_grad), list(req)))
        label = in_data[1].asnumpy().ravel().astype(np.int64)
        y = out_data[0].asnumpy()
        y[np.arange(label.shape[0]), label] -= 1.0
        self.assign(in_grad[0], req[0], mx.nd.array(y))


@mx.operator.register("softmax")
class SoftmaxProp(mx.operator.CustomOpProp):
    def __init__(self):
        super().__init__(need_top_grad=False)

    def list_arguments(self):
        return ["data", "label"]

    def list_outputs(self):
        return ["output"]

    def infer_shape(self, in_shape):
        data_shape = in_shape[0]
        label_shape = (in_shape[0][0],)
        return [data_shape, label_shape], [data_shape], []

    def create_operator(self, ctx, shapes, dtypes):
        CALLS["softmax"].append(("create_operator", ctx, shapes, dtypes))
        return Softmax()


# -- The tutorial's sigmoid, written with mx.nd so any dtype flows through --
class Sigmoid(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        CALLS["sigmoid"].append(("forward", is_train, list(req)))
        self.assign(out_data[0], req[0], 1 / (1 + mx.nd.exp(-in_data[0])))

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        CALLS["sigmoid"].append(("backward", list(req)))
        y = out_data[0]
        self.assign(in_grad[0], req[0], out_grad[0] * y * (1 - y))


@mx.operator.register("sigmoid")
class SigmoidProp(mx.operator.CustomOpProp):
    def list_arguments(self):
        return ["data"]

    def list_outputs(self):
        return ["output"]

    def create_operator(self, ctx, shapes, dtypes):
        CALLS["sigmoid"].append(("create_operator", ctx, shapes, dtypes))
        return Sigmoid()


# -- The tutorial's dense layer: a parameter arrives as a string ------------
class Dense(mx.operator.CustomOp):
    def __init__(self, bias):
        self._bias = bias

    def forward(self, is_train, req, in_data, out_data, aux):
        x, w = in_data
        self.assign(out_data[0], req[0], mx.nd.dot(x, w, transpose_b=True) + self._bias)

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        x, w = in_data
        dy = out_grad[0]
        self.assign(in_grad[0], req[0], mx.nd.dot(dy, w))
        self.assign(in_grad[1], req[1], mx.nd.dot(dy, x, transpose_a=True))


@mx.operator.register("dense")
class DenseProp(mx.operator.CustomOpProp):
    def __init__(self, bias, **others):
        super().__init__(need_top_grad=True)
        CALLS["dense"].append(("init", bias, others))
        self._bias = float(bias)

    def list_arguments(self):
        return ["data", "weight"]

    def list_outputs(self):
        return ["output"]

    def infer_shape(self, in_shape):
        data_shape, weight_shape = in_shape
        return (data_shape, weight_shape), ((data_shape[0], weight_shape[0]),), ()

    def create_operator(self, ctx, shapes, dtypes):
        return Dense(self._bias)


# -- Two outputs: the sum and the product of two arrays ---------------------
class SumProd(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        a, b = in_data
        self.assign(out_data[0], req[0], a + b)
        self.assign(out_data[1], req[1], a * b)

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        a, b = in_data
        g_sum, g_prod = out_grad
        self.assign(in_grad[0], req[0], g_sum + g_prod * b)
        self.assign(in_grad[1], req[1], g_sum + g_prod * a)


@mx.operator.register("sum_prod")
class SumProdProp(mx.operator.CustomOpProp):
    def list_arguments(self):
        return ["a", "b"]

    def list_outputs(self):
        return ["sum", "prod"]

    def declare_backward_dependency(self, out_grad, in_data, out_data):
        return out_grad + in_data  # not the outputs

    def create_operator(self, ctx, shapes, dtypes):
        return SumProd()


# -- Auxiliary state: data minus a running mean that training updates ------
class Centre(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        data, moving_mean = in_data[0], aux[0]
        if is_train:
            moving_mean[:] = 0.5 * moving_mean + 0.5 * data.mean(axis=0)
        self.assign(out_data[0], req[0], mx.nd.broadcast_sub(data, moving_mean.reshape((1, -1))))

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        CALLS["centre"].append(("backward", list(in_data), list(out_data), list(aux)))
        self.assign(in_grad[0], req[0], out_grad[0])


@mx.operator.register("centre")
class CentreProp(mx.operator.CustomOpProp):
    def list_arguments(self):
        return ["data"]

    def list_auxiliary_states(self):
        return ["moving_mean"]

    def infer_shape(self, in_shape):
        return in_shape, [in_shape[0]], [(in_shape[0][1],)]

    def declare_backward_dependency(self, out_grad, in_data, out_data):
        return out_grad

    def create_operator(self, ctx, shapes, dtypes):
        return Centre()


# -- exp, whose backward reads only its output (and the output gradient) ---
class Exp(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        self.saved_shape = in_data[0].shape  # kept on the operator for backward
        self.assign(out_data[0], req[0], mx.nd.exp(in_data[0]))

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        CALLS["exp"].append(("backward", list(in_data), self.saved_shape))
        self.assign(in_grad[0], req[0], out_grad[0] * out_data[0])


@mx.operator.register("exp")
class ExpProp(mx.operator.CustomOpProp):
    def declare_backward_dependency(self, out_grad, in_data, out_data):
        return out_grad + out_data

    def create_operator(self, ctx, shapes, dtypes):
        return Exp()
