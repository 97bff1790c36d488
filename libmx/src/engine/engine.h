// The dependency engine (MXNet paper, section 3.2).
//
// Every NDArray buffer owns a Var.  An operation is pushed with the vars it
// reads and the vars it writes; it runs once every earlier write to what it
// reads, and every earlier read and write of what it writes, is done.  So
// independent operations run in parallel and mutations run in push order,
// with no locks in user code.
//
// Errors thrown by an operation are stored on the vars it writes, propagate
// to operations that read those vars (which are skipped), and are raised by
// the next wait on any of them.  As in MXNet 1.x each error is raised once:
// the first wait that raises it (or WaitForAll) spends it everywhere.
//
// GPU work (device/): an op pushed with a stream is a device op.  Its
// function enqueues work on the stream (a kernel launch, a copy); the engine
// runs it in stream order as soon as the op's vars allow -- on the pushing
// thread, or on the GPU's launch thread, one per GPU -- and the op is done
// when the stream reports the work finished.  So the host never blocks on
// the device, GPU work overlaps host work, and everything ordered after the
// op (readers, waits, the buffer's release) sees finished results.  Device
// ops on the same stream need not wait that long: the stream runs its work
// in order, so once an op is launched, the next device ops on its stream
// that use its vars launch behind it (a chain of kernels is queued ahead,
// as in CUDA programs).  An error of the device work is stored on the op's
// vars like any other, and the stream ops queued behind it that read them
// inherit it when they complete.
#ifndef MX_ENGINE_ENGINE_H_
#define MX_ENGINE_ENGINE_H_

#include <cstddef>
#include <functional>

#include "common/context.h"

namespace mx {
namespace device {
class Stream;
}

namespace engine {

struct Var;  // opaque; created and destroyed by the engine

// An operation.  Throws mx::Error (or any std::exception) on failure.
using SyncFn = std::function<void()>;

// Where an op whose vars have nothing pending runs: on the pushing thread
// ("inline": no hand-off, no wake-up) or on a worker (the caller runs ahead).
enum class InlinePolicy {
  kNever,     // always on a worker
  kWhenIdle,  // inline only if no other op is pending in the whole engine
  kAlways,    // inline
};

struct PushOptions {
  InlinePolicy inline_policy = InlinePolicy::kAlways;  // host ops only
  const char* name = "";
  // Non-null: a device op on this stream (see above).
  device::Stream* stream = nullptr;
};

class Engine {
 public:
  virtual ~Engine() = default;

  // The process-wide engine, chosen by MXNET_ENGINE_TYPE on first use
  // ("NaiveEngine" runs every op synchronously; default ThreadedEngine).
  static Engine* Get();

  virtual Var* NewVariable() = 0;
  // Runs on_delete after all pending work on var, then frees var.
  virtual void DeleteVariable(SyncFn on_delete, Context ctx, Var* var) = 0;

  // Vars may repeat and may appear in both lists (then it counts as a write).
  virtual void Push(SyncFn fn, Context ctx, Var* const* const_vars, size_t num_const,
                    Var* const* mutable_vars, size_t num_mutable,
                    const PushOptions& options = PushOptions()) = 0;
  // Push and block until fn is done; raises its error (or an unspent error
  // stored on the vars it reads).
  virtual void PushAndWait(SyncFn fn, Context ctx, Var* const* const_vars, size_t num_const,
                           Var* const* mutable_vars, size_t num_mutable,
                           const PushOptions& options) = 0;

  // Wait for pending writes (for_write: also reads) of var, then clear an
  // error stored on it and raise it unless already spent.
  virtual void WaitForVar(Var* var, bool for_write) = 0;
  // Wait for everything pushed; spend every error raised since the last
  // call and raise the first one no other wait raised.
  virtual void WaitForAll() = 0;
  // WaitForAll, then stop worker threads; later pushes run synchronously.
  virtual void Shutdown() = 0;

  virtual const char* Name() const = 0;
};

}  // namespace engine
}  // namespace mx

#endif  // MX_ENGINE_ENGINE_H_
