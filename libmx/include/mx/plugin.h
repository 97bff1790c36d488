/*
 * mx/plugin.h -- the plugin ABI: how kernels (and whole new operators) reach
 * MX at run time.  This header is the whole SDK; docs/plugin_sdk.md is its
 * guide and plugins/examples/ a complete plugin to start from.
 *
 * A plugin is a shared library that exports one function:
 *
 *     int mx_plugin_init(const MXPluginHost* host, int abi_version);
 *
 * MX calls it once, right after loading the library.  abi_version is the
 * host's MX_PLUGIN_ABI_VERSION; a plugin built against another major returns
 * MX_PLUGIN_ERROR_ABI without touching the host table (MX_PLUGIN_CHECK_ABI
 * does that).  Within a major the ABI only grows: a plugin that uses a field
 * added in a later minor ("Since ABI 1.x" below) checks host->abi_minor
 * first.  During init the plugin registers kernels for existing ops and may
 * define new ops.  It returns 0, or non-zero after host->set_error; then
 * everything it registered is dropped and the library is unloaded.
 *
 * Rules every kernel follows:
 *   - one signature (MXKernelFn): a call frame in, 0 or an error code out;
 *     never throws, never longjmps;
 *   - kernels never infer shapes: outputs arrive allocated, with the shapes
 *     and dtypes the op's semantics decided;
 *   - kernels run on the engine's worker threads, several at once: they keep
 *     no unsynchronised global state and never call back into c_api.h;
 *   - strings cross as pointer + length or NUL-terminated, never as C++ types.
 *
 * Structs that may grow start with struct_size; fields are only appended.
 * Plain C99.
 */
#ifndef MX_PLUGIN_H_
#define MX_PLUGIN_H_

#include <stddef.h>
#include <stdint.h>

#define MX_PLUGIN_ABI_MAJOR 1
#define MX_PLUGIN_ABI_MINOR 2
#define MX_PLUGIN_ABI_VERSION (MX_PLUGIN_ABI_MAJOR * 1000 + MX_PLUGIN_ABI_MINOR)

/* The maximum rank of a tensor. */
#define MX_MAX_NDIM 32

/* Returned by mx_plugin_init when abi_version has another major. */
#define MX_PLUGIN_ERROR_ABI (-3)

#if defined(_WIN32)
#define MX_PLUGIN_EXPORT __declspec(dllexport)
#else
#define MX_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/* Put first in mx_plugin_init. */
#define MX_PLUGIN_CHECK_ABI(abi_version)                               \
  do {                                                                 \
    if ((abi_version) / 1000 != MX_PLUGIN_ABI_MAJOR)                   \
      return MX_PLUGIN_ERROR_ABI;                                      \
  } while (0)

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Tensors: DLPack's DLTensor layout.                                 */
/* Rationale: kernels written against DLPack work unchanged.  If a    */
/* plugin includes the real dlpack.h first, its definitions are used; */
/* defining DLPack's include guard here makes a later include of it   */
/* a no-op instead of a redefinition.                                 */
/* ------------------------------------------------------------------ */
#ifndef DLPACK_DLPACK_H_
#define DLPACK_DLPACK_H_
typedef enum {
  kDLCPU = 1,
  kDLCUDA = 2,
  kDLCUDAHost = 3,
  kDLOpenCL = 4,
  kDLVulkan = 7,
  kDLMetal = 8,
  kDLVPI = 9,
  kDLROCM = 10,
  kDLROCMHost = 11,
  kDLExtDev = 12,
  kDLCUDAManaged = 13,
  kDLOneAPI = 14,
  kDLWebGPU = 15,
  kDLHexagon = 16
} DLDeviceType;

typedef struct {
  DLDeviceType device_type;
  int32_t device_id;
} DLDevice;

typedef enum {
  kDLInt = 0U,
  kDLUInt = 1U,
  kDLFloat = 2U,
  kDLOpaqueHandle = 3U,
  kDLBfloat = 4U,
  kDLComplex = 5U,
  kDLBool = 6U
} DLDataTypeCode;

typedef struct {
  uint8_t code;
  uint8_t bits;
  uint16_t lanes;
} DLDataType;

typedef struct {
  void* data;
  DLDevice device;
  int32_t ndim;
  DLDataType dtype;
  int64_t* shape;
  int64_t* strides; /* NULL: compact row-major */
  uint64_t byte_offset;
} DLTensor;

/* A tensor handed from one framework to another; the consumer calls
 * deleter(self) when it no longer needs it. */
typedef struct DLManagedTensor {
  DLTensor dl_tensor;
  void* manager_ctx;
  void (*deleter)(struct DLManagedTensor* self);
} DLManagedTensor;
#endif /* DLPACK_DLPACK_H_ */

/* MX dtype codes (MXNet's): what MXKernelDesc.dtypes, MXInferTypeFn and
 * MX_ATTR_DTYPE values hold.  They are written into .params files, so they
 * never change; the names are new in ABI 1.2, the values always held. */
