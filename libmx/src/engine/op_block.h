// Internal pieces shared by the engines: a variable's state and a pushed
// operation.
#ifndef MX_ENGINE_OP_BLOCK_H_
#define MX_ENGINE_OP_BLOCK_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/error.h"
#include "engine/engine.h"

namespace mx {
namespace engine {

// The error of a failed operation.  One record is shared by the vars the op
// wrote, by the ops that inherit it and by the engine's error log; as in
// MXNet, it is reported once: by the first wait that meets it (on any array
// carrying it, or WaitForAll).  Afterwards it is spent: waits ignore it and
// readers no longer inherit it.
// Rationale: a plain record rather than a std::exception_ptr.  The object
// behind an exception_ptr is shared by every thread that holds one and freed
// by whichever drops it last, through reference counts inside libstdc++ that
// ThreadSanitizer cannot see; a wait throws its own mx::Error instead.
struct OpError {
  OpError(ErrorKind k, std::string m) : kind(k), message(std::move(m)) {}
  const ErrorKind kind;
  const std::string message;
  std::atomic<bool> reported{false};
};
using ErrorRef = std::shared_ptr<OpError>;

// The exception being handled, as a record (call inside a catch block).
// Kinds as at the C boundary: std::bad_alloc is kMemory, anything else
// that is not an mx::Error is kInternal.
ErrorRef CaptureError();
// Throws err as an mx::Error unless it is null or was reported already.
void RaiseOnce(const ErrorRef& err);

// The errors ops raised since the last WaitForAll.
class ErrorLog {
 public:
  void Add(ErrorRef err);
  // Marks every logged error reported (a wait on an array after WaitForAll
  // does not raise them again) and throws the first not reported before.
  void RaiseFirst();

 private:
  std::mutex mu_;
  std::vector<ErrorRef> errors_;
  size_t prune_at_ = 64;  // size at which Add drops reported errors
};

struct OprBlock;
struct VarUse;

// A pushed operation waiting on a var, in push order.
struct Waiter {
  OprBlock* op;
  VarUse* use;  // op's entry for the var: how it uses it
  Waiter* next;
};

struct Var {
  std::mutex mu;
  // Threaded engine: reads granted and not yet completed, whether a granted
  // write is outstanding, and the ops queued behind them (FIFO).
  int num_pending_reads = 0;
  bool pending_write = false;
  Waiter* head = nullptr;
  Waiter* tail = nullptr;
  // Uses by device ops launched on `stream` and not yet completed: they
  // hold the var against everything but later device ops on that stream,
  // which the stream orders after them (see engine.h).  `stream` is null
  // while uses from several streams are outstanding: then nothing bypasses.
  int stream_reads = 0;
  int stream_writes = 0;
  device::Stream* stream = nullptr;
  // Set when an op writing this var failed; cleared by a later successful
  // write or by a wait.
  ErrorRef error;
};

// Signalled when one operation is done (PushAndWait, WaitForVar).
struct Completion {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  ErrorRef error;

  void Signal(ErrorRef e) {
    std::lock_guard<std::mutex> lock(mu);
    error = std::move(e);
    done = true;
    cv.notify_all();
  }
  void Wait() {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [this] { return done; });
  }
};

struct VarUse {
  Var* var;
  bool read;   // errors stored on it propagate to this op
  bool write;  // scheduled as a write
  // For a read: the unreported error stored on var when the op was granted
  // it, taken under var->mu by GrantVar.  Rationale: looked up at run time
  // instead, the error could already be reported and spent by a wait granted
  // alongside this op although the op was pushed first.
  ErrorRef error;
};

// Records that op may now use var (call with u->var->mu held).
inline void GrantVar(VarUse* u) {
  const ErrorRef& err = u->var->error;
  if (u->read && err && !err->reported.load(std::memory_order_relaxed)) u->error = err;
}

// The vars of one op: up to kInline of them without a heap allocation.
// Rationale: nearly every op touches at most four arrays, and a vector per
// pushed op was a measurable share of a small op's cost.  Entries never move
// once set (waiters point at them).
class VarList {
 public:
  static constexpr size_t kInline = 4;
  VarList() = default;
  VarList(const VarList&) = delete;
  VarList& operator=(const VarList&) = delete;

  // Room for `capacity` entries; drops the current ones.
  void Reset(size_t capacity) {
    size_ = 0;
    if (capacity > kInline) {
      heap_.resize(capacity);
      data_ = heap_.data();
    } else {
      data_ = inline_;
    }
  }
  void Add(VarUse use) { data_[size_++] = std::move(use); }
  size_t size() const { return size_; }
  VarUse* begin() { return data_; }
  VarUse* end() { return data_ + size_; }
  const VarUse* begin() const { return data_; }
  const VarUse* end() const { return data_ + size_; }

 private:
  VarUse inline_[kInline];
  std::vector<VarUse> heap_;
  VarUse* data_ = inline_;
  size_t size_ = 0;
};

struct OprBlock {
  SyncFn fn;
  Context ctx;
  VarList vars;
  std::atomic<int> wait{0};
  const char* name = "";
  InlinePolicy inline_policy = InlinePolicy::kAlways;
  device::Stream* stream = nullptr;  // a device op (PushOptions::stream)
  bool launched = false;        // a device op whose uses passed to its stream (Var::stream_*)
  bool marker = false;          // a wait marker: no fn, no error bookkeeping
  Var* delete_var = nullptr;    // free this var once the op is done
  Completion* completion = nullptr;

  // Merge duplicate vars; a var both read and written is a write.
  void SetVars(Var* const* const_vars, size_t num_const, Var* const* mutable_vars,
               size_t num_mutable);
};

// Runs op->fn -- a device op's through Device::Launch, in stream order --
// unless the op inherits an error stored on a var it reads (as GrantVar saw
// it).  Returns that error or fn's; fn's own errors also go to *log.
ErrorRef RunOpr(OprBlock* op, ErrorLog* log);

// Records the outcome of op on the vars it writes: its error, or (success)
// clearing stale ones.  any_error latches once an error was seen so the
// common path takes no locks.
void StoreOpError(OprBlock* op, const ErrorRef& err, std::atomic<bool>* any_error);

// RunOpr then StoreOpError: a host op from start to end.
inline ErrorRef ExecuteOpr(OprBlock* op, std::atomic<bool>* any_error, ErrorLog* log) {
  ErrorRef err = RunOpr(op, log);
  StoreOpError(op, err, any_error);
  return err;
}

// Pieces both engines use for WaitForVar / WaitForAll.
ErrorRef TakeVarError(Var* var);

}  // namespace engine
}  // namespace mx

#endif  // MX_ENGINE_OP_BLOCK_H_
