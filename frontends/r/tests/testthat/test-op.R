set.seed(7)
a <- matrix(rnorm(12), 3, 4)
b <- matrix(rnorm(12), 3, 4)
nd <- function(x) mx.nd.array(x, dtype = "float64")

test_that("element-wise ops match R's arithmetic", {
  expect_equal(as.array(mx.op("elemwise_add", nd(a), nd(b))), a + b)
  expect_equal(as.array(mx.op("elemwise_mul", nd(a), nd(b))), a * b)
  expect_equal(as.array(mx.op("exp", nd(a))), exp(a))
  expect_equal(as.array(mx.op("sqrt", nd(abs(a)))), sqrt(abs(a)))
  expect_equal(as.array(mx.op("Activation", nd(a), params = list(act_type = "relu"))), pmax(a, 0))
  expect_equal(as.array(mx.op("_plus_scalar", nd(a), params = list(scalar = 0.5))), a + 0.5)
})

test_that("broadcasting and reductions follow the reversed dims", {
  column <- matrix(c(1, 2, 3), 3, 1)  # MX shape (1, 3): broadcast along R's columns
  expect_equal(as.array(mx.op("broadcast_mul", nd(a), nd(column))), a * c(1, 2, 3))
  expect_equal(as.array(mx.op("sum", nd(a), params = list(axis = 1))), array(colSums(a)))
  expect_equal(as.array(mx.op("sum", nd(a), params = list(axis = 0))), array(rowSums(a)))
  kept <- mx.op("sum", nd(a), params = list(axis = 1, keepdims = TRUE))
  expect_identical(dim(kept), c(1L, 4L))
  softmax <- as.array(mx.op("softmax", nd(a), params = list(axis = -1)))
  expect_equal(softmax, exp(a) / rep(colSums(exp(a)), each = 3))
})

test_that("dot and FullyConnected compute R's matrix products", {
  x <- matrix(rnorm(6), 2, 3)
  y <- matrix(rnorm(12), 3, 4)
  # R's x %*% y is MX's dot(y, x) on the reversed shapes.
  expect_equal(as.array(mx.op("dot", nd(y), nd(x))), x %*% y)
  data <- matrix(rnorm(20), 4, 5)  # 5 samples of 4 features
  weight <- matrix(rnorm(12), 4, 3)  # MX (num_hidden = 3, 4)
  bias <- c(0.5, -1, 2)
  out <- mx.op("FullyConnected", nd(data), nd(weight), nd(bias), params = list(num_hidden = 3))
  expect_equal(as.array(out), t(weight) %*% data + bias)
})

test_that("ops without inputs take shape and ctx parameters", {
  ones <- mx.op("_ones", params = list(shape = c(2, 3), ctx = mx.cpu()))
  expect_identical(as.array(ones), matrix(1, 3, 2))
  expect_identical(as.array(mx.op("_arange", params = list(start = 0, stop = 5))), array(0:4 * 1))
  # 1e5 must cross as "100000", not R's "1e+05".
  expect_identical(dim(mx.op("_zeros", params = list(shape = 1e5))), 100000L)
  expect_identical(dim(mx.op("_zeros", params = c(shape = "(2, 3)"))), c(3L, 2L))
})

test_that("an op with several outputs gives a list", {
  m <- matrix(1:8, 4, 2)
  parts <- mx.op("SliceChannel", nd(m), params = list(num_outputs = 2, axis = 0))
  expect_length(parts, 2L)
  expect_identical(as.array(parts[[1]]), matrix(as.double(1:4), 4, 1))
  expect_identical(as.array(parts[[2]]), matrix(as.double(5:8), 4, 1))
})

test_that("the registry is listed", {
  names <- mx.op.names()
  expect_true(all(c("FullyConnected", "Activation", "Cast", "split") %in% names))
  expect_identical(names, sort(names, method = "radix"))
})

test_that("libmx's errors become R errors", {
  expect_error(mx.op("no_such_op", nd(a)), "no_such_op")
  expect_error(mx.op("Activation", nd(a), params = list(act_type = "bad")), "act_type")
  expect_error(mx.op("Activation", nd(a), params = list(act_type = "relu", bogus = 1)), "unknown parameter 'bogus'")
  expect_error(mx.op("FullyConnected", nd(a), nd(b)), "required parameter 'num_hidden'")
  expect_error(mx.op("elemwise_add", nd(a), nd(t(b))), "shape mismatch")
  expect_error(mx.op("dot", nd(a), nd(a)), "not aligned")
  expect_error(mx.op("exp", nd(a), nd(b)), "takes 1 input")
  expect_error(mx.op(c("exp", "log"), nd(a)), "single string")
})

test_that("bad arguments are refused before libmx", {
  expect_error(mx.op("exp", 1:3), "input 1 must be an MXNDArray")
  expect_error(mx.op("exp", data = nd(a)), "positional")
  expect_error(mx.op("sum", nd(a), params = list(1)), "needs a name")
  expect_error(mx.op("sum", nd(a), params = list(axis = list(1))), "parameter 'axis'")
  expect_error(mx.op("sum", nd(a), params = list(axis = NA)), "parameter 'axis'")
})
