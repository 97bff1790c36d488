/*
 * mx/c_api.h -- the stable C ABI of MX.
 *
 * Every frontend (Python through cffi, R, Julia, a plain C program) calls MX
 * through these functions and nothing else.  The header is the specification:
 * what it does not promise is private.
 *
 * Conventions (the same for every function):
 *   - Every function returns int: 0 on success, -1 on error.  After -1 the
 *     message is read with MXGetLastError() and its class with
 *     MXGetLastErrorKind(); both are thread-local.  No C++ exception ever
 *     leaves a function; a NULL or freed handle, a wrong shape, an unknown
 *     op or a bad attribute gives -1 and a message, never a crash.
 *   - Results go out through trailing out_* pointers.
 *   - Handles are typed and opaque.  Free functions accept NULL and do nothing.
 *   - Borrowed pointers say how long they live.  "Thread-scratch" means:
 *     valid until the next MX call on the same thread -- except the *Free
 *     functions (MXNDArrayFree, MXSymbolFree, MXExecutorFree, ...), which
 *     never touch thread scratch, so a binding's finalizer may run while a
 *     caller still reads scratch results.
 *   - Dimensions are int64_t; device types use MXNet's codes (cpu = 1,
 *     gpu = 2, cpu_pinned = 3); dtypes use MXNet's codes (float32 = 0,
 *     float64 = 1, float16 = 2, uint8 = 3, int32 = 4, int8 = 5, int64 = 6,
 *     bool = 7).
 *   - Thread safety: every function may be called from any thread.
 *
 * Versioning: MX_ABI_MAJOR changes only when a published function changes
 * meaning (never, within a major); MX_ABI_MINOR grows when functions are
 * appended.  A frontend compiled against (M, m) works with a library that
 * reports (M, m') for any m' >= m.  A successor of a function gets a _v2
 * suffix; the original stays.
 */
#ifndef MX_C_API_H_
#define MX_C_API_H_

#include <stddef.h>
#include <stdint.h>

#define MX_ABI_MAJOR 1
#define MX_ABI_MINOR 11

#if defined(_WIN32)
#define MX_API __declspec(dllexport)
#else
#define MX_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* MX_CDEF_BEGIN -- the Python binding feeds the text from here to
 * MX_CDEF_END to cffi (with the MX_API token removed): keep it plain C
 * declarations, no other macros. */

/* ------------------------------------------------------------------ */
/* Handles                                                            */
/* ------------------------------------------------------------------ */

/* An n-dimensional array: a view (shape, dtype, offset) of a shared,
 * engine-tracked buffer.  Owned by the caller; free with MXNDArrayFree. */
typedef struct MXNDArray_* MXNDArrayHandle;

/* An operator of the registry.  Borrowed: lives as long as the process;
 * never freed. */
typedef struct MXOp_* MXOpHandle;

/* An op with its parameters parsed and bound, ready to be invoked many
 * times.  Owned by the caller; free with MXOpCallFree. */
typedef struct MXOpCall_* MXOpCallHandle;

/* ------------------------------------------------------------------ */
/* Errors and versions                                                */
/* ------------------------------------------------------------------ */

/* The class of the last error, so frontends pick an exception type without
 * parsing the message. */
typedef enum {
  MX_ERROR_NONE = 0,
  MX_ERROR_INTERNAL = 1,        /* a broken invariant inside MX */
  MX_ERROR_VALUE = 2,           /* a bad value: shape, size, attribute */
  MX_ERROR_TYPE = 3,            /* a dtype mismatch or unsupported dtype */
  MX_ERROR_INDEX = 4,           /* an index or axis out of range */
  MX_ERROR_NOT_FOUND = 5,       /* an unknown name: op, parameter, file */
  MX_ERROR_HANDLE = 6,          /* a NULL or freed handle */
  MX_ERROR_NOT_IMPLEMENTED = 7, /* no kernel for this op, device and dtype */
  MX_ERROR_PLUGIN = 8,          /* a plugin failed to load or register */
  MX_ERROR_MEMORY = 9,          /* out of memory */
  MX_ERROR_IO = 10,             /* a file could not be read or written */
  MX_ERROR_CALLBACK = 11        /* a frontend callback reported failure */
} MXErrorKind;

/* The message of the last error on this thread ("" if none).
 * Thread-scratch: valid until the next MX call on this thread. */
MX_API const char* MXGetLastError(void);

/* The MXErrorKind of the last error on this thread. */
MX_API int MXGetLastErrorKind(void);

/* Record an error for this thread.  For callbacks a frontend hands to MX
 * (engine functions, kernels): set the message, then return non-zero.
 * kind: an MXErrorKind; message: copied. */
MX_API int MXSetLastError(int kind, const char* message);

/* The library version as major * 10000 + minor * 100 + patch. */
MX_API int MXGetVersion(int* out);

/* The ABI version the library implements; a frontend compiled against
 * MX_ABI_MAJOR must refuse a different *out_major. */
MX_API int MXGetABIVersion(int* out_major, int* out_minor);

/* Wait for all pending work and stop the engine's threads.  Called by
 * frontends at exit; later calls still work, synchronously. */
MX_API int MXNotifyShutdown(void);

/* ------------------------------------------------------------------ */
/* NDArray                                                            */
/* ------------------------------------------------------------------ */

/* Create an array of the given shape, device and dtype; its contents are
 * uninitialised.  shape: ndim entries, each >= 0 (0-size arrays are valid);
 * ndim in [0, 32].  out: a new handle owned by the caller. */
MX_API int MXNDArrayCreate(const int64_t* shape, int ndim, int dev_type,
                           int dev_id, int dtype, MXNDArrayHandle* out);

/* Release a handle.  The buffer is freed once no view uses it and every
 * pending operation on it is done.  NULL is a no-op. */
MX_API int MXNDArrayFree(MXNDArrayHandle handle);