typedef enum {
  MX_DTYPE_FLOAT32 = 0,
  MX_DTYPE_FLOAT64 = 1,
  MX_DTYPE_FLOAT16 = 2,
  MX_DTYPE_UINT8 = 3,
  MX_DTYPE_INT32 = 4,
  MX_DTYPE_INT8 = 5,
  MX_DTYPE_INT64 = 6,
  MX_DTYPE_BOOL = 7
} MXDTypeCode;

/* ------------------------------------------------------------------ */
/* Parsed operator parameters                                         */
/* ------------------------------------------------------------------ */

typedef enum {
  MX_ATTR_BOOL = 1,
  MX_ATTR_INT = 2,
  MX_ATTR_FLOAT = 3,
  MX_ATTR_STRING = 4,
  MX_ATTR_INT_TUPLE = 5,   /* "Shape(tuple)", "tuple of <int>" */
  MX_ATTR_FLOAT_TUPLE = 6, /* "tuple of <float>" */
  MX_ATTR_DTYPE = 7,       /* value in i: an MX dtype code */
  MX_ATTR_ENUM = 8         /* value in i: index into the choices; name in s */
} MXAttrKind;

/* One parameter value, parsed once when the call was made.  Every parameter
 * of the op is present, in the op's declaration order, defaults filled in. */
typedef struct MXAttr {
  const char* name;
  int32_t kind;         /* MXAttrKind */
  int32_t is_none;      /* 1: an optional parameter set to None */
  int64_t i;            /* BOOL (0/1), INT, DTYPE, ENUM */
  double f;             /* FLOAT */
  const char* s;        /* the value as written; for ENUM the choice */
  const int64_t* ints;  /* INT_TUPLE, len entries */
  const double* floats; /* FLOAT_TUPLE, len entries */
  int32_t len;
} MXAttr;

/* An entry of an INT_TUPLE written as None (e.g. slice's begin=(None, 2)). */
#define MX_ATTR_NONE_INT INT64_MIN

/* Find a parameter by name; NULL if the op has none of that name. */
static inline const MXAttr* mx_attr_find(const MXAttr* attrs, int32_t num,
                                         const char* name) {
  for (int32_t k = 0; k < num; ++k) {
    const char* a = attrs[k].name;
    const char* b = name;
    while (*a && *a == *b) { ++a; ++b; }
    if (*a == *b) return &attrs[k];
  }
  return (const MXAttr*)0;
}

/* ------------------------------------------------------------------ */
/* Kernels                                                            */
/* ------------------------------------------------------------------ */

/* What to do with an output (MXNet's OpReqType). */
typedef enum {
  MX_REQ_NULL = 0,    /* skip this output */
  MX_REQ_WRITE = 1,   /* overwrite */
  MX_REQ_INPLACE = 2, /* overwrite; the output aliases an input */
  MX_REQ_ADD = 3      /* accumulate into the existing values */
} MXRequest;

/* The call frame of one kernel invocation.  Everything is borrowed for the
 * duration of the call.  Tensors from MX are compact row-major (strides
 * NULL, byte_offset 0); outputs never alias inputs unless req says
 * MX_REQ_INPLACE. */
typedef struct MXKernelCall {
  size_t struct_size;
  const DLTensor* inputs;
  int32_t num_inputs;
  const DLTensor* outputs;
  int32_t num_outputs;
  const int32_t* req;      /* num_outputs MXRequest values */
  const MXAttr* attrs;     /* the op's parameters, parsed */
  int32_t num_attrs;
  void* stream;            /* the device stream; NULL on the CPU */
  void* workspace;         /* scratch of workspace_size bytes, 64-aligned */
  size_t workspace_size;
  void* kernel_data;       /* as given in MXKernelDesc */
  /* Per call, fixed in program order, for ops declared MX_OP_NEEDS_RNG
   * (0 for other ops): seed a counter-based generator with it (e.g. Philox
   * keyed by seed, counter = element index) so the result does not depend
   * on threads. */
  uint64_t seed;
  /* Since ABI 1.1 (check struct_size): 1 in training mode (autograd.record,
   * train_mode, forward(is_train=True)), for ops such as Dropout and
   * BatchNorm that behave differently in training. */
  int32_t is_train;
} MXKernelCall;

/* Returns 0, or non-zero after host->set_error. */
typedef int (*MXKernelFn)(const MXKernelCall* call);

/* Bytes of workspace a call needs; called before each call, with the call
 * frame filled except workspace. */
typedef size_t (*MXWorkspaceFn)(const MXKernelCall* call);

typedef struct MXKernelDesc {
  size_t struct_size;      /* sizeof(MXKernelDesc) */
  uint32_t abi_major;      /* MX_PLUGIN_ABI_MAJOR the plugin was built with */
  const char* op_name;     /* an op name or alias */
  int32_t device_type;     /* DLDeviceType */
  /* The dtypes (MX codes) of the dispatch tensor -- input 0, or output 0 for
   * ops without inputs -- this kernel handles. */
  const int32_t* dtypes;
  int32_t num_dtypes;
  MXKernelFn fn;
  void* kernel_data;       /* passed back in MXKernelCall */
  MXWorkspaceFn workspace; /* may be NULL: no workspace */
} MXKernelDesc;

