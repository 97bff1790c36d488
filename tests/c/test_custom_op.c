/*
 * A custom operator defined in plain C through MXCustomOpRegister -- what an
 * R or Julia binding does -- run imperatively, under autograd and in a bound
 * symbol, with its errors and the release of every frontend object.
 *
 * The op "c_scale" computes output = factor * data, with factor a keyword
 * parameter ("2.5") that reaches create_prop as a string.  Its forward and
 * backward compute with an ordinary op (_mul_scalar) on the arrays they get.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

enum { kCPU = 1, kFloat32 = 0 };

static int props_alive, operators_alive, states_freed, backward_calls;

struct Prop {
  double factor;
  const char* arguments[1];
  const char* outputs[1];
  int backward_deps[1];
};

/* -1 and an error of kind with a message containing text. */
static int failed_with(int rc, int kind, const char* text) {
  return rc == -1 && MXGetLastErrorKind() == kind && strstr(MXGetLastError(), text) != NULL;
}

/* What a failing callback does: set the message, return -1. */
static int fail(int kind, const char* message) {
  MXSetLastError(kind, message);
  return -1;
}

static void free_all(uint32_t num, MXNDArrayHandle* arrays) {
  for (uint32_t i = 0; i < num; ++i) MXNDArrayFree(arrays[i]);
}

/* dst = factor * src, written into dst (an array MX gave the callback). */
static int scale_into(MXNDArrayHandle src, MXNDArrayHandle dst, double factor) {
  MXOpHandle op = NULL;
  char text[32];
  snprintf(text, sizeof text, "%.17g", factor);
  const char* keys[1] = {"scalar"};
  const char* vals[1] = {text};
  MXNDArrayHandle outs[1] = {dst};
  MXNDArrayHandle* out_ptr = outs;
  int num_outputs = 1;
  if (MXGetOpHandle("_mul_scalar", &op) != 0) return -1;
  return MXImperativeInvoke(op, 1, &src, &num_outputs, &out_ptr, 1, keys, vals);
}

static int create_prop(void* state, const char* op_type, uint32_t num_kwargs, const char* const* keys,
                       const char* const* vals, MXCustomOpPropInfo* out) {
  (void)state;
  (void)op_type;
  struct Prop* p = calloc(1, sizeof *p);
  p->factor = 1;
  for (uint32_t i = 0; i < num_kwargs; ++i) {
    if (strcmp(keys[i], "factor") != 0) {
      free(p);
      return fail(MX_ERROR_VALUE, "c_scale takes only the parameter factor");
    }
    p->factor = atof(vals[i]);
  }
  p->arguments[0] = "data";
  p->outputs[0] = "output";
  p->backward_deps[0] = 0; /* backward reads only the output's gradient */
  out->prop = p;
  out->num_arguments = 1;
  out->arguments = p->arguments;
  out->num_outputs = 1;
  out->outputs = p->outputs;
  out->num_aux_states = 0;
  out->aux_states = NULL;
  out->num_backward_deps = 1;
  out->backward_deps = p->backward_deps;
  props_alive++;
  return 0;
}

/* The output has the argument's shape and dtype. */
static int infer_shape(void* prop, uint32_t num, int* ndims, int64_t* dims) {
  (void)prop;
  if (num != 2) return fail(MX_ERROR_VALUE, "expected 2 shapes");
  ndims[1] = ndims[0];
  memcpy(dims + 32, dims, 32 * sizeof(int64_t));
  return 0;
}

static int infer_type(void* prop, uint32_t num, int* dtypes) {
  (void)prop;
  (void)num;
  dtypes[1] = dtypes[0];
  return 0;
}

static int create_operator(void* prop, const char* ctx, uint32_t num_inputs, const int* ndims,
                           const int64_t* dims, const int* dtypes, void** out_op) {
  (void)dims;
  if (strcmp(ctx, "cpu(0)") != 0 || num_inputs != 1 || ndims[0] < 0 || dtypes[0] != kFloat32)
    return fail(MX_ERROR_VALUE, "unexpected operator request");
  *out_op = prop; /* the operator needs nothing beyond the factor */
  operators_alive++;
  return 0;
}

static int forward(void* op, int is_train, uint32_t num, MXNDArrayHandle* arrays, const int* tags,
                   const int* reqs) {
  (void)is_train;
  const struct Prop* p = op;
  int rc;
  if (num != 2 || tags[0] != MX_CUSTOM_IN_DATA || tags[1] != MX_CUSTOM_OUT_DATA || reqs[0] != 1)
    rc = fail(MX_ERROR_VALUE, "unexpected forward arrays");
  else if (p->factor < 0)
    rc = fail(MX_ERROR_VALUE, "negative factors are refused");
  else
    rc = scale_into(arrays[0], arrays[1], p->factor);
  free_all(num, arrays);
  return rc;
}

