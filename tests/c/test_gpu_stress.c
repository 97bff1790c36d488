/*
 * test_gpu_stress.c -- device ops in the engine under load, on emulated GPUs
 * (ctest runs it with MX_GPU_EMULATION=2; without two GPUs it checks
 * nothing more than that).
 *
 * Four threads push 1,500 operations each on 24 int64 arrays, 8 on each of
 * cpu(0), gpu(0) and gpu(1): copies between any two devices (_copyto, on a
 * copy stream), fills on a GPU (_zeros/_ones, libmx's kernels on a compute
 * stream), host functions that change a CPU array in place, blocking
 * uploads and reads, and replacements of an array (the old one freed with
 * work still pending on it).  A test mutex serialises the pushes and logs
 * them; a plain-C replay of the log must give the values every read saw and
 * the final ones.
 *
 * C99 + POSIX threads.  Prints "N passed, M failed"; exits non-zero on
 * failure.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mx/c_api.h"

enum { kCPU = 1, kGPU = 2, kInt64 = 6 };
enum { kLen = 64, kPerDevice = 8, kNumDevices = 3, kNumArrays = kPerDevice * kNumDevices };
enum { kNumThreads = 4, kOpsPerThread = 1500, kNumOps = kNumThreads * kOpsPerThread };
enum Kind { kCopy, kFill, kHostUpdate, kUpload, kRead, kReplace, kNumKinds };

struct Op {
  enum Kind kind;
  int src, dst;        /* array slots */
  int64_t value;       /* fill value, host update addend, upload seed */
  int device;          /* kReplace: the new array's device (0 cpu, 1 gpu(0), 2 gpu(1)) */
  int64_t* data;       /* kHostUpdate: the buffer, taken at push time */
  int64_t seen[kLen];  /* kRead: what the read returned */
};

static MXNDArrayHandle arrays[kNumArrays];
static int device_of[kNumArrays];  /* slot -> device index, follows replacements */
static struct Op op_log[kNumOps];
static int log_size;
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;

static void device_ctx(int device, int* dev_type, int* dev_id) {
  *dev_type = device == 0 ? kCPU : kGPU;
  *dev_id = device == 0 ? 0 : device - 1;
}

/* Returns the C ABI's status: the pushers count failures themselves (the
 * CHECK counters belong to the main thread). */
static int new_array(int device, MXNDArrayHandle* out) {
  const int64_t shape[] = {kLen};
  int dev_type, dev_id;
  device_ctx(device, &dev_type, &dev_id);
  return MXNDArrayCreate(shape, 1, dev_type, dev_id, kInt64, out);
}

static int invoke_into(const char* op_name, MXNDArrayHandle* input, MXNDArrayHandle out,
                       int num_params, const char** keys, const char** vals) {
  MXOpHandle op = NULL;
  MXNDArrayHandle outs[1];
  MXNDArrayHandle* out_ptr = outs;
  int num_outputs = 1;
  outs[0] = out;
  if (MXGetOpHandle(op_name, &op) != 0) return -1;
  return MXImperativeInvoke(op, input ? 1 : 0, input, &num_outputs, &out_ptr, num_params, keys,
                            vals);
}

static int host_update(void* param) {
  const struct Op* op = (const struct Op*)param;
  int i;
  for (i = 0; i < kLen; ++i) op->data[i] = op->data[i] * 3 + op->value;
  return 0;
}

static void upload_values(const struct Op* op, int64_t* out) {
  int i;
  for (i = 0; i < kLen; ++i) out[i] = op->value * 1000 + i;
}

/* Pushes one op and logs it, under one lock: log order is push order. */
static int push_logged(struct Op* op) {
  int rc = 0;
  pthread_mutex_lock(&log_mu);
  /* A fill needs a GPU target, a host update a CPU one: else a copy. */
  if ((op->kind == kFill && device_of[op->dst] == 0) ||
      (op->kind == kHostUpdate && device_of[op->dst] != 0))
    op->kind = kCopy;
  switch (op->kind) {
    case kCopy:
      rc = invoke_into("_copyto", &arrays[op->src], arrays[op->dst], 0, NULL, NULL);
      break;
    case kFill: {
      char ctx[32];
      const char* keys[] = {"shape", "dtype", "ctx"};
      const char* vals[] = {"(64,)", "int64", ctx};
      int dev_type, dev_id;
      device_ctx(device_of[op->dst], &dev_type, &dev_id);
      snprintf(ctx, sizeof ctx, "gpu(%d)", dev_id);
      rc = invoke_into(op->value ? "_ones" : "_zeros", NULL, arrays[op->dst], 3, keys, vals);
      break;
    }
    case kHostUpdate: {
      void* data = NULL;
      rc = MXNDArrayGetData(arrays[op->dst], &data);
      op->data = (int64_t*)data;
      break;
    }
    case kUpload: {
      int64_t values[kLen];
      upload_values(op, values);
      rc = MXNDArraySyncCopyFromCPU(arrays[op->dst], values, kLen);
      break;
    }
    case kRead:
      rc = MXNDArraySyncCopyToCPU(arrays[op->src], op->seen, kLen);
      break;
    case kReplace:
      rc = MXNDArrayFree(arrays[op->dst]);
      if (rc == 0) rc = new_array(op->device, &arrays[op->dst]);
      device_of[op->dst] = op->device;
      if (rc == 0) rc = invoke_into("_copyto", &arrays[op->src], arrays[op->dst], 0, NULL, NULL);
      break;
    default:
      rc = -1;
  }
  op_log[log_size] = *op;
  if (op->kind == kHostUpdate && rc == 0)
    rc = MXEnginePushSync(host_update, &op_log[log_size], NULL, kCPU, 0, NULL, 0,
                          &arrays[op->dst], 1, "host update");
  if (rc != 0) printf("push failed: [kind %d] %s\n", MXGetLastErrorKind(), MXGetLastError());
  log_size++;
  pthread_mutex_unlock(&log_mu);
  return rc;
}