/* The shape.  *out_shape is borrowed: valid while the handle lives. */
MX_API int MXNDArrayGetShape(MXNDArrayHandle handle, int* out_ndim,
                             const int64_t** out_shape);

/* The dtype code. */
MX_API int MXNDArrayGetDType(MXNDArrayHandle handle, int* out_dtype);

/* The device. */
MX_API int MXNDArrayGetContext(MXNDArrayHandle handle, int* out_dev_type,
                               int* out_dev_id);

/* The address of the first element (device memory for an array on a GPU).
 * Does not wait for pending work: call MXNDArrayWaitToRead/WaitToWrite
 * first.  Borrowed: valid while the handle lives.  NULL for 0-size arrays. */
MX_API int MXNDArrayGetData(MXNDArrayHandle handle, void** out_data);

/* Copy `size` elements (not bytes) from host memory into the array, in
 * order behind pending work on it, and wait.  size must equal the array's
 * number of elements. */
MX_API int MXNDArraySyncCopyFromCPU(MXNDArrayHandle handle, const void* data,
                                    size_t size);

/* Copy the array's `size` elements into host memory after pending writes,
 * and wait.  An error stored on the array by a failed operation is returned
 * here (and cleared). */
MX_API int MXNDArraySyncCopyToCPU(MXNDArrayHandle handle, void* data,
                                  size_t size);

/* Wait until pending writes to the array are done; returns a stored error. */
MX_API int MXNDArrayWaitToRead(MXNDArrayHandle handle);

/* Wait until pending reads and writes of the array are done. */
MX_API int MXNDArrayWaitToWrite(MXNDArrayHandle handle);

/* Wait for all pushed work; returns the first error raised since the last
 * wait-all that no other wait has already returned.  As in MXNet 1.x each
 * error is returned once: by the first wait (on an array or on all) that
 * meets it. */
MX_API int MXNDArrayWaitAll(void);

/* A view with a new shape sharing the buffer.  dims may use MXNet's special
 * codes (0 copy, -1 infer, -2 copy rest, -3 merge two, -4 split), applied
 * right to left when reverse != 0.  out: a new handle. */
MX_API int MXNDArrayReshape(MXNDArrayHandle handle, int ndim,
                            const int64_t* dims, int reverse,
                            MXNDArrayHandle* out);

/* A view of rows [begin, end) along the first axis (negative values count
 * from the end).  out: a new handle sharing the buffer. */
MX_API int MXNDArraySlice(MXNDArrayHandle handle, int64_t begin, int64_t end,
                          MXNDArrayHandle* out);

/* A view of row idx of the first axis, the axis dropped (a 1-d array gives
 * shape (1,), as in MXNet).  out: a new handle sharing the buffer. */
MX_API int MXNDArrayAt(MXNDArrayHandle handle, int64_t idx,
                       MXNDArrayHandle* out);

/* DLPack (dlpack.h's DLManagedTensor, also defined in mx/plugin.h).       */
struct DLManagedTensor;

/* Export an array as a DLPack tensor sharing its memory (compact row-major,
 * strides NULL; device kDLCUDA for an array on a GPU).  Waits for pending
 * writes first (for_write != 0: also reads) -- on a GPU until the device
 * finished them -- so the consumer sees current values on any stream.  *out is owned by the
 * consumer, who calls its deleter; the array's buffer stays alive until
 * then. */
MX_API int MXNDArrayToDLPack(MXNDArrayHandle handle, int for_write,
                             struct DLManagedTensor** out);

/* Wrap a DLPack tensor as an array sharing its memory.  On success MX owns
 * `tensor` and calls its deleter when the last view of the array is freed;
 * on failure (unsupported device or dtype, non-compact strides, a GPU this
 * process lacks) ownership stays with the caller.  Devices: kDLCPU (the
 * array is on cpu(0)), kDLCUDAHost (cpu_pinned(device_id)) and, since ABI
 * 1.8, kDLCUDA (gpu(device_id)); a CUDA tensor must be ready on the stream
 * MXGetGPUDLPackStream names, and MX orders all its work on the array
 * after that stream's work enqueued before this call. */
MX_API int MXNDArrayFromDLPack(struct DLManagedTensor* tensor,
                               MXNDArrayHandle* out);

/* Call a DLPack tensor's deleter (for a producer whose tensor was never
 * consumed).  NULL is a no-op. */
MX_API int MXDLPackDelete(struct DLManagedTensor* tensor);

/* ------------------------------------------------------------------ */
/* NDArray files (MXNet 1.x's `.params` / mx.nd.save format)           */
/* ------------------------------------------------------------------ */

/* Write `num` arrays to the file `fname`, named by keys[i] (keys NULL: an
 * unnamed list).  The bytes are those MXNet 1.x writes. */
MX_API int MXNDArraySave(const char* fname, uint32_t num,
                         MXNDArrayHandle* arrays, const char** keys);

/* The same file image in memory.  *out_buf: thread-scratch bytes, valid
 * until the next MXNDArraySave* call on the thread. */
MX_API int MXNDArraySaveToBuffer(uint32_t num, MXNDArrayHandle* arrays,
                                 const char** keys, size_t* out_size,
                                 const char** out_buf);

/* Read an NDArray file (MXNet 1.x or MX).  *out_arrays: thread-scratch
 * array of *out_size new handles, each owned by the caller (free them);
 * *out_names: thread-scratch array of *out_name_size strings (0 for a list),
 * valid until the next load on the thread.  Arrays land on the CPU.
 * A missing file, a truncated or corrupt one: -1, MX_ERROR_IO. */
MX_API int MXNDArrayLoad(const char* fname, uint32_t* out_size,
                         MXNDArrayHandle** out_arrays,
                         uint32_t* out_name_size, const char*** out_names);

