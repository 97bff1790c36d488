// The default engine: per-var FIFO queues of readers and writers, a worker
// pool, an inline fast path for ops whose vars are idle (InlinePolicy), a
// launch thread per GPU and completion by stream (device ops, engine.h),
// and fork handlers.
#include <pthread.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "common/error.h"
#include "device/device.h"
#include "device/stream.h"
#include "engine/op_block.h"
#include "engine/engines.h"

namespace mx {
namespace engine {

namespace {

int WorkerCount() {
  if (const char* env = std::getenv("MXNET_CPU_WORKER_NTHREADS")) {
    const int n = std::atoi(env);
    if (n > 0) return n;
  }
  // At least two, so independent ops overlap even on a one-core machine.
  return std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
}

void Enqueue(Var* v, OprBlock* op, VarUse* use) {
  Waiter* w = new Waiter{op, use, nullptr};
  if (v->tail) v->tail->next = w; else v->head = w;
  v->tail = w;
}

// Whether op may use v as u says now, given what holds v (call with v->mu
// held; keeping the queue's order is the caller's part).  Uses passed to a
// stream hold v against all but later device ops on that stream.
bool MayUse(const Var* v, const VarUse* u, const OprBlock* op) {
  if (v->pending_write || (u->write && v->num_pending_reads > 0)) return false;
  const int stream_uses = u->write ? v->stream_reads + v->stream_writes : v->stream_writes;
  return stream_uses == 0 || (op->stream != nullptr && op->stream == v->stream);
}

// Records that the op of u now holds v (call with v->mu held).
void Hold(Var* v, VarUse* u) {
  if (u->write) v->pending_write = true; else ++v->num_pending_reads;
  GrantVar(u);
}

// Grants v to the waiters at the head of its queue that may use it now;
// ops that thereby hold all their vars go to *ready (call with v->mu held).
void GrantWaiters(Var* v, std::vector<OprBlock*>* ready) {
  while (v->head && MayUse(v, v->head->use, v->head->op)) {
    Waiter* w = v->head;
    v->head = w->next;
    if (!v->head) v->tail = nullptr;
    Hold(v, w->use);
    if (w->op->wait.fetch_sub(1) == 1) ready->push_back(w->op);
    delete w;
  }
}

bool IsIdle(const Var* v, bool for_write) {
  return !v->pending_write && v->stream_writes == 0 && v->head == nullptr &&
         (!for_write || (v->num_pending_reads == 0 && v->stream_reads == 0));
}

class ThreadedEngine;
ThreadedEngine* forking_engine = nullptr;  // the engine the fork handlers stop and restart

class ThreadedEngine final : public Engine {
 public:
  ThreadedEngine() {
    StartWorkers();
    // Fork safety, as in MXNet 1.x: a forked child has only the thread that
    // called fork(), so an op handed to a worker there would wait forever
    // (Gluon's DataLoader forks its workers).  Before fork() the engine
    // finishes all pending work and stops its workers; afterwards the parent
    // and the child each start a fresh set.  Not covered, as with any
    // threaded runtime: another thread pushing work while one forks, or an
    // engine function that needs the forking thread (a Python function
    // waiting for the GIL) still pending at fork().
    static std::once_flag registered;
    std::call_once(registered, [] {
      pthread_atfork([] { forking_engine->BeforeFork(); }, [] { forking_engine->AfterFork(); },
                     [] { forking_engine->AfterFork(); });
    });
    forking_engine = this;
  }

  const char* Name() const override { return "ThreadedEngine"; }

  Var* NewVariable() override { return new Var(); }

  void DeleteVariable(SyncFn on_delete, Context ctx, Var* var) override {
    // Nothing can be pushed on a var being deleted (its buffer has no owner
    // left), so one that is idle now stays idle: free it at once.  Rationale:
    // this is the common case -- pending ops keep their buffers alive -- and
    // it saves a full push per freed array.
    bool idle;
    {
      std::lock_guard<std::mutex> lock(var->mu);
      idle = IsIdle(var, /*for_write=*/true);
    }
    if (idle) {
      try {
        on_delete();
      } catch (...) {
        // Freeing memory does not fail; nothing may escape a destructor path.
      }
      delete var;
      return;
    }
    OprBlock* op = new OprBlock();
    op->fn = std::move(on_delete);
    op->ctx = ctx;
    op->name = "DeleteVariable";
    op->delete_var = var;
    op->SetVars(nullptr, 0, &var, 1);
    Schedule(op);
  }

