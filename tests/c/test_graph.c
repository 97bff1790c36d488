/*
 * Symbols, executors, autograd and NDArray files from a pure C program (and
 * so under the sanitizer builds): build y = (a * b + a) with the symbol
 * functions, infer shapes, bind with gradients and check forward/backward,
 * differentiate the same expression with autograd, round-trip JSON and an
 * NDArray file, and check errors on bad input.
 */
#include <math.h>
#include <string.h>

#include "check.h"

static MXOpHandle op(const char* name) {
  MXOpHandle h = NULL;
  CHECK_OK(MXGetOpHandle(name, &h));
  return h;
}

static MXNDArrayHandle array(const float* values, int64_t n) {
  MXNDArrayHandle h = NULL;
  CHECK_OK(MXNDArrayCreate(&n, 1, 1, 0, 0, &h));
  CHECK_OK(MXNDArraySyncCopyFromCPU(h, values, (size_t)n));
  return h;
}

static int equal(MXNDArrayHandle h, const float* want, int n) {
  float got[16];
  if (MXNDArraySyncCopyToCPU(h, got, (size_t)n) != 0) return 0;
  for (int i = 0; i < n; ++i)
    if (fabsf(got[i] - want[i]) > 1e-5f) return 0;
  return 1;
}

/* y = a * b + a, as symbols; the product in ctx_group mul_group and the
 * sum in add_group when they are given. */
static MXSymbolHandle grouped_expression(const char* mul_group, const char* add_group) {
  MXSymbolHandle a = NULL, b = NULL, mul = NULL, add = NULL;
  CHECK_OK(MXSymbolCreateVariable("a", &a));
  CHECK_OK(MXSymbolCreateVariable("b", &b));
  CHECK_OK(MXSymbolCreateAtomicSymbol(op("elemwise_mul"), "mul", 0, NULL, NULL, &mul));
  if (mul_group) CHECK_OK(MXSymbolSetAttr(mul, "ctx_group", mul_group));
  MXSymbolHandle mul_args[2] = {a, b};
  CHECK_OK(MXSymbolCompose(mul, NULL, 2, NULL, mul_args));
  CHECK_OK(MXSymbolCreateAtomicSymbol(op("elemwise_add"), "add", 0, NULL, NULL, &add));
  if (add_group) CHECK_OK(MXSymbolSetAttr(add, "ctx_group", add_group));
  const char* keys[2] = {"lhs", "rhs"};
  MXSymbolHandle add_args[2] = {mul, a};
  CHECK_OK(MXSymbolCompose(add, NULL, 2, keys, add_args));
  MXSymbolFree(a);
  MXSymbolFree(b);
  MXSymbolFree(mul);
  return add;
}

static MXSymbolHandle expression(void) { return grouped_expression(NULL, NULL); }