/* MXNDArrayLoad over `size` bytes in memory. */
MX_API int MXNDArrayLoadFromBuffer(const void* buf, size_t size,
                                   uint32_t* out_size,
                                   MXNDArrayHandle** out_arrays,
                                   uint32_t* out_name_size,
                                   const char*** out_names);

/* One array as bytes (the file format's array record, no list header):
 * what pickling an NDArray stores.  *out_buf: thread-scratch, valid until
 * the next MXNDArraySave* call on the thread. */
MX_API int MXNDArraySaveRawBytes(MXNDArrayHandle handle, size_t* out_size,
                                 const char** out_buf);

/* The inverse of MXNDArraySaveRawBytes.  out: a new handle. */
MX_API int MXNDArrayLoadFromRawBytes(const void* buf, size_t size,
                                     MXNDArrayHandle* out);

/* ------------------------------------------------------------------ */
/* Operators: introspection                                           */
/* ------------------------------------------------------------------ */

/* The names of all registered ops and aliases, sorted.
 * *out_names: thread-scratch array of *out_size borrowed strings (each
 * string lives as long as the process). */
MX_API int MXListOps(uint32_t* out_size, const char*** out_names);

/* Find an op by name or alias.  Unknown name: -1, MX_ERROR_NOT_FOUND. */
MX_API int MXGetOpHandle(const char* name, MXOpHandle* out);

/* An op's description.  Strings live as long as the process.
 * out_num_inputs: -1 when the op takes its inputs positionally, as many
 * as given: counted by the parameter named by *out_key_var_num_args, or,
 * when that is "", named by other parameters (Custom: by its op_type's
 * list_arguments).  out_num_outputs: -1 when it depends on parameters.  Any
 * out pointer may be NULL. */
MX_API int MXOpGetInfo(MXOpHandle op, const char** out_name,
                       const char** out_description, int* out_num_inputs,
                       int* out_num_outputs,
                       const char** out_key_var_num_args);

/* An op's input names (for a variadic op: one name, e.g. "data").
 * *out_names: thread-scratch array of borrowed strings. */
MX_API int MXOpGetInputNames(MXOpHandle op, uint32_t* out_size,
                             const char*** out_names);

/* An op's output names.  *out_names: thread-scratch array. */
MX_API int MXOpGetOutputNames(MXOpHandle op, uint32_t* out_size,
                              const char*** out_names);

/* An op's parameters, in declaration order: name, type as MXNet writes it
 * ("int", "float", "boolean", "string", "Shape(tuple)", "int or None",
 * "{'a', 'b'}", ...), default as a string (NULL when required) and doc.
 * Each out array is thread-scratch; the strings live as long as the
 * process. */
MX_API int MXOpGetParams(MXOpHandle op, uint32_t* out_num,
                         const char*** out_names, const char*** out_types,
                         const char*** out_defaults, const char*** out_docs);

/* ------------------------------------------------------------------ */
/* Operators: imperative invocation                                   */
/* ------------------------------------------------------------------ */

/* Run an op on arrays, asynchronously through the engine.
 * inputs: num_inputs handles (borrowed).
 * params: num_params key/value strings, parsed once here; an op without
 *   inputs takes its device from a "ctx" parameter ("cpu(0)", default cpu).
 * outputs: if *outputs is NULL on entry, MX creates the outputs: on return
 *   *num_outputs is their count and *outputs a thread-scratch array of new
 *   handles owned by the caller.  Otherwise *outputs holds *num_outputs
 *   caller arrays (shape and dtype must match) that are written.
 * Shape, dtype and attribute errors are returned here; an error inside the
 * kernel is stored on the outputs and returned by the next wait or read. */
MX_API int MXImperativeInvoke(MXOpHandle op, int num_inputs,
                              const MXNDArrayHandle* inputs,
                              int* num_outputs, MXNDArrayHandle** outputs,
                              int num_params, const char* const* param_keys,
                              const char* const* param_vals);

/* Bind parameters to an op once (parsing and validating them) for repeated
 * invocation with MXOpCallInvoke: the fast path of frontends, which keep one
 * bound call per (op, parameters).  Parameter errors are returned here.
 * out: a new handle owned by the caller. */
MX_API int MXOpCallCreate(MXOpHandle op, int num_params,
                          const char* const* param_keys,
                          const char* const* param_vals, MXOpCallHandle* out);

/* Release a bound call.  NULL is a no-op. */
MX_API int MXOpCallFree(MXOpCallHandle call);

/* Invoke a bound call, as MXImperativeInvoke does.  outputs: num_outputs
 * slots, num_outputs equal to the op's number of outputs; a NULL slot
 * receives a new array (a handle owned by the caller), a non-NULL slot is
 * an array to write. */
MX_API int MXOpCallInvoke(MXOpCallHandle call, int num_inputs,
                          const MXNDArrayHandle* inputs, int num_outputs,
                          MXNDArrayHandle* outputs);

/* ------------------------------------------------------------------ */
/* Engine                                                             */
/* ------------------------------------------------------------------ */

/* A function run by the engine.  Returns 0, or non-zero after calling
 * MXSetLastError; the error is then stored on the mutable arrays. */
typedef int (*MXEngineFunc)(void* param);
/* Called once with param after fn ran (or was skipped); may be NULL. */
typedef void (*MXEngineDeleter)(void* param);

/* Push fn to the engine: it runs after all earlier writes to const_arrays
 * and all earlier reads and writes of mutable_arrays, on a worker thread of
 * the device.  The arrays are borrowed for the call only.  name: for errors
 * and profiling, may be NULL. */
MX_API int MXEnginePushSync(MXEngineFunc fn, void* param,
                            MXEngineDeleter deleter, int dev_type,
                            int dev_id, const MXNDArrayHandle* const_arrays,
                            int num_const,
                            const MXNDArrayHandle* mutable_arrays,
                            int num_mutable, const char* name);

