# The model tests/bindings/test_r.py writes with the Python package:
# FullyConnected(num_hidden = 3) + tanh over 5 samples of 4 features, and
# numpy's output for fc_input.
fc_predictor <- function() {
  mx.predictor(reference_file("fc-symbol.json"), reference_file("fc-0000.params"),
               list(data = c(4, 5)))
}

test_that("a model written by Python predicts numpy's result", {
  input <- read_reference("fc_input")
  expect_identical(dim(input), c(4L, 5L))
  output <- predict(fc_predictor(), input)
  expect_identical(dim(output), c(3L, 5L))
  expect_equal(output, read_reference("fc_output"), tolerance = 1e-6)
})

test_that("the predictor agrees with the same ops invoked one by one", {
  input <- read_reference("fc_input")
  params <- mx.nd.load(reference_file("fc-0000.params"))
  hidden <- mx.op("FullyConnected", mx.nd.array(input), params[["arg:fc_weight"]],
                  params[["arg:fc_bias"]], params = list(num_hidden = 3))
  expected <- as.array(mx.op("Activation", hidden, params = list(act_type = "tanh")))
  expect_equal(predict(fc_predictor(), input), expected, tolerance = 1e-6)
})

# test_r.py exports a model only when MX registers all its ops.
for (model in c("mlp", "lenet")) {
  test_that(sprintf("MXNet 1.9.1's %s reproduces MXNet's output", model), {
    symbol <- reference_file(paste0(model, "-symbol.json"))
    input <- read_reference(paste0(model, "_data"))
    predictor <- mx.predictor(symbol, reference_file(paste0(model, "-0000.params")),
                              list(data = dim(input)))
    expect_equal(predict(predictor, input), read_reference(paste0(model, "_output")),
                 tolerance = 1e-4)
  })
}

test_that("a model with two inputs and three outputs gives a list", {
  a <- read_reference("misc_a")
  b <- read_reference("misc_b")
  no_params <- tempfile(fileext = ".params")
  mx.nd.save(list(), no_params)
  predictor <- mx.predictor(reference_file("misc-symbol.json"), no_params,
                            list(a = dim(a), b = dim(b)))
  outputs <- predict(predictor, list(b = b, a = a))
  expect_length(outputs, 3L)
  for (i in 1:3) {
    expect_equal(outputs[[i]], read_reference(sprintf("misc_out%d", i - 1)), tolerance = 1e-5)
  }
  expect_error(predict(predictor, a), "give newdata as a list")
})

test_that("bad models and inputs are R errors", {
  symbol <- reference_file("fc-symbol.json")
  params <- reference_file("fc-0000.params")
  expect_error(mx.predictor(tempfile(), params, list(data = c(4, 5))), "no such file")
  expect_error(mx.predictor(symbol, params, c(4, 5)), "named by input")
  expect_error(mx.predictor(symbol, params, list(data = "4")), "must be numbers")
  # 3 features contradict fc_weight's 4.
  expect_error(mx.predictor(symbol, params, list(data = c(3, 5))), "weight must have shape")
  expect_error(mx.predictor(symbol, params, list(data = c(4, 0))), "positive integers")
  expect_error(mx.predictor(symbol, params, list(nodata = c(4, 5))), "'nodata' is not an argument")
  malformed <- tempfile(fileext = ".json")
  writeLines("{\"nodes\": [", malformed)
  expect_error(mx.predictor(malformed, params, list(data = c(4, 5))), "invalid JSON")
  predictor <- fc_predictor()
  expect_output(print(predictor), "inputs data 4x5; 1 output")
  expect_error(predict(predictor, matrix(0, 5, 4)), "has dims 5x4 but the predictor was made for 4x5")
  expect_error(predict(predictor, list(x = matrix(0, 4, 5))), "exactly the inputs data")
  expect_error(predict(predictor, "a"), "must be numeric")
  mx.free(predictor)
  expect_error(predict(predictor, matrix(0, 4, 5)), "freed")
  expect_output(print(predictor), "freed")
})
