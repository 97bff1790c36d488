/*
 * test_engine_stress.c -- the dependency engine under load, through the C ABI.
 *
 * 1. Four threads push 10,000 operations on 64 small int64 arrays.  Each op
 *    reads a random set and writes a random set (they may overlap and
 *    repeat) and turns what it sees into new values, so any reordering of
 *    conflicting ops, or any overlap of an op with one it conflicts with,
 *    changes the result.  Pushes are serialised by a test mutex that also
 *    appends the op to a log; replaying the log in plain C must give the
 *    same values.  Every callback also checks, at run time, that no
 *    conflicting op runs beside it.
 * 2. Two independent 200 ms ops overlap under ThreadedEngine and do not
 *    under NaiveEngine.
 * 3. A chain of 1,000 mutations of one array, with readers in between, runs
 *    in push order.
 * 4. An array freed while an op that writes it is pending keeps its buffer
 *    until the op ran, and then releases it.
 * 5. An op that reads a failed array is skipped, even when a wait that
 *    spends the error is granted at the same moment as the op.
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
#include <time.h>

#include "check.h"
#include "mx/c_api.h"

/* ------------------------------------------------------------------ */
/* Harness                                                            */
/* ------------------------------------------------------------------ */



enum { kCPU = 1, kInt64 = 6 };

static MXNDArrayHandle new_int64(int64_t n) {
  MXNDArrayHandle h = NULL;
  CHECK_OK(MXNDArrayCreate(&n, 1, kCPU, 0, kInt64, &h));
  return h;
}

static void sleep_us(long us) {
  struct timespec t;
  t.tv_sec = us / 1000000;
  t.tv_nsec = (us % 1000000) * 1000;
  nanosleep(&t, NULL);
}

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* How many callbacks run at once, and the most there ever were. */
static struct {
  pthread_mutex_t mu;
  int now;
  int max;
} running = {PTHREAD_MUTEX_INITIALIZER, 0, 0};

static void enter_callback(void) {
  pthread_mutex_lock(&running.mu);
  if (++running.now > running.max) running.max = running.now;
  pthread_mutex_unlock(&running.mu);
}

static void leave_callback(void) {
  pthread_mutex_lock(&running.mu);
  running.now--;
  pthread_mutex_unlock(&running.mu);
}

static int max_running_since_reset(void) {
  int max;
  pthread_mutex_lock(&running.mu);
  max = running.max;
  running.max = running.now;
  pthread_mutex_unlock(&running.mu);
  return max;
}

/* ------------------------------------------------------------------ */
/* 1. Random ops from four threads against a sequential replay        */
/* ------------------------------------------------------------------ */

enum {
  kNumVars = 64,
  kNumThreads = 4,
  kOpsPerThread = 2500,
  kNumOps = kNumThreads * kOpsPerThread,
  kMaxReads = 4,
  kMaxWrites = 3
};

struct Op {
  int id; /* position in push order */
  int num_reads, reads[kMaxReads];
  int num_writes, writes[kMaxWrites];
  long sleep_us;
};

static MXNDArrayHandle vars[kNumVars];
static struct Op op_log[kNumOps];
static int log_size;
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;

/* Who holds each var now, as the callbacks see it: a writer excludes
 * everyone, readers exclude writers.  Any overlap is an engine bug. */
static struct {
  pthread_mutex_t mu;
  int readers[kNumVars];
  int writers[kNumVars];
  int conflicts;
  int ops_run;
} holders = {PTHREAD_MUTEX_INITIALIZER, {0}, {0}, 0, 0};

/* splitmix64's finaliser: every input bit affects every output bit. */
static uint64_t mix(uint64_t x) {
  x += UINT64_C(0x9e3779b97f4a7c15);
  x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
  return x ^ (x >> 31);
}

/* The effect of an op on the cells it uses; the same code runs in the
 * engine callback (on the arrays' buffers) and in the replay.  Reads come
 * first, then writes in order, so a var both read and written, or written
 * twice, has one well-defined result. */