/* The running engine: "ThreadedEngine" or "NaiveEngine" (chosen by the
 * MXNET_ENGINE_TYPE environment variable at start-up).  Process lifetime. */
MX_API int MXEngineGetType(const char** out_name);

/* ------------------------------------------------------------------ */
/* Random numbers                                                     */
/* ------------------------------------------------------------------ */

/* Seed the generators of every device. */
MX_API int MXRandomSeed(int seed);

/* Seed the generator of one device. */
MX_API int MXRandomSeedContext(int seed, int dev_type, int dev_id);

/* ------------------------------------------------------------------ */
/* Plugins                                                            */
/* ------------------------------------------------------------------ */

/* Load a plugin shared library (see mx/plugin.h) and register its kernels
 * and ops.  A missing file, missing entry point, ABI mismatch or failing
 * init returns -1 with MX_ERROR_PLUGIN and registers nothing. */
MX_API int MXPluginLoad(const char* path);

/* ------------------------------------------------------------------ */
/* Storage                                                            */
/* ------------------------------------------------------------------ */

/* Memory statistics of one device's pool, in bytes and counts. */
typedef struct MXStorageStats {
  size_t struct_size;        /* set by the caller to sizeof(MXStorageStats) */
  uint64_t bytes_in_use;     /* handed out to arrays now */
  uint64_t peak_bytes_in_use;
  uint64_t bytes_pooled;     /* freed by arrays, kept for reuse */
  uint64_t num_allocs;       /* requests served */
  uint64_t num_frees;
  uint64_t num_system_allocs; /* requests that reached the system allocator */
} MXStorageStats;

/* Fill *out for a device.  out->struct_size must be set; fields past it are
 * left untouched (older callers keep working). */
MX_API int MXStorageGetStats(int dev_type, int dev_id, MXStorageStats* out);

/* Return a device's pooled (unused) memory to the system. */
MX_API int MXStorageReleaseAll(int dev_type, int dev_id);

/* ------------------------------------------------------------------ */
/* Symbols: declarative graphs                                        */
/* ------------------------------------------------------------------ */

/* A symbol names some outputs of a graph of variables and op nodes; graphs
 * share nodes.  Owned by the caller; free with MXSymbolFree (NULL is a
 * no-op).  Every function returning a symbol returns a new handle. */
typedef struct MXSymbol_* MXSymbolHandle;

/* Which graph inputs MXSymbolListInputs lists. */
enum MXInputKind {
  MX_INPUTS_ALL = 0,        /* every variable */
  MX_INPUTS_ARGUMENTS = 1,  /* variables no op mutates (list_arguments) */
  MX_INPUTS_AUX_STATES = 2  /* variables some op mutates (BatchNorm's moving stats) */
};

MX_API int MXSymbolCreateVariable(const char* name, MXSymbolHandle* out);

/* An op node with its parameters parsed (an unknown or malformed one: -1)
 * and no inputs yet; give them with MXSymbolCompose.  name may be NULL. */
MX_API int MXSymbolCreateAtomicSymbol(MXOpHandle op, const char* name,
                                      uint32_t num_params, const char** keys,
                                      const char** vals, MXSymbolHandle* out);

/* Gives `symbol` its inputs, in place.  keys NULL: args are positional;
 * else args[i] is bound to keys[i].  An atomic symbol binds op inputs (a
 * missing one becomes the variable "<name>_<input>"); any other symbol has
 * its variables replaced (positionally in MX_INPUTS_ALL order, or by name).
 * Each arg must have one output.  name (may be NULL) renames an atomic
 * symbol's node. */
MX_API int MXSymbolCompose(MXSymbolHandle symbol, const char* name,
                           uint32_t num_args, const char** keys,
                           MXSymbolHandle* args);

/* The outputs of `num` symbols, concatenated. */
MX_API int MXSymbolCreateGroup(uint32_t num, MXSymbolHandle* symbols,
                               MXSymbolHandle* out);

/* A deep copy: the new symbol shares no node with the old one. */
MX_API int MXSymbolCopy(MXSymbolHandle symbol, MXSymbolHandle* out);

MX_API int MXSymbolFree(MXSymbolHandle symbol);

/* Output `index` alone. */
MX_API int MXSymbolGetOutput(MXSymbolHandle symbol, uint32_t index,
                             MXSymbolHandle* out);
MX_API int MXSymbolGetNumOutputs(MXSymbolHandle symbol, uint32_t* out);

/* Every output of every node, in topological order (get_internals). */
MX_API int MXSymbolGetInternals(MXSymbolHandle symbol, MXSymbolHandle* out);

/* The inputs of the output nodes (get_children); 0 outputs for a
 * variable. */
MX_API int MXSymbolGetChildren(MXSymbolHandle symbol, MXSymbolHandle* out);

/* Names, in graph order.  *out: thread-scratch array of *out_size strings,
 * valid until the next MX call on the thread. */
MX_API int MXSymbolListInputs(MXSymbolHandle symbol, int kind,
                              uint32_t* out_size, const char*** out);
MX_API int MXSymbolListOutputs(MXSymbolHandle symbol, uint32_t* out_size,
                               const char*** out);

/* An attribute of the output node ("name" gives its name; a plain key such
 * as lr_mult also finds __lr_mult__).  *out_success = 0 when absent or when
 * the outputs span several nodes.  *out: thread-scratch. */
MX_API int MXSymbolGetAttr(MXSymbolHandle symbol, const char* key,
                           const char** out, int* out_success);

/* Sets an attribute of the (single) output node; an op parameter is
 * validated (a bad value: -1, nothing changed). */
MX_API int MXSymbolSetAttr(MXSymbolHandle symbol, const char* key,
                           const char* value);

/* Attributes as 2 * *out_size strings (key, value, key, value, ...): the
 * output node's, or (recursive != 0) every node's with keys
 * "<node>$<key>".  Thread-scratch. */
