# Prediction through MXNet's C predict API (c_predict_api.h).

#' Load a trained model for prediction.
#'
#' @param symbol.file the graph, a -symbol.json file.
#' @param params.file its parameters, a .params file (keys "arg:<name>" and
#'   "aux:<name>", as MXNet's checkpoints write them).
#' @param input.shapes a named list of the input dims in R's order, e.g.
#'   \code{list(data = c(20, 4))} for 4 samples of 20 features (MX's shape
#'   (4, 20); see the layout note in ndarray.R).
#' @param ctx the device.
#' @return an \code{MXPredictor}, for \code{predict()}; freed when R collects
#'   it, or by \code{mx.free}.
mx.predictor <- function(symbol.file, params.file, input.shapes, ctx = mx.cpu()) {
  for (path in c(symbol.file, params.file)) {
    if (!is.character(path) || length(path) != 1L || !file.exists(path)) {
      stop("mx.predictor: no such file: ", paste(format(path), collapse = " "))
    }
  }
  if (!is.list(input.shapes) || length(input.shapes) == 0L || is.null(names(input.shapes)) ||
      any(names(input.shapes) == "") || anyDuplicated(names(input.shapes))) {
    stop("mx.predictor: input.shapes must be a list of dims named by input, e.g. list(data = c(20, 4))")
  }
  for (name in names(input.shapes)) {
    if (!is.numeric(input.shapes[[name]])) stop("mx.predictor: the dims of '", name, "' must be numbers")
  }
  check_context(ctx)
  json <- paste(readLines(symbol.file, warn = FALSE, encoding = "UTF-8"), collapse = "\n")
  params <- readBin(params.file, "raw", n = file.info(params.file)$size)
  predictor <- .Call(C_mx_r_pred_create, json, params, ctx$device_typeid, ctx$device_id,
                     names(input.shapes), lapply(input.shapes, function(d) rev(as.double(d))))
  attr(predictor, "input.shapes") <- lapply(input.shapes, as.integer)
  attr(predictor, "num.outputs") <- .Call(C_mx_r_pred_num_outputs, json)
  predictor
}

#' Run the model.
#'
#' @param object an MXPredictor.
#' @param newdata the input array when the model has one input, else a list
#'   of them named by input; each with exactly the dims the predictor was
#'   made for.
#' @return the output array (dims in R's order), or a list of them when the
#'   model has several outputs.
predict.MXPredictor <- function(object, newdata, ...) {
  shapes <- attr(object, "input.shapes")
  if (!is.list(newdata)) {
    if (length(shapes) != 1L) {
      stop("predict: the model has inputs ", paste(names(shapes), collapse = ", "),
           "; give newdata as a list named by input")
    }
    newdata <- stats::setNames(list(newdata), names(shapes))
  }
  if (is.null(names(newdata)) || !setequal(names(newdata), names(shapes))) {
    stop("predict: newdata must give exactly the inputs ", paste(names(shapes), collapse = ", "))
  }
  for (name in names(newdata)) {
    x <- newdata[[name]]
    if (!(is.numeric(x) || is.logical(x))) stop("predict: input '", name, "' must be numeric")
    dims <- if (is.null(dim(x))) length(x) else dim(x)
    if (!identical(as.integer(dims), shapes[[name]])) {
      stop(sprintf("predict: input '%s' has dims %s but the predictor was made for %s", name,
                   paste(dims, collapse = "x"), paste(shapes[[name]], collapse = "x")))
    }
    .Call(C_mx_r_pred_set_input, object, name, as.double(x))
  }
  .Call(C_mx_r_pred_forward, object)
  outputs <- lapply(seq_len(attr(object, "num.outputs")) - 1L, function(i) {
    output <- .Call(C_mx_r_pred_output, object, i)
    array(output$values, dim = rev(output$shape))
  })
  if (length(outputs) == 1L) outputs[[1L]] else outputs
}

print.MXPredictor <- function(x, ...) {
  state <- if (.Call(C_mx_r_is_live, x)) "" else " (freed)"
  shapes <- attr(x, "input.shapes")
  inputs <- vapply(names(shapes), function(n) sprintf("%s %s", n, paste(shapes[[n]], collapse = "x")), "")
  cat(sprintf("<MXPredictor%s: inputs %s; %d output(s)>\n", state, paste(inputs, collapse = ", "),
              attr(x, "num.outputs")))
  invisible(x)
}
