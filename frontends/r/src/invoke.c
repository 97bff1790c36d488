/* Any registered op, by name, on R arrays with string parameters. */
#include "mx_r.h"

SEXP mx_r_list_ops(void) {
  uint32_t count = 0;
  const char** names = NULL;
  mx_r_check(MXListOps(&count, &names));
  /* The strings live as long as the process; only the array is scratch, and
   * mkChar makes no MX call. */
  SEXP out = PROTECT(Rf_allocVector(STRSXP, count));
  for (uint32_t i = 0; i < count; ++i) SET_STRING_ELT(out, i, Rf_mkChar(names[i]));
  UNPROTECT(1);
  return out;
}

SEXP mx_r_invoke(SEXP op_name, SEXP inputs, SEXP keys, SEXP values) {
  const char* name = mx_r_string(op_name, "the op name");
  if (TYPEOF(inputs) != VECSXP) Rf_error("inputs must be a list of MXNDArray");
  if (TYPEOF(keys) != STRSXP || TYPEOF(values) != STRSXP || XLENGTH(keys) != XLENGTH(values))
    Rf_error("parameter names and values must be character vectors of one length");
  int num_inputs = (int)XLENGTH(inputs), num_params = (int)XLENGTH(keys);
  MXNDArrayHandle* handles =
      (MXNDArrayHandle*)R_alloc(num_inputs ? num_inputs : 1, sizeof(MXNDArrayHandle));
  for (int i = 0; i < num_inputs; ++i) handles[i] = mx_r_ndarray(VECTOR_ELT(inputs, i));
  const char** param_keys = (const char**)R_alloc(num_params ? num_params : 1, sizeof(char*));
  const char** param_vals = (const char**)R_alloc(num_params ? num_params : 1, sizeof(char*));
  for (int i = 0; i < num_params; ++i) {
    param_keys[i] = mx_r_element(keys, i, "parameter name");
    param_vals[i] = mx_r_element(values, i, "parameter value");
  }
  MXOpHandle op = NULL;
  mx_r_check(MXGetOpHandle(name, &op));
  int num_outputs = 0;
  MXNDArrayHandle* outputs = NULL;
  mx_r_check(MXImperativeInvoke(op, num_inputs, handles, &num_outputs, &outputs, num_params,
                                param_keys, param_vals));
  return mx_r_wrap_ndarrays(outputs, (uint32_t)num_outputs);
}