MX_API int MXSymbolListAttr(MXSymbolHandle symbol, int recursive,
                            uint32_t* out_size, const char*** out);

/* The graph in MXNet 1.x's -symbol.json format, laid out as MXNet writes
 * it.  *out_json: thread-scratch, valid until the next MX call on the
 * thread. */
MX_API int MXSymbolSaveToJSON(MXSymbolHandle symbol, const char** out_json);

/* Reads -symbol.json text written by MXNet 0.x-1.x or MX.  Unknown ops
 * (-1, MX_ERROR_NOT_FOUND, naming them all), dangling references and
 * malformed text (-1, MX_ERROR_VALUE) are errors. */
MX_API int MXSymbolCreateFromJSON(const char* json, MXSymbolHandle* out);
MX_API int MXSymbolSaveToFile(MXSymbolHandle symbol, const char* fname);
MX_API int MXSymbolCreateFromFile(const char* fname, MXSymbolHandle* out);

/* MXNet's debug_str text.  *out: thread-scratch. */
MX_API int MXSymbolPrint(MXSymbolHandle symbol, const char** out);

/* Shape inference.  Known shapes come by name (keys[i], any input) or,
 * keys NULL, by position (the i-th argument); shape i is
 * shape_data[ind_ptr[i] .. ind_ptr[i+1]), a dim of -1 unknown.  Results,
 * for the arguments, then the outputs, then the auxiliary states
 * (out_counts[0..2] of each): out_ndim[j] (-1: unknown shape) and
 * out_dims[j] (out_ndim[j] dims, -1 unknown).  *out_complete = 1 when
 * every shape is fully known.  Contradictions: -1, naming the node, its op
 * and both shapes.  Outputs are thread-scratch, valid until the next MX
 * call on the thread. */
MX_API int MXSymbolInferShape(MXSymbolHandle symbol, uint32_t num_args,
                              const char** keys, const int64_t* ind_ptr,
                              const int64_t* shape_data, uint32_t* out_counts,
                              const int** out_ndim, const int64_t*** out_dims,
                              int* out_complete);

/* Dtype inference, as MXSymbolInferShape: types[i] a dtype code (-1
 * unknown); *out_types: out_counts[0] + [1] + [2] codes, -1 unknown. */
MX_API int MXSymbolInferType(MXSymbolHandle symbol, uint32_t num_args,
                             const char** keys, const int* types,
                             uint32_t* out_counts, const int** out_types,
                             int* out_complete);

/* *out = 1 when the op defines a gradient (autograd and the gradient pass
 * can differentiate through it), else 0. */
MX_API int MXOpHasGradient(MXOpHandle op, int* out);

/* ------------------------------------------------------------------ */
/* Autograd                                                           */
/* ------------------------------------------------------------------ */

/* Per-thread modes (MXNet's autograd.record / train_mode): while recording,
 * ops on arrays that are in a graph are added to it.  *prev (may be NULL)
 * receives the previous value. */
MX_API int MXAutogradSetIsRecording(int is_recording, int* prev);
MX_API int MXAutogradSetIsTraining(int is_training, int* prev);
MX_API int MXAutogradIsRecording(int* out);
MX_API int MXAutogradIsTraining(int* out);

/* Makes each vars[i] a leaf of future graphs whose gradient goes to grads[i]
 * (same shape and dtype; may be NULL with grad_reqs[i] = 0) with
 * grad_reqs[i]: 0 null, 1 write, 3 add. */
MX_API int MXAutogradMarkVariables(uint32_t num, MXNDArrayHandle* vars,
                                   const int* grad_reqs, MXNDArrayHandle* grads);

/* Differentiates heads (in a recorded graph) with head_grads (NULL, or
 * entries NULL, for ones).  num_variables == 0: every marked variable the
 * heads depend on receives its gradient per its grad_req (backward);
 * *out_grads is untouched (may be NULL).  num_variables > 0: the gradients of
 * those arrays come back as new handles in *out_grads (thread-scratch array
 * of num_variables handles, owned by the caller) and no grad array changes
 * (autograd.grad).  retain_graph = 0 frees the graph's saved values;
 * create_graph != 0 records the backward computation so the results can be
 * differentiated again; is_train sets training mode while it runs. */
MX_API int MXAutogradBackward(uint32_t num_heads, MXNDArrayHandle* heads,
                              MXNDArrayHandle* head_grads,
                              uint32_t num_variables, MXNDArrayHandle* variables,
                              int retain_graph, int create_graph, int is_train,
                              MXNDArrayHandle** out_grads);

/* A frontend's backward of a user-defined Function (autograd.Function):
 * given the gradients of the outputs (ograds: new handles the callee owns),
 * writes into igrads[i] a new handle holding input i's gradient (ownership
 * passes to libmx; NULL: none).  Returns 0, or -1 after MXSetLastError. */
typedef int (*MXFunctionBackwardFn)(void* state, uint32_t num_ograds,
                                    MXNDArrayHandle* ograds, uint32_t num_igrads,
                                    MXNDArrayHandle* igrads);
/* Releases the frontend's state once the recorded graph is gone. */
typedef void (*MXFunctionFreeFn)(void* state);

/* Records outputs = f(inputs) computed by the frontend, when recording: the
 * outputs join the graph, and a backward pass through them calls backward.
 * When not recording it does nothing (free_state runs at once). */
MX_API int MXAutogradRecordFunction(uint32_t num_inputs, MXNDArrayHandle* inputs,
                                    uint32_t num_outputs, MXNDArrayHandle* outputs,
                                    MXFunctionBackwardFn backward,
                                    MXFunctionFreeFn free_state, void* state);

/* The gradient array attached to a marked variable (a new handle sharing
 * it), or *out = NULL when the array has none. */
MX_API int MXNDArrayGetGrad(MXNDArrayHandle handle, MXNDArrayHandle* out);

