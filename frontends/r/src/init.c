/* Registration of the .Call entry points, libmx's error convention and the
 * ABI check the package runs when it loads. */
#include <R_ext/Rdynload.h>

#include "mx_r.h"

void mx_r_check(int rc) {
  if (rc != 0) Rf_error("%s", MXGetLastError());
}

const char* mx_r_string(SEXP x, const char* what) {
  if (TYPEOF(x) != STRSXP || XLENGTH(x) != 1 || STRING_ELT(x, 0) == NA_STRING)
    Rf_error("%s must be a single string", what);
  return CHAR(STRING_ELT(x, 0));
}

const char* mx_r_element(SEXP strings, R_xlen_t i, const char* what) {
  if (STRING_ELT(strings, i) == NA_STRING) Rf_error("%s %d is NA", what, (int)i + 1);
  return CHAR(STRING_ELT(strings, i));
}

int mx_r_int(SEXP x, const char* what) {
  if ((TYPEOF(x) != INTSXP && TYPEOF(x) != REALSXP) || XLENGTH(x) != 1)
    Rf_error("%s must be a single integer", what);
  double value = Rf_asReal(x);
  if (ISNAN(value) || value != (int)value) Rf_error("%s must be a single integer", what);
  return (int)value;
}

/* Rationale: a package compiled against ABI major M must refuse a libmx of
 * another major (c_api.h's versioning rule); a newer minor is fine. */
SEXP mx_r_abi_check(void) {
  int major = 0, minor = 0;
  mx_r_check(MXGetABIVersion(&major, &minor));
  if (major != MX_ABI_MAJOR)
    Rf_error("libmx implements C ABI %d.%d but the mxnet R package was built for major %d; "
             "reinstall the package against this libmx", major, minor, MX_ABI_MAJOR);
  return R_NilValue;
}

#define ENTRY(name, nargs) {#name, (DL_FUNC)&name, nargs}

static const R_CallMethodDef kEntryPoints[] = {
    ENTRY(mx_r_abi_check, 0),
    ENTRY(mx_r_free, 1),
    ENTRY(mx_r_is_live, 1),
    ENTRY(mx_r_nd_from_double, 4),
    ENTRY(mx_r_nd_to_double, 1),
    ENTRY(mx_r_nd_shape, 1),
    ENTRY(mx_r_nd_dtype, 1),
    ENTRY(mx_r_nd_context, 1),
    ENTRY(mx_r_list_ops, 0),
    ENTRY(mx_r_invoke, 4),
    ENTRY(mx_r_nd_save, 3),
    ENTRY(mx_r_nd_load, 1),
    ENTRY(mx_r_pred_create, 6),
    ENTRY(mx_r_pred_num_outputs, 1),
    ENTRY(mx_r_pred_set_input, 3),
    ENTRY(mx_r_pred_forward, 1),
    ENTRY(mx_r_pred_output, 2),
    {NULL, NULL, 0}};

void R_init_mxnet(DllInfo* dll) {
  R_registerRoutines(dll, NULL, kEntryPoints, NULL, NULL);
  R_useDynamicSymbols(dll, FALSE);
  R_forceSymbols(dll, TRUE);
}
