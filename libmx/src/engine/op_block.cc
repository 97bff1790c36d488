#include "engine/op_block.h"

namespace mx {
namespace engine {

void OprBlock::SetVars(Var* const* const_vars, size_t num_const, Var* const* mutable_vars,
                       size_t num_mutable) {
  vars.clear();
  vars.reserve(num_const + num_mutable);
  auto add = [this](Var* v, bool write) {
    for (VarUse& u : vars) {
      if (u.var == v) {
        u.read |= !write;
        u.write |= write;
        return;
      }
    }
    vars.push_back(VarUse{v, !write, write});
  };
  for (size_t i = 0; i < num_const; ++i) add(const_vars[i], false);
  for (size_t i = 0; i < num_mutable; ++i) add(mutable_vars[i], true);
}

std::exception_ptr ExecuteOpr(OprBlock* op, std::atomic<bool>* any_error) {
  std::exception_ptr err;
  const bool check = any_error->load(std::memory_order_acquire);
  if (check) {
    for (const VarUse& u : op->vars) {
      if (!u.read) continue;
      std::lock_guard<std::mutex> lock(u.var->mu);
      if (u.var->error) {
        err = u.var->error;
        break;
      }
    }
  }
  if (!err && op->fn) {
    try {
      op->fn();
    } catch (...) {
      err = std::current_exception();
    }
  }
  if (err) any_error->store(true, std::memory_order_release);
  if (err || check) {
    for (const VarUse& u : op->vars) {
      if (!u.write || u.var == op->delete_var) continue;
      std::lock_guard<std::mutex> lock(u.var->mu);
      u.var->error = err;
    }
  }
  return err;
}

std::exception_ptr TakeVarError(Var* var) {
  std::lock_guard<std::mutex> lock(var->mu);
  std::exception_ptr err = var->error;
  var->error = nullptr;
  return err;
}

}  // namespace engine
}  // namespace mx