/* A new handle on the same data, outside any recorded graph. */
MX_API int MXNDArrayDetach(MXNDArrayHandle handle, MXNDArrayHandle* out);

/* ------------------------------------------------------------------ */
/* Executors: symbols bound to arrays                                 */
/* ------------------------------------------------------------------ */

/* A symbol bound to arrays, with planned memory.  Owned by the caller; free
 * with MXExecutorFree (NULL is a no-op). */
typedef struct MXExecutor_* MXExecutorHandle;

/* Memory planning options for MXExecutorBind (bits): reuse an input's
 * buffer for an output where the op allows; share buffers between entries
 * whose lifetimes do not overlap; recompute cheap forward nodes during
 * backward instead of keeping their outputs (mirroring).  MX_PLAN_DEFAULT:
 * in-place and co-share, less in-place when the environment sets
 * MXNET_EXEC_ENABLE_INPLACE=0, plus mirroring when it sets
 * MXNET_BACKWARD_DO_MIRROR=1. */
enum MXPlanFlags { MX_PLAN_NONE = 0, MX_PLAN_INPLACE = 1, MX_PLAN_COSHARE = 2,
                   MX_PLAN_MIRROR = 4, MX_PLAN_DEFAULT = -1 };

/* Binds `symbol` on (dev_type, dev_id).  args: num_args arrays in
 * list_arguments order; arg_grads: num_args gradient arrays (NULL, or
 * entries NULL, where grad_reqs[i] is 0); grad_reqs: 0 null, 1 write, 3 add
 * (NULL: all null); aux: num_aux arrays in list_auxiliary_states order.
 * The arrays stay the caller's; the executor reads and writes them in
 * engine order.  Shapes that cannot be inferred, unbound or mis-shaped
 * arrays: -1. */
MX_API int MXExecutorBind(MXSymbolHandle symbol, int dev_type, int dev_id,
                          uint32_t num_args, MXNDArrayHandle* args,
                          MXNDArrayHandle* arg_grads, const int* grad_reqs,
                          uint32_t num_aux, MXNDArrayHandle* aux,
                          int memory_flags, MXExecutorHandle* out);

MX_API int MXExecutorFree(MXExecutorHandle handle);

/* Pushes the forward pass (returns before it finishes; read the outputs to
 * wait).  is_train selects training behaviour of ops such as Dropout. */
MX_API int MXExecutorForward(MXExecutorHandle handle, int is_train);

/* Pushes the backward pass after a forward pass: gradients go to the bound
 * gradient arrays per grad_req.  head_grads: NULL, or num entries (one per
 * output; NULL entries) -- ones where not given. */
MX_API int MXExecutorBackward(MXExecutorHandle handle, uint32_t num,
                              MXNDArrayHandle* head_grads, int is_train);

/* The output arrays (valid across forward calls: each forward overwrites
 * them).  *out: thread-scratch array of *out_size new handles owned by the
 * caller. */
MX_API int MXExecutorOutputs(MXExecutorHandle handle, uint32_t* out_size,
                             MXNDArrayHandle** out);

/* MXNet's executor debug_str: the graph (forward and backward) and the
 * memory plan.  *out: thread-scratch. */
MX_API int MXExecutorPrint(MXExecutorHandle handle, const char** out);

/* Bytes of the planned buffers and of one buffer per entry (no planning),
 * and how many outputs reuse an input's buffer or a dead entry's. */
MX_API int MXExecutorGetMemoryPlan(MXExecutorHandle handle,
                                   int64_t* planned_bytes, int64_t* naive_bytes,
                                   int* inplace_count, int* coshare_count);

/* ------------------------------------------------------------------ */
/* Custom operators (MXNet's mx.operator.CustomOp / CustomOpProp)     */
/* ------------------------------------------------------------------ */

/* A frontend defines an operator at run time by registering a table of
 * callbacks under a name, its op_type.  The op "Custom" (parameter op_type,
 * plus any other keyword parameters, which reach create_prop as strings and
 * are kept in -symbol.json) then runs it imperatively, under autograd, and
 * in symbols and executors; its gradient is "_backward_Custom".
 *
 * Objects, each an opaque void* of the frontend's:
 *   state  the type's own, given at registration;
 *   prop   one per op node or imperative call (MXNet's CustomOpProp), made
 *          by create_prop from the parameters: input, output and auxiliary
 *          state names, shape and dtype inference, backward dependencies;
 *   op     one per executor node or imperative call (MXNet's CustomOp),
 *          made by create_operator: runs forward and later the backward of
 *          the same node, so it may keep values between them.
 * A node's inputs are its arguments, then its auxiliary states (arrays the
 * op may update, listed by MXSymbolListInputs(MX_INPUTS_AUX_STATES)).
 *
 * Threads: every callback except the free_* ones runs on the thread that
 * called MX (an invoke, symbol creation or inference, bind, forward or
 * backward), never on an engine worker and never with an MX lock held, so
 * it may call any MX function.  forward and backward compute with ordinary
 * MX ops on the arrays they get, which the engine orders with all other
 * work.  The free_* callbacks may run on any thread.
 *
 * Errors: a callback returns 0, or -1 after MXSetLastError.  MX then fails
 * the call that ran it with MX_ERROR_CALLBACK and a message naming the op
 * type and the callback, e.g. "Custom operator 'mysoftmax' forward failed:
 * ValueError: ...".  Nothing is left half-registered or locked. */

/* What each array handed to forward and backward is (MXNet's tags). */
enum MXCustomOpTag {
  MX_CUSTOM_IN_DATA = 0,  /* an argument */
  MX_CUSTOM_OUT_DATA = 1, /* an output */
  MX_CUSTOM_IN_GRAD = 2,  /* the gradient of an argument (backward writes it) */
  MX_CUSTOM_OUT_GRAD = 3, /* the gradient of an output */
  MX_CUSTOM_AUX = 4       /* an auxiliary state */
};

