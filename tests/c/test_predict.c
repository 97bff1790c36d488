/*
 * The C predict API from a pure C program: a small model (FullyConnected +
 * relu) whose parameters this program writes with the NDArray functions of
 * c_api.h, predicted and checked against the same arithmetic done here;
 * reshape, partial outputs, partial forward, NDList and bad input.
 *
 * With arguments `symbol.json params input.f32 expected.f32 d0 d1 ...` it
 * also predicts that model on that input (float32, shape d0 x d1 ...) and
 * compares with the expected output (tests/c/test_c_programs.py passes
 * MXNet 1.9.1's fixture models this way).  Arguments `--plugin lib.so`
 * before them load a plugin first, for models that use its ops
 * (tests/plugins/test_plugin_sdk.py).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mx/c_predict_api.h"

static const char* kSymbol =
    "{\"nodes\": ["
    "{\"op\": \"null\", \"name\": \"data\", \"inputs\": []},"
    "{\"op\": \"null\", \"name\": \"fc_weight\", \"inputs\": []},"
    "{\"op\": \"null\", \"name\": \"fc_bias\", \"inputs\": []},"
    "{\"op\": \"FullyConnected\", \"name\": \"fc\", \"attrs\": {\"num_hidden\": \"3\"},"
    " \"inputs\": [[0, 0, 0], [1, 0, 0], [2, 0, 0]]},"
    "{\"op\": \"Activation\", \"name\": \"relu\", \"attrs\": {\"act_type\": \"relu\"},"
    " \"inputs\": [[3, 0, 0]]}],"
    "\"arg_nodes\": [0, 1, 2], \"heads\": [[4, 0, 0]]}";

static float weight[12], bias[3];

/* out[b][j] = sum_k data[b][k] * weight[j][k] + bias[j], then relu if asked. */
static void reference(const float* data, int batch, int relu, float* out) {
  for (int b = 0; b < batch; ++b)
    for (int j = 0; j < 3; ++j) {
      float acc = bias[j];
      for (int k = 0; k < 4; ++k) acc += data[b * 4 + k] * weight[j * 4 + k];
      out[b * 3 + j] = relu && acc < 0 ? 0 : acc;
    }
}

static int close_all(const float* a, const float* b, int n) {
  for (int i = 0; i < n; ++i)
    if (fabsf(a[i] - b[i]) > 1e-4f * (1 + fabsf(b[i]))) return 0;
  return 1;
}

/* The .params bytes of {arg:fc_weight, arg:fc_bias}; *size gets their length. */
static const char* make_params(size_t* size) {
  int64_t wshape[2] = {3, 4}, bshape[1] = {3};
  MXNDArrayHandle arrays[2] = {NULL, NULL};
  const char* keys[2] = {"arg:fc_weight", "arg:fc_bias"};
  const char* buf = NULL;
  CHECK_OK(MXNDArrayCreate(wshape, 2, 1, 0, 0, &arrays[0]));
  CHECK_OK(MXNDArrayCreate(bshape, 1, 1, 0, 0, &arrays[1]));
  CHECK_OK(MXNDArraySyncCopyFromCPU(arrays[0], weight, 12));
  CHECK_OK(MXNDArraySyncCopyFromCPU(arrays[1], bias, 3));
  CHECK_OK(MXNDArraySaveToBuffer(2, arrays, keys, size, &buf));
  MXNDArrayFree(arrays[0]);
  MXNDArrayFree(arrays[1]);
  return buf;
}

/* A predict monitor: counts the entries it is shown and checks the array
 * of "fc_output" against the reference (the handle is c_api.h's). */
static int monitored;
static int fc_output_ok;

static void monitor(const char* name, NDArrayHandle array, void* data) {
  monitored++;
  if (strcmp(name, "fc_output") != 0) return;
  float values[6], want[6];
  fc_output_ok = MXNDArraySyncCopyToCPU((MXNDArrayHandle)array, values, 6) == 0;
  reference((const float*)data, 2, 0, want);
  fc_output_ok = fc_output_ok && close_all(values, want, 6);
}

