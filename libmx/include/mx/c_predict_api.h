/* MX's C predict API: MXNet 1.x's c_predict_api.h, for programs that only
 * run trained models (a -symbol.json graph and its .params file).
 *
 * Source-compatible with MXNet 1.x: same function names, argument lists and
 * types (mx_uint, mx_float).  Handles are typed opaque pointers, so a
 * program that declares `PredictorHandle p = 0;` and passes `&p` compiles
 * unchanged.  Every function returns 0 on success and -1 on failure, with
 * the message in MXGetLastError() (thread-local, valid until the next MX
 * call on the thread).  Pointers handed out stay valid until the next call
 * with the same handle, or its free.
 */
#ifndef MX_C_PREDICT_API_H_
#define MX_C_PREDICT_API_H_

#include <stdbool.h>
#include <stdint.h>

#if defined(_WIN32)
#define MX_PRED_API __declspec(dllexport)
#else
#define MX_PRED_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t mx_uint;
typedef float mx_float;
/* A bound model ready to predict.  Free with MXPredFree. */
typedef struct MXPredictor_* PredictorHandle;
/* The arrays of an NDArray file.  Free with MXNDListFree. */
typedef struct MXNDList_* NDListHandle;
/* An array handed to a monitor callback: c_api.h's MXNDArrayHandle. */
typedef void* NDArrayHandle;
/* A monitor callback: (name, array, callback_handle). */
typedef void (*PredMonitorCallback)(const char*, NDArrayHandle, void*);

MX_PRED_API const char* MXGetLastError(void);

/* Creates a predictor from -symbol.json text and the bytes of a .params
 * file (keys "arg:<name>" and "aux:<name>", as mx.model.save_checkpoint
 * writes; plain names are accepted too) on device (dev_type 1 cpu, 2 gpu,
 * dev_id).  Input i is named input_keys[i] and has shape
 * input_shape_data[input_shape_indptr[i] .. input_shape_indptr[i+1]).
 * Arguments that are neither inputs nor in the params are zeros. */
MX_PRED_API int MXPredCreate(const char* symbol_json_str, const void* param_bytes,
                             int param_size, int dev_type, int dev_id,
                             mx_uint num_input_nodes, const char** input_keys,
                             const mx_uint* input_shape_indptr,
                             const mx_uint* input_shape_data, PredictorHandle* out);

/* MXPredCreate with the dtypes (MX codes) of named arguments. */
MX_PRED_API int MXPredCreateEx(const char* symbol_json_str, const void* param_bytes,
                               int param_size, int dev_type, int dev_id,
                               mx_uint num_input_nodes, const char** input_keys,
                               const mx_uint* input_shape_indptr,
                               const mx_uint* input_shape_data,
                               const mx_uint num_provided_arg_dtypes,
                               const char** provided_arg_dtype_names,
                               const int* provided_arg_dtypes, PredictorHandle* out);

/* MXPredCreate whose outputs are the named internal nodes ("fc1" or
 * "fc1_output"), in order. */
MX_PRED_API int MXPredCreatePartialOut(const char* symbol_json_str, const void* param_bytes,
                                       int param_size, int dev_type, int dev_id,
                                       mx_uint num_input_nodes, const char** input_keys,
                                       const mx_uint* input_shape_indptr,
                                       const mx_uint* input_shape_data,
                                       mx_uint num_output_nodes, const char** output_keys,
                                       PredictorHandle* out);

/* num_threads predictors sharing the parameters, one per thread; out is an
 * array of num_threads handles. */
MX_PRED_API int MXPredCreateMultiThread(const char* symbol_json_str, const void* param_bytes,
                                        int param_size, int dev_type, int dev_id,
                                        mx_uint num_input_nodes, const char** input_keys,
                                        const mx_uint* input_shape_indptr,
                                        const mx_uint* input_shape_data, int num_threads,
                                        PredictorHandle* out);

/* A new predictor for new input shapes sharing handle's parameters; handle
 * stays valid. */
MX_PRED_API int MXPredReshape(mx_uint num_input_nodes, const char** input_keys,
                              const mx_uint* input_shape_indptr,
                              const mx_uint* input_shape_data, PredictorHandle handle,
                              PredictorHandle* out);

/* Output index's shape: *shape_data holds *shape_ndim dims. */
MX_PRED_API int MXPredGetOutputShape(PredictorHandle handle, mx_uint index,
                                     mx_uint** shape_data, mx_uint* shape_ndim);

/* Output out_index's dtype (MX code). */
MX_PRED_API int MXPredGetOutputType(PredictorHandle handle, mx_uint out_index,
                                    int* out_dtype);

/* Copies size floats into input `key` (size must be its element count). */
MX_PRED_API int MXPredSetInput(PredictorHandle handle, const char* key, const mx_float* data,
                               mx_uint size);

/* Runs the model (inference mode) and waits for it. */
MX_PRED_API int MXPredForward(PredictorHandle handle);

/* Runs op node `step` of the forward pass; *step_left: how many remain. */
MX_PRED_API int MXPredPartialForward(PredictorHandle handle, int step, int* step_left);

/* Copies output index (size floats: its element count) into data. */
MX_PRED_API int MXPredGetOutput(PredictorHandle handle, mx_uint index, mx_float* data,
                                mx_uint size);

MX_PRED_API int MXPredFree(PredictorHandle handle);

/* Calls callback(name, array, callback_handle) after each op of a forward
 * pass is pushed, for each output ("fc1_output") and with monitor_all each
 * input ("fc1_weight") too.  array is borrowed: valid during the call only
 * (read it with c_api.h's functions, cast to MXNDArrayHandle).  NULL
 * removes the callback. */
MX_PRED_API int MXPredSetMonitorCallback(PredictorHandle handle, PredMonitorCallback callback,
                                         void* callback_handle, bool monitor_all);

/* Reads the bytes of an NDArray file; *out_length: its number of arrays. */
MX_PRED_API int MXNDListCreate(const char* nd_file_bytes, int nd_file_size,
                               NDListHandle* out, mx_uint* out_length);

/* Array index of the list: its key ("" for unnamed lists), float32 data
 * (other dtypes are converted) and shape. */
MX_PRED_API int MXNDListGet(NDListHandle handle, mx_uint index, const char** out_key,
                            const mx_float** out_data, const mx_uint** out_shape,
                            mx_uint* out_ndim);

MX_PRED_API int MXNDListFree(NDListHandle handle);

#ifdef __cplusplus
}
#endif

#endif /* MX_C_PREDICT_API_H_ */