/* A property object, described by create_prop.  MX sets struct_size before
 * the call (fields past it do not exist in this library); the callee fills
 * the rest.  The strings and arrays are the callee's; it keeps them valid
 * until free_prop(prop).  backward_deps: what backward reads, as MXNet's
 * declare_backward_dependency ids: the gradient of output k is k, argument
 * i is num_outputs + i, output k is num_outputs + num_arguments + k.  */
typedef struct MXCustomOpPropInfo {
  size_t struct_size;
  void* prop;
  uint32_t num_arguments;
  const char* const* arguments;
  uint32_t num_outputs; /* at least 1 */
  const char* const* outputs;
  uint32_t num_aux_states;
  const char* const* aux_states;
  uint32_t num_backward_deps;
  const int* backward_deps;
} MXCustomOpPropInfo;

/* A custom op type's callbacks.  Shapes cross as rows of 32 int64_t (the
 * most dimensions an array has): shape i is dims[32 * i .. 32 * i + ndims[i]),
 * ndims[i] = -1 for an unknown shape and a dim of -1 for an unknown size.
 * Dtypes are MX's codes, -1 unknown.  Every callback but the free_* ones is
 * required. */
typedef struct MXCustomOpType {
  size_t struct_size; /* sizeof(MXCustomOpType) as the caller's header has it */
  void* state;        /* passed to create_prop and free_state */
  /* A node's property object from its keyword parameters (op_type
   * excluded): fill *out. */
  int (*create_prop)(void* state, const char* op_type, uint32_t num_kwargs,
                     const char* const* keys, const char* const* vals,
                     MXCustomOpPropInfo* out);
  /* num = arguments + outputs + auxiliary states, in that order: fill in
   * the unknown shapes (and refine the known ones).  Called only when some
   * argument shape is known. */
  int (*infer_shape)(void* prop, uint32_t num, int* ndims, int64_t* dims);
  /* The same for dtypes. */
  int (*infer_type)(void* prop, uint32_t num, int* dtypes);
  /* The operator of one node, for its inputs (arguments, then auxiliary
   * states) on device ctx ("cpu(0)", "gpu(1)"). */
  int (*create_operator)(void* prop, const char* ctx, uint32_t num_inputs,
                         const int* ndims, const int64_t* dims,
                         const int* dtypes, void** out_op);
  /* forward: arrays are the arguments (MX_CUSTOM_IN_DATA), the outputs
   * (OUT_DATA) and the auxiliary states (AUX); reqs: one MXReq of mx/plugin.h
   * per output (0 null, 1 write, 2 in place, 3 add).  backward: the output
   * gradients (OUT_GRAD), the arguments (IN_DATA), the outputs (OUT_DATA) --
   * NULL where backward_deps did not ask for them -- then the argument
   * gradients to write (IN_GRAD) and the auxiliary states (AUX); reqs: one
   * per argument gradient.  Each non-NULL handle is new and owned by the
   * callee (free it with MXNDArrayFree); tags[i] says what arrays[i] is.
   * is_train: training mode (autograd.record(train_mode=...), or the
   * executor's is_train). */
  int (*forward)(void* op, int is_train, uint32_t num, MXNDArrayHandle* arrays,
                 const int* tags, const int* reqs);
  int (*backward)(void* op, int is_train, uint32_t num, MXNDArrayHandle* arrays,
                  const int* tags, const int* reqs);
  void (*free_operator)(void* op); /* may be NULL */
  void (*free_prop)(void* prop);   /* may be NULL */
  void (*free_state)(void* state); /* may be NULL */
} MXCustomOpType;

/* Registers (or replaces) the custom op type op_type; *type is copied.
 * Nodes and arrays made with a replaced type keep using it; its free_state
 * runs once the last of them is gone.  A NULL or short table, a missing
 * callback or an empty op_type: -1, nothing registered. */
MX_API int MXCustomOpRegister(const char* op_type, const MXCustomOpType* type);

/* ------------------------------------------------------------------ */
/* Autograd (since ABI 1.8)                                           */
/* ------------------------------------------------------------------ */

/* The recorded computation that produced `handle` as a new symbol
 * (mx.autograd.get_symbol): marked variables are variables "var<k>", other
 * leaves "null<k>", op nodes "node_<k>".  -1 when the array was not
 * computed while recording from arrays that require gradient. */
MX_API int MXAutogradGetSymbol(MXNDArrayHandle handle, MXSymbolHandle* out);

/* ------------------------------------------------------------------ */
/* Executor monitor (since ABI 1.8)                                   */
/* ------------------------------------------------------------------ */

/* Called after each op node of a forward or backward pass is pushed: once
 * per output, named as MXNet names it ("fc1_output"), and with monitor_all
 * first once per input ("fc1_weight").  array: a new handle owned by the
 * callee (free it with MXNDArrayFree); its values are the pushed op's, so
 * reading it waits for that op.  Runs on the thread calling
 * MXExecutorForward / MXExecutorBackward; it must not throw or longjmp. */
typedef void (*MXExecutorMonitorFn)(const char* name, MXNDArrayHandle array, void* data);

/* Installs (callback NULL: removes) the executor's monitor. */
MX_API int MXExecutorSetMonitorCallback(MXExecutorHandle handle, MXExecutorMonitorFn callback,
                                        void* data, int monitor_all);

/* ------------------------------------------------------------------ */
/* GPUs (since ABI 1.8)                                               */
/* ------------------------------------------------------------------ */

/* GPUs are CUDA devices, reached through the driver MX loads at run time
 * (libcuda.so.1; no CUDA toolkit is needed).  For tests on machines
 * without one, the environment variable MX_GPU_EMULATION=<count>[,<MiB per
 * GPU>] (read once, test-only) replaces them with emulated GPUs backed by
 * host memory, which run work asynchronously in stream order as a GPU does.
 * Using a GPU that is not available (no driver, no such device) fails with
 * MX_ERROR_NOT_IMPLEMENTED and a message naming the device and why. */

