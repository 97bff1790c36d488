/*
 * test_c_api.c -- every function of mx/c_api.h, called the way a frontend
 * calls it: plain C, the public header, nothing else.
 *
 * Each function gets at least one call that must succeed and one that must
 * fail cleanly: return -1, leave a message, and report the MXErrorKind the
 * header documents.  A few functions cannot fail by design (MXGetLastError,
 * MXGetLastErrorKind, MXSetLastError, MXRandomSeed, MXNotifyShutdown); for
 * those the test checks the contract around the failure instead.
 *
 * Usage: test_c_api PLUGIN
 *   PLUGIN: the shared library built from plugin_square.c.
 * Prints "N passed, M failed" and exits non-zero if anything failed.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mx/c_api.h"
#include "mx/plugin.h"

/* ------------------------------------------------------------------ */
/* Harness (CHECK, CHECK_OK, REPORT come from check.h)                */
/* ------------------------------------------------------------------ */

/* A call that must fail with the given kind and a message containing text
 * (any message when text is NULL). */
static int check_error(int rc, int kind, const char* text, int line,
                       const char* call) {
  char message[512];
  int got_kind;
  /* Copy first: the message is only valid until the next MX call. */
  snprintf(message, sizeof message, "%s", MXGetLastError());
  got_kind = MXGetLastErrorKind();
  if (rc == -1 && got_kind == kind && message[0] != '\0' &&
      (text == NULL || strstr(message, text) != NULL))
    return check(1, line, call);
  printf("FAIL line %d: %s\n  expected -1, kind %d%s%s%s\n"
         "  got %d, kind %d, message \"%s\"\n",
         line, call, kind, text ? ", message containing \"" : "",
         text ? text : "", text ? "\"" : "", rc, got_kind, message);
  num_failed++;
  return 0;
}