  void Push(SyncFn fn, Context ctx, Var* const* const_vars, size_t num_const,
            Var* const* mutable_vars, size_t num_mutable, const PushOptions& options) override {
    OprBlock* op = new OprBlock();
    op->fn = std::move(fn);
    op->ctx = ctx;
    op->name = options.name;
    op->inline_policy = options.inline_policy;
    op->stream = options.stream;
    op->SetVars(const_vars, num_const, mutable_vars, num_mutable);
    Schedule(op);
  }

  void PushAndWait(SyncFn fn, Context ctx, Var* const* const_vars, size_t num_const,
                   Var* const* mutable_vars, size_t num_mutable,
                   const PushOptions& options) override {
    Completion done;
    OprBlock* op = new OprBlock();
    op->fn = std::move(fn);
    op->ctx = ctx;
    op->name = options.name;
    op->stream = options.stream;
    op->completion = &done;
    op->SetVars(const_vars, num_const, mutable_vars, num_mutable);
    Schedule(op);
    done.Wait();
    RaiseOnce(done.error);
  }

  void WaitForVar(Var* var, bool for_write) override {
    bool idle;
    {
      std::lock_guard<std::mutex> lock(var->mu);
      idle = IsIdle(var, for_write);
    }
    if (!idle) {
      Completion done;
      OprBlock* op = new OprBlock();
      op->marker = true;
      op->name = "WaitForVar";
      op->completion = &done;
      op->SetVars(for_write ? nullptr : &var, for_write ? 0 : 1, for_write ? &var : nullptr,
                  for_write ? 1 : 0);
      Schedule(op);
      done.Wait();
    }
    RaiseOnce(TakeVarError(var));
  }

  void WaitForAll() override {
    WaitIdle();
    errors_.RaiseFirst();
  }

  void Shutdown() override {
    try {
      WaitForAll();
    } catch (...) {
      // Errors nobody waited for are dropped at exit, as in MXNet.
    }
    StopWorkers();
  }

  // pthread_atfork's prepare handler.  Errors stay stored for the next wait
  // (in both processes).  push_mu_ is held across fork() so that the child
  // never inherits it locked by a push half-done on another thread.
  void BeforeFork() {
    WaitIdle();
    restart_after_fork_ = StopWorkers();
    push_mu_.lock();
  }

  // pthread_atfork's parent and child handlers.
  void AfterFork() {
    push_mu_.unlock();
    if (restart_after_fork_) StartWorkers();
  }

 private:
  void StartWorkers() {
    {
      std::lock_guard<std::mutex> lock(queue_mu_);
      stopped_ = false;
    }
    const int n = WorkerCount();
    for (int i = 0; i < n; ++i) workers_.emplace_back([this] { WorkerLoop(); });
    std::lock_guard<std::mutex> lock(queue_mu_);
    for (auto& q : device_queues_)
      if (q) StartDeviceWorker(q.get());
  }

  // Lets the workers finish the queue and joins them; later pushes run on
  // the pushing thread.  Returns false if they were stopped already.
  bool StopWorkers() {
    {
      std::lock_guard<std::mutex> lock(queue_mu_);
      if (stopped_) return false;
      stopped_ = true;
    }
    queue_cv_.notify_all();
    for (std::thread& t : workers_) t.join();
    workers_.clear();
    // Queues are only ever added, under queue_mu_; none is added once stopped.
    for (auto& q : device_queues_) {
      if (!q) continue;
      q->cv.notify_all();
      q->thread.join();
    }
    return true;
  }

  // Blocks until every pushed op is done.
  void WaitIdle() {
    std::unique_lock<std::mutex> lock(all_mu_);
    all_waiters_.fetch_add(1);
    all_cv_.wait(lock, [this] { return pending_.load() == 0; });
    all_waiters_.fetch_sub(1);
  }

