/*
 * Train a small network and predict with it through MX's C ABI alone.
 *
 *   1. build a graph with mx/c_api.h: data -> FullyConnected(32) -> relu ->
 *      FullyConnected(2) -> SoftmaxOutput;
 *   2. bind it to arrays (an executor) and train it with plain SGD on a
 *      generated dataset: two concentric rings, which no linear model
 *      separates;
 *   3. save the graph (-symbol.json text) and the parameters (.params bytes,
 *      MXNet's checkpoint format) and load them into the predict API
 *      (mx/c_predict_api.h), which classifies fresh points.
 *
 * Build (see README.md):
 *   cc -std=c99 train_mlp.c $(mxnet-config --cflags --libs) -lm -o train_mlp
 *
 * Prints the loss while training and the accuracy of both halves; exits 0
 * when the predictor classifies at least 95% of the fresh points correctly.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mx/c_api.h"
#include "mx/c_predict_api.h"

/* Every MX function returns 0, or -1 with a message in MXGetLastError(). */
#define MX_CALL(call)                                                       \
  do {                                                                      \
    if ((call) != 0) {                                                      \
      fprintf(stderr, "%s:%d: %s\n  failed: %s\n", __FILE__, __LINE__,      \
              #call, MXGetLastError());                                     \
      exit(2);                                                              \
    }                                                                       \
  } while (0)

enum { kBatch = 256, kFeatures = 2, kClasses = 2, kHidden = 32, kEpochs = 400 };
enum { kMaxArgs = 8 };
static const float kLearningRate = 0.5f;
static const int kFloat32 = 0, kCPU = 1;

/* ------------------------------------------------------------------ */
/* The dataset: points on two noisy rings (radius 1: class 0, 2: 1).  */
/* ------------------------------------------------------------------ */

static uint64_t rng_state = 42;

static float uniform01(void) { /* xorshift64*: reproducible everywhere */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return (float)((rng_state * 2685821657736338717ULL) >> 40) / (float)(1 << 24);
}

static void make_rings(float* x, float* y, int n) {
  for (int i = 0; i < n; ++i) {
    const int label = i % 2;
    const float angle = 6.2831853f * uniform01();
    const float radius = (label ? 2.0f : 1.0f) + 0.3f * (uniform01() - 0.5f);
    x[2 * i] = radius * cosf(angle);
    x[2 * i + 1] = radius * sinf(angle);
    y[i] = (float)label;
  }
}

/* ------------------------------------------------------------------ */
/* The graph                                                          */
/* ------------------------------------------------------------------ */

/* op(inputs...) named `name` with string parameters. */
static MXSymbolHandle apply(const char* op_name, const char* name, uint32_t num_inputs,
                            MXSymbolHandle* inputs, uint32_t num_params,
                            const char** keys, const char** vals) {
  MXOpHandle op;
  MXSymbolHandle out;
  MX_CALL(MXGetOpHandle(op_name, &op));
  MX_CALL(MXSymbolCreateAtomicSymbol(op, name, num_params, keys, vals, &out));
  MX_CALL(MXSymbolCompose(out, name, num_inputs, NULL, inputs));
  return out;
}

static MXSymbolHandle build_network(void) {
  MXSymbolHandle data, label, fc1, act, fc2, net;
  MX_CALL(MXSymbolCreateVariable("data", &data));
  MX_CALL(MXSymbolCreateVariable("softmax_label", &label));
  const char* hidden_key[] = {"num_hidden"};
  const char* hidden_val[] = {"32"};
  const char* classes_val[] = {"2"};
  const char* act_key[] = {"act_type"};
  const char* act_val[] = {"relu"};
  /* FullyConnected's weight and bias become the variables fc1_weight, ... */
  fc1 = apply("FullyConnected", "fc1", 1, &data, 1, hidden_key, hidden_val);
  act = apply("Activation", "relu1", 1, &fc1, 1, act_key, act_val);
  fc2 = apply("FullyConnected", "fc2", 1, &act, 1, hidden_key, classes_val);
  MXSymbolHandle head[] = {fc2, label};
  net = apply("SoftmaxOutput", "softmax", 2, head, 0, NULL, NULL);
  MXSymbolFree(data);
  MXSymbolFree(label);
  MXSymbolFree(fc1);
  MXSymbolFree(act);
  MXSymbolFree(fc2);
  return net;
}

/* ------------------------------------------------------------------ */
/* Arrays                                                             */
/* ------------------------------------------------------------------ */

static MXNDArrayHandle new_array(int ndim, const int64_t* shape, const float* values) {
  MXNDArrayHandle a;
  int64_t size = 1;
  for (int d = 0; d < ndim; ++d) size *= shape[d];
  MX_CALL(MXNDArrayCreate(shape, ndim, kCPU, 0, kFloat32, &a));
  if (values) MX_CALL(MXNDArraySyncCopyFromCPU(a, values, (size_t)size));
  return a;
}

static int64_t array_size(MXNDArrayHandle a) {
  int ndim;
  const int64_t* shape;
  int64_t size = 1;
  MX_CALL(MXNDArrayGetShape(a, &ndim, &shape));
  for (int d = 0; d < ndim; ++d) size *= shape[d];
  return size;
}

/* Weights uniform in +-sqrt(6 / (fan_in + fan_out)) (Xavier), biases 0. */
static void initialize(MXNDArrayHandle a, int is_weight) {
  int ndim;
  const int64_t* shape;
  MX_CALL(MXNDArrayGetShape(a, &ndim, &shape));
  const int64_t size = array_size(a);
  float* values = calloc((size_t)size, sizeof(float));
  if (is_weight) {
    const float scale = sqrtf(6.0f / (float)(shape[0] + shape[1]));
    for (int64_t i = 0; i < size; ++i) values[i] = scale * (2.0f * uniform01() - 1.0f);
  }
  MX_CALL(MXNDArraySyncCopyFromCPU(a, values, (size_t)size));
  free(values);
}

/* Mean cross-entropy of the softmax probabilities `prob` and how many
 * argmaxes match the labels. */
static float score(const float* prob, const float* labels, int n, int* correct) {
  double loss = 0;
  *correct = 0;
  for (int i = 0; i < n; ++i) {
    const int label = (int)labels[i];
    const float* p = prob + i * kClasses;
    loss -= log(p[label] > 1e-12f ? p[label] : 1e-12f);
    *correct += (p[1] > p[0]) == label;
  }
  return (float)(loss / n);
}

/* ------------------------------------------------------------------ */
/* Training                                                           */
/* ------------------------------------------------------------------ */

typedef struct {
  uint32_t num_args;
  const char** names;          /* list_arguments, thread-scratch copy below */
  char* name_storage[kMaxArgs];
  MXNDArrayHandle args[kMaxArgs];
  MXNDArrayHandle grads[kMaxArgs];
  int grad_reqs[kMaxArgs];
  MXExecutorHandle exec;
} Model;

static int is_input(const char* name) {
  return strcmp(name, "data") == 0 || strcmp(name, "softmax_label") == 0;
}

/* Binds the network on the CPU with data and label arrays holding x and y,
 * and fresh parameters with gradient arrays. */
static void bind(Model* m, MXSymbolHandle net, const float* x, const float* y) {
  const char** names;
  MX_CALL(MXSymbolListInputs(net, MX_INPUTS_ARGUMENTS, &m->num_args, &names));
  if (m->num_args > kMaxArgs) exit(3);
  for (uint32_t i = 0; i < m->num_args; ++i) {
    m->name_storage[i] = malloc(strlen(names[i]) + 1);
    strcpy(m->name_storage[i], names[i]);
  }
  m->names = (const char**)m->name_storage;

  /* Shapes of the parameters follow from the data's: infer them. */
  const char* keys[] = {"data"};
  const int64_t ind_ptr[] = {0, 2};
  const int64_t data_shape[] = {kBatch, kFeatures};
  uint32_t counts[3];
  const int* ndims;
  const int64_t** dims;
  int complete;
  MX_CALL(MXSymbolInferShape(net, 1, keys, ind_ptr, data_shape, counts, &ndims, &dims,
                             &complete));
  if (!complete) exit(3);

  for (uint32_t i = 0; i < m->num_args; ++i) {
    const char* name = m->names[i];
    const float* values = strcmp(name, "data") == 0 ? x
                          : strcmp(name, "softmax_label") == 0 ? y : NULL;
    m->args[i] = new_array(ndims[i], dims[i], values);
    m->grads[i] = NULL;
    m->grad_reqs[i] = 0; /* null */
    if (!is_input(name)) {
      initialize(m->args[i], strstr(name, "weight") != NULL);
      m->grads[i] = new_array(ndims[i], dims[i], NULL);
      m->grad_reqs[i] = 1; /* write */
    }
  }
  MX_CALL(MXExecutorBind(net, kCPU, 0, m->num_args, m->args, m->grads, m->grad_reqs, 0, NULL,
                         MX_PLAN_DEFAULT, &m->exec));
}

/* weight -= lr * grad, for every parameter, as two engine ops each. */
static void sgd_step(Model* m, MXOpCallHandle scale, MXOpCallHandle subtract) {
  for (uint32_t i = 0; i < m->num_args; ++i) {
    if (!m->grads[i]) continue;
    MXNDArrayHandle step = NULL;
    MX_CALL(MXOpCallInvoke(scale, 1, &m->grads[i], 1, &step));
    MXNDArrayHandle operands[] = {m->args[i], step};
    MX_CALL(MXOpCallInvoke(subtract, 2, operands, 1, &m->args[i]));
    MX_CALL(MXNDArrayFree(step)); /* freed after the subtraction has read it */
  }
}

static float train(Model* m, const float* y, float* prob) {
  /* SoftmaxOutput's gradient is summed over the batch: average it here. */
  char lr_text[32];
  snprintf(lr_text, sizeof lr_text, "%g", kLearningRate / kBatch);
  const char* scalar_key[] = {"scalar"};
  const char* scalar_val[] = {lr_text};
  MXOpHandle mul, sub;
  MXOpCallHandle scale, subtract;
  MX_CALL(MXGetOpHandle("_mul_scalar", &mul));
  MX_CALL(MXGetOpHandle("elemwise_sub", &sub));
  MX_CALL(MXOpCallCreate(mul, 1, scalar_key, scalar_val, &scale));
  MX_CALL(MXOpCallCreate(sub, 0, NULL, NULL, &subtract));

  float loss = 0;
  for (int epoch = 1; epoch <= kEpochs; ++epoch) {
    MX_CALL(MXExecutorForward(m->exec, 1));
    MX_CALL(MXExecutorBackward(m->exec, 0, NULL, 1));
    sgd_step(m, scale, subtract);
    if (epoch % 100 == 0 || epoch == kEpochs) {
      uint32_t num_out;
      MXNDArrayHandle* outs;
      int correct;
      MX_CALL(MXExecutorOutputs(m->exec, &num_out, &outs));
      MXNDArrayHandle out = outs[0];
      MX_CALL(MXNDArraySyncCopyToCPU(out, prob, (size_t)kBatch * kClasses));
      MX_CALL(MXNDArrayFree(out));
      loss = score(prob, y, kBatch, &correct);
      printf("epoch %3d  loss %.4f  train accuracy %.3f\n", epoch, loss,
             (float)correct / kBatch);
    }
  }
  MX_CALL(MXOpCallFree(scale));
  MX_CALL(MXOpCallFree(subtract));
  return loss;
}

/* ------------------------------------------------------------------ */
/* Checkpoint and predict                                             */
/* ------------------------------------------------------------------ */

/* The trained parameters as a .params image ("arg:<name>" keys, as MXNet's
 * checkpoints).  *out is malloc'ed. */
static size_t save_params(const Model* m, char** out) {
  MXNDArrayHandle arrays[kMaxArgs];
  char* keys[kMaxArgs];
  uint32_t n = 0;
  for (uint32_t i = 0; i < m->num_args; ++i) {
    if (!m->grads[i]) continue;
    keys[n] = malloc(strlen(m->names[i]) + 5);
    sprintf(keys[n], "arg:%s", m->names[i]);
    arrays[n++] = m->args[i];
  }
  size_t size;
  const char* bytes;
  MX_CALL(MXNDArraySaveToBuffer(n, arrays, (const char**)keys, &size, &bytes));
  *out = malloc(size);
  memcpy(*out, bytes, size);
  for (uint32_t i = 0; i < n; ++i) free(keys[i]);
  return size;
}

static float predict_accuracy(const char* json, const char* params, size_t params_size) {
  enum { kTest = 1000 };
  static float x[kTest * kFeatures], y[kTest], prob[kTest * kClasses];
  make_rings(x, y, kTest);
  const char* keys[] = {"data"};
  const mx_uint indptr[] = {0, 2};
  const mx_uint shape[] = {kTest, kFeatures};
  PredictorHandle pred;
  MX_CALL(MXPredCreate(json, params, (int)params_size, kCPU, 0, 1, keys, indptr, shape, &pred));
  MX_CALL(MXPredSetInput(pred, "data", x, kTest * kFeatures));
  MX_CALL(MXPredForward(pred));
  MX_CALL(MXPredGetOutput(pred, 0, prob, kTest * kClasses));
  MX_CALL(MXPredFree(pred));
  int correct;
  score(prob, y, kTest, &correct);
  return (float)correct / kTest;
}

int main(void) {
  static float x[kBatch * kFeatures], y[kBatch], prob[kBatch * kClasses];
  make_rings(x, y, kBatch);

  MXSymbolHandle net = build_network();
  Model model;
  bind(&model, net, x, y);
  const float loss = train(&model, y, prob);

  const char* json_scratch;
  MX_CALL(MXSymbolSaveToJSON(net, &json_scratch));
  char* json = malloc(strlen(json_scratch) + 1);
  strcpy(json, json_scratch);
  char* params;
  const size_t params_size = save_params(&model, &params);
  const float accuracy = predict_accuracy(json, params, params_size);
  printf("final loss %.4f; predict API accuracy on 1000 fresh points: %.3f\n", loss, accuracy);

  free(json);
  free(params);
  MX_CALL(MXExecutorFree(model.exec));
  for (uint32_t i = 0; i < model.num_args; ++i) {
    MX_CALL(MXNDArrayFree(model.args[i]));
    MX_CALL(MXNDArrayFree(model.grads[i]));
    free(model.name_storage[i]);
  }
  MX_CALL(MXSymbolFree(net));
  return accuracy >= 0.95f ? 0 : 1;
}