/* The number of GPUs: 0 when there is no driver or no device (never an
 * error).  MXNet's name. */
MX_API int MXGetGPUCount(int* out);

/* Free and total bytes of GPU dev's memory, as the device reports them
 * (memory MX's pool keeps for reuse counts as used; MXStorageReleaseAll
 * returns it).  MXNet's name. */
MX_API int MXGetGPUMemoryInformation64(int dev, uint64_t* free_mem,
                                       uint64_t* total_mem);

/* ------------------------------------------------------------------ */
/* Plugins from a frontend (since ABI 1.8)                            */
/* ------------------------------------------------------------------ */

/* mx_plugin_init's signature (MXPluginInitFn of mx/plugin.h). */
struct MXPluginHost;
typedef int (*MXPluginInitCallbackFn)(const struct MXPluginHost* host,
                                      int abi_version);

/* Runs `init` exactly as MXPluginLoad runs a library's mx_plugin_init: with
 * a host table (valid for the life of the process) through which it
 * registers kernels and ops, all or nothing.  For frontends that implement
 * kernels in their own language (Python kernels as cffi callbacks); the
 * functions and data it registers must stay valid for the life of the
 * process.  name: for messages (the table's plugin_path).  A failing init
 * returns -1 with MX_ERROR_PLUGIN and registers nothing. */
MX_API int MXPluginInitCallback(const char* name, MXPluginInitCallbackFn init);

/* ------------------------------------------------------------------ */
/* DLPack with GPUs (since ABI 1.8)                                   */
/* ------------------------------------------------------------------ */

/* The stream MX, as a DLPack consumer, asks a producer to make a tensor on
 * gpu(dev) ready on before MXNDArrayFromDLPack imports it: the `stream`
 * argument of the Python array API's __dlpack__.  *out: the handle of
 * gpu(dev)'s compute stream (a CUstream, as an integer > 2); 1 (the legacy
 * default stream, in that protocol's numbering) on emulated GPUs, which
 * have no CUDA streams.  A GPU that is not available is an error naming it
 * (MX_ERROR_NOT_IMPLEMENTED). */
MX_API int MXGetGPUDLPackStream(int dev, int64_t* out);

/* ------------------------------------------------------------------ */
/* Model parallelism (since ABI 1.9)                                  */
/* ------------------------------------------------------------------ */

/* MXExecutorBind over several devices (MXNet's group2ctx): an op whose
 * ctx_group attribute is group_names[i] runs on (group_dev_types[i],
 * group_dev_ids[i]); other ops on their inputs' device, else on (dev_type,
 * dev_id); the arrays may be on any of the devices, and copies join them.
 * An op in a group not named here is an error.  With num_groups 0 it is
 * MXExecutorBind, where every array must be on (dev_type, dev_id). */
MX_API int MXExecutorBindGroups(MXSymbolHandle symbol, int dev_type, int dev_id,
                                uint32_t num_groups, const char** group_names,
                                const int* group_dev_types, const int* group_dev_ids,
                                uint32_t num_args, MXNDArrayHandle* args,
                                MXNDArrayHandle* arg_grads, const int* grad_reqs,
                                uint32_t num_aux, MXNDArrayHandle* aux,
                                int memory_flags, MXExecutorHandle* out);

/* ------------------------------------------------------------------ */
/* Library features (since ABI 1.9)                                   */
/* ------------------------------------------------------------------ */

/* One feature of MXNet 1.9's list (mx.runtime.Features), by its name there:
 * "CUDA", "CUDNN", ..., "CPU_AVX2", ..., "BLAS_OPEN", ...  enabled: 1 or 0. */
typedef struct MXLibFeature {
  const char* name;
  int enabled;
} MXLibFeature;

/* Every feature, in MXNet 1.9's order: *out points to *size entries that
 * live as long as the process.  MX kernels dispatch on the CPU at run time,
 * so CPU_* say what this machine's processor offers them; CUDA says that
 * GPUs are usable (a CUDA driver with at least one device); features of
 * libraries MX does not use (cuDNN, MKL-DNN, OpenCV, ...) are 0. */
MX_API int MXLibInfoFeatures(const MXLibFeature** out, size_t* size);

/* The number of output slots MXOpCallInvoke takes for a bound call: the
 * op's visible outputs with the bound parameters (since ABI 1.9). */
MX_API int MXOpCallGetNumOutputs(MXOpCallHandle call, int* out);

/* ------------------------------------------------------------------ */
/* Gradient freshness (since ABI 1.10)                                */
/* ------------------------------------------------------------------ */

/* Whether a backward pass wrote the gradient of this marked variable since
 * the flag was last cleared (MXNet's NDArray._fresh_grad): *out = 1 or 0;
 * 0 for an array that is not a marked variable. */
MX_API int MXNDArrayGetGradState(MXNDArrayHandle handle, int* out);

/* Sets that flag (state 0 or 1); an error for an array that is not a marked
 * variable (attach_grad / MXAutogradMarkVariables). */
MX_API int MXNDArraySetGradState(MXNDArrayHandle handle, int state);

/* ------------------------------------------------------------------ */
/* Frontend exit (since ABI 1.11)                                     */
/* ------------------------------------------------------------------ */

/* The frontend is about to tear itself down (call it at exit, before its
 * runtime frees its callbacks): from then on libmx no longer calls the
 * callbacks that hand the frontend's objects back (MXCustomOpType's
 * free_*, MXFunctionFreeFn, MXEngineDeleter); the process reclaims what
 * they would release.  Every other call still works.  Idempotent. */
MX_API int MXNotifyFrontendExit(void);

/* MX_CDEF_END */

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MX_C_API_H_ */