/* arrays: out_grad, in_data (NULL: not declared), out_data (NULL), in_grad. */
static int backward(void* op, int is_train, uint32_t num, MXNDArrayHandle* arrays, const int* tags,
                    const int* reqs) {
  (void)is_train;
  (void)reqs;
  const struct Prop* p = op;
  int rc;
  backward_calls++;
  if (num != 4 || tags[0] != MX_CUSTOM_OUT_GRAD || tags[3] != MX_CUSTOM_IN_GRAD || arrays[1] != NULL ||
      arrays[2] != NULL)
    rc = fail(MX_ERROR_VALUE, "unexpected backward arrays");
  else
    rc = scale_into(arrays[0], arrays[3], p->factor);
  free_all(num, arrays);
  return rc;
}

static void free_operator(void* op) {
  (void)op;
  operators_alive--;
}

static void free_prop(void* prop) {
  free(prop);
  props_alive--;
}

static void free_state(void* state) {
  (void)state;
  states_freed++;
}

static MXCustomOpType scale_type(void) {
  MXCustomOpType t;
  memset(&t, 0, sizeof t);
  t.struct_size = sizeof t;
  t.create_prop = create_prop;
  t.infer_shape = infer_shape;
  t.infer_type = infer_type;
  t.create_operator = create_operator;
  t.forward = forward;
  t.backward = backward;
  t.free_operator = free_operator;
  t.free_prop = free_prop;
  t.free_state = free_state;
  return t;
}

static MXNDArrayHandle array3(float a, float b, float c) {
  const float values[3] = {a, b, c};
  const int64_t n = 3;
  MXNDArrayHandle h = NULL;
  CHECK_OK(MXNDArrayCreate(&n, 1, kCPU, 0, kFloat32, &h));
  CHECK_OK(MXNDArraySyncCopyFromCPU(h, values, 3));
  return h;
}

static int equal3(MXNDArrayHandle h, float a, float b, float c) {
  float got[3];
  return MXNDArraySyncCopyToCPU(h, got, 3) == 0 && got[0] == a && got[1] == b && got[2] == c;
}

/* Custom(x, op_type=c_scale, factor=factor): its output, or NULL. */
static MXNDArrayHandle run_scale(MXNDArrayHandle x, const char* factor, int* rc) {
  MXOpHandle custom = NULL;
  MXNDArrayHandle* outputs = NULL;
  int num_outputs = 0;
  const char* keys[2] = {"op_type", "factor"};
  const char* vals[2] = {"c_scale", factor};
  CHECK_OK(MXGetOpHandle("Custom", &custom));
  *rc = MXImperativeInvoke(custom, 1, &x, &num_outputs, &outputs, 2, keys, vals);
  return *rc == 0 && num_outputs == 1 ? outputs[0] : NULL;
}

static void test_register_errors(void) {
  MXCustomOpType t = scale_type();
  CHECK(failed_with(MXCustomOpRegister("c_scale", NULL), MX_ERROR_VALUE, "callback table is NULL"));
  CHECK(failed_with(MXCustomOpRegister(NULL, &t), MX_ERROR_VALUE, "NULL or empty"));
  CHECK(failed_with(MXCustomOpRegister("", &t), MX_ERROR_VALUE, "NULL or empty"));
  t.struct_size = sizeof(size_t);
  CHECK(failed_with(MXCustomOpRegister("c_scale", &t), MX_ERROR_VALUE, "struct_size"));
  t = scale_type();
  t.forward = NULL;
  CHECK(failed_with(MXCustomOpRegister("c_scale", &t), MX_ERROR_VALUE, "callback forward is NULL"));
  CHECK(states_freed == 0); /* nothing was registered, nothing released */
}

static void test_imperative_and_errors(void) {
  int rc = 0;
  MXNDArrayHandle x = array3(1, 2, 3);
  MXNDArrayHandle y = run_scale(x, "2.5", &rc);
  CHECK(y != NULL && equal3(y, 2.5f, 5, 7.5f));
  CHECK(props_alive == 0 && operators_alive == 0); /* not recorded: released at once */
  MXNDArrayFree(y);

  CHECK(run_scale(x, "-1", &rc) == NULL);
  CHECK(failed_with(rc, MX_ERROR_CALLBACK,
                    "Custom operator 'c_scale' forward failed: negative factors are refused"));
  MXOpHandle custom = NULL;
  MXNDArrayHandle* outputs = NULL;
  int num_outputs = 0;
  const char* keys[2] = {"op_type", "speed"};
  const char* vals[2] = {"c_scale", "3"};
  CHECK_OK(MXGetOpHandle("Custom", &custom));
  CHECK(failed_with(MXImperativeInvoke(custom, 1, &x, &num_outputs, &outputs, 2, keys, vals),
                    MX_ERROR_CALLBACK, "'c_scale' create_prop failed: c_scale takes only"));
  y = run_scale(x, "2", &rc); /* and MX keeps working */
  CHECK(y != NULL && equal3(y, 2, 4, 6));
  MXNDArrayFree(y);
  MXNDArrayFree(x);
  CHECK(props_alive == 0 && operators_alive == 0);
}