static void test_small_model(void) {
  for (int i = 0; i < 12; ++i) weight[i] = (float)((i * 7) % 5) - 2.0f;
  for (int j = 0; j < 3; ++j) bias[j] = 0.5f * (float)j - 0.5f;
  size_t size = 0;
  const char* scratch = make_params(&size);
  char* params = malloc(size);
  memcpy(params, scratch, size);

  const char* keys[1] = {"data"};
  mx_uint indptr[2] = {0, 2}, shape[2] = {2, 4};
  PredictorHandle pred = 0;
  CHECK_OK(MXPredCreate(kSymbol, params, (int)size, 1, 0, 1, keys, indptr, shape, &pred));
  float data[20], out[15], want[15];
  for (int i = 0; i < 20; ++i) data[i] = (float)(i % 7) * 0.25f - 0.6f;
  CHECK_OK(MXPredSetInput(pred, "data", data, 8));
  CHECK_OK(MXPredForward(pred));
  mx_uint* out_shape = NULL;
  mx_uint ndim = 0;
  CHECK_OK(MXPredGetOutputShape(pred, 0, &out_shape, &ndim));
  CHECK(ndim == 2 && out_shape[0] == 2 && out_shape[1] == 3);
  int dtype = -1;
  CHECK_OK(MXPredGetOutputType(pred, 0, &dtype));
  CHECK(dtype == 0);
  CHECK_OK(MXPredGetOutput(pred, 0, out, 6));
  reference(data, 2, 1, want);
  CHECK(close_all(out, want, 6));

  /* A monitor sees fc's and relu's outputs, and with monitor_all their inputs. */
  CHECK_OK(MXPredSetMonitorCallback(pred, monitor, data, false));
  CHECK_OK(MXPredForward(pred));
  CHECK(monitored == 2 && fc_output_ok);
  monitored = 0;
  CHECK_OK(MXPredSetMonitorCallback(pred, monitor, data, true));
  CHECK_OK(MXPredForward(pred));
  CHECK(monitored == 6);
  monitored = 0;
  CHECK_OK(MXPredSetMonitorCallback(pred, NULL, NULL, false));
  CHECK_OK(MXPredForward(pred));
  CHECK(monitored == 0);
  CHECK(MXPredSetMonitorCallback(NULL, monitor, NULL, false) == -1);

  /* Reshape to a batch of 5, sharing the parameters. */
  mx_uint shape5[2] = {5, 4};
  PredictorHandle pred5 = 0;
  CHECK_OK(MXPredReshape(1, keys, indptr, shape5, pred, &pred5));
  CHECK_OK(MXPredSetInput(pred5, "data", data, 20));
  CHECK_OK(MXPredForward(pred5));
  CHECK_OK(MXPredGetOutput(pred5, 0, out, 15));
  reference(data, 5, 1, want);
  CHECK(close_all(out, want, 15));

  /* Partial outputs (before the relu) and a forward pass one node at a time. */
  const char* out_keys[1] = {"fc"};
  PredictorHandle partial = 0;
  CHECK_OK(MXPredCreatePartialOut(kSymbol, params, (int)size, 1, 0, 1, keys, indptr, shape, 1,
                                  out_keys, &partial));
  CHECK_OK(MXPredSetInput(partial, "data", data, 8));
  int left = -1, step = 0;
  do CHECK_OK(MXPredPartialForward(partial, step++, &left));
  while (left > 0);
  CHECK(step == 1);
  CHECK_OK(MXPredGetOutput(partial, 0, out, 6));
  reference(data, 2, 0, want);
  CHECK(close_all(out, want, 6));

  /* The parameters as an NDList. */
  NDListHandle list = 0;
  mx_uint length = 0;
  CHECK_OK(MXNDListCreate(params, (int)size, &list, &length));
  CHECK(length == 2);
  const char* key = NULL;
  const mx_float* values = NULL;
  const mx_uint* dims = NULL;
  CHECK_OK(MXNDListGet(list, 1, &key, &values, &dims, &ndim));
  CHECK(strcmp(key, "arg:fc_bias") == 0 && ndim == 1 && dims[0] == 3 && close_all(values, bias, 3));
  CHECK(MXNDListGet(list, 2, &key, &values, &dims, &ndim) == -1);
  CHECK_OK(MXNDListFree(list));

  /* Bad input: clear errors, nothing crashes. */
  CHECK(MXPredSetInput(pred, "nope", data, 8) == -1);
  CHECK(strstr(MXGetLastError(), "not an input") != NULL);
  CHECK(MXPredSetInput(pred, "data", data, 7) == -1);
  CHECK(MXPredGetOutput(pred, 0, out, 5) == -1);
  CHECK(MXPredGetOutput(pred, 3, out, 6) == -1);
  CHECK(MXPredForward(NULL) == -1);
  PredictorHandle bad = 0;
  CHECK(MXPredCreate("{\"nodes\": [", params, (int)size, 1, 0, 1, keys, indptr, shape, &bad) == -1);
  CHECK(strstr(MXGetLastError(), "invalid JSON") != NULL);
  CHECK(MXPredCreate(kSymbol, params, (int)size - 5, 1, 0, 1, keys, indptr, shape, &bad) == -1);
  CHECK(strstr(MXGetLastError(), "truncated") != NULL);
  mx_uint wrong[2] = {2, 5};
  CHECK(MXPredCreate(kSymbol, params, (int)size, 1, 0, 1, keys, indptr, wrong, &bad) == -1);
  CHECK(strstr(MXGetLastError(), "weight must have shape (3, 5)") != NULL);
  const char* other_keys[1] = {"x"};
  CHECK(MXPredCreate(kSymbol, params, (int)size, 1, 0, 1, other_keys, indptr, shape, &bad) == -1);
  CHECK(bad == 0);

  CHECK_OK(MXPredFree(partial));
  CHECK_OK(MXPredFree(pred5));
  CHECK_OK(MXPredFree(pred));
  CHECK(MXPredFree(pred) == -1);
  CHECK_OK(MXPredFree(NULL));
  free(params);
}