static void test_symbol_and_executor(void) {
  MXSymbolHandle y = expression();
  uint32_t n = 0;
  const char** names = NULL;
  CHECK_OK(MXSymbolListInputs(y, MX_INPUTS_ARGUMENTS, &n, &names));
  CHECK(n == 2 && strcmp(names[0], "a") == 0 && strcmp(names[1], "b") == 0);
  CHECK_OK(MXSymbolListOutputs(y, &n, &names));
  CHECK(n == 1 && strcmp(names[0], "add_output") == 0);

  const char* keys[1] = {"b"};
  int64_t ind_ptr[2] = {0, 1}, dims[1] = {3};
  uint32_t counts[3];
  const int* ndim = NULL;
  const int64_t** shapes = NULL;
  int complete = 0;
  CHECK_OK(MXSymbolInferShape(y, 1, keys, ind_ptr, dims, counts, &ndim, &shapes, &complete));
  CHECK(complete == 1 && counts[0] == 2 && counts[1] == 1 && ndim[0] == 1 && shapes[0][0] == 3);

  /* JSON round trip. */
  const char* json = NULL;
  CHECK_OK(MXSymbolSaveToJSON(y, &json));
  MXSymbolHandle back = NULL;
  CHECK_OK(MXSymbolCreateFromJSON(json, &back));
  const char* json2 = NULL;
  char first[4096];
  strncpy(first, json, sizeof(first) - 1);
  first[sizeof(first) - 1] = '\0';
  CHECK_OK(MXSymbolSaveToJSON(back, &json2));
  CHECK(strcmp(first, json2) == 0);
  MXSymbolFree(back);

  /* Bind with gradients: dy/da = b + 1, dy/db = a. */
  const float av[3] = {1, 2, 3}, bv[3] = {4, 5, 6}, zeros[3] = {0, 0, 0};
  MXNDArrayHandle args[2] = {array(av, 3), array(bv, 3)};
  MXNDArrayHandle grads[2] = {array(zeros, 3), array(zeros, 3)};
  const int reqs[2] = {1, 1};
  MXExecutorHandle ex = NULL;
  CHECK_OK(MXExecutorBind(y, 1, 0, 2, args, grads, reqs, 0, NULL, MX_PLAN_DEFAULT, &ex));
  CHECK_OK(MXExecutorForward(ex, 1));
  MXNDArrayHandle* outs = NULL;
  CHECK_OK(MXExecutorOutputs(ex, &n, &outs));
  MXNDArrayHandle out = outs[0];
  const float want_y[3] = {5, 12, 21}, want_da[3] = {5, 6, 7};
  CHECK(n == 1 && equal(out, want_y, 3));
  CHECK_OK(MXExecutorBackward(ex, 0, NULL, 1));
  CHECK(equal(grads[0], want_da, 3) && equal(grads[1], av, 3));
  int64_t planned = 0, naive = 0;
  CHECK_OK(MXExecutorGetMemoryPlan(ex, &planned, &naive, NULL, NULL));
  CHECK(planned > 0 && planned <= naive);
  const char* text = NULL;
  CHECK_OK(MXExecutorPrint(ex, &text));
  CHECK(strstr(text, "allocated") != NULL);
  CHECK(MXExecutorBind(y, 1, 0, 1, args, grads, reqs, 0, NULL, MX_PLAN_DEFAULT, &ex) == -1);
  CHECK(MXExecutorForward(NULL, 0) == -1);
  CHECK_OK(MXExecutorFree(ex));
  CHECK(MXExecutorFree(ex) == -1);
  MXNDArrayFree(out);
  for (int i = 0; i < 2; ++i) {
    MXNDArrayFree(args[i]);
    MXNDArrayFree(grads[i]);
  }
  MXSymbolFree(y);

  MXSymbolHandle bad = NULL;
  CHECK(MXSymbolCreateFromJSON("{\"nodes\": [{\"op\": \"Nope\", \"name\": \"n\", \"inputs\": []}],"
                               " \"heads\": [[0, 0, 0]]}", &bad) == -1);
  CHECK(MXGetLastErrorKind() == MX_ERROR_NOT_FOUND && strstr(MXGetLastError(), "Nope") != NULL);
  CHECK(MXSymbolCreateFromJSON("{\"nodes\": [], \"heads\": [[3, 0, 0]]}", &bad) == -1);
  CHECK(MXSymbolCompose(NULL, NULL, 0, NULL, NULL) == -1);
}

