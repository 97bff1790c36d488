test_that("a matrix keeps its values and dims", {
  m <- matrix(c(1.5, -2, 3, 4, 5.25, 6), nrow = 2)
  x <- mx.nd.array(m)
  expect_identical(dim(x), c(2L, 3L))
  expect_identical(mx.nd.shape(x), c(2L, 3L))
  expect_identical(mx.nd.dtype(x), "float32")
  expect_identical(as.array(x), m)
})

test_that("vectors become 1-d arrays; 0-size and 3-d arrays round-trip", {
  expect_identical(as.array(mx.nd.array(c(1, 2, 3))), array(c(1, 2, 3)))
  expect_identical(dim(mx.nd.array(c(1, 2, 3))), 3L)
  empty <- mx.nd.array(numeric(0))
  expect_identical(dim(empty), 0L)
  expect_length(as.array(empty), 0L)
  a <- array(seq_len(24) / 7, dim = c(2, 3, 4))
  expect_identical(as.array(mx.nd.array(a, dtype = "float64")), a)
})

test_that("R dims are MX's shape reversed over the same memory", {
  a <- array(seq_len(24), dim = c(2, 3, 4))
  x <- mx.nd.array(a)
  # MX's transpose reverses MX axes by default: R sees aperm's result.
  expect_identical(as.array(mx.op("transpose", x)), aperm(a) * 1)
  # MX axis 0 is R's last dim.
  expect_identical(as.array(mx.op("sum", x, params = list(axis = 0))), apply(a, c(1, 2), sum) * 1)
  # Reshape keeps memory order, as dim<- does in R.
  reshaped <- mx.op("Reshape", x, params = list(shape = c(6, 4)))
  expect_identical(as.array(reshaped), array(as.double(a), dim = c(4, 6)))
})

test_that("every dtype stores R's values as MX's Cast does", {
  expect_identical(as.array(mx.nd.array(1 / 3, dtype = "float64")), array(1 / 3))
  third <- as.array(mx.nd.array(1 / 3))
  expect_false(third == 1 / 3)
  expect_equal(third, array(1 / 3), tolerance = 1e-7)
  expect_identical(as.array(mx.nd.array(c(1 / 3, 65504), dtype = "float16")),
                   array(c(0.333251953125, 65504)))
  expect_identical(as.array(mx.nd.array(1:5, dtype = "int32")), array(1:5))
  expect_identical(as.array(mx.nd.array(c(2.7, -2.7), dtype = "int32")), array(c(2L, -2L)))
  expect_identical(as.array(mx.nd.array(0:255, dtype = "uint8")), array(0:255))
  expect_identical(as.array(mx.nd.array(-128:127, dtype = "int8")), array(-128:127))
  expect_identical(as.array(mx.nd.array(c(2^40, -3), dtype = "int64")), array(c(2^40, -3)))
  flags <- matrix(c(TRUE, FALSE, FALSE, TRUE), 2)
  expect_identical(as.array(mx.nd.array(flags, dtype = "bool")), flags)
  for (dtype in c("float16", "uint8", "int32", "int8", "int64", "bool")) {
    expect_identical(mx.nd.dtype(mx.nd.array(1, dtype = dtype)), dtype)
  }
})

test_that("bad input is an R error", {
  expect_error(mx.nd.array("a"), "numeric or logical")
  expect_error(mx.nd.array(list(1)), "numeric or logical")
  expect_error(mx.nd.array(1, dtype = "float128"), "dtype must be one of")
  expect_error(mx.nd.array(c(1, NA), dtype = "int32"), "NA")
  expect_error(mx.nd.array(1, ctx = "cpu"), "ctx must be")
  expect_error(mx.cpu(-1), "dev.id")
  expect_error(mx.nd.shape(1:3), "must be an MXNDArray")
  expect_error(mx.nd.dtype(NULL), "must be an MXNDArray")
})

test_that("a freed array is refused, and freeing twice is harmless", {
  x <- mx.nd.array(1:3)
  mx.free(x)
  expect_error(as.array(x), "freed")
  expect_error(dim(x), "freed")
  expect_error(mx.op("exp", x), "freed")
  expect_silent(mx.free(x))
  expect_output(print(x), "freed")
  expect_error(mx.free(1:3), "expects an MXNDArray or MXPredictor")
})

test_that("the garbage collector frees arrays", {
  for (i in 1:200) mx.nd.array(matrix(i, 10, 10))
  expect_silent(gc())
  kept <- mx.nd.array(7)
  gc()
  expect_identical(as.array(kept), array(7))
})

test_that("print shows dims, dtype, device and values", {
  x <- mx.nd.array(matrix(1:4, 2), dtype = "int32")
  expect_output(print(x), "<MXNDArray 2x2 int32 @cpu\\(0\\)>")
  expect_output(print(mx.cpu(1)), "cpu\\(1\\)")
})
