/*
 * The C glue of the R package `mxnet`: plain C over libmx's C ABI
 * (mx/c_api.h and mx/c_predict_api.h).  Every entry point is called with
 * .Call from R/ and raises an R error, never crashes, on bad input.
 */
#ifndef MX_R_H_
#define MX_R_H_

#include <stdint.h>

#include <R.h>
#include <Rinternals.h>

#include "mx/c_api.h"
#include "mx/c_predict_api.h"

/* Raises an R error carrying libmx's message when rc is not 0. */
void mx_r_check(int rc);

/* R's handle objects: external pointers whose finalizer frees the handle.
 * The unwrap functions raise an R error for another kind of object and for
 * a freed handle. */
SEXP mx_r_wrap_ndarray(MXNDArrayHandle handle);
MXNDArrayHandle mx_r_ndarray(SEXP x);
SEXP mx_r_wrap_predictor(PredictorHandle handle);
PredictorHandle mx_r_predictor(SEXP x);

/* A list of new R arrays owning `count` handles of a thread-scratch array
 * that libmx just returned. */
SEXP mx_r_wrap_ndarrays(MXNDArrayHandle* scratch, uint32_t count);

/* Argument checks shared by the entry points. */
const char* mx_r_string(SEXP x, const char* what);
/* strings[i] (0-based) of a character vector, refusing NA. */
const char* mx_r_element(SEXP strings, R_xlen_t i, const char* what);
int mx_r_int(SEXP x, const char* what);

/* The .Call entry points, registered in init.c. */
SEXP mx_r_abi_check(void);
SEXP mx_r_free(SEXP x);
SEXP mx_r_is_live(SEXP x);
SEXP mx_r_nd_from_double(SEXP values, SEXP shape, SEXP dev_type, SEXP dev_id);
SEXP mx_r_nd_to_double(SEXP nd);
SEXP mx_r_nd_shape(SEXP nd);
SEXP mx_r_nd_dtype(SEXP nd);
SEXP mx_r_nd_context(SEXP nd);
SEXP mx_r_list_ops(void);
SEXP mx_r_invoke(SEXP op_name, SEXP inputs, SEXP keys, SEXP values);
SEXP mx_r_nd_save(SEXP filename, SEXP arrays, SEXP names);
SEXP mx_r_nd_load(SEXP filename);
SEXP mx_r_pred_create(SEXP symbol_json, SEXP params, SEXP dev_type, SEXP dev_id,
                      SEXP input_names, SEXP input_shapes);
SEXP mx_r_pred_num_outputs(SEXP symbol_json);
SEXP mx_r_pred_set_input(SEXP predictor, SEXP name, SEXP values);
SEXP mx_r_pred_forward(SEXP predictor);
SEXP mx_r_pred_output(SEXP predictor, SEXP index);

#endif /* MX_R_H_ */
