#include "graph/infer.h"

#include "common/dtype.h"
#include "common/error.h"
#include "ops/param.h"

namespace mx {
namespace graph {

namespace {

struct ShapeTraits {
  using Fn = op::InferShapeFn;
  static const Fn& Of(const op::OpDef& op) { return op.infer_shape; }
  static bool Known(const Shape& s) { return s.is_known(); }
  static std::string Text(const Shape& s) { return s.ToString(); }
  // Merges src into *dst dimension by dimension; false on a contradiction.
  static bool Merge(Shape* dst, const Shape& src) {
    if (src.ndim() < 0) return true;
    if (dst->ndim() < 0) {
      *dst = src;
      return true;
    }
    if (dst->ndim() != src.ndim()) return false;
    for (int i = 0; i < src.ndim(); ++i) {
      if (src[i] < 0) continue;
      if ((*dst)[i] >= 0 && (*dst)[i] != src[i]) return false;
      (*dst)[i] = src[i];
    }
    return true;
  }
  static constexpr const char* kAttr = "__shape__";
  static bool FromAttr(const std::string& text, Shape* out) {
    if (!op::ParseShape(text, out)) return false;
    for (int i = 0; i < out->ndim(); ++i)
      if ((*out)[i] == 0) (*out)[i] = -1;  // MXNet 1.x: a 0 dim in __shape__ is unknown
    return true;
  }
};

struct TypeTraits {
  using Fn = op::InferTypeFn;
  static const Fn& Of(const op::OpDef& op) { return op.infer_type; }
  static bool Known(int t) { return t >= 0; }
  static std::string Text(int t) { return DTypeName(t); }
  static bool Merge(int* dst, int src) {
    if (src < 0) return true;
    if (*dst >= 0 && *dst != src) return false;
    *dst = src;
    return true;
  }
  static constexpr const char* kAttr = "__dtype__";
  static bool FromAttr(const std::string& text, int* out) {
    Shape code;
    if (!op::ParseShape(text, &code) || code.ndim() != 1 || !IsValidDType(static_cast<int>(code[0])))
      return false;
    *out = static_cast<int>(code[0]);
    return true;
  }
};

template <typename Traits, typename T>
size_t Infer(const IndexedGraph& g, std::vector<T>* values, const char* what) {
  for (uint32_t id : g.input_nodes()) {
    const Node& var = *g.node(id);
    auto it = var.dict.find(Traits::kAttr);
    if (it == var.dict.end()) continue;
    T seeded;
    MX_CHECK(Traits::FromAttr(it->second, &seeded), kValue, var.Describe(), ": malformed ",
             Traits::kAttr, " attribute '", it->second, "'");
    T& v = (*values)[g.entry_id(id, 0)];
    const T given = v;
    MX_CHECK(Traits::Merge(&v, seeded), kValue, var.Describe(), ": given ", what, " ",
             Traits::Text(given), " contradicts its ", Traits::kAttr, " ", Traits::Text(seeded));
  }
  std::vector<T> in, out;
  const size_t n = g.num_nodes();
  bool changed = true;
  for (size_t round = 0; changed && round < 2 * n + 2; ++round) {
    changed = false;
    for (size_t step = 0; step < n; ++step) {
      const uint32_t id = static_cast<uint32_t>(round % 2 == 0 ? step : n - 1 - step);
      const Node& node = *g.node(id);
      if (node.is_variable()) continue;
      MX_CHECK(node.attrs != nullptr, kValue, node.Describe(), ": parameters incomplete");
      in.clear();
      out.clear();
      bool all_known = true;
      for (const NodeEntry& e : node.inputs) {
        in.push_back((*values)[g.entry_id(e)]);
        all_known = all_known && Traits::Known(in.back());
      }
      // A backward op's output k is the gradient of its forward node's
      // input k: same shape and dtype (MXNet's TIsBackward rule).
      const Node* forward = node.op->is_backward && !node.control_deps.empty() ? node.control_deps[0].get() : nullptr;
      for (uint32_t k = 0; k < node.num_outputs(); ++k) {
        out.push_back((*values)[g.entry_id(id, k)]);
        if (forward && k < forward->inputs.size()) Traits::Merge(&out.back(), (*values)[g.entry_id(forward->inputs[k])]);
        all_known = all_known && Traits::Known(out.back());
      }
      // Fully known nodes are checked once, then left alone.
      if (all_known && round > 0) continue;
      try {
        Traits::Of(*node.op)(*node.attrs, &in, &out);
      } catch (const Error& e) {
        Throw(e.kind(), node.Describe(), ": ", e.what());
      }
      auto store = [&](uint32_t entry, const T& inferred, const std::string& slot) {
        T& v = (*values)[entry];
        const T before = v;
        MX_CHECK(Traits::Merge(&v, inferred), kValue, node.Describe(), ": ", slot, " has ", what,
                 " ", Traits::Text(before), " but the op infers ", Traits::Text(inferred));
        if (!(v == before)) changed = true;
      };
      for (size_t i = 0; i < node.inputs.size(); ++i)
        store(g.entry_id(node.inputs[i]), in[i], "input " + node.inputs[i].node->name);
      for (uint32_t k = 0; k < node.num_outputs(); ++k)
        store(g.entry_id(id, k), out[k], "output " + std::to_string(k));
    }
  }
  size_t unknown = 0;
  for (const T& v : *values) unknown += !Traits::Known(v);
  return unknown;
}

}  // namespace

size_t InferShapes(const IndexedGraph& g, std::vector<Shape>* values) {
  return Infer<ShapeTraits>(g, values, "shape");
}

size_t InferTypes(const IndexedGraph& g, std::vector<int>* values) {
  return Infer<TypeTraits>(g, values, "dtype");
}

}  // namespace graph
}  // namespace mx