static void apply(const struct Op* op, uint64_t* const* reads,
                  uint64_t* const* writes) {
  uint64_t h = mix((uint64_t)op->id);
  int i;
  for (i = 0; i < op->num_reads; ++i) h = mix(h ^ *reads[i]);
  for (i = 0; i < op->num_writes; ++i) *writes[i] = mix(h ^ *writes[i] ^ (uint64_t)i);
}

static int writes_var(const struct Op* op, int v) {
  int i;
  for (i = 0; i < op->num_writes; ++i)
    if (op->writes[i] == v) return 1;
  return 0;
}

/* Does op use v in an earlier slot?  (Each var is claimed once per op.) */
static int seen_before(const struct Op* op, int is_write, int slot, int v) {
  int i;
  for (i = 0; i < slot; ++i)
    if ((is_write ? op->writes[i] : op->reads[i]) == v) return 1;
  return 0;
}

/* Marks op's vars as held (delta 1) or released (delta -1); a var both read
 * and written counts as written. */
static void hold_vars(const struct Op* op, int delta) {
  int i, v;
  pthread_mutex_lock(&holders.mu);
  for (i = 0; i < op->num_writes; ++i) {
    v = op->writes[i];
    if (seen_before(op, 1, i, v)) continue;
    if (delta > 0 && (holders.writers[v] || holders.readers[v])) holders.conflicts++;
    holders.writers[v] += delta;
  }
  for (i = 0; i < op->num_reads; ++i) {
    v = op->reads[i];
    if (seen_before(op, 0, i, v) || writes_var(op, v)) continue;
    if (delta > 0 && holders.writers[v]) holders.conflicts++;
    holders.readers[v] += delta;
  }
  if (delta > 0) holders.ops_run++;
  pthread_mutex_unlock(&holders.mu);
}

static int buffer_of(int v, uint64_t** out) {
  void* data = NULL;
  if (MXNDArrayGetData(vars[v], &data) != 0) return -1;
  *out = (uint64_t*)data; /* int64 storage read as uint64: same bits */
  return 0;
}

/* The engine callback: the engine gives it exclusive use of what it writes
 * and shared use of what it reads, so it touches the buffers directly. */
static int run_op(void* param) {
  const struct Op* op = (const struct Op*)param;
  uint64_t* reads[kMaxReads];
  uint64_t* writes[kMaxWrites];
  int i;
  for (i = 0; i < op->num_reads; ++i)
    if (buffer_of(op->reads[i], &reads[i]) != 0) return -1;
  for (i = 0; i < op->num_writes; ++i)
    if (buffer_of(op->writes[i], &writes[i]) != 0) return -1;
  hold_vars(op, 1);
  if (op->sleep_us) sleep_us(op->sleep_us);
  apply(op, reads, writes);
  hold_vars(op, -1);
  return 0;
}

/* xorshift64*: a small, seedable generator, one per thread. */
static uint64_t next_random(uint64_t* state) {
  *state ^= *state >> 12;
  *state ^= *state << 25;
  *state ^= *state >> 27;
  return *state * UINT64_C(2685821657736338717);
}

static int random_below(uint64_t* state, int n) {
  return (int)(next_random(state) >> 33) % n;
}

static struct Op random_op(uint64_t* rng) {
  struct Op op;
  int i;
  memset(&op, 0, sizeof op);
  op.num_reads = random_below(rng, kMaxReads + 1);
  op.num_writes = 1 + random_below(rng, kMaxWrites);
  for (i = 0; i < op.num_reads; ++i) op.reads[i] = random_below(rng, kNumVars);
  for (i = 0; i < op.num_writes; ++i) op.writes[i] = random_below(rng, kNumVars);
  /* One op in eight sleeps a few microseconds, so workers fall behind the
   * pushers and queues build up. */
  op.sleep_us = random_below(rng, 8) == 0 ? 1 + random_below(rng, 20) : 0;
  return op;
}