static void test_autograd(void) {
  const float av[3] = {1, 2, 3}, bv[3] = {4, 5, 6}, zeros[3] = {0, 0, 0};
  MXNDArrayHandle a = array(av, 3), b = array(bv, 3), ga = array(zeros, 3);
  MXNDArrayHandle vars[2] = {a, b}, var_grads[2] = {ga, NULL};
  const int reqs[2] = {1, 0};  /* b: a variable without a gradient array */
  CHECK_OK(MXAutogradMarkVariables(2, vars, reqs, var_grads));
  int fresh = -1;
  CHECK_OK(MXNDArrayGetGradState(a, &fresh));
  CHECK(fresh == 0);
  int prev = -1;
  CHECK_OK(MXAutogradSetIsRecording(1, &prev));
  CHECK(prev == 0);
  MXNDArrayHandle ins[2] = {a, b};
  MXNDArrayHandle* outs = NULL;
  int num_out = 0;
  CHECK_OK(MXImperativeInvoke(op("elemwise_mul"), 2, ins, &num_out, &outs, 0, NULL, NULL));
  MXNDArrayHandle prod = outs[0];
  MXNDArrayHandle ins2[2] = {prod, a};
  outs = NULL;
  CHECK_OK(MXImperativeInvoke(op("elemwise_add"), 2, ins2, &num_out, &outs, 0, NULL, NULL));
  MXNDArrayHandle y = outs[0];
  CHECK_OK(MXAutogradSetIsRecording(0, NULL));
  CHECK_OK(MXAutogradBackward(1, &y, NULL, 0, NULL, 1, 0, 1, NULL));
  const float want[3] = {5, 6, 7};
  CHECK(equal(ga, want, 3));
  /* backward wrote a's gradient, not b's (grad_req null) */
  CHECK_OK(MXNDArrayGetGradState(a, &fresh));
  CHECK(fresh == 1);
  CHECK_OK(MXNDArrayGetGradState(b, &fresh));
  CHECK(fresh == 0);
  CHECK_OK(MXNDArraySetGradState(a, 0));
  CHECK_OK(MXNDArrayGetGradState(a, &fresh));
  CHECK(fresh == 0);
  CHECK_OK(MXNDArrayGetGradState(prod, &fresh)); /* not a variable: never fresh */
  CHECK(fresh == 0);
  CHECK(MXNDArraySetGradState(prod, 1) == -1);
  CHECK(MXGetLastErrorKind() == MX_ERROR_VALUE && strstr(MXGetLastError(), "marked") != NULL);
  CHECK(MXNDArrayGetGradState(a, NULL) == -1);
  CHECK(MXNDArrayGetGradState(NULL, &fresh) == -1);
  MXNDArrayHandle* grads = NULL;
  if (CHECK_OK(MXAutogradBackward(1, &y, NULL, 1, &b, 0, 0, 1, &grads))) {
    CHECK(equal(grads[0], av, 3));
    MXNDArrayFree(grads[0]);
  }
  CHECK(MXAutogradBackward(1, &y, NULL, 0, NULL, 0, 0, 1, NULL) == -1);
  CHECK(strstr(MXGetLastError(), "retain_graph") != NULL);
  MXNDArrayHandle held = NULL;
  CHECK_OK(MXNDArrayGetGrad(a, &held));
  CHECK(held != NULL && equal(held, want, 3));
  MXNDArrayFree(held);
  CHECK_OK(MXNDArrayGetGrad(b, &held));
  CHECK(held == NULL);
  MXNDArrayFree(prod);
  MXNDArrayFree(y);
  MXNDArrayFree(a);
  MXNDArrayFree(b);
  MXNDArrayFree(ga);
}

static void test_ndarray_file(void) {
  const float v[4] = {1.5f, -2, 3, 0.25f};
  MXNDArrayHandle x = array(v, 4);
  const char* key = "x";
  size_t size = 0;
  const char* bytes = NULL;
  CHECK_OK(MXNDArraySaveToBuffer(1, &x, &key, &size, &bytes));
  uint32_t n = 0, num_names = 0;
  MXNDArrayHandle* loaded = NULL;
  const char** names = NULL;
  CHECK_OK(MXNDArrayLoadFromBuffer(bytes, size, &n, &loaded, &num_names, &names));
  CHECK(n == 1 && num_names == 1 && strcmp(names[0], "x") == 0 && equal(loaded[0], v, 4));
  MXNDArrayFree(loaded[0]);
  CHECK(MXNDArrayLoadFromBuffer(bytes, size - 1, &n, &loaded, &num_names, &names) == -1);
  CHECK(MXGetLastErrorKind() == MX_ERROR_IO);
  MXNDArrayFree(x);
}

