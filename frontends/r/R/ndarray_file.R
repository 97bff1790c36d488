# MXNet's NDArray files: `.params` checkpoints and mx.nd.save.

#' Save MX arrays to a file MXNet 1.x reads (mx.nd.load, Module params).
#'
#' @param ndarray an MXNDArray, or a list of them: named (a dict, as
#'   checkpoints are) or unnamed (a list).
#' @param filename the file to write.
mx.nd.save <- function(ndarray, filename) {
  if (inherits(ndarray, "MXNDArray")) ndarray <- list(ndarray)
  if (!is.list(ndarray)) {
    stop("mx.nd.save: ndarray must be an MXNDArray or a list of them, got ", class(ndarray)[1])
  }
  for (i in seq_along(ndarray)) check_ndarray(ndarray[[i]], sprintf("ndarray[[%d]]", i))
  keys <- names(ndarray)
  if (!is.null(keys) && (anyNA(keys) || any(keys == ""))) {
    stop("mx.nd.save: name every array (a dict) or none (a list)")
  }
  .Call(C_mx_r_nd_save, path.expand(filename), ndarray, keys)
  invisible(NULL)
}

#' Load the arrays of an NDArray file (MXNet 1.x's or MX's): a named list
#' for a dict, an unnamed one for a list.
mx.nd.load <- function(filename) .Call(C_mx_r_nd_load, path.expand(filename))
