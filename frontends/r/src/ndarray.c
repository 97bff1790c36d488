/*
 * Arrays between R and libmx.  The glue moves float64 values only, in the
 * order they lie in memory; R/ndarray.R chooses the shape (R's dims
 * reversed) and converts other dtypes with libmx's Cast op, so no layout or
 * dtype arithmetic is done here.
 */
#include <limits.h>

#include "mx_r.h"

enum { kFloat64 = 1 };

SEXP mx_r_nd_from_double(SEXP values, SEXP shape, SEXP dev_type, SEXP dev_id) {
  if (TYPEOF(values) != REALSXP) Rf_error("values must be a double vector");
  if (TYPEOF(shape) != REALSXP) Rf_error("shape must be a double vector");
  int ndim = (int)XLENGTH(shape);
  int64_t* dims = (int64_t*)R_alloc(ndim ? ndim : 1, sizeof(int64_t));
  double count = 1;
  for (int i = 0; i < ndim; ++i) {
    double dim = REAL(shape)[i];
    if (ISNAN(dim) || dim < 0 || dim != (int64_t)dim)
      Rf_error("shape must hold non-negative integers, got %g at position %d", dim, i + 1);
    dims[i] = (int64_t)dim;
    count *= dim;
  }
  if (count != (double)XLENGTH(values))
    Rf_error("shape holds %.0f elements but values has %.0f", count, (double)XLENGTH(values));
  int type = mx_r_int(dev_type, "dev_type"), id = mx_r_int(dev_id, "dev_id");
  MXNDArrayHandle handle = NULL;
  mx_r_check(MXNDArrayCreate(dims, ndim, type, id, kFloat64, &handle));
  SEXP nd = PROTECT(mx_r_wrap_ndarray(handle));
  mx_r_check(MXNDArraySyncCopyFromCPU(handle, REAL(values), (size_t)XLENGTH(values)));
  UNPROTECT(1);
  return nd;
}

/* The number of elements, after checking the array is float64. */
static R_xlen_t float64_size(MXNDArrayHandle handle) {
  int dtype = -1, ndim = 0;
  const int64_t* dims = NULL;
  mx_r_check(MXNDArrayGetDType(handle, &dtype));
  if (dtype != kFloat64) Rf_error("internal: expected a float64 array, got dtype code %d", dtype);
  mx_r_check(MXNDArrayGetShape(handle, &ndim, &dims));
  R_xlen_t size = 1;
  for (int i = 0; i < ndim; ++i) size *= (R_xlen_t)dims[i];
  return size;
}

SEXP mx_r_nd_to_double(SEXP nd) {
  MXNDArrayHandle handle = mx_r_ndarray(nd);
  R_xlen_t size = float64_size(handle);
  SEXP values = PROTECT(Rf_allocVector(REALSXP, size));
  mx_r_check(MXNDArraySyncCopyToCPU(handle, REAL(values), (size_t)size));
  UNPROTECT(1);
  return values;
}

SEXP mx_r_nd_shape(SEXP nd) {
  int ndim = 0;
  const int64_t* dims = NULL;
  mx_r_check(MXNDArrayGetShape(mx_r_ndarray(nd), &ndim, &dims));
  for (int i = 0; i < ndim; ++i)
    if (dims[i] > INT_MAX) Rf_error("dimension %d (%lld) exceeds R's integer range", i + 1,
                                    (long long)dims[i]);
  /* dims lives as long as the handle, which the caller's `nd` keeps alive. */
  SEXP shape = PROTECT(Rf_allocVector(INTSXP, ndim));
  for (int i = 0; i < ndim; ++i) INTEGER(shape)[i] = (int)dims[i];
  UNPROTECT(1);
  return shape;
}

SEXP mx_r_nd_dtype(SEXP nd) {
  int dtype = -1;
  mx_r_check(MXNDArrayGetDType(mx_r_ndarray(nd), &dtype));
  return Rf_ScalarInteger(dtype);
}

SEXP mx_r_nd_context(SEXP nd) {
  int dev_type = 0, dev_id = 0;
  mx_r_check(MXNDArrayGetContext(mx_r_ndarray(nd), &dev_type, &dev_id));
  SEXP context = PROTECT(Rf_allocVector(INTSXP, 2));
  INTEGER(context)[0] = dev_type;
  INTEGER(context)[1] = dev_id;
  UNPROTECT(1);
  return context;
}