static struct Op random_op(unsigned* seed) {
  struct Op op;
  memset(&op, 0, sizeof op);
  op.kind = (enum Kind)(rand_r(seed) % kNumKinds);
  op.src = rand_r(seed) % kNumArrays;
  do op.dst = rand_r(seed) % kNumArrays; while (op.dst == op.src);
  op.value = rand_r(seed) % 100;
  if (op.kind == kFill) op.value %= 2;  /* zeros or ones */
  op.device = rand_r(seed) % kNumDevices;
  return op;
}

static void* pusher(void* seed_ptr) {
  unsigned seed = *(const unsigned*)seed_ptr;
  int k, failures = 0;
  for (k = 0; k < kOpsPerThread; ++k) {
    struct Op op = random_op(&seed);
    if (push_logged(&op) != 0) failures++;
  }
  return failures ? (void*)"push failed" : NULL;
}

/* The replay: the effect of each logged op on plain C arrays. */
static int replay_and_check_reads(int64_t (*values)[kLen]) {
  int k, i, mismatches = 0;
  for (k = 0; k < log_size; ++k) {
    const struct Op* op = &op_log[k];
    switch (op->kind) {
      case kCopy:
      case kReplace:
        memcpy(values[op->dst], values[op->src], sizeof values[0]);
        break;
      case kFill:
        for (i = 0; i < kLen; ++i) values[op->dst][i] = op->value;
        break;
      case kHostUpdate:
        for (i = 0; i < kLen; ++i) values[op->dst][i] = values[op->dst][i] * 3 + op->value;
        break;
      case kUpload:
        upload_values(op, values[op->dst]);
        break;
      case kRead:
        if (memcmp(op->seen, values[op->src], sizeof values[0]) != 0) mismatches++;
        break;
      default:
        break;
    }
  }
  return mismatches;
}

static void test_random_device_ops(void) {
  static int64_t expected[kNumArrays][kLen];
  unsigned seeds[kNumThreads];
  pthread_t threads[kNumThreads];
  int a, i, failed_threads = 0, final_mismatches = 0;

  for (a = 0; a < kNumArrays; ++a) {
    device_of[a] = a / kPerDevice;
    CHECK_OK(new_array(device_of[a], &arrays[a]));
    for (i = 0; i < kLen; ++i) expected[a][i] = a * 100 + i;
    CHECK_OK(MXNDArraySyncCopyFromCPU(arrays[a], expected[a], kLen));
  }
  for (i = 0; i < kNumThreads; ++i) {
    seeds[i] = 1234u + 77u * (unsigned)i;
    CHECK(pthread_create(&threads[i], NULL, pusher, &seeds[i]) == 0);
  }
  for (i = 0; i < kNumThreads; ++i) {
    void* result = NULL;
    pthread_join(threads[i], &result);
    if (result) failed_threads++;
  }
  CHECK(failed_threads == 0);
  CHECK_OK(MXNDArrayWaitAll());
  CHECK(log_size == kNumOps);
  CHECK(replay_and_check_reads(expected) == 0);
  for (a = 0; a < kNumArrays; ++a) {
    int64_t got[kLen];
    CHECK_OK(MXNDArraySyncCopyToCPU(arrays[a], got, kLen));
    if (memcmp(got, expected[a], sizeof got) != 0) final_mismatches++;
    CHECK_OK(MXNDArrayFree(arrays[a]));
  }
  CHECK(final_mismatches == 0);
}

int main(void) {
  int gpus = 0;
  CHECK_OK(MXGetGPUCount(&gpus));
  if (gpus >= 2) test_random_device_ops();
  else printf("fewer than two GPUs (set MX_GPU_EMULATION=2): only the count was checked\n");
  return REPORT();
}
