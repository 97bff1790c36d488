// Broadcasting one array to a bigger shape: broadcast_to (a target shape),
// broadcast_like (another array's shape) and broadcast_axis (sizes for
// chosen axes).  Only size-1 axes grow.
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/tensor/layout_axis.h"

namespace mx {
namespace op {

namespace {

[[noreturn]] void CannotBroadcast(const Attrs& attrs, const Shape& src, const Shape& dst) {
  Throw(ErrorKind::kValue, "operator ", attrs.op()->name, ": cannot broadcast ", src.ToString(),
        " to ", dst.ToString(), ": only axes of size 1 can grow");
}

// Sets axis `axis` of *result to `size`, which src's axis must allow.
void Grow(const Attrs& attrs, const Shape& src, int axis, int64_t size, Shape* result) {
  (*result)[axis] = size;
  if (src[axis] != size && src[axis] != 1) CannotBroadcast(attrs, src, *result);
}

bool BroadcastToShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& src = (*in)[0];
  if (!src.is_known()) return false;
  const Shape target = attrs.Tuple("shape");
  MX_CHECK(target.ndim() == src.ndim(), kValue, "operator broadcast_to: shape ", target.ToString(),
           " must have as many dimensions as the input ", src.ToString());
  for (int64_t d : target)
    MX_CHECK(d >= 0, kValue, "operator broadcast_to: shape ", target.ToString(), " must be non-negative");
  Shape result = src;
  for (int i = 0; i < src.ndim(); ++i)
    if (target[i] != 0) Grow(attrs, src, i, target[i], &result);  // 0 keeps the input's size
  AssignShape(&(*out)[0], result, *attrs.op(), "output");
  return true;
}

bool BroadcastLikeShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape &lhs = (*in)[0], &rhs = (*in)[1];
  if (!lhs.is_known() || !rhs.is_known()) return false;
  Shape result = lhs;
  if (attrs.IsNone("lhs_axes") && attrs.IsNone("rhs_axes")) {
    if (lhs.ndim() != rhs.ndim()) CannotBroadcast(attrs, lhs, rhs);
    for (int i = 0; i < lhs.ndim(); ++i) Grow(attrs, lhs, i, rhs[i], &result);
  } else {
    MX_CHECK(!attrs.IsNone("lhs_axes") && !attrs.IsNone("rhs_axes"), kValue,
             "operator broadcast_like: give both lhs_axes and rhs_axes, or neither");
    const Shape la = attrs.Tuple("lhs_axes"), ra = attrs.Tuple("rhs_axes");
    MX_CHECK(la.ndim() == ra.ndim(), kValue, "operator broadcast_like: lhs_axes ", la.ToString(),
             " and rhs_axes ", ra.ToString(), " must have the same length");
    for (int i = 0; i < la.ndim(); ++i)
      Grow(attrs, lhs, NormalizeAxis(la[i], lhs.ndim(), attrs, "lhs axis"),
           rhs[NormalizeAxis(ra[i], rhs.ndim(), attrs, "rhs axis")], &result);
  }
  AssignShape(&(*out)[0], result, *attrs.op(), "output");
  return true;
}

bool BroadcastAxisShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& src = (*in)[0];
  if (!src.is_known()) return false;
  const Shape axes = attrs.Tuple("axis"), sizes = attrs.Tuple("size");
  MX_CHECK(axes.ndim() == sizes.ndim(), kValue, "operator broadcast_axis: axis ", axes.ToString(),
           " and size ", sizes.ToString(), " must have the same length");
  Shape result = src;
  for (int i = 0; i < axes.ndim(); ++i) {
    const int axis = NormalizeAxis(axes[i], src.ndim(), attrs, "axis");
    MX_CHECK(src[axis] == 1, kValue, "operator broadcast_axis: axis ", axes[i], " of ",
             src.ToString(), " has size ", src[axis], "; only axes of size 1 can be broadcast");
    MX_CHECK(sizes[i] >= 0, kValue, "operator broadcast_axis: size ", sizes.ToString(),
             " must be non-negative");
    result[axis] = sizes[i];
  }
  AssignShape(&(*out)[0], result, *attrs.op(), "output");
  return true;
}

// Each input element was copied along the grown axes: sum its copies'
// gradients.  A shape donor (broadcast_like's rhs) gets none.
std::vector<Value> BroadcastGradient(GradBuilder& b) {
  std::vector<Value> grads(b.num_inputs());
  grads[0] = SumLike(b, b.out_grad(0), b.input(0));
  return grads;
}

}  // namespace

MX_REGISTER_OP(broadcast_to)
    .Describe(
        "Broadcasts the input array to a new shape.\n\n"
        "Axes of size 1 grow to the target size; a 0 in `shape` keeps the input's size, so "
        "``broadcast_to(B, shape=(10, 0, 0))`` equals ``broadcast_axis(B, axis=0, size=10)``.")
    .Inputs({"data"})
    .Param("shape", "Shape(tuple)", "()", "The shape of the desired array. We can set the dim to zero if it's same as the original. E.g `A = broadcast_to(B, shape=(10, 0, 0))` has the same meaning as `A = broadcast_axis(B, axis=0, size=10)`.")
    .Shapes(BroadcastToShape)
    .Types(SameTypes)
    .Gradient(BroadcastGradient);

MX_REGISTER_OP(broadcast_like)
    .Describe(
        "Broadcasts lhs to have the same shape as rhs.\n\n"
        "With lhs_axes and rhs_axes only those axes of lhs take the sizes of those axes of rhs.")
    .Inputs({"lhs", "rhs"})
    .Param("lhs_axes", "Shape(tuple) or None", "None", "Axes to perform broadcast on in the first input array")
    .Param("rhs_axes", "Shape(tuple) or None", "None", "Axes to copy from the second input array")
    .Shapes(BroadcastLikeShape)
    .Types(FirstInputType)
    .Gradient(BroadcastGradient);

MX_REGISTER_OP(broadcast_axis)
    .Describe(
        "Broadcasts the input array over particular axes.\n\n"
        "Each axis in `axis` must have size 1 and grows to the matching entry of `size`.")
    .Inputs({"data"})
    .Param("axis", "Shape(tuple)", "()", "The axes to perform the broadcasting.")
    .Param("size", "Shape(tuple)", "()", "Target sizes of the broadcasting axes.")
    .Shapes(BroadcastAxisShape)
    .Types(SameTypes)
    .Gradient(BroadcastGradient)
    .Alias("broadcast_axes");

}  // namespace op
}  // namespace mx