  // Appends op to each var's queue; runs or dispatches it once all are granted.
  void Schedule(OprBlock* op) {
    const int n = static_cast<int>(op->vars.size());
    op->wait.store(n + 1);
    int granted = 0;
    bool others_pending;
    {
      // Rationale: one lock makes pushes from several threads totally ordered;
      // without it two ops on the same two vars could be queued in opposite
      // orders on each and wait on each other forever.  pending_ counts the
      // op under it too, so that the lock held across fork() (BeforeFork)
      // leaves no op counted but not yet queued.
      std::lock_guard<std::mutex> push_lock(push_mu_);
      others_pending = pending_.fetch_add(1) > 0;
      for (VarUse& u : op->vars) granted += Append(&u, op);
    }
    if (op->wait.fetch_sub(granted + 1) == granted + 1) {
      if (op->stream) {
        LaunchDeviceOp(op);  // launching never waits for the device: always here
        return;
      }
      const InlinePolicy policy = op->inline_policy;
      if (policy == InlinePolicy::kAlways || (policy == InlinePolicy::kWhenIdle && !others_pending) || stopped_) {
        RunAndComplete(op, /*on_worker=*/false);
      } else {
        Dispatch(op);
      }
    }
  }

  // Returns whether op was granted the var at once.
  static bool Append(VarUse* u, OprBlock* op) {
    Var* v = u->var;
    std::lock_guard<std::mutex> lock(v->mu);
    if (v->head == nullptr && MayUse(v, u, op)) {
      Hold(v, u);
      return true;
    }
    Enqueue(v, op, u);
    return false;
  }

  // Releases op's hold on its vars; ops that thereby become runnable go to
  // *ready.
  static void Release(OprBlock* op, std::vector<OprBlock*>* ready) {
    for (const VarUse& u : op->vars) {
      Var* v = u.var;
      std::lock_guard<std::mutex> lock(v->mu);
      if (op->launched) {
        if (u.write) --v->stream_writes; else --v->stream_reads;
        if (v->stream_reads + v->stream_writes == 0) v->stream = nullptr;
      } else if (u.write) {
        v->pending_write = false;
      } else {
        --v->num_pending_reads;
      }
      GrantWaiters(v, ready);
    }
  }

  // A launched device op's uses pass to its stream (Var::stream_*): the
  // device ops queued behind it on that stream may now launch; they (and
  // any other op that thereby holds all its vars) go to *ready.
  static void PassToStream(OprBlock* op, std::vector<OprBlock*>* ready) {
    op->launched = true;
    for (const VarUse& u : op->vars) {
      Var* v = u.var;
      std::lock_guard<std::mutex> lock(v->mu);
      if (u.write) v->pending_write = false; else --v->num_pending_reads;
      const bool first = v->stream_reads + v->stream_writes == 0;
      if (u.write) ++v->stream_writes; else ++v->stream_reads;
      if (first) v->stream = op->stream;
      else if (v->stream != op->stream) v->stream = nullptr;  // several streams: nothing bypasses
      GrantWaiters(v, ready);
    }
  }

  // The error a launched op inherits at completion: one stored, after the
  // op was granted, on a var it reads -- by an op before it on its stream
  // whose device work failed.  (Granted any other way, the op saw the
  // var's error when it was granted, and nothing else writes the var
  // before the op completes.)
  static ErrorRef StreamInheritedError(OprBlock* op) {
    for (const VarUse& u : op->vars) {
      if (!u.read) continue;
      std::lock_guard<std::mutex> lock(u.var->mu);
      const ErrorRef& e = u.var->error;
      if (e && !e->reported.load(std::memory_order_relaxed)) return e;
    }
    return nullptr;
  }

  // The end of an op: releases its vars (ops that thereby become runnable
  // go to *ready), wakes whoever waits for it, and frees it.
  void Retire(OprBlock* op, const ErrorRef& err, std::vector<OprBlock*>* ready) {
    Release(op, ready);
    if (op->completion) op->completion->Signal(err);
    delete op->delete_var;
    delete op;
  }

  void RunAndComplete(OprBlock* op, bool on_worker) {
    while (op) {
      ErrorRef err;
      if (!op->marker) err = ExecuteOpr(op, &any_error_, &errors_);
      std::vector<OprBlock*> ready;
      Retire(op, err, &ready);
      OprBlock* next = nullptr;
      for (OprBlock* r : ready) {
        // A worker continues with the first host op it released: no queue hop.
        if (on_worker && !next && !r->stream) next = r; else Dispatch(r);
      }
      Finish();
      op = next;
    }
  }

  // Launches a device op whose vars are granted, then the device ops its
  // launch lets go (PassToStream), on this thread.
  void LaunchDeviceOp(OprBlock* op) {
    std::vector<OprBlock*> launchable;
    for (;;) {
      std::vector<OprBlock*> ready;
      LaunchOne(op, &ready);
      for (OprBlock* r : ready) {
        if (r->stream) launchable.push_back(r); else Dispatch(r);
      }
      if (launchable.empty()) return;
      op = launchable.back();
      launchable.pop_back();
    }
  }