#define CHECK_ERROR(call, kind) check_error((call), (kind), NULL, __LINE__, #call)
#define CHECK_ERROR_MSG(call, kind, text) \
  check_error((call), (kind), (text), __LINE__, #call)

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

enum { kCPU = 1, kGPU = 2, kCPUPinned = 3 };
enum { kFloat32 = 0, kFloat64 = 1, kInt64 = 6 };

static MXNDArrayHandle new_array(int dtype, int ndim, const int64_t* shape) {
  MXNDArrayHandle h = NULL;
  CHECK_OK(MXNDArrayCreate(shape, ndim, kCPU, 0, dtype, &h));
  return h;
}

/* A float32 array of the given shape holding values (row-major). */
static MXNDArrayHandle new_f32(int ndim, const int64_t* shape,
                               const float* values) {
  MXNDArrayHandle h = new_array(kFloat32, ndim, shape);
  size_t n = 1;
  int i;
  for (i = 0; i < ndim; ++i) n *= (size_t)shape[i];
  if (h) CHECK_OK(MXNDArraySyncCopyFromCPU(h, values, n));
  return h;
}

static int same_shape(MXNDArrayHandle h, int ndim, const int64_t* expected) {
  int got_ndim = -1;
  const int64_t* got = NULL;
  if (MXNDArrayGetShape(h, &got_ndim, &got) != 0 || got_ndim != ndim) return 0;
  return ndim == 0 || memcmp(got, expected, sizeof(int64_t) * (size_t)ndim) == 0;
}

/* Exact comparison: every value in these tests is representable. */
static int same_f32(MXNDArrayHandle h, const float* expected, size_t n) {
  float got[64];
  if (n > 64 || MXNDArraySyncCopyToCPU(h, got, n) != 0) return 0;
  return memcmp(got, expected, sizeof(float) * n) == 0;
}

static MXOpHandle op_named(const char* name) {
  MXOpHandle op = NULL;
  CHECK_OK(MXGetOpHandle(name, &op));
  return op;
}

/* Runs op with MX-created outputs and returns the first one (NULL and -1
 * from *rc on failure).  The other outputs, if any, are freed. */
static MXNDArrayHandle invoke(const char* name, int num_inputs,
                              const MXNDArrayHandle* inputs, int num_params,
                              const char* const* keys, const char* const* vals,
                              int* rc) {
  MXOpHandle op = NULL;
  MXNDArrayHandle* outputs = NULL;
  int num_outputs = 0, k;
  *rc = MXGetOpHandle(name, &op);
  if (*rc != 0) return NULL;
  *rc = MXImperativeInvoke(op, num_inputs, inputs, &num_outputs, &outputs,
                           num_params, keys, vals);
  if (*rc != 0 || num_outputs < 1) return NULL;
  for (k = 1; k < num_outputs; ++k) MXNDArrayFree(outputs[k]);
  return outputs[0];
}

static int is_sorted(const char** names, uint32_t n) {
  uint32_t i;
  for (i = 1; i < n; ++i)
    if (strcmp(names[i - 1], names[i]) > 0) return 0;
  return 1;
}

static int contains(const char** names, uint32_t n, const char* name) {
  uint32_t i;
  for (i = 0; i < n; ++i)
    if (strcmp(names[i], name) == 0) return 1;
  return 0;
}

/* ------------------------------------------------------------------ */
/* Errors and versions                                                */
/* ------------------------------------------------------------------ */

static void* read_error_on_new_thread(void* out_kind) {
  *(int*)out_kind = MXGetLastErrorKind();
  return NULL;
}

/* How many GPUs this process has (0 without a driver or MX_GPU_EMULATION). */
static int gpu_count(void) {
  int n = -1;
  CHECK_OK(MXGetGPUCount(&n));
  return n;
}

static void test_errors_and_versions(void) {
  int version = 0, major = -1, minor = -1, other_kind = -1;
  pthread_t thread;

  /* Nothing failed yet on this thread. */
  CHECK(strcmp(MXGetLastError(), "") == 0);
  CHECK(MXGetLastErrorKind() == MX_ERROR_NONE);

  CHECK_OK(MXGetVersion(&version));
  CHECK(version >= 100); /* 0.1.0 was the first release */
  CHECK_ERROR(MXGetVersion(NULL), MX_ERROR_VALUE);

  CHECK_OK(MXGetABIVersion(&major, &minor));
  CHECK(major == MX_ABI_MAJOR && minor >= MX_ABI_MINOR);
  CHECK_ERROR(MXGetABIVersion(NULL, &minor), MX_ERROR_VALUE);
  CHECK_ERROR(MXGetABIVersion(&major, NULL), MX_ERROR_VALUE);

  /* MXSetLastError records what a callback reports; it cannot fail, but
   * a kind outside MXErrorKind must not leak out as a bogus class. */
  CHECK_OK(MXSetLastError(MX_ERROR_IO, "disk on fire"));
  CHECK(MXGetLastErrorKind() == MX_ERROR_IO);
  CHECK(strcmp(MXGetLastError(), "disk on fire") == 0);
  CHECK_OK(MXSetLastError(12345, "odd kind"));
  CHECK(MXGetLastErrorKind() == MX_ERROR_CALLBACK);
  CHECK_OK(MXSetLastError(MX_ERROR_VALUE, NULL));
  CHECK(strcmp(MXGetLastError(), "") == 0);

  /* Errors are per thread: a fresh thread sees none. */
  CHECK_ERROR(MXGetVersion(NULL), MX_ERROR_VALUE);
  CHECK(pthread_create(&thread, NULL, read_error_on_new_thread, &other_kind) == 0 &&
        pthread_join(thread, NULL) == 0);
  CHECK(other_kind == MX_ERROR_NONE);
  CHECK(MXGetLastErrorKind() == MX_ERROR_VALUE);
}

/* ------------------------------------------------------------------ */
/* NDArray: creation, properties, handles                             */
/* ------------------------------------------------------------------ */

static void test_create_and_properties(void) {
  const int64_t shape23[] = {2, 3};
  const int64_t negative[] = {2, -1};
  const int64_t empty[] = {2, 0};
  const int64_t huge[] = {INT64_C(1) << 32, INT64_C(1) << 32};
  int64_t too_many[33];
  MXNDArrayHandle a = NULL, scalar = NULL, pinned = NULL, none = NULL;
  const int64_t* shape = NULL;
  int ndim = -1, dtype = -1, dev_type = -1, dev_id = -1, i;
  void* data = NULL;

  for (i = 0; i < 33; ++i) too_many[i] = 1;

  CHECK_OK(MXNDArrayCreate(shape23, 2, kCPU, 0, kFloat64, &a));
  CHECK_OK(MXNDArrayGetShape(a, &ndim, &shape));
  CHECK(ndim == 2 && shape[0] == 2 && shape[1] == 3);
  CHECK_OK(MXNDArrayGetDType(a, &dtype));
  CHECK(dtype == kFloat64);
  CHECK_OK(MXNDArrayGetContext(a, &dev_type, &dev_id));
  CHECK(dev_type == kCPU && dev_id == 0);
  CHECK_OK(MXNDArrayGetData(a, &data));
  CHECK(data != NULL);

  /* 0-d arrays hold one element; 0-size arrays have no data. */
  CHECK_OK(MXNDArrayCreate(NULL, 0, kCPU, 0, kInt64, &scalar));
  CHECK(same_shape(scalar, 0, NULL));
  CHECK_OK(MXNDArrayCreate(empty, 2, kCPU, 0, kFloat32, &none));
  CHECK_OK(MXNDArrayGetData(none, &data));
  CHECK(data == NULL);
  CHECK_OK(MXNDArrayCreate(shape23, 2, kCPUPinned, 0, kFloat32, &pinned));
  CHECK_OK(MXNDArrayGetContext(pinned, &dev_type, &dev_id));
  CHECK(dev_type == kCPUPinned && dev_id == 0);

  CHECK_ERROR(MXNDArrayCreate(shape23, 2, kCPU, 0, 99, &none), MX_ERROR_TYPE);
  CHECK_ERROR(MXNDArrayCreate(shape23, 2, kCPU, 0, -1, &none), MX_ERROR_TYPE);
  CHECK_ERROR(MXNDArrayCreate(negative, 2, kCPU, 0, kFloat32, &none), MX_ERROR_VALUE);
  CHECK_ERROR(MXNDArrayCreate(too_many, 33, kCPU, 0, kFloat32, &none), MX_ERROR_VALUE);
  CHECK_ERROR(MXNDArrayCreate(shape23, -1, kCPU, 0, kFloat32, &none), MX_ERROR_VALUE);
  CHECK_ERROR(MXNDArrayCreate(NULL, 2, kCPU, 0, kFloat32, &none), MX_ERROR_VALUE);
  CHECK_ERROR(MXNDArrayCreate(shape23, 2, kCPU, 0, kFloat32, NULL), MX_ERROR_VALUE);
  CHECK_ERROR(MXNDArrayCreate(shape23, 2, 99, 0, kFloat32, &none), MX_ERROR_VALUE);
  CHECK_ERROR(MXNDArrayCreate(shape23, 2, kCPU, -1, kFloat32, &none), MX_ERROR_VALUE);
  /* 2^64 elements: the element count itself overflows. */
  CHECK_ERROR(MXNDArrayCreate(huge, 2, kCPU, 0, kFloat32, &none), MX_ERROR_VALUE);
  /* A GPU this process does not have. */
  CHECK_ERROR(MXNDArrayCreate(shape23, 2, kGPU, gpu_count(), kFloat32, &none),
              MX_ERROR_NOT_IMPLEMENTED);

  CHECK_ERROR(MXNDArrayGetShape(NULL, &ndim, &shape), MX_ERROR_HANDLE);
  CHECK_ERROR(MXNDArrayGetShape(a, NULL, &shape), MX_ERROR_VALUE);
  CHECK_ERROR(MXNDArrayGetDType(NULL, &dtype), MX_ERROR_HANDLE);
  CHECK_ERROR(MXNDArrayGetDType(a, NULL), MX_ERROR_VALUE);
  CHECK_ERROR(MXNDArrayGetContext(NULL, &dev_type, &dev_id), MX_ERROR_HANDLE);
  CHECK_ERROR(MXNDArrayGetContext(a, &dev_type, NULL), MX_ERROR_VALUE);
  CHECK_ERROR(MXNDArrayGetData(NULL, &data), MX_ERROR_HANDLE);
  CHECK_ERROR(MXNDArrayGetData(a, NULL), MX_ERROR_VALUE);

  CHECK_OK(MXNDArrayFree(NULL));
  CHECK_OK(MXNDArrayFree(scalar));
  CHECK_OK(MXNDArrayFree(none));
  CHECK_OK(MXNDArrayFree(pinned));
  CHECK_OK(MXNDArrayFree(a));
}

/* A freed handle must be told apart from a live one: every function that
 * takes it fails with MX_ERROR_HANDLE, and nothing crashes. */
static void test_freed_handles(void) {
  const int64_t shape[] = {4};
  const float values[] = {1, 2, 3, 4};
  float out[4];
  MXNDArrayHandle a = new_f32(1, shape, values), view = NULL;
  MXNDArrayHandle inputs[2];
  MXOpHandle plus = op_named("broadcast_add");
  MXNDArrayHandle* outputs = NULL;
  int num_outputs = 0, ndim, dtype, dev_type, dev_id;
  const int64_t* dims;
  void* data;

  CHECK_OK(MXNDArrayFree(a));
  CHECK_ERROR(MXNDArrayFree(a), MX_ERROR_HANDLE); /* double free */
  CHECK_ERROR(MXNDArrayGetShape(a, &ndim, &dims), MX_ERROR_HANDLE);
  CHECK_ERROR(MXNDArrayGetDType(a, &dtype), MX_ERROR_HANDLE);
  CHECK_ERROR(MXNDArrayGetContext(a, &dev_type, &dev_id), MX_ERROR_HANDLE);
  CHECK_ERROR(MXNDArrayGetData(a, &data), MX_ERROR_HANDLE);
  CHECK_ERROR(MXNDArraySyncCopyFromCPU(a, values, 4), MX_ERROR_HANDLE);
  CHECK_ERROR(MXNDArraySyncCopyToCPU(a, out, 4), MX_ERROR_HANDLE);
  CHECK_ERROR(MXNDArrayWaitToRead(a), MX_ERROR_HANDLE);
  CHECK_ERROR(MXNDArrayWaitToWrite(a), MX_ERROR_HANDLE);
  CHECK_ERROR(MXNDArrayReshape(a, 1, shape, 0, &view), MX_ERROR_HANDLE);
  CHECK_ERROR(MXNDArraySlice(a, 0, 1, &view), MX_ERROR_HANDLE);
  CHECK_ERROR(MXNDArrayAt(a, 0, &view), MX_ERROR_HANDLE);
  inputs[0] = a;
  inputs[1] = a;
  CHECK_ERROR(MXImperativeInvoke(plus, 2, inputs, &num_outputs, &outputs, 0, NULL, NULL),
              MX_ERROR_HANDLE);
  CHECK(view == NULL && outputs == NULL);
}

/* ------------------------------------------------------------------ */
/* NDArray: copies, waits, views                                      */
/* ------------------------------------------------------------------ */

static void test_copies_and_waits(void) {
  const int64_t shape[] = {2, 2};
  const int64_t values[] = {1, -2, INT64_MAX, INT64_MIN};
  int64_t out[4] = {0, 0, 0, 0};
  MXNDArrayHandle a = new_array(kInt64, 2, shape);

  CHECK_OK(MXNDArraySyncCopyFromCPU(a, values, 4));
  CHECK_OK(MXNDArrayWaitToRead(a));
  CHECK_OK(MXNDArrayWaitToWrite(a));
  CHECK_OK(MXNDArraySyncCopyToCPU(a, out, 4));
  CHECK(memcmp(out, values, sizeof out) == 0);
  CHECK_OK(MXNDArrayWaitAll());

  /* size counts elements, not bytes. */
  CHECK_ERROR(MXNDArraySyncCopyFromCPU(a, values, 3), MX_ERROR_VALUE);
  CHECK_ERROR(MXNDArraySyncCopyFromCPU(a, values, sizeof values), MX_ERROR_VALUE);
  CHECK_ERROR(MXNDArraySyncCopyFromCPU(a, NULL, 4), MX_ERROR_VALUE);
  CHECK_ERROR(MXNDArraySyncCopyFromCPU(NULL, values, 4), MX_ERROR_HANDLE);
  CHECK_ERROR(MXNDArraySyncCopyToCPU(a, out, 5), MX_ERROR_VALUE);
  CHECK_ERROR(MXNDArraySyncCopyToCPU(a, NULL, 4), MX_ERROR_VALUE);
  CHECK_ERROR(MXNDArraySyncCopyToCPU(NULL, out, 4), MX_ERROR_HANDLE);
  CHECK_ERROR(MXNDArrayWaitToRead(NULL), MX_ERROR_HANDLE);
  CHECK_ERROR(MXNDArrayWaitToWrite(NULL), MX_ERROR_HANDLE);
  /* A failed copy changed nothing. */
  CHECK_OK(MXNDArraySyncCopyToCPU(a, out, 4));
  CHECK(memcmp(out, values, sizeof out) == 0);
  CHECK_OK(MXNDArrayFree(a));
}

static void test_views(void) {
  const int64_t shape32[] = {3, 2};
  const float values[] = {1, 2, 3, 4, 5, 6};
  MXNDArrayHandle a = new_f32(2, shape32, values);
  MXNDArrayHandle view = NULL;

  /* Reshape: -1 infers; reverse applies the codes right to left. */
  {
    const int64_t dims[] = {2, -1}, expected[] = {2, 3};
    CHECK_OK(MXNDArrayReshape(a, 2, dims, 0, &view));
    CHECK(same_shape(view, 2, expected) && same_f32(view, values, 6));
    CHECK_OK(MXNDArrayFree(view));
  }
  {
    const int64_t dims[] = {-1, 0}, expected_fwd[] = {3, 2};
    CHECK_OK(MXNDArrayReshape(a, 2, dims, 0, &view));
    CHECK(same_shape(view, 2, expected_fwd));
    CHECK_OK(MXNDArrayFree(view));
  }
  { /* MXNet's documented example: (10, 5, 4) with (-1, 0). */
    const int64_t shape1054[] = {10, 5, 4}, dims[] = {-1, 0};
    const int64_t forward[] = {40, 5}, reverse[] = {50, 4};
    MXNDArrayHandle b = new_array(kFloat32, 3, shape1054);
    CHECK_OK(MXNDArrayReshape(b, 2, dims, 0, &view));
    CHECK(same_shape(view, 2, forward));
    CHECK_OK(MXNDArrayFree(view));
    CHECK_OK(MXNDArrayReshape(b, 2, dims, 1, &view));
    CHECK(same_shape(view, 2, reverse));
    CHECK_OK(MXNDArrayFree(view));
    CHECK_OK(MXNDArrayFree(b));
  }
  {
    const int64_t wrong[] = {4, 4}, two_unknown[] = {-1, -1};
    view = NULL;
    CHECK_ERROR(MXNDArrayReshape(a, 2, wrong, 0, &view), MX_ERROR_VALUE);
    CHECK_ERROR(MXNDArrayReshape(a, 2, two_unknown, 0, &view), MX_ERROR_VALUE);
    CHECK_ERROR(MXNDArrayReshape(a, 2, NULL, 0, &view), MX_ERROR_VALUE);
    CHECK_ERROR(MXNDArrayReshape(NULL, 2, wrong, 0, &view), MX_ERROR_HANDLE);
    CHECK(view == NULL);
  }

  /* Slice: rows [begin, end), negative from the end; shares the buffer. */
  {
    const int64_t expected[] = {2, 2};
    const float rows12[] = {3, 4, 5, 6}, row1[] = {3, 4};
    const float written[] = {30, 40};
    const float after[] = {1, 2, 30, 40, 5, 6};
    CHECK_OK(MXNDArraySlice(a, 1, 3, &view));
    CHECK(same_shape(view, 2, expected) && same_f32(view, rows12, 4));
    CHECK_OK(MXNDArrayFree(view));
    CHECK_OK(MXNDArraySlice(a, -2, -1, &view));
    CHECK(same_f32(view, row1, 2));
    CHECK_OK(MXNDArraySyncCopyFromCPU(view, written, 2));
    CHECK(same_f32(a, after, 6));
    CHECK_OK(MXNDArraySyncCopyFromCPU(a, values, 6));
    CHECK_OK(MXNDArrayFree(view));
    view = NULL;
    CHECK_ERROR(MXNDArraySlice(a, 2, 1, &view), MX_ERROR_INDEX);
    CHECK_ERROR(MXNDArraySlice(a, 0, 4, &view), MX_ERROR_INDEX);
    CHECK_ERROR(MXNDArraySlice(a, 0, 1, NULL), MX_ERROR_VALUE);
    CHECK_ERROR(MXNDArraySlice(NULL, 0, 1, &view), MX_ERROR_HANDLE);
    CHECK(view == NULL);
  }

  /* At: one row, the axis dropped; a 1-d array gives shape (1,). */
  {
    const int64_t row_shape[] = {2}, one[] = {1}, four[] = {4};
    const float last_row[] = {5, 6}, flat[] = {7, 8, 9, 10}, nine[] = {9};
    MXNDArrayHandle v = new_f32(1, four, flat);
    CHECK_OK(MXNDArrayAt(a, -1, &view));
    CHECK(same_shape(view, 1, row_shape) && same_f32(view, last_row, 2));
    CHECK_OK(MXNDArrayFree(view));
    CHECK_OK(MXNDArrayAt(v, 2, &view));
    CHECK(same_shape(view, 1, one) && same_f32(view, nine, 1));
    CHECK_OK(MXNDArrayFree(view));
    view = NULL;
    CHECK_ERROR(MXNDArrayAt(a, 3, &view), MX_ERROR_INDEX);
    CHECK_ERROR(MXNDArrayAt(a, -4, &view), MX_ERROR_INDEX);
    CHECK_ERROR(MXNDArrayAt(a, 0, NULL), MX_ERROR_VALUE);
    CHECK_ERROR(MXNDArrayAt(NULL, 0, &view), MX_ERROR_HANDLE);
    CHECK(view == NULL);
    CHECK_OK(MXNDArrayFree(v));
  }
  {
    MXNDArrayHandle scalar = new_array(kFloat32, 0, NULL);
    CHECK_ERROR(MXNDArrayAt(scalar, 0, &view), MX_ERROR_INDEX);
    CHECK_ERROR(MXNDArraySlice(scalar, 0, 1, &view), MX_ERROR_INDEX);
    CHECK_OK(MXNDArrayFree(scalar));
  }
  CHECK_OK(MXNDArrayFree(a));
}

/* ------------------------------------------------------------------ */
/* Operators: introspection                                           */
/* ------------------------------------------------------------------ */

static void test_op_introspection(void) {
  uint32_t n = 0, i;
  const char** names = NULL;
  const char **types = NULL, **defaults = NULL, **docs = NULL;
  const char *name = NULL, *description = NULL, *key_var_num_args = NULL;
  int num_inputs = 0, num_outputs = 0, saw_value = 0, saw_shape = 0;
  MXOpHandle dot = NULL, reshape = NULL, full = NULL;

  CHECK_OK(MXListOps(&n, &names));
  CHECK(n > 0 && is_sorted(names, n));
  CHECK(contains(names, n, "broadcast_add") && contains(names, n, "dot") &&
        contains(names, n, "reshape") && contains(names, n, "Reshape"));
  CHECK_ERROR(MXListOps(NULL, &names), MX_ERROR_VALUE);
  CHECK_ERROR(MXListOps(&n, NULL), MX_ERROR_VALUE);

  CHECK_OK(MXGetOpHandle("dot", &dot));
  CHECK_ERROR_MSG(MXGetOpHandle("no_such_op", &full), MX_ERROR_NOT_FOUND, "no_such_op");
  CHECK_ERROR(MXGetOpHandle(NULL, &full), MX_ERROR_VALUE);
  CHECK_ERROR(MXGetOpHandle("dot", NULL), MX_ERROR_VALUE);

  /* An alias finds the same op, under its canonical name. */
  CHECK_OK(MXGetOpHandle("reshape", &reshape));
  CHECK_OK(MXOpGetInfo(reshape, &name, NULL, NULL, NULL, NULL));
  CHECK(strcmp(name, "Reshape") == 0);

  CHECK_OK(MXOpGetInfo(dot, &name, &description, &num_inputs, &num_outputs,
                       &key_var_num_args));
  CHECK(strcmp(name, "dot") == 0 && description[0] != '\0');
  CHECK(num_inputs == 2 && num_outputs == 1 && strcmp(key_var_num_args, "") == 0);
  CHECK_ERROR(MXOpGetInfo(NULL, &name, NULL, NULL, NULL, NULL), MX_ERROR_HANDLE);

  CHECK_OK(MXOpGetInputNames(dot, &n, &names));
  CHECK(n == 2 && strcmp(names[0], "lhs") == 0 && strcmp(names[1], "rhs") == 0);
  CHECK_ERROR(MXOpGetInputNames(NULL, &n, &names), MX_ERROR_HANDLE);
  CHECK_ERROR(MXOpGetInputNames(dot, NULL, &names), MX_ERROR_VALUE);

  CHECK_OK(MXOpGetOutputNames(dot, &n, &names));
  CHECK(n == 1 && strcmp(names[0], "output") == 0);
  CHECK_ERROR(MXOpGetOutputNames(NULL, &n, &names), MX_ERROR_HANDLE);
  CHECK_ERROR(MXOpGetOutputNames(dot, &n, NULL), MX_ERROR_VALUE);

  /* _full: "value" is required (default NULL); "shape" defaults to (). */
  full = op_named("_full");
  CHECK_OK(MXOpGetParams(full, &n, &names, &types, &defaults, &docs));
  for (i = 0; i < n; ++i) {
    if (strcmp(names[i], "value") == 0)
      saw_value = defaults[i] == NULL && strcmp(types[i], "float") == 0;
    if (strcmp(names[i], "shape") == 0)
      saw_shape = defaults[i] != NULL && strcmp(defaults[i], "()") == 0 &&
                  strcmp(types[i], "Shape(tuple)") == 0 && docs[i][0] != '\0';
  }
  CHECK(saw_value && saw_shape);
  CHECK_ERROR(MXOpGetParams(NULL, &n, &names, &types, &defaults, &docs), MX_ERROR_HANDLE);
  CHECK_ERROR(MXOpGetParams(full, NULL, &names, &types, &defaults, &docs), MX_ERROR_VALUE);
}

/* ------------------------------------------------------------------ */
/* Operators: imperative invocation                                   */
/* ------------------------------------------------------------------ */

static void test_invoke_values(void) {
  const int64_t shape23[] = {2, 3}, shape3[] = {3}, shape32[] = {3, 2};
  const float a_values[] = {1, 2, 3, 4, 5, 6};
  MXNDArrayHandle a = new_f32(2, shape23, a_values);
  MXNDArrayHandle out = NULL;
  int rc = 0;

  { /* broadcast_add: (2, 3) + (3,) */
    const float b_values[] = {10, 20, 30};
    const float sum[] = {11, 22, 33, 14, 25, 36};
    MXNDArrayHandle b = new_f32(1, shape3, b_values);
    MXNDArrayHandle inputs[2];
    inputs[0] = a;
    inputs[1] = b;
    out = invoke("broadcast_add", 2, inputs, 0, NULL, NULL, &rc);
    CHECK_OK(rc);
    CHECK(same_shape(out, 2, shape23) && same_f32(out, sum, 6));
    CHECK_OK(MXNDArrayFree(out));
    CHECK_OK(MXNDArrayFree(b));
  }
  { /* _plus_scalar */
    const char* keys[] = {"scalar"};
    const char* vals[] = {"2.5"};
    const float sum[] = {3.5f, 4.5f, 5.5f, 6.5f, 7.5f, 8.5f};
    out = invoke("_plus_scalar", 1, &a, 1, keys, vals, &rc);
    CHECK_OK(rc);
    CHECK(same_f32(out, sum, 6));
    CHECK_OK(MXNDArrayFree(out));
  }
  { /* _zeros, float64 */
    const char* keys[] = {"shape", "dtype"};
    const char* vals[] = {"(2, 3)", "float64"};
    const double zeros[6] = {0, 0, 0, 0, 0, 0};
    double got[6] = {1, 1, 1, 1, 1, 1};
    int dtype = -1;
    out = invoke("_zeros", 0, NULL, 2, keys, vals, &rc);
    CHECK_OK(rc);
    CHECK_OK(MXNDArrayGetDType(out, &dtype));
    CHECK(dtype == kFloat64 && same_shape(out, 2, shape23));
    CHECK_OK(MXNDArraySyncCopyToCPU(out, got, 6));
    CHECK(memcmp(got, zeros, sizeof got) == 0);
    CHECK_OK(MXNDArrayFree(out));
  }
  { /* _full, int64 */
    const char* keys[] = {"shape", "dtype", "value"};
    const char* vals[] = {"(3,)", "int64", "7"};
    const int64_t sevens[3] = {7, 7, 7};
    int64_t got[3] = {0, 0, 0};
    int dtype = -1;
    out = invoke("_full", 0, NULL, 3, keys, vals, &rc);
    CHECK_OK(rc);
    CHECK_OK(MXNDArrayGetDType(out, &dtype));
    CHECK(dtype == kInt64 && same_shape(out, 1, shape3));
    CHECK_OK(MXNDArraySyncCopyToCPU(out, got, 3));
    CHECK(memcmp(got, sevens, sizeof got) == 0);
    CHECK_OK(MXNDArrayFree(out));
  }
  { /* Reshape (2, 3, 4) with "(-1, 0)": 0 copies 3, -1 infers 8. */
    const int64_t shape234[] = {2, 3, 4}, expected[] = {8, 3};
    const char* keys[] = {"shape"};
    const char* vals[] = {"(-1, 0)"};
    float values[24], got[24];
    int i;
    MXNDArrayHandle c;
    for (i = 0; i < 24; ++i) values[i] = (float)i;
    c = new_f32(3, shape234, values);
    out = invoke("Reshape", 1, &c, 1, keys, vals, &rc);
    CHECK_OK(rc);
    CHECK(same_shape(out, 2, expected));
    CHECK_OK(MXNDArraySyncCopyToCPU(out, got, 24));
    CHECK(memcmp(got, values, sizeof got) == 0);
    CHECK_OK(MXNDArrayFree(out));
    CHECK_OK(MXNDArrayFree(c));
  }
  { /* dot: (2, 3) x (3, 2) */
    const int64_t shape22[] = {2, 2};
    const float b_values[] = {7, 8, 9, 10, 11, 12};
    const float product[] = {58, 64, 139, 154};
    MXNDArrayHandle b = new_f32(2, shape32, b_values);
    MXNDArrayHandle inputs[2];
    inputs[0] = a;
    inputs[1] = b;
    out = invoke("dot", 2, inputs, 0, NULL, NULL, &rc);
    CHECK_OK(rc);
    CHECK(same_shape(out, 2, shape22) && same_f32(out, product, 4));
    CHECK_OK(MXNDArrayFree(out));
    CHECK_OK(MXNDArrayFree(b));
  }
  { /* Caller-given output, written in place. */
    const char* keys[] = {"scalar"};
    const char* vals[] = {"1"};
    const float plus_one[] = {2, 3, 4, 5, 6, 7};
    MXNDArrayHandle given = new_array(kFloat32, 2, shape23);
    MXNDArrayHandle* outputs = &given;
    int num_outputs = 1;
    CHECK_OK(MXImperativeInvoke(op_named("_plus_scalar"), 1, &a, &num_outputs, &outputs,
                                1, keys, vals));
    CHECK(num_outputs == 1 && outputs == &given && same_f32(given, plus_one, 6));
    CHECK_OK(MXNDArrayFree(given));
  }
  CHECK_OK(MXNDArrayFree(a));
}

static void test_invoke_errors(void) {
  const int64_t shape23[] = {2, 3}, shape4[] = {4}, shape32[] = {3, 2};
  MXNDArrayHandle a = new_array(kFloat32, 2, shape23);
  MXNDArrayHandle b4 = new_array(kFloat32, 1, shape4);
  MXNDArrayHandle d = new_array(kFloat64, 2, shape23);
  MXNDArrayHandle wrong_out = new_array(kFloat32, 2, shape32);
  MXOpHandle add = op_named("broadcast_add"), plus_scalar = op_named("_plus_scalar");
  MXOpHandle full = op_named("_full");
  MXNDArrayHandle inputs[2];
  MXNDArrayHandle* outputs = NULL;
  int num_outputs = 0;

  /* Shape, dtype and attribute errors come back from the call itself. */
  inputs[0] = a;
  inputs[1] = b4;
  CHECK_ERROR_MSG(MXImperativeInvoke(add, 2, inputs, &num_outputs, &outputs, 0, NULL, NULL),
                  MX_ERROR_VALUE, "broadcast");
  inputs[1] = d;
  CHECK_ERROR(MXImperativeInvoke(add, 2, inputs, &num_outputs, &outputs, 0, NULL, NULL),
              MX_ERROR_TYPE);
  CHECK_ERROR(MXImperativeInvoke(add, 1, inputs, &num_outputs, &outputs, 0, NULL, NULL),
              MX_ERROR_VALUE);
  {
    const char* keys[] = {"no_such_param"};
    const char* vals[] = {"1"};
    CHECK_ERROR_MSG(MXImperativeInvoke(plus_scalar, 1, &a, &num_outputs, &outputs, 1, keys, vals),
                    MX_ERROR_NOT_FOUND, "no_such_param");
  }
  {
    const char* keys[] = {"scalar"};
    const char* vals[] = {"abc"};
    CHECK_ERROR_MSG(MXImperativeInvoke(plus_scalar, 1, &a, &num_outputs, &outputs, 1, keys, vals),
                    MX_ERROR_VALUE, "abc");
  }
  {
    const char* keys[] = {"shape"};
    const char* vals[] = {"(2, 2)"};
    CHECK_ERROR_MSG(MXImperativeInvoke(full, 0, NULL, &num_outputs, &outputs, 1, keys, vals),
                    MX_ERROR_VALUE, "value");
  }
  {
    const char* keys[] = {"shape", "value"};
    const char* vals[] = {"(2, -3)", "1"};
    CHECK_ERROR(MXImperativeInvoke(full, 0, NULL, &num_outputs, &outputs, 2, keys, vals),
                MX_ERROR_VALUE);
  }
  { /* An output of the wrong shape is not silently replaced. */
    const char* keys[] = {"scalar"};
    const char* vals[] = {"1"};
    MXNDArrayHandle* given = &wrong_out;
    int one = 1;
    CHECK_ERROR(MXImperativeInvoke(plus_scalar, 1, &a, &one, &given, 1, keys, vals),
                MX_ERROR_VALUE);
  }
  CHECK_ERROR(MXImperativeInvoke(NULL, 1, &a, &num_outputs, &outputs, 0, NULL, NULL),
              MX_ERROR_HANDLE);
  CHECK_ERROR(MXImperativeInvoke(plus_scalar, 1, &a, NULL, &outputs, 0, NULL, NULL),
              MX_ERROR_VALUE);
  CHECK_ERROR(MXImperativeInvoke(plus_scalar, 1, NULL, &num_outputs, &outputs, 0, NULL, NULL),
              MX_ERROR_VALUE);
  CHECK(outputs == NULL); /* a failed call hands out nothing */

  CHECK_OK(MXNDArrayFree(wrong_out));
  CHECK_OK(MXNDArrayFree(d));
  CHECK_OK(MXNDArrayFree(b4));
  CHECK_OK(MXNDArrayFree(a));
}

/* Bound calls: parameters parsed once, invoked many times. */
static void test_op_calls(void) {
  const int64_t shape[] = {3}, shape2[] = {2};
  const float values[] = {1, 2, 3}, plus_half[] = {1.5f, 2.5f, 3.5f};
  const float twice[] = {2, 3, 4};
  const char* keys[] = {"scalar"};
  const char* half[] = {"0.5"};
  MXOpHandle plus_scalar = op_named("_plus_scalar"), full = op_named("_full");
  MXOpCallHandle call = NULL, other = NULL;
  MXNDArrayHandle x = new_f32(1, shape, values), wrong = new_array(kFloat32, 1, shape2);
  MXNDArrayHandle out[2] = {NULL, NULL};

  CHECK_OK(MXOpCallCreate(plus_scalar, 1, keys, half, &call));
  CHECK_OK(MXOpCallInvoke(call, 1, &x, 1, out)); /* NULL slot: a new array */
  CHECK(out[0] != NULL && same_f32(out[0], plus_half, 3));
  /* A non-NULL slot is written: x + 0.5 + 0.5, in place of the output. */
  CHECK_OK(MXOpCallInvoke(call, 1, out, 1, out));
  CHECK(same_f32(out[0], twice, 3));

  CHECK_ERROR(MXOpCallInvoke(call, 1, &x, 2, out), MX_ERROR_VALUE);
  CHECK_ERROR(MXOpCallInvoke(call, 0, NULL, 1, out), MX_ERROR_VALUE);
  CHECK_ERROR(MXOpCallInvoke(call, 1, &x, 1, &wrong), MX_ERROR_VALUE);
  CHECK_ERROR(MXOpCallInvoke(call, 1, &x, 1, NULL), MX_ERROR_VALUE);
  CHECK_ERROR(MXOpCallInvoke(NULL, 1, &x, 1, out), MX_ERROR_HANDLE);
  CHECK_OK(MXNDArrayFree(out[0]));
  CHECK_ERROR(MXOpCallInvoke(call, 1, out, 1, &x), MX_ERROR_HANDLE); /* freed input */

  /* Parameter errors come back from MXOpCallCreate, before any invoke. */
  {
    const char* unknown[] = {"no_such_param"};
    const char* shape_only[] = {"shape"};
    const char* two_by_two[] = {"(2, 2)"};
    const char* abc[] = {"abc"};
    CHECK_ERROR(MXOpCallCreate(plus_scalar, 1, unknown, half, &other), MX_ERROR_NOT_FOUND);
    CHECK_ERROR(MXOpCallCreate(plus_scalar, 1, keys, abc, &other), MX_ERROR_VALUE);
    CHECK_ERROR(MXOpCallCreate(full, 1, shape_only, two_by_two, &other), MX_ERROR_VALUE);
    CHECK_ERROR(MXOpCallCreate(NULL, 1, keys, half, &other), MX_ERROR_HANDLE);
    CHECK_ERROR(MXOpCallCreate(plus_scalar, 1, keys, half, NULL), MX_ERROR_VALUE);
    CHECK(other == NULL);
  }

  CHECK_OK(MXOpCallFree(NULL));
  CHECK_OK(MXOpCallFree(call));
  /* A freed call is told apart from a live one, as a freed array is. */
  CHECK_ERROR(MXOpCallInvoke(call, 1, &x, 1, out), MX_ERROR_HANDLE);
  CHECK_ERROR(MXOpCallFree(call), MX_ERROR_HANDLE);
  CHECK_OK(MXNDArrayFree(wrong));
  CHECK_OK(MXNDArrayFree(x));
}

/* ------------------------------------------------------------------ */
/* Engine                                                             */
/* ------------------------------------------------------------------ */

/* The kind a failing callback reports; an unusual one, to show it is kept. */
enum { kFailKind = MX_ERROR_IO };

static int fail_on_purpose(void* param) {
  (void)param;
  MXSetLastError(kFailKind, "failed on purpose");
  return -1;
}

static int fail_silently(void* param) {
  (void)param;
  return -1;
}

/* What an engine callback saw: how often it ran and was deleted. */
struct Counts {
  int calls;
  int deletes;
};

static int count_call(void* counts) {
  ((struct Counts*)counts)->calls++;
  return 0;
}

static void count_delete(void* counts) { ((struct Counts*)counts)->deletes++; }

static int push_failure(MXNDArrayHandle target) {
  return MXEnginePushSync(fail_on_purpose, NULL, NULL, kCPU, 0, NULL, 0, &target, 1,
                          "fail_on_purpose");
}

static void test_engine_push(void) {
  const int64_t shape[] = {1};
  MXNDArrayHandle a = new_array(kInt64, 1, shape), freed = new_array(kInt64, 1, shape);
  const char* engine = NULL;
  const char* wanted = getenv("MXNET_ENGINE_TYPE");
  struct Counts n = {0, 0};

  CHECK_OK(MXEngineGetType(&engine));
  CHECK(strcmp(engine, wanted && strcmp(wanted, "NaiveEngine") == 0 ? "NaiveEngine"
                                                                   : "ThreadedEngine") == 0);
  CHECK_ERROR(MXEngineGetType(NULL), MX_ERROR_VALUE);

  CHECK_OK(MXEnginePushSync(count_call, &n, count_delete, kCPU, 0, NULL, 0, &a, 1, "count"));
  CHECK_OK(MXEnginePushSync(count_call, &n, count_delete, kCPU, 0, &a, 1, NULL, 0, NULL));
  CHECK_OK(MXNDArrayWaitAll()); /* deleters run after fn: wait for all */
  CHECK(n.calls == 2 && n.deletes == 2);
  CHECK_ERROR(MXEnginePushSync(NULL, NULL, NULL, kCPU, 0, NULL, 0, &a, 1, NULL),
              MX_ERROR_VALUE);

  CHECK_OK(MXNDArrayFree(freed));
  CHECK_ERROR(MXEnginePushSync(count_call, &n, NULL, kCPU, 0, &freed, 1, NULL, 0, NULL),
              MX_ERROR_HANDLE);
  CHECK_ERROR(MXEnginePushSync(count_call, &n, NULL, kCPU, 0, NULL, 0, &freed, 1, NULL),
              MX_ERROR_HANDLE);
  CHECK_ERROR(MXEnginePushSync(count_call, &n, NULL, kCPU, 0, NULL, -1, NULL, 0, NULL),
              MX_ERROR_VALUE);
  CHECK_ERROR(MXEnginePushSync(count_call, &n, NULL, kCPU, 0, NULL, 1, NULL, 0, NULL),
              MX_ERROR_VALUE);
  CHECK_ERROR(MXEnginePushSync(count_call, &n, NULL, 99, 0, NULL, 0, &a, 1, NULL),
              MX_ERROR_VALUE);
  CHECK_ERROR(MXEnginePushSync(count_call, &n, NULL, kCPU, -1, NULL, 0, &a, 1, NULL),
              MX_ERROR_VALUE);
  CHECK_OK(MXNDArrayWaitAll());
  CHECK(n.calls == 2 && n.deletes == 2); /* nothing rejected ran */
  CHECK_OK(MXNDArrayFree(a));
}

/* A failing callback's error (message and kind) is stored on what it
 * writes and inherited by ops that read that, which are skipped.  As in
 * MXNet it is raised once: by the first wait that meets it, on any array
 * carrying it or wait-all; after that it is spent. */
static void test_engine_errors(void) {
  const int64_t shape[] = {1}, shape2[] = {2};
  const int64_t one = 1;
  int64_t got = 0;
  MXNDArrayHandle a = new_array(kInt64, 1, shape), b = new_array(kInt64, 1, shape);
  MXNDArrayHandle c = new_array(kInt64, 1, shape);
  struct Counts n = {0, 0};

  CHECK_OK(MXNDArraySyncCopyFromCPU(a, &one, 1));

  /* Raised by the next wait on the array, then cleared. */
  CHECK_OK(push_failure(a));
  CHECK_ERROR_MSG(MXNDArrayWaitToRead(a), kFailKind, "failed on purpose");
  CHECK_OK(MXNDArrayWaitToRead(a));
  CHECK_OK(MXNDArrayWaitAll());

  /* Inherited: the reader is skipped (its deleter still runs) and its
   * output carries the error. */
  CHECK_OK(push_failure(a));
  CHECK_OK(MXEnginePushSync(count_call, &n, count_delete, kCPU, 0, &a, 1, &b, 1,
                            "reads_failed_array"));
  CHECK_ERROR_MSG(MXNDArrayWaitToRead(b), kFailKind, "failed on purpose");
  CHECK_OK(MXNDArrayWaitToRead(a)); /* the same error, spent */
  CHECK_OK(MXNDArrayWaitAll());
  CHECK(n.calls == 0 && n.deletes == 1);

  /* Wait-all raises an error no other wait raised, and spends it. */
  CHECK_OK(push_failure(a));
  CHECK_ERROR_MSG(MXNDArrayWaitAll(), kFailKind, "failed on purpose");
  CHECK_OK(MXNDArrayWaitAll());
  CHECK_OK(MXNDArrayWaitToRead(a));

  /* A spent error is no longer inherited: a later reader of b runs. */
  CHECK_OK(push_failure(a));
  CHECK_OK(MXEnginePushSync(count_call, &n, NULL, kCPU, 0, &a, 1, &b, 1, NULL));
  CHECK_ERROR(MXNDArrayWaitToRead(a), kFailKind);
  CHECK_OK(MXEnginePushSync(count_call, &n, NULL, kCPU, 0, &b, 1, &c, 1, NULL));
  CHECK_OK(MXNDArrayWaitAll());
  CHECK(n.calls == 1);

  /* The failed op wrote nothing; the copy-out raises and clears the error. */
  CHECK_OK(push_failure(a));
  CHECK_ERROR_MSG(MXNDArraySyncCopyToCPU(a, &got, 1), kFailKind, "failed on purpose");
  CHECK_OK(MXNDArraySyncCopyToCPU(a, &got, 1));
  CHECK(got == 1);

  /* Waiting for write access raises it too. */
  CHECK_OK(push_failure(a));
  CHECK_ERROR(MXNDArrayWaitToWrite(a), kFailKind);
  CHECK_OK(MXNDArrayWaitAll());

  /* An op reading a failed array is skipped; its output carries the error. */
  {
    const float values[] = {1, 2};
    const char* keys[] = {"scalar"};
    const char* vals[] = {"1"};
    MXNDArrayHandle x = new_f32(1, shape2, values), y;
    int rc = 0;
    CHECK_OK(push_failure(x));
    y = invoke("_plus_scalar", 1, &x, 1, keys, vals, &rc);
    CHECK_OK(rc);
    CHECK_ERROR_MSG(MXNDArrayWaitToRead(y), kFailKind, "failed on purpose");
    CHECK_OK(MXNDArrayWaitToRead(x));
    CHECK(same_f32(x, values, 2));
    CHECK_OK(MXNDArrayFree(y));
    CHECK_OK(MXNDArrayFree(x));
  }

  /* A callback that fails without a message gets a generic one, not a
   * stale message left on the thread that ran it. */
  CHECK_OK(MXSetLastError(MX_ERROR_VALUE, "stale message"));
  CHECK_OK(MXEnginePushSync(fail_silently, NULL, NULL, kCPU, 0, NULL, 0, &a, 1, NULL));
  CHECK_ERROR_MSG(MXNDArrayWaitToRead(a), MX_ERROR_CALLBACK, "reported an error");
  CHECK_OK(MXNDArrayWaitAll());
  CHECK_OK(MXNDArrayFree(c));
  CHECK_OK(MXNDArrayFree(b));
  CHECK_OK(MXNDArrayFree(a));
}

/* ------------------------------------------------------------------ */
/* Random numbers, storage, plugins                                   */
/* ------------------------------------------------------------------ */

static void test_random(void) {
  /* Every int is a valid seed, so MXRandomSeed has no failure case. */
  CHECK_OK(MXRandomSeed(42));
  CHECK_OK(MXRandomSeed(-1));
  CHECK_OK(MXRandomSeedContext(7, kCPU, 0));
  CHECK_ERROR(MXRandomSeedContext(7, 99, 0), MX_ERROR_VALUE);
  CHECK_ERROR(MXRandomSeedContext(7, kCPU, -1), MX_ERROR_VALUE);
}

static MXStorageStats cpu_stats(void) {
  MXStorageStats s;
  memset(&s, 0, sizeof s);
  s.struct_size = sizeof s;
  CHECK_OK(MXStorageGetStats(kCPU, 0, &s));
  return s;
}

static void test_storage(void) {
  const int64_t shape[] = {1000}; /* 4000 bytes of float32 */
  MXStorageStats before, live, freed, reused, truncated;
  MXNDArrayHandle a;

  CHECK_OK(MXNDArrayWaitAll()); /* buffers are released behind pending work */
  before = cpu_stats();
  a = new_array(kFloat32, 1, shape);
  live = cpu_stats();
  CHECK(live.num_allocs == before.num_allocs + 1);
  CHECK(live.bytes_in_use >= before.bytes_in_use + 4000);
  CHECK(live.peak_bytes_in_use >= live.bytes_in_use);

  CHECK_OK(MXNDArrayFree(a));
  CHECK_OK(MXNDArrayWaitAll());
  freed = cpu_stats();
  CHECK(freed.num_frees == before.num_frees + 1);
  CHECK(freed.bytes_in_use == before.bytes_in_use);
  CHECK(freed.bytes_pooled >= live.bytes_pooled + 4000);

  /* The same size again comes from the pool, not the system. */
  a = new_array(kFloat32, 1, shape);
  reused = cpu_stats();
  CHECK(reused.num_system_allocs == freed.num_system_allocs);
  CHECK_OK(MXNDArrayFree(a));
  CHECK_OK(MXNDArrayWaitAll());

  CHECK_OK(MXStorageReleaseAll(kCPU, 0));
  CHECK(cpu_stats().bytes_pooled == 0);

  /* 2^62 bytes fit the size types but no machine.  A failed request is not
   * counted.  (Sanitizers need allocator_may_return_null=1 for this.) */
  {
    const int64_t enormous[] = {INT64_C(1) << 60};
    MXNDArrayHandle none = NULL;
    const MXStorageStats prior = cpu_stats();
    MXStorageStats after;
    CHECK_ERROR(MXNDArrayCreate(enormous, 1, kCPU, 0, kFloat32, &none), MX_ERROR_MEMORY);
    after = cpu_stats();
    CHECK(after.num_allocs == prior.num_allocs && after.bytes_in_use == prior.bytes_in_use);
    CHECK(after.peak_bytes_in_use == prior.peak_bytes_in_use);
  }
  CHECK_ERROR(MXStorageReleaseAll(kGPU, gpu_count()), MX_ERROR_NOT_IMPLEMENTED);
  CHECK_ERROR(MXStorageReleaseAll(99, 0), MX_ERROR_VALUE);

  /* An older, shorter struct: fields past struct_size stay untouched. */
  memset(&truncated, 0, sizeof truncated);
  truncated.struct_size = offsetof(MXStorageStats, num_allocs);
  truncated.num_allocs = 12345;
  CHECK_OK(MXStorageGetStats(kCPU, 0, &truncated));
  CHECK(truncated.peak_bytes_in_use > 0); /* inside: filled */
  CHECK(truncated.num_allocs == 12345 && truncated.struct_size ==
                                             offsetof(MXStorageStats, num_allocs));
  truncated.struct_size = 0;
  CHECK_ERROR(MXStorageGetStats(kCPU, 0, &truncated), MX_ERROR_VALUE);
  CHECK_ERROR(MXStorageGetStats(kCPU, 0, NULL), MX_ERROR_VALUE);
  truncated.struct_size = sizeof truncated;
  CHECK_ERROR(MXStorageGetStats(kGPU, gpu_count(), &truncated), MX_ERROR_NOT_IMPLEMENTED);
  CHECK_ERROR(MXStorageGetStats(99, 0, &truncated), MX_ERROR_VALUE);
}

static void test_plugin(const char* path) {
  const int64_t shape[] = {3};
  const float values[] = {1, -2, 3}, squares[] = {1, 4, 9};
  MXNDArrayHandle x = new_f32(1, shape, values), y;
  MXOpHandle op = NULL;
  int rc = 0;

  CHECK_ERROR_MSG(MXPluginLoad("/nonexistent/libmx_nothing.so"), MX_ERROR_PLUGIN,
                  "libmx_nothing.so");
  CHECK_ERROR(MXPluginLoad(""), MX_ERROR_PLUGIN);
  CHECK_ERROR(MXPluginLoad(NULL), MX_ERROR_PLUGIN);
  CHECK_ERROR(MXGetOpHandle("_test_square", &op), MX_ERROR_NOT_FOUND);

  CHECK_OK(MXPluginLoad(path));
  y = invoke("_test_square", 1, &x, 0, NULL, NULL, &rc);
  CHECK_OK(rc);
  CHECK(same_f32(y, squares, 3));
  CHECK_OK(MXNDArrayFree(y));

  /* Loading it twice would define the op twice: refused as a whole. */
  CHECK_ERROR_MSG(MXPluginLoad(path), MX_ERROR_PLUGIN, "_test_square");
  CHECK_OK(MXGetOpHandle("_test_square", &op));

  /* A kernel's error is stored on the op's output and raised by the wait. */
  {
    const char* keys[] = {"fail"};
    const char* vals[] = {"True"};
    y = invoke("_test_square", 1, &x, 1, keys, vals, &rc);
    CHECK_OK(rc);
    CHECK(MXNDArrayWaitToRead(y) == -1 && strstr(MXGetLastError(), "asked to fail") != NULL);
    CHECK_OK(MXNDArrayFree(y));
  }
  CHECK_OK(MXNDArrayFree(x));
}

static void test_gpus(void) {
  const int n = gpu_count();
  uint64_t free_mem = 0, total_mem = 0;
  CHECK(n >= 0);
  CHECK_ERROR(MXGetGPUCount(NULL), MX_ERROR_VALUE);
  CHECK_ERROR_MSG(MXGetGPUMemoryInformation64(n, &free_mem, &total_mem), MX_ERROR_NOT_IMPLEMENTED,
                  "is not available");
  CHECK_ERROR(MXGetGPUMemoryInformation64(-1, &free_mem, &total_mem), MX_ERROR_NOT_IMPLEMENTED);
  if (n > 0) {
    CHECK_OK(MXGetGPUMemoryInformation64(0, &free_mem, &total_mem));
    CHECK(total_mem > 0 && free_mem <= total_mem);
    CHECK_ERROR(MXGetGPUMemoryInformation64(0, NULL, &total_mem), MX_ERROR_VALUE);
  }
}

/* A producer's DLPack tensor over a static buffer; its deleter counts. */
static int deletions;
static void count_deletion(DLManagedTensor* self) {
  (void)self;
  deletions++;
}

static void test_dlpack(void) {
  static float values[] = {1, 2, 3, 4, 5, 6};
  static int64_t shape[] = {2, 3};
  static int64_t bad_strides[] = {1, 2};
  const int n = gpu_count();
  float out[6];
  int dev_type = 0, dev_id = -1;
  int64_t stream = 0;
  DLManagedTensor tensor, *exported = NULL;
  MXNDArrayHandle a = NULL, b = NULL;

  memset(&tensor, 0, sizeof tensor);
  tensor.dl_tensor.data = values;
  tensor.dl_tensor.device.device_type = kDLCPU;
  tensor.dl_tensor.ndim = 2;
  tensor.dl_tensor.dtype.code = kDLFloat;
  tensor.dl_tensor.dtype.bits = 32;
  tensor.dl_tensor.dtype.lanes = 1;
  tensor.dl_tensor.shape = shape;
  tensor.deleter = count_deletion;

  /* Refused imports leave the tensor the caller's: no deletion. */
  tensor.dl_tensor.device.device_type = kDLCUDA;
  tensor.dl_tensor.device.device_id = n;
  CHECK_ERROR_MSG(MXNDArrayFromDLPack(&tensor, &a), MX_ERROR_NOT_IMPLEMENTED, "is not available");
  tensor.dl_tensor.device.device_type = kDLOpenCL;
  CHECK_ERROR_MSG(MXNDArrayFromDLPack(&tensor, &a), MX_ERROR_NOT_IMPLEMENTED, "device type 4");
  tensor.dl_tensor.device.device_type = kDLCPU;
  tensor.dl_tensor.device.device_id = 0;
  tensor.dl_tensor.strides = bad_strides;
  CHECK_ERROR_MSG(MXNDArrayFromDLPack(&tensor, &a), MX_ERROR_VALUE, "compact row-major");
  tensor.dl_tensor.strides = NULL;
  CHECK_ERROR(MXNDArrayFromDLPack(NULL, &a), MX_ERROR_VALUE);
  CHECK_ERROR(MXNDArrayFromDLPack(&tensor, NULL), MX_ERROR_VALUE);
  CHECK(deletions == 0);

  /* CUDA host memory is imported as cpu_pinned, zero-copy. */
  tensor.dl_tensor.device.device_type = kDLCUDAHost;
  CHECK_OK(MXNDArrayFromDLPack(&tensor, &a));
  CHECK_OK(MXNDArrayGetContext(a, &dev_type, &dev_id));
  CHECK(dev_type == kCPUPinned && dev_id == 0);
  values[5] = 60;
  CHECK_OK(MXNDArraySyncCopyToCPU(a, out, 6));
  CHECK(out[0] == 1 && out[5] == 60);
  /* Exported again, and back: the same memory. */
  CHECK_OK(MXNDArrayToDLPack(a, 0, &exported));
  CHECK(exported->dl_tensor.data == (void*)values && exported->dl_tensor.device.device_type == kDLCPU);
  CHECK_OK(MXNDArrayFromDLPack(exported, &b));
  CHECK_OK(MXNDArrayFree(a));
  CHECK(deletions == 0); /* b still uses the memory */
  CHECK_OK(MXNDArrayFree(b));
  CHECK_OK(MXNDArrayWaitAll());
  CHECK(deletions == 1);
  CHECK_ERROR(MXNDArrayToDLPack(NULL, 0, &exported), MX_ERROR_HANDLE);
  CHECK_OK(MXDLPackDelete(NULL));

  /* The stream a CUDA producer is asked to make a tensor ready on. */
  CHECK_ERROR_MSG(MXGetGPUDLPackStream(n, &stream), MX_ERROR_NOT_IMPLEMENTED, "is not available");
  if (n > 0) {
    CHECK_OK(MXGetGPUDLPackStream(0, &stream));
    CHECK(stream == 1 || stream > 2);
    CHECK_ERROR(MXGetGPUDLPackStream(0, NULL), MX_ERROR_VALUE);
  }
}

/* Init functions for MXPluginInitCallback (a frontend's plugin). */
static int init_nothing(const struct MXPluginHost* host, int abi_version) {
  (void)host;
  (void)abi_version;
  return 0;
}

static int init_failing(const struct MXPluginHost* host, int abi_version) {
  (void)abi_version;
  host->set_error("this init fails on purpose");
  return -1;
}

static int kernel_unused(const MXKernelCall* call) {
  (void)call;
  return 0;
}

static int init_unknown_op(const struct MXPluginHost* host, int abi_version) {
  MXKernelDesc desc;
  (void)abi_version;
  memset(&desc, 0, sizeof desc);
  desc.struct_size = sizeof desc;
  desc.abi_major = MX_PLUGIN_ABI_MAJOR;
  desc.op_name = "_no_such_op_anywhere";
  desc.device_type = kDLCUDA;
  desc.fn = kernel_unused;
  return host->register_kernel(&desc);
}

static void test_plugin_callback(void) {
  CHECK_OK(MXPluginInitCallback("nothing", init_nothing));
  CHECK_ERROR_MSG(MXPluginInitCallback("failing", init_failing), MX_ERROR_PLUGIN,
                  "fails on purpose");
  CHECK_ERROR_MSG(MXPluginInitCallback("callback", init_unknown_op), MX_ERROR_PLUGIN,
                  "_no_such_op_anywhere");
  CHECK_ERROR(MXPluginInitCallback(NULL, init_nothing), MX_ERROR_PLUGIN);
  CHECK_ERROR(MXPluginInitCallback("null", NULL), MX_ERROR_PLUGIN);
}

/* After shutdown the runtime still works, synchronously. */
static void test_shutdown(void) {
  const int64_t shape[] = {2};
  const float values[] = {1, 2}, doubled[] = {2, 4};
  const char* keys[] = {"scalar"};
  const char* vals[] = {"2"};
  MXNDArrayHandle x, y;
  struct Counts n = {0, 0};
  int rc = 0;

  CHECK_OK(MXNotifyShutdown());
  CHECK_OK(MXNotifyShutdown()); /* idempotent */
  x = new_f32(1, shape, values);
  y = invoke("_mul_scalar", 1, &x, 1, keys, vals, &rc);
  CHECK_OK(rc);
  CHECK(same_f32(y, doubled, 2));
  CHECK_OK(MXEnginePushSync(count_call, &n, NULL, kCPU, 0, NULL, 0, &x, 1, NULL));
  CHECK_OK(MXNDArrayWaitAll());
  CHECK(n.calls == 1);
  CHECK_OK(MXNDArrayFree(y));
  CHECK_OK(MXNDArrayFree(x));
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s PLUGIN (the library built from plugin_square.c)\n", argv[0]);
    return 2;
  }
  test_errors_and_versions();
  test_create_and_properties();
  test_freed_handles();
  test_copies_and_waits();
  test_views();
  test_op_introspection();
  test_invoke_values();
  test_invoke_errors();
  test_engine_push();
  test_engine_errors();
  test_random();
  test_storage();
  test_plugin(argv[1]);
  test_plugin_callback();
  test_gpus();
  test_dlpack();
  test_op_calls(); /* late: a crash on its freed handle would hide the rest */
  test_shutdown();
  return REPORT();
}