/* ------------------------------------------------------------------ */
/* New operators                                                      */
/* ------------------------------------------------------------------ */

/* Output shapes from input shapes.  out_shapes[k] has room for MX_MAX_NDIM
 * dims.  Returns 0, or non-zero after host->set_error. */
typedef int (*MXInferShapeFn)(const MXAttr* attrs, int32_t num_attrs,
                              int32_t num_inputs, const int64_t* const* in_shapes,
                              const int32_t* in_ndims, int32_t num_outputs,
                              int64_t* const* out_shapes, int32_t* out_ndims,
                              void* op_data);

/* Output dtypes (MX codes) from input dtypes. */
typedef int (*MXInferTypeFn)(const MXAttr* attrs, int32_t num_attrs,
                             int32_t num_inputs, const int32_t* in_dtypes,
                             int32_t num_outputs, int32_t* out_dtypes,
                             void* op_data);

typedef struct MXParamDesc {
  const char* name;
  const char* type;          /* as in MXOpGetParams: "int", "float", ... */
  const char* default_value; /* NULL: required */
  const char* doc;
} MXParamDesc;

typedef struct MXOpDesc {
  size_t struct_size;         /* sizeof(MXOpDesc) */
  uint32_t abi_major;         /* MX_PLUGIN_ABI_MAJOR */
  const char* name;
  const char* description;
  int32_t num_inputs;
  const char* const* input_names;  /* num_inputs entries */
  int32_t num_outputs;
  const char* const* output_names; /* num_outputs entries, may be NULL */
  const MXParamDesc* params;
  int32_t num_params;
  MXInferShapeFn infer_shape;  /* required */
  MXInferTypeFn infer_type;    /* NULL: every output takes input 0's dtype */
  void* op_data;               /* passed to the infer functions */
  /* Since ABI 1.2 (a 1.1 plugin's struct_size ends before them; the host
   * reads them as NULL and 0).
   *
   * backward_op: the op that computes this op's input gradients; NULL: the
   * op has no gradient.  It is named here and looked up when init returns,
   * so it may be registered later in the same init (or be any registered
   * op).  It is applied as one graph node with
   *   inputs:  the gradients of this op's outputs (num_outputs of them),
   *            then this op's inputs if flags has MX_OP_BACKWARD_USES_INPUTS,
   *            then this op's outputs if flags has MX_OP_BACKWARD_USES_OUTPUTS;
   *   outputs: one gradient per input of this op, each of that input's shape
   *            and dtype;
   *   params:  this op's parameter values, for each parameter the backward
   *            op declares (it may declare only parameters this op has).
   * Because it is an ordinary op, autograd, symbol gradients and executors
   * all use it, and it is differentiated again (second order) when it
   * declares a backward_op of its own.  A missing backward_op, or one whose
   * inputs, outputs or parameters do not fit, fails the load. */
  const char* backward_op;
  uint32_t flags;              /* MXOpFlags, or-ed */
} MXOpDesc;

/* MXOpDesc.flags (since ABI 1.2). */
typedef enum {
  MX_OP_BACKWARD_USES_INPUTS = 1,  /* backward_op reads the forward inputs */
  MX_OP_BACKWARD_USES_OUTPUTS = 2, /* backward_op reads the forward outputs */
  /* Kernels draw random numbers: each call gets a fresh MXKernelCall.seed,
   * drawn in program order from the context's generator (mx.random.seed
   * makes runs repeatable), and graph passes never recompute the op. */
  MX_OP_NEEDS_RNG = 4
} MXOpFlags;

/* ------------------------------------------------------------------ */
/* The host table                                                     */
/* ------------------------------------------------------------------ */

enum { MX_LOG_DEBUG = 0, MX_LOG_INFO = 1, MX_LOG_WARNING = 2, MX_LOG_ERROR = 3 };

typedef struct MXPluginHost {
  uint32_t abi_major;  /* first, never moves */
  uint32_t abi_minor;
  size_t struct_size;
  /* Register a kernel; 0, or non-zero with the reason in the host's last
   * error (unknown op, bad descriptor, ABI major mismatch). */
  int (*register_kernel)(const MXKernelDesc* desc);
  /* Define a new op (semantics); its kernels follow with register_kernel. */
  int (*register_op)(const MXOpDesc* desc);
  /* Set the message of the error a kernel, an infer function or init is
   * about to return.  Per thread: call it on the thread that returns the
   * error (kernels may run on any engine thread).  MX copies the text and
   * adds the op's name and the plugin's path. */
  void (*set_error)(const char* message);
  void (*log)(int level, const char* message);
  const char* plugin_path;  /* the file being loaded */
} MXPluginHost;

/* The one entry point, exported by every plugin.  `host` stays valid for the
 * life of the process: a plugin may keep it (e.g. for set_error in kernels). */
typedef int (*MXPluginInitFn)(const MXPluginHost* host, int abi_version);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MX_PLUGIN_H_ */