static MXNDArrayHandle array_on(const float* values, int64_t n, int dev_id) {
  MXNDArrayHandle h = NULL;
  CHECK_OK(MXNDArrayCreate(&n, 1, 1, dev_id, 0, &h));
  CHECK_OK(MXNDArraySyncCopyFromCPU(h, values, (size_t)n));
  return h;
}

/* The expression over three CPUs with group2ctx: the product on cpu(1),
 * the sum on cpu(2), b and its gradient on cpu(3) (copies between). */
static void test_model_parallel(void) {
  MXSymbolHandle y = grouped_expression("g1", "g2");
  const float av[3] = {1, 2, 3}, bv[3] = {4, 5, 6}, zeros[3] = {0, 0, 0};
  MXNDArrayHandle args[2] = {array_on(av, 3, 1), array_on(bv, 3, 3)};
  MXNDArrayHandle grads[2] = {array_on(zeros, 3, 1), array_on(zeros, 3, 3)};
  const int reqs[2] = {1, 3};
  const char* groups[2] = {"g1", "g2"};
  const int types[2] = {1, 1}, ids[2] = {1, 2};
  MXExecutorHandle ex = NULL;
  CHECK_OK(MXExecutorBindGroups(y, 1, 0, 2, groups, types, ids, 2, args, grads, reqs, 0, NULL,
                                MX_PLAN_DEFAULT, &ex));
  const float want_y[3] = {5, 12, 21}, want_da[3] = {5, 6, 7}, twice_a[3] = {2, 4, 6};
  for (int pass = 0; pass < 2; ++pass) {  /* b's gradient is 'add': a, then 2a */
    CHECK_OK(MXExecutorForward(ex, 1));
    CHECK_OK(MXExecutorBackward(ex, 0, NULL, 1));
  }
  uint32_t n = 0;
  MXNDArrayHandle* outs = NULL;
  CHECK_OK(MXExecutorOutputs(ex, &n, &outs));
  int dev_type = 0, dev_id = 0;
  CHECK_OK(MXNDArrayGetContext(outs[0], &dev_type, &dev_id));
  CHECK(n == 1 && dev_id == 2 && equal(outs[0], want_y, 3));
  CHECK(equal(grads[0], want_da, 3) && equal(grads[1], twice_a, 3));
  MXNDArrayFree(outs[0]);
  CHECK_OK(MXExecutorFree(ex));

  /* Errors: a group without a device, NULL group arrays; arrays on
   * another device than ctx without group2ctx. */
  CHECK(MXExecutorBindGroups(y, 1, 0, 1, groups, types, ids, 2, args, grads, reqs, 0, NULL,
                             MX_PLAN_DEFAULT, &ex) == -1);
  CHECK(strstr(MXGetLastError(), "'g2'") != NULL);
  CHECK(MXExecutorBindGroups(y, 1, 0, 2, NULL, types, ids, 2, args, grads, reqs, 0, NULL,
                             MX_PLAN_DEFAULT, &ex) == -1);
  CHECK(MXExecutorBind(y, 1, 0, 2, args, grads, reqs, 0, NULL, MX_PLAN_DEFAULT, &ex) == -1);
  CHECK(strstr(MXGetLastError(), "group2ctx") != NULL);
  for (int i = 0; i < 2; ++i) {
    MXNDArrayFree(args[i]);
    MXNDArrayFree(grads[i]);
  }
  MXSymbolFree(y);
}

int main(void) {
  test_symbol_and_executor();
  test_model_parallel();
  test_autograd();
  test_ndarray_file();
  return REPORT();
}
