#include "engine/op_block.h"

#include <algorithm>

#include "device/device.h"
#include "device/stream.h"

namespace mx {
namespace engine {

void OprBlock::SetVars(Var* const* const_vars, size_t num_const, Var* const* mutable_vars,
                       size_t num_mutable) {
  vars.Reset(num_const + num_mutable);
  auto add = [this](Var* v, bool write) {
    for (VarUse& u : vars) {
      if (u.var == v) {
        u.read |= !write;
        u.write |= write;
        return;
      }
    }
    vars.Add(VarUse{v, !write, write, nullptr});
  };
  for (size_t i = 0; i < num_const; ++i) add(const_vars[i], false);
  for (size_t i = 0; i < num_mutable; ++i) add(mutable_vars[i], true);
}

ErrorRef CaptureError() {
  auto record = [](ErrorKind kind, const char* message) {
    return std::make_shared<OpError>(kind, message);
  };
  try {
    throw;
  } catch (const Error& e) {
    return record(e.kind(), e.what());
  } catch (const std::bad_alloc&) {
    return record(ErrorKind::kMemory, "out of memory");
  } catch (const std::exception& e) {
    return record(ErrorKind::kInternal, e.what());
  } catch (...) {
    return record(ErrorKind::kInternal, "unknown error");
  }
}

void RaiseOnce(const ErrorRef& err) {
  if (err && !err->reported.exchange(true)) throw Error(err->kind, err->message);
}

void ErrorLog::Add(ErrorRef err) {
  std::lock_guard<std::mutex> lock(mu_);
  // A program that never calls WaitForAll must not pile up errors its waits
  // reported; doubling the threshold keeps the pruning amortised O(1).
  if (errors_.size() >= prune_at_) {
    errors_.erase(std::remove_if(errors_.begin(), errors_.end(),
                                 [](const ErrorRef& e) { return e->reported.load(); }),
                  errors_.end());
    prune_at_ = std::max<size_t>(64, 2 * errors_.size());
  }
  errors_.push_back(std::move(err));
}

void ErrorLog::RaiseFirst() {
  std::vector<ErrorRef> errors;
  {
    std::lock_guard<std::mutex> lock(mu_);
    errors.swap(errors_);
  }
  ErrorRef first;
  for (const ErrorRef& e : errors)
    if (!e->reported.exchange(true) && !first) first = e;
  if (first) throw Error(first->kind, first->message);
}

ErrorRef RunOpr(OprBlock* op, ErrorLog* log) {
  for (const VarUse& u : op->vars)
    if (u.error) return u.error;
  if (!op->fn) return nullptr;
  try {
    if (op->stream) op->stream->device()->Launch(op->stream, op->fn);
    else op->fn();
  } catch (...) {
    ErrorRef err = CaptureError();
    log->Add(err);
    return err;
  }
  return nullptr;
}

void StoreOpError(OprBlock* op, const ErrorRef& err, std::atomic<bool>* any_error) {
  if (err) any_error->store(true, std::memory_order_release);
  // An error stored on a var this op writes was stored, and any_error set,
  // before the op was granted the var: loading the latch now cannot miss it.
  if (err || any_error->load(std::memory_order_acquire)) {
    for (const VarUse& u : op->vars) {
      if (!u.write || u.var == op->delete_var) continue;
      std::lock_guard<std::mutex> lock(u.var->mu);
      u.var->error = err;
    }
  }
}

ErrorRef TakeVarError(Var* var) {
  std::lock_guard<std::mutex> lock(var->mu);
  return std::move(var->error);  // leaves it null
}

}  // namespace engine
}  // namespace mx
