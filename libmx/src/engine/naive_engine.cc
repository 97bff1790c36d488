// MXNET_ENGINE_TYPE=NaiveEngine: every op runs on the pushing thread, at push
// time, and a device op is waited for before the push returns.  For
// debugging and deterministic runs; errors behave as in the threaded engine
// (stored on vars, raised at the next wait).
#include <mutex>

#include "device/stream.h"
#include "engine/engines.h"
#include "engine/op_block.h"

namespace mx {
namespace engine {

namespace {

class NaiveEngine final : public Engine {
 public:
  const char* Name() const override { return "NaiveEngine"; }

  Var* NewVariable() override { return new Var(); }

  void DeleteVariable(SyncFn on_delete, Context, Var* var) override {
    on_delete();
    delete var;
  }

  void Push(SyncFn fn, Context ctx, Var* const* const_vars, size_t num_const,
            Var* const* mutable_vars, size_t num_mutable, const PushOptions& options) override {
    Run(std::move(fn), ctx, const_vars, num_const, mutable_vars, num_mutable, options);
  }

  void PushAndWait(SyncFn fn, Context ctx, Var* const* const_vars, size_t num_const,
                   Var* const* mutable_vars, size_t num_mutable,
                   const PushOptions& options) override {
    RaiseOnce(Run(std::move(fn), ctx, const_vars, num_const, mutable_vars, num_mutable, options));
  }

  void WaitForVar(Var* var, bool) override { RaiseOnce(TakeVarError(var)); }

  void WaitForAll() override { errors_.RaiseFirst(); }

  void Shutdown() override {}

 private:
  ErrorRef Run(SyncFn fn, Context ctx, Var* const* const_vars, size_t num_const,
               Var* const* mutable_vars, size_t num_mutable, const PushOptions& options) {
    OprBlock op;
    op.fn = std::move(fn);
    op.ctx = ctx;
    op.name = options.name;
    op.stream = options.stream;
    op.SetVars(const_vars, num_const, mutable_vars, num_mutable);
    if (any_error_.load(std::memory_order_acquire)) {
      // Every op runs at push time, which is when it is granted its vars.
      for (VarUse& u : op.vars) {
        std::lock_guard<std::mutex> lock(u.var->mu);
        GrantVar(&u);
      }
    }
    ErrorRef err = RunOpr(&op, &errors_);
    if (!err && op.stream) {
      try {
        op.stream->Synchronize();
      } catch (...) {
        err = CaptureError();
        errors_.Add(err);
      }
    }
    StoreOpError(&op, err, &any_error_);
    return err;
  }

  std::atomic<bool> any_error_{false};
  ErrorLog errors_;
};

}  // namespace

Engine* CreateNaiveEngine() { return new NaiveEngine(); }

}  // namespace engine
}  // namespace mx
