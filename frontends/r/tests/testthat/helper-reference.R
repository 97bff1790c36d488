# Arrays and files that the Python side of the test (tests/bindings/test_r.py)
# writes into MX_R_TEST_DATA: <name>.txt holds an array's MX shape on its
# first line and its values, row-major, on the second.  Tests that need them
# skip when the suite runs without that folder.

reference_file <- function(name) {
  folder <- Sys.getenv("MX_R_TEST_DATA")
  skip_if(folder == "", "MX_R_TEST_DATA is not set (tests/bindings/test_r.py sets it)")
  path <- file.path(folder, name)
  skip_if_not(file.exists(path), paste(name, "was not exported (no MXNet 1.9.1 fixtures)"))
  path
}

# Row-major values under the reversed shape: the R array that mx.nd.array
# maps onto the exported MX array.
read_reference <- function(name) {
  lines <- readLines(reference_file(paste0(name, ".txt")))
  shape <- scan(text = lines[1], quiet = TRUE)
  values <- scan(text = lines[2], quiet = TRUE)
  array(values, dim = rev(shape))
}
