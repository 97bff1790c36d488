/*
 * MXNet's C predict API from R: a -symbol.json graph and its .params bytes
 * bound for inference.  Shapes cross in MX's (row-major) order; R/predictor.R
 * turns them into R dims.
 */
#include <limits.h>

#include "mx_r.h"

/* c_api.h's bound on ndim. */
enum { kMaxDims = 32 };

SEXP mx_r_pred_create(SEXP symbol_json, SEXP params, SEXP dev_type, SEXP dev_id,
                      SEXP input_names, SEXP input_shapes) {
  const char* json = mx_r_string(symbol_json, "the symbol JSON");
  if (TYPEOF(params) != RAWSXP) Rf_error("params must be a raw vector (the .params bytes)");
  if (XLENGTH(params) > INT_MAX) Rf_error("the .params bytes exceed the predict API's 2 GiB");
  if (TYPEOF(input_names) != STRSXP || TYPEOF(input_shapes) != VECSXP ||
      XLENGTH(input_names) != XLENGTH(input_shapes))
    Rf_error("input names and shapes must have one length");
  mx_uint num_inputs = (mx_uint)XLENGTH(input_names), num_dims = 0;
  const char** keys = (const char**)R_alloc(num_inputs ? num_inputs : 1, sizeof(char*));
  mx_uint* indptr = (mx_uint*)R_alloc(num_inputs + 1, sizeof(mx_uint));
  indptr[0] = 0;
  for (mx_uint i = 0; i < num_inputs; ++i) {
    SEXP shape = VECTOR_ELT(input_shapes, i);
    if (TYPEOF(shape) != REALSXP) Rf_error("input shape %d must be a double vector", (int)i + 1);
    keys[i] = mx_r_element(input_names, i, "input name");
    num_dims += (mx_uint)XLENGTH(shape);
    indptr[i + 1] = num_dims;
  }
  mx_uint* dims = (mx_uint*)R_alloc(num_dims ? num_dims : 1, sizeof(mx_uint));
  for (mx_uint i = 0; i < num_inputs; ++i) {
    SEXP shape = VECTOR_ELT(input_shapes, i);
    for (R_xlen_t k = 0; k < XLENGTH(shape); ++k) {
      double dim = REAL(shape)[k];
      if (ISNAN(dim) || dim < 1 || dim > UINT32_MAX || dim != (mx_uint)dim)
        Rf_error("the shape of input '%s' must hold positive integers, got %g", keys[i], dim);
      dims[indptr[i] + k] = (mx_uint)dim;
    }
  }
  PredictorHandle handle = NULL;
  mx_r_check(MXPredCreate(json, RAW(params), (int)XLENGTH(params),
                          mx_r_int(dev_type, "dev_type"), mx_r_int(dev_id, "dev_id"), num_inputs,
                          keys, indptr, dims, &handle));
  return mx_r_wrap_predictor(handle);
}

/* Rationale: the predict API has no output count; the graph has it, through
 * c_api.h's symbols. */
SEXP mx_r_pred_num_outputs(SEXP symbol_json) {
  MXSymbolHandle symbol = NULL;
  uint32_t count = 0;
  mx_r_check(MXSymbolCreateFromJSON(mx_r_string(symbol_json, "the symbol JSON"), &symbol));
  int rc = MXSymbolGetNumOutputs(symbol, &count);
  MXSymbolFree(symbol);
  mx_r_check(rc);
  return Rf_ScalarInteger((int)count);
}

SEXP mx_r_pred_set_input(SEXP predictor, SEXP name, SEXP values) {
  PredictorHandle handle = mx_r_predictor(predictor);
  const char* key = mx_r_string(name, "the input name");
  if (TYPEOF(values) != REALSXP) Rf_error("input values must be a double vector");
  if (XLENGTH(values) > UINT32_MAX) Rf_error("input '%s' exceeds the predict API's size", key);
  mx_uint size = (mx_uint)XLENGTH(values);
  /* The predict API takes float32. */
  mx_float* data = (mx_float*)R_alloc(size ? size : 1, sizeof(mx_float));
  for (mx_uint i = 0; i < size; ++i) data[i] = (mx_float)REAL(values)[i];
  mx_r_check(MXPredSetInput(handle, key, data, size));
  return R_NilValue;
}

SEXP mx_r_pred_forward(SEXP predictor) {
  mx_r_check(MXPredForward(mx_r_predictor(predictor)));
  return R_NilValue;
}

SEXP mx_r_pred_output(SEXP predictor, SEXP index) {
  PredictorHandle handle = mx_r_predictor(predictor);
  int position = mx_r_int(index, "the output index");
  if (position < 0) Rf_error("the output index must be >= 0, got %d", position);
  mx_uint* borrowed = NULL;
  mx_uint ndim = 0;
  mx_r_check(MXPredGetOutputShape(handle, (mx_uint)position, &borrowed, &ndim));
  if (ndim > kMaxDims) Rf_error("internal: output has %u dimensions", ndim);
  mx_uint dims[kMaxDims];
  double size = 1;
  for (mx_uint k = 0; k < ndim; ++k) {
    dims[k] = borrowed[k];
    size *= dims[k];
  }
  if (size > UINT32_MAX) Rf_error("output %d exceeds the predict API's size", position);
  mx_float* data = (mx_float*)R_alloc(size ? (size_t)size : 1, sizeof(mx_float));
  mx_r_check(MXPredGetOutput(handle, (mx_uint)position, data, (mx_uint)size));
  SEXP result = PROTECT(Rf_allocVector(VECSXP, 2));
  SEXP shape = Rf_allocVector(REALSXP, ndim);
  SET_VECTOR_ELT(result, 0, shape);
  for (mx_uint k = 0; k < ndim; ++k) REAL(shape)[k] = dims[k];
  SEXP values = Rf_allocVector(REALSXP, (R_xlen_t)size);
  SET_VECTOR_ELT(result, 1, values);
  for (R_xlen_t i = 0; i < (R_xlen_t)size; ++i) REAL(values)[i] = data[i];
  SEXP names = PROTECT(Rf_allocVector(STRSXP, 2));
  SET_STRING_ELT(names, 0, Rf_mkChar("shape"));
  SET_STRING_ELT(names, 1, Rf_mkChar("values"));
  Rf_setAttrib(result, R_NamesSymbol, names);
  UNPROTECT(2);
  return result;
}
