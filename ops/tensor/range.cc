// Arrays made from parameters alone: _arange (mx.nd.arange) and _eye
// (mx.nd.eye).  Like the init ops, their device comes from "ctx".
#include <cmath>
#include <string>
#include <vector>

#include "ops/op.h"

namespace mx {
namespace op {

namespace {

bool ArangeShape(const Attrs& attrs, std::vector<Shape>*, std::vector<Shape>* out) {
  const double step = attrs.Float("step");
  const int64_t repeat = attrs.Int("repeat");
  MX_CHECK(step != 0, kValue, "operator _arange: step must not be 0");
  MX_CHECK(repeat > 0, kValue, "operator _arange: repeat must be positive, got ", repeat);
  // Rationale: with infer_range the stop comes from a graph's other shapes;
  // nothing here can supply it, so the shape stays unknown.
  if (attrs.IsNone("stop") && attrs.Bool("infer_range")) return false;
  // arange(n) counts from 0 to n, as in numpy.
  double start = attrs.Float("start"), stop = 0;
  if (attrs.IsNone("stop")) {
    stop = start;
    start = 0;
  } else {
    stop = attrs.Float("stop");
  }
  MX_CHECK(std::isfinite(start) && std::isfinite(stop) && std::isfinite(step), kValue,
           "operator _arange: start, stop and step must be finite");
  MX_CHECK(step > 0 ? start < stop : start > stop, kValue, "operator _arange: invalid range (start, stop, step) = (",
           start, ", ", stop, ", ", step, ")");
  const double count = std::ceil((stop - start) / step) * static_cast<double>(repeat);
  AssignShape(&(*out)[0], Shape({static_cast<int64_t>(count)}), *attrs.op(), "output");
  return true;
}

bool EyeShape(const Attrs& attrs, std::vector<Shape>*, std::vector<Shape>* out) {
  const int64_t n = attrs.Int("N"), m = attrs.Int("M");
  MX_CHECK(n >= 0 && m >= 0, kValue, "operator _eye: N and M must be non-negative, got ", n, " and ", m);
  AssignShape(&(*out)[0], Shape({n, m == 0 ? n : m}), *attrs.op(), "output");
  return true;
}

bool DTypeParam(const Attrs& attrs, std::vector<int>*, std::vector<int>* out) {
  AssignType(&(*out)[0], static_cast<int>(attrs.Int("dtype")), *attrs.op(), "output");
  return true;
}

}  // namespace

MX_REGISTER_OP(_arange)
    .Describe(
        "Return evenly spaced values within a given interval. Similar to Numpy.\n\n"
        "Values run from start (inclusive) to stop (exclusive) by step, each repeated `repeat` "
        "times; with no stop they run from 0 to start.")
    .Inputs({})
    .Param("start", "double", nullptr, "Start of interval. The interval includes this value. The default start value is 0.")
    .Param("stop", "double or None", "None", "End of interval. The interval does not include this value, except in some cases where step is not an integer and floating point round-off affects the length of out.")
    .Param("step", "double", "1", "Spacing between values.")
    .Param("repeat", "int", "1", "The repeating time of all elements. E.g repeat=3, the element a will be repeated three times --> a, a, a.")
    .Param("infer_range", "boolean", "False", "When set to True, infer the stop position from the start, step, repeat, and output tensor size.")
    .Param("ctx", "string", "", "Context of output, in format [cpu|gpu|cpu_pinned](n).Only used for imperative calls.")
    .Param("dtype", "dtype", "float32", "Target data type.")
    .Shapes(ArangeShape)
    .Types(DTypeParam);

MX_REGISTER_OP(_eye)
    .Describe(
        "Return a 2-D array with ones on the diagonal and zeros elsewhere.\n\n"
        "The array has N rows and M columns (N when M is 0); k selects the diagonal: 0 the "
        "main one, k > 0 above it and k < 0 below.")
    .Inputs({})
    .Param("N", "long", nullptr, "Number of rows in the output.")
    .Param("M", "long", "0", "Number of columns in the output. If 0, defaults to N")
    .Param("k", "long", "0", "Index of the diagonal. 0 (the default) refers to the main diagonal.A positive value refers to an upper diagonal.A negative value to a lower diagonal.")
    .Param("ctx", "string", "", "Context of output, in format [cpu|gpu|cpu_pinned](n).Only used for imperative calls.")
    .Param("dtype", "dtype", "float32", "Target data type.")
    .Shapes(EyeShape)
    .Types(DTypeParam);

}  // namespace op
}  // namespace mx
