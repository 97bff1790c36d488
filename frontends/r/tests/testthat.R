# R CMD check's entry point; tests/bindings/test_r.py runs the same files.
library(testthat)
library(mxnet)
test_check("mxnet")
