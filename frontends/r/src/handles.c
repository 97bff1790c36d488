/*
 * libmx handles as R external pointers.  The pointer's tag names the kind
 * of handle (and is its R class); the finalizer frees the handle, as does
 * mx.free(), and each clears the pointer, so a handle is freed exactly once
 * and a freed one is refused with an R error instead of reaching libmx.
 */
#include <stdlib.h>
#include <string.h>

#include "mx_r.h"

static const char kNDArray[] = "MXNDArray";
static const char kPredictor[] = "MXPredictor";

static void release(SEXP ptr) {
  void* handle = R_ExternalPtrAddr(ptr);
  if (handle == NULL) return;
  R_ClearExternalPtr(ptr);
  if (R_ExternalPtrTag(ptr) == Rf_install(kNDArray))
    MXNDArrayFree((MXNDArrayHandle)handle);
  else
    MXPredFree((PredictorHandle)handle);
}

static SEXP wrap(void* handle, const char* kind) {
  SEXP ptr = PROTECT(R_MakeExternalPtr(handle, Rf_install(kind), R_NilValue));
  R_RegisterCFinalizerEx(ptr, release, TRUE);
  Rf_setAttrib(ptr, R_ClassSymbol, Rf_mkString(kind));
  UNPROTECT(1);
  return ptr;
}

static int is_handle(SEXP x) {
  return TYPEOF(x) == EXTPTRSXP &&
         (R_ExternalPtrTag(x) == Rf_install(kNDArray) ||
          R_ExternalPtrTag(x) == Rf_install(kPredictor));
}

static void* unwrap(SEXP x, const char* kind) {
  if (TYPEOF(x) != EXTPTRSXP || R_ExternalPtrTag(x) != Rf_install(kind))
    Rf_error("expected an %s, got an object of type '%s'", kind, Rf_type2char(TYPEOF(x)));
  void* handle = R_ExternalPtrAddr(x);
  if (handle == NULL)
    Rf_error("this %s has been freed (by mx.free, or it was restored from a saved R "
             "session) and cannot be used",
             kind);
  return handle;
}

SEXP mx_r_wrap_ndarray(MXNDArrayHandle handle) { return wrap(handle, kNDArray); }
MXNDArrayHandle mx_r_ndarray(SEXP x) { return (MXNDArrayHandle)unwrap(x, kNDArray); }
SEXP mx_r_wrap_predictor(PredictorHandle handle) { return wrap(handle, kPredictor); }
PredictorHandle mx_r_predictor(SEXP x) { return (PredictorHandle)unwrap(x, kPredictor); }

SEXP mx_r_wrap_ndarrays(MXNDArrayHandle* scratch, uint32_t count) {
  /* Rationale: an R allocation may run finalizers, whose MX calls reuse the
   * thread-scratch array; copy it out first. */
  MXNDArrayHandle* handles = malloc(sizeof(MXNDArrayHandle) * (count ? count : 1));
  if (handles == NULL) {
    for (uint32_t i = 0; i < count; ++i) MXNDArrayFree(scratch[i]);
    Rf_error("out of memory");
  }
  memcpy(handles, scratch, sizeof(MXNDArrayHandle) * count);
  SEXP list = PROTECT(Rf_allocVector(VECSXP, count));
  for (uint32_t i = 0; i < count; ++i) SET_VECTOR_ELT(list, i, mx_r_wrap_ndarray(handles[i]));
  free(handles);
  UNPROTECT(1);
  return list;
}

SEXP mx_r_free(SEXP x) {
  if (!is_handle(x))
    Rf_error("mx.free expects an MXNDArray or MXPredictor, got an object of type '%s'",
             Rf_type2char(TYPEOF(x)));
  release(x);
  return R_NilValue;
}

SEXP mx_r_is_live(SEXP x) {
  return Rf_ScalarLogical(is_handle(x) && R_ExternalPtrAddr(x) != NULL);
}
