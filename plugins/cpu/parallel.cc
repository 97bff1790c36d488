// The CPU plugin's thread pool behind ParallelFor.
//
// Rationale (why not OpenMP): libgomp keeps one thread team per calling
// thread, so every engine worker grew its own team, and idle team threads
// spin for ~300k pause instructions (milliseconds) after each parallel
// region.  With the engine's workers and the Python thread sharing the
// cores, those spinners held the cores the others needed: on a 2-core
// machine an add of 1M floats took 0.2 ms through the engine (8 ms with
// MXNET_CPU_WORKER_NTHREADS=1), 0.09 ms with this pool.  libgomp also hangs
// in a child forked after a parallel region (Gluon's DataLoader forks).
// So: one pool per process, helpers that spin briefly and then sleep, a
// caller that works on its own job (it never waits for a helper to wake
// up), helpers woken off the caller's CPU (KeepOffCpu), and fork handlers.
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "kernel_util.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define MX_CPU_RELAX() _mm_pause()
#else
#define MX_CPU_RELAX() std::this_thread::yield()
#endif

namespace mx_cpu {

namespace {

// How long an idle helper polls for the next job before it sleeps: long
// enough to catch back-to-back ops, short enough not to hold a core that
// another thread needs.
constexpr std::chrono::microseconds kSpin(100);

// The job's ticket packs, so that one atomic read gives a consistent view:
// the job's epoch (32 bits) | its piece count (16 bits) | the next
// unclaimed piece (16 bits).
inline uint32_t Epoch(uint64_t t) { return static_cast<uint32_t>(t >> 32); }
inline uint32_t Pieces(uint64_t t) { return static_cast<uint32_t>(t >> 16) & 0xffffu; }
inline uint32_t Next(uint64_t t) { return static_cast<uint32_t>(t) & 0xffffu; }
inline uint64_t Ticket(uint32_t epoch, uint32_t pieces) { return uint64_t{epoch} << 32 | uint64_t{pieces} << 16; }

int CountThreads() {
  // OMP_NUM_THREADS, as MXNet users set it to limit CPU threads.
  if (const char* env = std::getenv("OMP_NUM_THREADS")) {
    const int n = std::atoi(env);
    if (n > 0) return std::min(n, 1024);
  }
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::min(1024, std::max(1, CPU_COUNT(&set)));
  return static_cast<int>(std::min(1024u, std::max(1u, std::thread::hardware_concurrency())));
}

// Every field lives as long as the process: helpers are detached and may
// still be asleep on `wake` at exit (destroying it would block exit).
struct Pool {
  const int max_threads = CountThreads();
  std::mutex owner;  // held by the caller whose job runs; others run theirs serially
  std::mutex mu;     // guards sleeping on `wake`
  std::condition_variable wake;
  std::atomic<uint64_t> ticket{0};
  std::atomic<uint32_t> done{0};  // pieces of the current job finished
  std::atomic<int> sleepers{0};
  int helpers = 0;  // started; guarded by owner
  uint32_t epoch = 0;  // of the last job; guarded by owner
  // The current job; read by a helper only after it claimed one of its pieces.
  void (*job)(void*, int, int) = nullptr;
  void* ctx = nullptr;
  // Helpers' thread ids, for KeepOffCpu (guarded by mu); the CPU they are
  // kept off and the mask they started with (guarded by owner).
  std::vector<pid_t> helper_tids;
  int kept_off = -1;
  cpu_set_t allowed;

  static thread_local bool in_job;  // a piece runs on this thread (nested ParallelFor: serial)

  // Claims and runs pieces of job `e` until none is left.
  void Work(uint32_t e) {
    uint64_t t = ticket.load(std::memory_order_acquire);
    while (Epoch(t) == e && Next(t) < Pieces(t)) {
      if (!ticket.compare_exchange_weak(t, t + 1, std::memory_order_acq_rel, std::memory_order_acquire))
        continue;
      in_job = true;
      job(ctx, static_cast<int>(Next(t)), static_cast<int>(Pieces(t)));
      in_job = false;
      done.fetch_add(1, std::memory_order_release);
      t = ticket.load(std::memory_order_acquire);
    }
  }