static int push_logged(struct Op op) {
  MXNDArrayHandle reads[kMaxReads], writes[kMaxWrites];
  int i, rc;
  for (i = 0; i < op.num_reads; ++i) reads[i] = vars[op.reads[i]];
  for (i = 0; i < op.num_writes; ++i) writes[i] = vars[op.writes[i]];
  /* Logging and pushing under one lock makes log order the push order. */
  pthread_mutex_lock(&log_mu);
  op.id = log_size;
  op_log[log_size] = op;
  rc = MXEnginePushSync(run_op, &op_log[log_size], NULL, kCPU, 0, reads, op.num_reads,
                        writes, op.num_writes, "stress");
  if (rc == 0) log_size++;
  pthread_mutex_unlock(&log_mu);
  return rc;
}

static void* pusher(void* seed) {
  uint64_t rng = mix(*(const uint64_t*)seed);
  int k, failures = 0;
  for (k = 0; k < kOpsPerThread; ++k)
    if (push_logged(random_op(&rng)) != 0) failures++;
  return failures ? (void*)"push failed" : NULL;
}

static void test_random_ops(void) {
  uint64_t expected[kNumVars], seeds[kNumThreads];
  pthread_t threads[kNumThreads];
  int i, v, mismatches = 0, failed_threads = 0;
  struct Op* op;

  for (v = 0; v < kNumVars; ++v) {
    expected[v] = mix((uint64_t)v + 1000);
    vars[v] = new_int64(1);
    CHECK_OK(MXNDArraySyncCopyFromCPU(vars[v], &expected[v], 1));
  }
  for (i = 0; i < kNumThreads; ++i) {
    seeds[i] = (uint64_t)i + 1;
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
  CHECK(holders.ops_run == log_size);
  CHECK(holders.conflicts == 0);

  for (op = op_log; op < op_log + log_size; ++op) {
    uint64_t* reads[kMaxReads];
    uint64_t* writes[kMaxWrites];
    for (i = 0; i < op->num_reads; ++i) reads[i] = &expected[op->reads[i]];
    for (i = 0; i < op->num_writes; ++i) writes[i] = &expected[op->writes[i]];
    apply(op, reads, writes);
  }
  for (v = 0; v < kNumVars; ++v) {
    uint64_t got = 0;
    CHECK_OK(MXNDArraySyncCopyToCPU(vars[v], &got, 1));
    if (got != expected[v]) mismatches++;
  }
  if (!CHECK(mismatches == 0))
    printf("  %d of %d vars differ from the replay\n", mismatches, kNumVars);
  for (v = 0; v < kNumVars; ++v) CHECK_OK(MXNDArrayFree(vars[v]));
}

/* ------------------------------------------------------------------ */
/* 2. Independent ops overlap (ThreadedEngine only)                   */
/* ------------------------------------------------------------------ */

static int sleep_200ms(void* param) {
  (void)param;
  enter_callback();
  sleep_us(200000);
  leave_callback();
  return 0;
}

static void test_overlap(int threaded) {
  MXNDArrayHandle x = new_int64(1), y = new_int64(1);
  double start, seconds;
  int overlap;

  CHECK_OK(MXNDArrayWaitAll());
  max_running_since_reset();
  start = now_seconds();
  CHECK_OK(MXEnginePushSync(sleep_200ms, NULL, NULL, kCPU, 0, NULL, 0, &x, 1, "sleep_x"));
  CHECK_OK(MXEnginePushSync(sleep_200ms, NULL, NULL, kCPU, 0, NULL, 0, &y, 1, "sleep_y"));
  CHECK_OK(MXNDArrayWaitAll());
  seconds = now_seconds() - start;
  overlap = max_running_since_reset();
  if (threaded) {
    CHECK(overlap == 2);
    CHECK(seconds < 0.350);
  } else {
    CHECK(overlap == 1);
    CHECK(seconds >= 0.400);
  }
  printf("two 200 ms ops: %.0f ms, at most %d at once\n", seconds * 1e3, overlap);
  CHECK_OK(MXNDArrayFree(x));
  CHECK_OK(MXNDArrayFree(y));
}

/* ------------------------------------------------------------------ */
/* 3. A chain of mutations runs in push order                         */
/* ------------------------------------------------------------------ */

enum { kChainLength = 1000, kReadEvery = 10 };

/* Step k of the chain: a write expects the cell to hold k (the number of
 * writes before it) and makes it k + 1; a read expects k. */
struct ChainStep {
  MXNDArrayHandle array;
  int64_t k;
};

static struct ChainStep chain_steps[kChainLength + kChainLength / kReadEvery];
static struct {
  pthread_mutex_t mu; /* readers run concurrently */
  int out_of_order;
} chain = {PTHREAD_MUTEX_INITIALIZER, 0};

static int chain_cell(const struct ChainStep* step, int64_t** cell) {
  void* data = NULL;
  if (MXNDArrayGetData(step->array, &data) != 0) return -1;
  *cell = (int64_t*)data;
  return 0;
}

static void chain_saw(const struct ChainStep* step, int64_t value) {
  if (value == step->k) return;
  pthread_mutex_lock(&chain.mu);
  chain.out_of_order++;
  pthread_mutex_unlock(&chain.mu);
}

static int chain_write(void* param) {
  const struct ChainStep* step = (const struct ChainStep*)param;
  int64_t* cell;
  if (chain_cell(step, &cell) != 0) return -1;
  if (step->k % 100 == 0) sleep_us(50); /* let the pusher run ahead */
  chain_saw(step, *cell);
  *cell = step->k + 1;
  return 0;
}

static int chain_read(void* param) {
  const struct ChainStep* step = (const struct ChainStep*)param;
  int64_t* cell;
  if (chain_cell(step, &cell) != 0) return -1;
  chain_saw(step, *cell);
  return 0;
}

static void test_chain(void) {
  MXNDArrayHandle a = new_int64(1);
  struct ChainStep* step = chain_steps;
  const int64_t zero = 0;
  int64_t final = -1;
  int k;

  CHECK_OK(MXNDArraySyncCopyFromCPU(a, &zero, 1));
  for (k = 0; k < kChainLength; ++k) {
    step->array = a;
    step->k = k;
    CHECK_OK(MXEnginePushSync(chain_write, step++, NULL, kCPU, 0, NULL, 0, &a, 1, "chain"));
    if (k % kReadEvery == 0) {
      step->array = a;
      step->k = k + 1;
      CHECK_OK(MXEnginePushSync(chain_read, step++, NULL, kCPU, 0, &a, 1, NULL, 0, "read"));
    }
  }
  CHECK_OK(MXNDArraySyncCopyToCPU(a, &final, 1));
  CHECK(final == kChainLength);
  CHECK_OK(MXNDArrayWaitAll());
  CHECK(chain.out_of_order == 0);
  CHECK_OK(MXNDArrayFree(a));
}

/* ------------------------------------------------------------------ */
/* 4. Freeing an array while an op on it is pending                   */
/* ------------------------------------------------------------------ */

enum { kPendingElements = 1000 };

struct PendingWrite {
  int64_t* data; /* taken before the handle is freed */
  int done;      /* under running.mu */
};

static int slow_write(void* param) {
  struct PendingWrite* w = (struct PendingWrite*)param;
  int i;
  sleep_us(100000);
  for (i = 0; i < kPendingElements; ++i) w->data[i] = i;
  pthread_mutex_lock(&running.mu);
  w->done = 1;
  pthread_mutex_unlock(&running.mu);
  return 0;
}

static int write_done(const struct PendingWrite* w) {
  int done;
  pthread_mutex_lock(&running.mu);
  done = w->done;
  pthread_mutex_unlock(&running.mu);
  return done;
}

static MXStorageStats cpu_stats(void) {
  MXStorageStats s;
  memset(&s, 0, sizeof s);
  s.struct_size = sizeof s;
  CHECK_OK(MXStorageGetStats(kCPU, 0, &s));
  return s;
}

static void test_free_while_pending(int threaded) {
  struct PendingWrite w = {NULL, 0};
  MXStorageStats before, at_free, after;
  MXNDArrayHandle a;
  void* data = NULL;
  int done_at_free;

  CHECK_OK(MXNDArrayWaitAll());
  before = cpu_stats();
  a = new_int64(kPendingElements);
  CHECK_OK(MXNDArrayGetData(a, &data));
  w.data = (int64_t*)data;
  CHECK_OK(MXEnginePushSync(slow_write, &w, NULL, kCPU, 0, NULL, 0, &a, 1, "slow_write"));
  CHECK_OK(MXNDArrayFree(a));
  done_at_free = write_done(&w);
  at_free = cpu_stats();
  if (threaded) {
    /* Still pending (it sleeps 100 ms): the buffer must still be held. */
    CHECK(!done_at_free);
    CHECK(at_free.num_frees == before.num_frees);
  } else {
    CHECK(done_at_free); /* NaiveEngine ran it at push time */
  }
  CHECK_OK(MXNDArrayWaitAll());
  CHECK(write_done(&w));
  after = cpu_stats();
  CHECK(after.num_frees == before.num_frees + 1);
  CHECK(after.bytes_in_use == before.bytes_in_use);
  /* Back to the system, so a late access would be a use after free that
   * AddressSanitizer reports. */
  CHECK_OK(MXStorageReleaseAll(kCPU, 0));
}

/* ------------------------------------------------------------------ */
/* 5. Error propagation is ordered like everything else               */
/* ------------------------------------------------------------------ */

enum { kErrorRounds = 200 };

static int fail_on_purpose(void* param) {
  (void)param;
  MXSetLastError(MX_ERROR_VALUE, "failed on purpose");
  return -1;
}

static int count_run(void* runs) {
  ++*(int*)runs;
  return 0;
}

/* The reader is pushed before the wait, so it inherits the error (and is
 * skipped) although the wait then spends it.  Under ThreadedEngine both are
 * released together when the failing op ends, and race; many rounds make a
 * lost error show. */
static void test_error_before_wait(void) {
  MXNDArrayHandle a = new_int64(1), b = new_int64(1);
  int round, unraised = 0, reader_runs = 0;

  for (round = 0; round < kErrorRounds; ++round) {
    CHECK_OK(MXEnginePushSync(fail_on_purpose, NULL, NULL, kCPU, 0, NULL, 0, &a, 1, "fail"));
    CHECK_OK(MXEnginePushSync(count_run, &reader_runs, NULL, kCPU, 0, &a, 1, &b, 1, "reader"));
    if (MXNDArrayWaitToRead(a) != -1 || MXGetLastErrorKind() != MX_ERROR_VALUE) unraised++;
  }
  CHECK_OK(MXNDArrayWaitAll()); /* every error was raised, by its wait */
  CHECK(unraised == 0);
  CHECK(reader_runs == 0);
  CHECK_OK(MXNDArrayFree(a));
  CHECK_OK(MXNDArrayFree(b));
}

int main(void) {
  const char* engine = NULL;
  int threaded;

  CHECK_OK(MXEngineGetType(&engine));
  threaded = engine && strcmp(engine, "ThreadedEngine") == 0;
  printf("engine: %s\n", engine ? engine : "(unknown)");

  test_random_ops();
  test_overlap(threaded);
  test_chain();
  test_free_while_pending(threaded);
  test_error_before_wait();
  CHECK_OK(MXNotifyShutdown());
  return REPORT();
}
