// MXNET_ENGINE_TYPE=NaiveEngine: every op runs on the pushing thread, at push
// time.  For debugging and deterministic runs; errors behave as in the
// threaded engine (stored on vars, raised at the next wait).
#include <mutex>

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
    Run(std::move(fn), ctx, const_vars, num_const, mutable_vars, num_mutable, options.name);
  }

  void PushAndWait(SyncFn fn, Context ctx, Var* const* const_vars, size_t num_const,
                   Var* const* mutable_vars, size_t num_mutable, const char* name) override {
    if (std::exception_ptr err =
            Run(std::move(fn), ctx, const_vars, num_const, mutable_vars, num_mutable, name))
      std::rethrow_exception(err);
  }

  void WaitForVar(Var* var, bool) override {
    if (std::exception_ptr err = TakeVarError(var)) std::rethrow_exception(err);
  }

  void WaitForAll() override {
    std::exception_ptr err;
    {
      std::lock_guard<std::mutex> lock(error_mu_);
      std::swap(err, first_error_);
    }
    if (err) std::rethrow_exception(err);
  }

  void Shutdown() override {}

 private:
  std::exception_ptr Run(SyncFn fn, Context ctx, Var* const* const_vars, size_t num_const,
                         Var* const* mutable_vars, size_t num_mutable, const char* name) {
    OprBlock op;
    op.fn = std::move(fn);
    op.ctx = ctx;
    op.name = name;
    op.SetVars(const_vars, num_const, mutable_vars, num_mutable);
    std::exception_ptr err = ExecuteOpr(&op, &any_error_);
    if (err) {
      std::lock_guard<std::mutex> lock(error_mu_);
      if (!first_error_) first_error_ = err;
    }
    return err;
  }

  std::atomic<bool> any_error_{false};
  std::mutex error_mu_;
  std::exception_ptr first_error_;
};

}  // namespace

Engine* CreateNaiveEngine() { return new NaiveEngine(); }

}  // namespace engine
}  // namespace mx
