/* MXNet's NDArray files (`.params`, mx.nd.save) from R. */
#include "mx_r.h"

SEXP mx_r_nd_save(SEXP filename, SEXP arrays, SEXP names) {
  const char* path = mx_r_string(filename, "filename");
  if (TYPEOF(arrays) != VECSXP) Rf_error("arrays must be a list of MXNDArray");
  R_xlen_t count = XLENGTH(arrays);
  if (names != R_NilValue && (TYPEOF(names) != STRSXP || XLENGTH(names) != count))
    Rf_error("names must be NULL or one string per array");
  MXNDArrayHandle* handles =
      (MXNDArrayHandle*)R_alloc(count ? count : 1, sizeof(MXNDArrayHandle));
  const char** keys = NULL;
  if (names != R_NilValue) keys = (const char**)R_alloc(count ? count : 1, sizeof(char*));
  for (R_xlen_t i = 0; i < count; ++i) {
    handles[i] = mx_r_ndarray(VECTOR_ELT(arrays, i));
    if (keys != NULL) keys[i] = mx_r_element(names, i, "name");
  }
  mx_r_check(MXNDArraySave(path, (uint32_t)count, handles, keys));
  return R_NilValue;
}

SEXP mx_r_nd_load(SEXP filename) {
  const char* path = mx_r_string(filename, "filename");
  uint32_t count = 0, num_names = 0;
  MXNDArrayHandle* handles = NULL;
  const char** names = NULL;
  mx_r_check(MXNDArrayLoad(path, &count, &handles, &num_names, &names));
  SEXP arrays = PROTECT(mx_r_wrap_ndarrays(handles, count));
  /* The names stay valid until the next load on this thread, which nothing
   * here (or a finalizer) does. */
  if (num_names > 0) {
    SEXP keys = PROTECT(Rf_allocVector(STRSXP, num_names));
    for (uint32_t i = 0; i < num_names; ++i) SET_STRING_ELT(keys, i, Rf_mkCharCE(names[i], CE_UTF8));
    Rf_setAttrib(arrays, R_NamesSymbol, keys);
    UNPROTECT(1);
  }
  UNPROTECT(1);
  return arrays;
}
