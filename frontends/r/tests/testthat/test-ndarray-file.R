test_that("a named list round-trips with names, dtypes and values", {
  path <- tempfile(fileext = ".params")
  arrays <- list(weight = mx.nd.array(matrix(c(0.5, -1, 2, 4), 2)),
                 steps = mx.nd.array(c(3, 1, 4), dtype = "int32"),
                 half = mx.nd.array(c(0.25, 8), dtype = "float16"))
  mx.nd.save(arrays, path)
  loaded <- mx.nd.load(path)
  expect_identical(names(loaded), c("weight", "steps", "half"))
  for (key in names(arrays)) {
    expect_identical(mx.nd.dtype(loaded[[key]]), mx.nd.dtype(arrays[[key]]))
    expect_identical(as.array(loaded[[key]]), as.array(arrays[[key]]))
  }
})

test_that("an unnamed list, and a single array, load as unnamed lists", {
  path <- tempfile(fileext = ".params")
  mx.nd.save(list(mx.nd.array(1:2), mx.nd.array(matrix(1:6, 3))), path)
  loaded <- mx.nd.load(path)
  expect_null(names(loaded))
  expect_identical(as.array(loaded[[2]]), matrix(as.double(1:6), 3))
  mx.nd.save(mx.nd.array(5), path)
  loaded <- mx.nd.load(path)
  expect_length(loaded, 1L)
  expect_identical(as.array(loaded[[1]]), array(5))
})

# The dtypes of the keys of MXNet 1.9.1's fixture (nd_dict.params).
FIXTURE_DTYPES <- c(f32 = "float32", f64 = "float64", f16 = "float16", i32 = "int32",
                    i64 = "int64", u8 = "uint8", i8 = "int8")

test_that("MXNet 1.9.1's dict file loads with its dtypes and values", {
  loaded <- mx.nd.load(reference_file("nd_dict.params"))
  expect_setequal(names(loaded), names(FIXTURE_DTYPES))
  for (key in names(FIXTURE_DTYPES)) {
    expect_identical(mx.nd.dtype(loaded[[key]]), FIXTURE_DTYPES[[key]])
    values <- as.array(loaded[[key]])
    storage.mode(values) <- "double"
    expect_identical(values, read_reference(key))
  }
})

test_that("MXNet 1.9.1's list file loads in order", {
  loaded <- mx.nd.load(reference_file("nd_list.params"))
  expect_null(names(loaded))
  expect_length(loaded, 2L)
  expect_identical(as.array(loaded[[1]]), read_reference("f32"))
  expect_identical(as.array(loaded[[2]]), read_reference("i64"))
})

test_that("bad files and arguments are R errors", {
  missing <- file.path(tempdir(), "no_such_file.params")
  expect_error(mx.nd.load(missing), "no_such_file")
  corrupt <- tempfile(fileext = ".params")
  writeBin(as.raw(1:40), corrupt)
  expect_error(mx.nd.load(corrupt), "not an NDArray file")
  expect_error(mx.nd.save(list(mx.nd.array(1)), file.path(missing, "x.params")), "no_such_file")
  expect_error(mx.nd.save(1:3, tempfile()), "must be an MXNDArray or a list")
  expect_error(mx.nd.save(list(a = mx.nd.array(1), mx.nd.array(2)), tempfile()), "name every array")
  expect_error(mx.nd.save(list(mx.nd.array(1), 2), tempfile()), "ndarray\\[\\[2\\]\\] must be an MXNDArray")
  expect_error(mx.nd.load(NA_character_), "filename")
})
