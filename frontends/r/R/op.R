# Any registered op, by name.

#' Invoke a registered op (or alias) on MX arrays.
#'
#' @param name the op's name, as in MXNet ("FullyConnected", "broadcast_add",
#'   "_zeros", ...); \code{mx.op.names()} lists them.
#' @param ... the input arrays (MXNDArray), positionally, in the op's order.
#' @param params the op's parameters as a named list (or named character
#'   vector).  Values are written as MXNet writes them: strings as they are,
#'   TRUE/FALSE as "True"/"False", numbers (integers without a decimal
#'   point), vectors as tuples "(2, 3)", NULL as "None", an MXContext as
#'   "cpu(0)".  Axes and shapes are MX's (row-major) order: the reverse of R's
#'   dims (see the layout note in ndarray.R).  An op without inputs takes its
#'   device from \code{ctx}.
#' @return the output array, or a list of them when the op has several.
mx.op <- function(name, ..., params = list()) {
  inputs <- list(...)
  if (!is.null(names(inputs)) && any(names(inputs) != "")) {
    stop("mx.op: inputs are positional (got named ",
         paste(names(inputs)[names(inputs) != ""], collapse = ", "),
         "); give parameters in params = list(...)")
  }
  for (i in seq_along(inputs)) check_ndarray(inputs[[i]], sprintf("input %d", i))
  params <- as.list(params)
  keys <- names(params)
  if (length(params) > 0L && (is.null(keys) || anyNA(keys) || any(keys == ""))) {
    stop("mx.op: every parameter needs a name, e.g. params = list(num_hidden = 10)")
  }
  values <- vapply(seq_along(params), function(i) format_param(params[[i]], keys[[i]]), "")
  outputs <- .Call(C_mx_r_invoke, name, inputs, as.character(keys), values)
  if (length(outputs) == 1L) outputs[[1L]] else outputs
}

format_param <- function(value, key) {
  if (is.null(value)) return("None")
  if (inherits(value, "MXContext")) return(format(value))
  if (is.character(value) && length(value) == 1L && !is.na(value)) return(value)
  if (is.logical(value) && length(value) == 1L && !is.na(value)) {
    return(if (value) "True" else "False")
  }
  if (is.numeric(value) && !anyNA(value)) {
    numbers <- vapply(as.double(value), format_number, "")
    if (length(value) == 1L) return(numbers)
    return(paste0("(", paste(numbers, collapse = ", "), ")"))
  }
  stop("mx.op: parameter '", key, "' must be a string, TRUE/FALSE, numbers, NULL or a context; got ",
       paste(deparse(value), collapse = " "))
}

# Rationale: as.character(1e5) is "1e+05", which an integer parameter refuses.
format_number <- function(x) {
  if (is.finite(x) && x == round(x) && abs(x) < 2^53) sprintf("%.0f", x) else as.character(x)
}

#' The names of all registered ops and aliases, sorted.
mx.op.names <- function() .Call(C_mx_r_list_ops)