  // Keeps sleeping helpers off `cpu`, the caller's, before they are woken.
  // Rationale: on the KVM guests we measure on, a helper woken from sleep
  // mostly lands on its waker's CPU even with another one idle, and waits
  // there for the load balancer (1-3 ms): a 4096x4096 row sum ran at one
  // thread's speed after a pause.  Excluding one CPU binds nothing else.
  void KeepOffCpu(int cpu) {
    if (cpu < 0 || cpu == kept_off || !CPU_ISSET(cpu, &allowed) || CPU_COUNT(&allowed) < 2) return;
    cpu_set_t others = allowed;
    CPU_CLR(cpu, &others);
    std::lock_guard<std::mutex> lock(mu);
    for (pid_t tid : helper_tids) sched_setaffinity(tid, sizeof(others), &others);
    kept_off = cpu;
  }

  void Helper() {
    {
      std::lock_guard<std::mutex> lock(mu);
      helper_tids.push_back(static_cast<pid_t>(syscall(SYS_gettid)));
    }
    uint32_t seen = Epoch(ticket.load(std::memory_order_acquire));
    for (;;) {
      const auto start = std::chrono::steady_clock::now();
      for (int k = 1; Epoch(ticket.load(std::memory_order_acquire)) == seen; ++k) {
        MX_CPU_RELAX();
        if (k % 64 == 0 && std::chrono::steady_clock::now() - start > kSpin) {
          std::unique_lock<std::mutex> lock(mu);
          sleepers.fetch_add(1);  // seq_cst: pairs with Run's store of ticket
          wake.wait(lock, [&] { return Epoch(ticket.load()) != seen; });
          sleepers.fetch_sub(1);
          break;
        }
      }
      seen = Epoch(ticket.load(std::memory_order_acquire));
      Work(seen);
      // The idle spin starts when the job is done, not when this helper ran
      // out of pieces (up to a piece earlier): the caller's next job then
      // finds it awake, on its own core.
      for (int k = 1;; ++k) {
        const uint64_t t = ticket.load(std::memory_order_acquire);
        if (Epoch(t) != seen || done.load(std::memory_order_acquire) >= Pieces(t)) break;
        if (k % 256 == 0) std::this_thread::yield();  // another thread may need this core
        else MX_CPU_RELAX();
      }
    }
  }

  void StartHelpers(int wanted) {
    if (helpers == 0 && sched_getaffinity(0, sizeof(allowed), &allowed) != 0) CPU_ZERO(&allowed);
    if (helpers < wanted) kept_off = -1;  // new helpers start unrestricted
    for (; helpers < wanted; ++helpers) {
      try {
        std::thread([this] { Helper(); }).detach();
      } catch (...) {
        return;  // no more threads: run with those there are
      }
    }
  }

  void Run(int nt, void (*fn)(void*, int, int), void* arg) {
    std::unique_lock<std::mutex> own;
    if (nt > 1 && nt <= 0xffff && !in_job) own = std::unique_lock<std::mutex>(owner, std::try_to_lock);
    if (!own.owns_lock()) {  // one piece, nested, or the pool is busy with another caller: serial
      for (int t = 0; t < nt; ++t) fn(arg, t, nt);
      return;
    }
    StartHelpers(std::min(nt, max_threads) - 1);
    job = fn;
    ctx = arg;
    done.store(0, std::memory_order_relaxed);
    const uint32_t e = ++epoch;
    ticket.store(Ticket(e, static_cast<uint32_t>(nt)));  // seq_cst: pairs with sleepers
    if (sleepers.load() > 0) {
      KeepOffCpu(sched_getcpu());
      std::lock_guard<std::mutex> lock(mu);
      wake.notify_all();
    }
    Work(e);  // the caller claims pieces too: it never waits for a helper to wake
    for (int k = 1; done.load(std::memory_order_acquire) < static_cast<uint32_t>(nt); ++k) {
      if (k % 256 == 0) std::this_thread::yield();  // a helper mid-piece may need this core
      else MX_CPU_RELAX();
    }
  }
};

thread_local bool Pool::in_job = false;

Pool* the_pool = nullptr;
std::once_flag pool_once;

Pool& GetPool() {
  std::call_once(pool_once, [] {
    the_pool = new Pool();  // never freed: see Pool
    // After fork() the child has none of the helpers: it starts a pool of
    // its own.  The parent's locks are held across fork so that the child's
    // copy of the old pool is consistent (it is dropped there anyway).
    pthread_atfork([] { the_pool->owner.lock(); },
                   [] { the_pool->owner.unlock(); },
                   [] { the_pool = new Pool(); });
  });
  return *the_pool;
}

}  // namespace

int MaxThreads() { return GetPool().max_threads; }

void RunParallel(int nt, void (*fn)(void* ctx, int t, int nt), void* ctx) { GetPool().Run(nt, fn, ctx); }

}  // namespace mx_cpu
