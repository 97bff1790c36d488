// Operators a plugin defines (MXOpDesc in mx/plugin.h): the op::OpDef a
// descriptor becomes, with the plugin's shape/dtype functions adapted to
// ops/, and its gradient through the backward op the descriptor names.
#ifndef MX_PLUGIN_PLUGIN_OP_H_
#define MX_PLUGIN_PLUGIN_OP_H_

#include <cstddef>
#include <memory>
#include <string>

#include "mx/plugin.h"
#include "ops/op.h"

namespace mx {

// The MXOpDesc of plugin ABI 1.1 ends where backward_op begins; such
// descriptors are still accepted.
constexpr size_t kOpDescSize11 = offsetof(MXOpDesc, backward_op);

// A descriptor of any accepted struct_size as the current struct: fields the
// plugin's version lacks read as zero.
MXOpDesc ReadOpDesc(const MXOpDesc& desc);

// The op `desc` describes (desc as given by ReadOpDesc).  Errors (kPlugin)
// name the op; the loader adds the plugin.  plugin_path is kept for the
// messages of the shape/dtype functions at call time.
std::unique_ptr<op::OpDef> MakePluginOp(const MXOpDesc& desc, const std::string& plugin_path);

// Sets op's gradient to a node of `backward` as MXOpDesc.backward_op
// describes, after checking that its inputs, outputs and parameters fit;
// throws kPlugin naming both ops.
void SetPluginGradient(op::OpDef* op, const op::OpDef& backward, uint32_t flags);

}  // namespace mx

#endif  // MX_PLUGIN_PLUGIN_OP_H_
