# MX arrays in R.
#
# Layout (as MXNet's R package did): R stores arrays column-major, MX
# row-major, so an R array with dim c(d1, ..., dn) becomes the MX array of
# shape (dn, ..., d1) holding the same memory: no element moves, and element
# [i1, ..., in] in R is element [in, ..., i1] in MX.  A 20 x 4 R matrix of 4
# samples (one per column) is an MX batch of shape (4, 20).  dim() and
# mx.nd.shape() answer in R's order; op parameters that name axes or shapes
# (mx.op) are passed to libmx unchanged, in MX's order.

# MXNet's dtype codes (c_api.h).
MX_DTYPES <- c(float32 = 0L, float64 = 1L, float16 = 2L, uint8 = 3L, int32 = 4L,
               int8 = 5L, int64 = 6L, bool = 7L)
# Dtypes read back as R integers (int64 does not fit R's); dtypes with no NA.
INTEGER_DTYPES <- c("uint8", "int32", "int8")
EXACT_DTYPES <- c("uint8", "int32", "int8", "int64", "bool")

check_dtype <- function(dtype) {
  if (!is.character(dtype) || length(dtype) != 1L || !(dtype %in% names(MX_DTYPES))) {
    stop("dtype must be one of ", paste(names(MX_DTYPES), collapse = ", "), "; got ",
         paste(format(dtype), collapse = " "))
  }
  dtype
}

check_ndarray <- function(x, what = "x") {
  if (!inherits(x, "MXNDArray")) stop(what, " must be an MXNDArray, got ", class(x)[1])
  x
}

#' Create an MX array from an R vector, matrix or array.
#'
#' @param src.array numbers or logicals; its dims (or length) give the shape,
#'   reversed (see the layout note above).
#' @param ctx the device: mx.cpu() or mx.gpu().
#' @param dtype the MX dtype: "float32" (MXNet's default), "float64",
#'   "float16", "uint8", "int32", "int8", "int64" or "bool".
#' @return an \code{MXNDArray}; freed when R collects it, or by \code{mx.free}.
mx.nd.array <- function(src.array, ctx = mx.cpu(), dtype = "float32") {
  if (!(is.numeric(src.array) || is.logical(src.array))) {
    stop("src.array must be numeric or logical, got ", class(src.array)[1])
  }
  check_dtype(dtype)
  check_context(ctx)
  if (dtype %in% EXACT_DTYPES && anyNA(src.array)) {
    stop("src.array holds NA, which dtype ", dtype, " cannot represent")
  }
  dims <- if (is.null(dim(src.array))) length(src.array) else dim(src.array)
  # Rationale: the glue moves float64 only; libmx's own Cast converts, so
  # rounding and overflow follow MX's semantics.
  nd <- .Call(C_mx_r_nd_from_double, as.double(src.array), rev(as.double(dims)),
              ctx$device_typeid, ctx$device_id)
  if (dtype == "float64") nd else cast_and_free(nd, dtype)
}

# Casts with libmx and frees the source at once instead of at the next GC.
cast_and_free <- function(nd, dtype) {
  on.exit(mx.free(nd))
  mx.op("Cast", nd, params = list(dtype = dtype))
}

#' The dims of an MX array in R's order (its MX shape reversed).
mx.nd.shape <- function(nd) rev(.Call(C_mx_r_nd_shape, check_ndarray(nd, "nd")))

dim.MXNDArray <- function(x) mx.nd.shape(x)

#' The dtype of an MX array, by name ("float32", ...).
mx.nd.dtype <- function(nd) {
  code <- .Call(C_mx_r_nd_dtype, check_ndarray(nd, "nd"))
  names(MX_DTYPES)[match(code, MX_DTYPES)]
}

#' Copy an MX array into R: doubles, integers (uint8, int8, int32) or
#' logicals (bool), with dims in R's order; a 0-d array gives one value.
#' Waits for pending work, and raises the error of a failed op that made it.
as.array.MXNDArray <- function(x, ...) {
  dtype <- mx.nd.dtype(x)
  values <- if (dtype == "float64") {
    .Call(C_mx_r_nd_to_double, x)
  } else {
    float64 <- mx.op("Cast", x, params = list(dtype = "float64"))
    on.exit(mx.free(float64))
    .Call(C_mx_r_nd_to_double, float64)
  }
  if (dtype %in% INTEGER_DTYPES) storage.mode(values) <- "integer"
  if (dtype == "bool") storage.mode(values) <- "logical"
  dims <- mx.nd.shape(x)
  if (length(dims) > 0L) dim(values) <- dims
  values
}

print.MXNDArray <- function(x, ...) {
  if (!.Call(C_mx_r_is_live, x)) {
    cat("<MXNDArray (freed)>\n")
    return(invisible(x))
  }
  context <- .Call(C_mx_r_nd_context, x)
  device <- c("cpu", "gpu", "cpu_pinned")[context[1]]
  cat(sprintf("<MXNDArray %s %s @%s(%d)>\n", paste(dim(x), collapse = "x"), mx.nd.dtype(x),
              device, context[2]))
  print(as.array(x), ...)
  invisible(x)
}

#' Free an MXNDArray or MXPredictor now rather than when R collects it.
#' Freeing twice does nothing; using a freed object is an error.
mx.free <- function(x) {
  .Call(C_mx_r_free, x)
  invisible(NULL)
}
