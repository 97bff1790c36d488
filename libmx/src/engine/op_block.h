// Internal pieces shared by the engines: a variable's state and a pushed
// operation.
#ifndef MX_ENGINE_OP_BLOCK_H_
#define MX_ENGINE_OP_BLOCK_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <vector>

#include "engine/engine.h"

namespace mx {
namespace engine {

struct OprBlock;

// A pushed operation waiting on a var, in push order.
struct Waiter {
  OprBlock* op;
  bool write;
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
  // Set when an op writing this var failed; cleared by a later successful
  // write or when a wait raises it.
  std::exception_ptr error;
};

// Signalled when one operation is done (PushAndWait, WaitForVar).
struct Completion {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::exception_ptr error;

  void Signal(std::exception_ptr e) {
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
};

struct OprBlock {
  SyncFn fn;
  Context ctx;
  std::vector<VarUse> vars;
  std::atomic<int> wait{0};
  const char* name = "";
  bool allow_inline = true;
  bool marker = false;          // a wait marker: no fn, no error bookkeeping
  Var* delete_var = nullptr;    // free this var once the op is done
  Completion* completion = nullptr;

  // Merge duplicate vars; a var both read and written is a write.
  void SetVars(Var* const* const_vars, size_t num_const, Var* const* mutable_vars,
               size_t num_mutable);
};

// Runs op->fn with MXNet's error semantics: an error stored on a var the op
// reads is propagated without running fn; fn's error (or the propagated one)
// is stored on every var it writes; a successful write clears stale errors.
// Returns the error, if any.  any_error latches once an error was seen so
// the common path takes no locks.
std::exception_ptr ExecuteOpr(OprBlock* op, std::atomic<bool>* any_error);

// Pieces both engines use for WaitForVar / WaitForAll.
std::exception_ptr TakeVarError(Var* var);

}  // namespace engine
}  // namespace mx

#endif  // MX_ENGINE_OP_BLOCK_H_
