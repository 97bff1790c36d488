#' Devices, named as MXNet's R package named them.
#'
#' @param dev.id the device number.
#' @return an \code{MXContext}: a list with \code{device}, \code{device_id}
#'   and \code{device_typeid} (MXNet's device codes: cpu 1, gpu 2).
mx.cpu <- function(dev.id = 0L) mx_context("cpu", 1L, dev.id)

#' @rdname mx.cpu
mx.gpu <- function(dev.id = 0L) mx_context("gpu", 2L, dev.id)

mx_context <- function(device, typeid, dev.id) {
  if (!is.numeric(dev.id) || length(dev.id) != 1L || is.na(dev.id) || dev.id < 0 ||
      dev.id != round(dev.id)) {
    stop("dev.id must be a single non-negative integer")
  }
  structure(list(device = device, device_id = as.integer(dev.id), device_typeid = typeid),
            class = "MXContext")
}

check_context <- function(ctx) {
  if (!inherits(ctx, "MXContext")) stop("ctx must be mx.cpu() or mx.gpu(), got ", class(ctx)[1])
  ctx
}

# "cpu(0)": how MXNet writes a context in op parameters.
format.MXContext <- function(x, ...) sprintf("%s(%d)", x$device, x$device_id)

print.MXContext <- function(x, ...) {
  cat(format(x), "\n", sep = "")
  invisible(x)
}