  // Launches op; it completes when its stream reports the work done -- or
  // at once when it was skipped or its launch failed.  The ops its launch
  // lets go go to *ready.
  void LaunchOne(OprBlock* op, std::vector<OprBlock*>* ready) {
    ErrorRef err = RunOpr(op, &errors_);
    if (!err) {
      try {
        if (!stopped_) {
          PassToStream(op, ready);
          op->stream->OnComplete([this, op](const Error* e) {
            ErrorRef device_err;
            if (e) {
              device_err = std::make_shared<OpError>(e->kind(), e->what());
              errors_.Add(device_err);
            }
            CompleteDeviceOp(op, device_err);
          });
          return;
        }
        op->stream->Synchronize();  // after shutdown: synchronous
      } catch (...) {
        err = CaptureError();
        errors_.Add(err);
      }
    }
    CompleteDeviceOp(op, err);
  }

  // Called on a stream's completion thread (or by the launcher): runs no op
  // itself, so completions are never held up by other work.
  void CompleteDeviceOp(OprBlock* op, ErrorRef err) {
    if (!err && op->launched) err = StreamInheritedError(op);
    StoreOpError(op, err, &any_error_);
    std::vector<OprBlock*> ready;
    Retire(op, err, &ready);
    for (OprBlock* r : ready) Dispatch(r);
    Finish();
  }

  void Dispatch(OprBlock* op) {
    {
      std::lock_guard<std::mutex> lock(queue_mu_);
      if (!stopped_) {
        if (op->stream) {
          DeviceQueue* q = DeviceQueueOf(op->stream->device()->id());
          q->ops.push_back(op);
          q->cv.notify_one();
        } else {
          queue_.push_back(op);
          queue_cv_.notify_one();
        }
        return;
      }
    }
    // After shutdown: synchronous.
    if (op->stream) LaunchDeviceOp(op); else RunAndComplete(op, /*on_worker=*/false);
  }

  // A GPU's launch queue: device ops that became runnable when an op they
  // waited for finished, launched in order by the GPU's own thread (MXNet's
  // per-GPU worker).  Call with queue_mu_ held.
  struct DeviceQueue {
    std::deque<OprBlock*> ops;
    std::condition_variable cv;
    std::thread thread;
  };

  DeviceQueue* DeviceQueueOf(int device_id) {
    std::unique_ptr<DeviceQueue>& q = device_queues_[device_id];
    if (!q) {
      q = std::make_unique<DeviceQueue>();
      StartDeviceWorker(q.get());
    }
    return q.get();
  }

  void StartDeviceWorker(DeviceQueue* q) {
    q->thread = std::thread([this, q] {
      for (;;) {
        OprBlock* op;
        {
          std::unique_lock<std::mutex> lock(queue_mu_);
          q->cv.wait(lock, [this, q] { return stopped_ || !q->ops.empty(); });
          if (q->ops.empty()) return;
          op = q->ops.front();
          q->ops.pop_front();
        }
        LaunchDeviceOp(op);
      }
    });
  }

  void WorkerLoop() {
    for (;;) {
      OprBlock* op;
      {
        std::unique_lock<std::mutex> lock(queue_mu_);
        queue_cv_.wait(lock, [this] { return stopped_ || !queue_.empty(); });
        if (queue_.empty()) return;
        op = queue_.front();
        queue_.pop_front();
      }
      RunAndComplete(op, /*on_worker=*/true);
    }
  }

  void Finish() {
    if (pending_.fetch_sub(1) == 1 && all_waiters_.load() > 0) {
      std::lock_guard<std::mutex> lock(all_mu_);
      all_cv_.notify_all();
    }
  }

  std::mutex push_mu_;
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<OprBlock*> queue_;
  std::atomic<bool> stopped_{false};
  std::vector<std::thread> workers_;
  std::array<std::unique_ptr<DeviceQueue>, device::kMaxDevices> device_queues_;  // queue_mu_
  bool restart_after_fork_ = false;  // set and read by the forking thread

  std::atomic<int64_t> pending_{0};
  std::atomic<int> all_waiters_{0};
  std::mutex all_mu_;
  std::condition_variable all_cv_;

  std::atomic<bool> any_error_{false};
  ErrorLog errors_;
};

}  // namespace

Engine* CreateThreadedEngine() { return new ThreadedEngine(); }

}  // namespace engine
}  // namespace mx