static char* read_file(const char* path, long* size) {
  FILE* f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  *size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char* buf = malloc((size_t)*size + 1);
  if (fread(buf, 1, (size_t)*size, f) != (size_t)*size) *size = -1;
  buf[*size > 0 ? *size : 0] = '\0';
  fclose(f);
  return buf;
}

/* argv: symbol.json params input.f32 expected.f32 d0 d1 ... */
static void test_model_files(int argc, char** argv) {
  long json_size = 0, params_size = 0, in_size = 0, want_size = 0;
  char* json = read_file(argv[1], &json_size);
  char* params = read_file(argv[2], &params_size);
  char* input = read_file(argv[3], &in_size);
  char* want = read_file(argv[4], &want_size);
  if (!CHECK(json && params && input && want)) return;
  mx_uint shape[8], indptr[2] = {0, 0};
  for (int i = 5; i < argc && indptr[1] < 8; ++i) shape[indptr[1]++] = (mx_uint)atoi(argv[i]);
  const char* keys[1] = {"data"};
  PredictorHandle pred = 0;
  CHECK_OK(MXPredCreate(json, params, (int)params_size, 1, 0, 1, keys, indptr, shape, &pred));
  CHECK_OK(MXPredSetInput(pred, "data", (const float*)input, (mx_uint)(in_size / 4)));
  CHECK_OK(MXPredForward(pred));
  mx_uint n = (mx_uint)(want_size / 4);
  float* out = malloc(want_size);
  CHECK_OK(MXPredGetOutput(pred, 0, out, n));
  float worst = 0;
  for (mx_uint i = 0; i < n; ++i) {
    float d = fabsf(out[i] - ((const float*)want)[i]);
    if (d > worst) worst = d;
  }
  printf("model %s: max abs error %g\n", argv[1], worst);
  CHECK(worst < 1e-4f);
  MXPredFree(pred);
  free(out);
  free(json);
  free(params);
  free(input);
  free(want);
}

int main(int argc, char** argv) {
  if (argc > 2 && strcmp(argv[1], "--plugin") == 0) {
    CHECK_OK(MXPluginLoad(argv[2]));
    argc -= 2;
    argv += 2;
  }
  if (argc > 5) test_model_files(argc, argv);
  else test_small_model();
  return REPORT();
}