static void test_autograd(void) {
  int rc = 0;
  MXNDArrayHandle x = array3(1, 2, 3), grad = array3(0, 0, 0);
  const int req = 1;
  CHECK_OK(MXAutogradMarkVariables(1, &x, &req, &grad));
  CHECK_OK(MXAutogradSetIsRecording(1, NULL));
  MXNDArrayHandle y = run_scale(x, "3", &rc);
  CHECK_OK(MXAutogradSetIsRecording(0, NULL));
  CHECK(y != NULL && operators_alive == 1); /* kept for the backward */
  CHECK_OK(MXAutogradBackward(1, &y, NULL, 0, NULL, 0, 0, 1, NULL));
  CHECK(backward_calls == 1 && equal3(grad, 3, 3, 3));
  MXNDArrayFree(y);
  MXNDArrayFree(x);
  MXNDArrayFree(grad);
  CHECK(props_alive == 0 && operators_alive == 0);
}

static void test_symbol_and_executor(void) {
  MXSymbolHandle data = NULL, y = NULL;
  MXOpHandle custom = NULL;
  const char* keys[2] = {"op_type", "factor"};
  const char* vals[2] = {"c_scale", "0.5"};
  CHECK_OK(MXGetOpHandle("Custom", &custom));
  CHECK_OK(MXSymbolCreateVariable("x", &data));
  CHECK_OK(MXSymbolCreateAtomicSymbol(custom, "half", 2, keys, vals, &y));
  CHECK_OK(MXSymbolCompose(y, NULL, 1, NULL, &data));
  uint32_t n = 0;
  const char** names = NULL;
  CHECK_OK(MXSymbolListOutputs(y, &n, &names));
  CHECK(n == 1 && strcmp(names[0], "half_output") == 0);
  const char* json = NULL;
  CHECK_OK(MXSymbolSaveToJSON(y, &json));
  CHECK(json != NULL && strstr(json, "\"factor\": \"0.5\"") != NULL);

  MXNDArrayHandle x = array3(2, 4, 6), grad = array3(0, 0, 0), head = array3(1, 1, 2);
  const int req = 1;
  MXExecutorHandle ex = NULL;
  CHECK_OK(MXExecutorBind(y, kCPU, 0, 1, &x, &grad, &req, 0, NULL, MX_PLAN_DEFAULT, &ex));
  CHECK(operators_alive == 1); /* made at bind, one per node */
  CHECK_OK(MXExecutorForward(ex, 1));
  CHECK_OK(MXExecutorBackward(ex, 1, &head, 1));
  MXNDArrayHandle* outputs = NULL;
  CHECK_OK(MXExecutorOutputs(ex, &n, &outputs));
  CHECK(n == 1 && equal3(outputs[0], 1, 2, 3));
  MXNDArrayFree(outputs[0]);
  CHECK(equal3(grad, 0.5f, 0.5f, 1));
  MXExecutorFree(ex);
  MXSymbolFree(y);
  MXSymbolFree(data);
  MXNDArrayFree(x);
  MXNDArrayFree(grad);
  MXNDArrayFree(head);
  CHECK(props_alive == 0 && operators_alive == 0);
}

static void test_replacing_releases_the_old_type(void) {
  MXCustomOpType t = scale_type();
  CHECK_OK(MXCustomOpRegister("c_scale", &t));
  CHECK(states_freed == 1);
}

/* After MXNotifyFrontendExit nothing is handed back (the frontend may be
 * gone), and other calls still work. */
static void test_no_releases_after_frontend_exit(void) {
  CHECK_OK(MXNotifyFrontendExit());
  CHECK_OK(MXNotifyFrontendExit()); /* idempotent */
  MXCustomOpType t = scale_type();
  CHECK_OK(MXCustomOpRegister("c_scale", &t)); /* replaces the type: no free_state now */
  CHECK(states_freed == 1);
}

int main(void) {
  test_register_errors();
  MXCustomOpType t = scale_type();
  CHECK_OK(MXCustomOpRegister("c_scale", &t));
  test_imperative_and_errors();
  test_autograd();
  test_symbol_and_executor();
  test_replacing_releases_the_old_type();
  CHECK_OK(MXNotifyShutdown());
  test_no_releases_after_frontend_exit();
  return REPORT();
}
