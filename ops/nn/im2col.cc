// im2col and col2im: the sliding blocks of a convolution as the columns of a
// matrix, and back.  For data (N, C, *spatial) and a kernel of 1 to 3 axes,
// im2col gives (N, C * prod(kernel), B): row c * prod(kernel) + k holds
// channel c at kernel offset k (row-major over the kernel's axes) for each
// of the B block positions (row-major over the convolution's output axes),
// 0 where the block reaches into the padding.  col2im takes such a matrix
// and adds every entry onto the pixel it came from in an image of spatial
// size output_size, so each op is the other's gradient.
//
// im2col's gradient is _backward_im2col(ograd, data): col2im into data's
// shape, which the gradient graph takes from data rather than from concrete
// shapes (ops/tensor/adjoint.h).
#include <string>

#include "ops/nn/layer_util.h"
#include "ops/nn/spatial_window.h"
#include "ops/tensor/adjoint.h"

namespace mx {
namespace op {

namespace {

SpatialWindow ReadSlidingWindow(const Attrs& attrs) {
  const Shape kernel = attrs.Tuple("kernel");
  MX_CHECK(kernel.ndim() >= 1 && kernel.ndim() <= 3, kValue, "operator ", attrs.op()->name,
           ": kernel must be (w,), (h, w) or (d, h, w), got ", kernel.ToString());
  return ReadWindow(attrs, kernel.ndim());
}

int64_t KernelSize(const SpatialWindow& w) {
  int64_t size = 1;
  for (int i = 0; i < w.ndim; ++i) size *= w.kernel[i];
  return size;
}

// The number of block positions over an image of these spatial sizes: the
// spatial size of a convolution's output with the same window.
int64_t NumBlocks(const OpDef& op, const SpatialWindow& w, const int64_t* spatial) {
  int64_t blocks = 1;
  for (int i = 0; i < w.ndim; ++i) {
    const int64_t padded = spatial[i] + 2 * w.pad[i];
    MX_CHECK(w.DilatedKernel(i) <= padded, kValue, "operator ", op.name, ": kernel size exceed input: the dilated "
             "kernel spans ", w.DilatedKernel(i), " on spatial axis ", i, " but the padded image only ", padded);
    blocks *= (padded - w.DilatedKernel(i)) / w.stride[i] + 1;
  }
  return blocks;
}

bool Im2colShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  const SpatialWindow w = ReadSlidingWindow(attrs);
  const Shape& data = (*in)[0];
  if (!data.is_known()) return false;
  MX_CHECK(data.ndim() == w.ndim + 2, kValue, "operator ", op.name, ": a kernel of ", w.ndim,
           " axes needs data of ", w.ndim + 2, " dimensions (N, C, spatial...), got ", data.ToString());
  AssignShape(&(*out)[0], Shape{data[0], data[1] * KernelSize(w), NumBlocks(op, w, data.data() + 2)}, op, "output");
  return true;
}

bool Col2imShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  const SpatialWindow w = ReadSlidingWindow(attrs);
  const Shape output_size = attrs.Tuple("output_size");
  MX_CHECK(output_size.ndim() == w.ndim, kValue, "operator ", op.name,
           ": output_size must have the same number of dimensions with kernel, but kernel is set to ",
           attrs.Tuple("kernel").ToString(), " while output_size is ", output_size.ToString());
  for (int i = 0; i < w.ndim; ++i)
    MX_CHECK(output_size[i] >= 1, kValue, "operator ", op.name, ": incorrect output_size ", output_size.ToString());
  const Shape& data = (*in)[0];
  if (!data.is_known()) return false;
  MX_CHECK(data.ndim() == 3, kValue, "operator ", op.name,
           ": data must be 3-D (N, C * prod(kernel), blocks), got ", data.ToString());
  const int64_t kernel_size = KernelSize(w), blocks = NumBlocks(op, w, output_size.data());
  MX_CHECK(data[1] % kernel_size == 0, kValue, "operator ", op.name, ": the second dim of input shape ",
           data.ToString(), " should be multiples of kernel size ", kernel_size);
  MX_CHECK(data[2] == blocks, kValue, "operator ", op.name, ": output size does not match convolution parameters: ",
           "data ", data.ToString(), " has ", data[2], " blocks, output_size ", output_size.ToString(), " gives ",
           blocks);
  Shape image{data[0], data[1] / kernel_size};
  for (int i = 0; i < w.ndim; ++i) image.push_back(output_size[i]);
  AssignShape(&(*out)[0], image, op, "output");
  return true;
}

OpDef& AddWindowParams(OpDef& op) {
  return op.Param("kernel", "Shape(tuple)", nullptr, "Sliding kernel size: (w,), (h, w) or (d, h, w).")
      .Param("stride", "Shape(tuple)", "[]",
             "The stride between adjacent sliding blocks in spatial dimension: (w,), (h, w) or (d, h, w). "
             "Defaults to 1 for each dimension.")
      .Param("dilate", "Shape(tuple)", "[]",
             "The spacing between adjacent kernel points: (w,), (h, w) or (d, h, w). Defaults to 1 for each "
             "dimension.")
      .Param("pad", "Shape(tuple)", "[]",
             "The zero-value padding size on both sides of spatial dimension: (w,), (h, w) or (d, h, w). "
             "Defaults to no padding.");
}

}  // namespace

MX_REGISTER_OPS(im2col) {
  AddWindowParams(
      Registry::Get()
          .Register("im2col")
          .Describe("Extract sliding blocks from input array.\n\n"
                    "The blocks of a convolution over data *(N, C, \\*)* become the columns of an array "
                    "*(N, C * prod(kernel), W)*, where *C * prod(kernel)* is the block size and *W* the number "
                    "of blocks (the spatial size of the convolution's output for the same kernel, stride, "
                    "dilate and pad); a convolution is then one matrix product with its weight.  Entries in "
                    "the padding are 0.  1-D, 2-D and 3-D spatial dimensions are supported.")
          .Inputs({"data"})
          .Shapes(Im2colShape)
          .Types(SameFloatTypes)
          .Gradient(AdjointGradient("_backward_im2col")));

  RegisterAdjoint("_backward_im2col", "im2col",
                  "The gradient of im2col: col2im of ograd into data's shape (inputs ograd, data; data is read "
                  "for its shape only).");

  OpDef& col2im = Registry::Get()
                      .Register("col2im")
                      .Describe("Combining the output column matrix of im2col back to image array.\n\n"
                                "Each entry of data *(N, C * prod(kernel), W)* is added onto the pixel of the "
                                "image *(N, C, output_size...)* it was taken from by im2col with the same "
                                "parameters; pixels shared by overlapping blocks receive the sum, so col2im is "
                                "the gradient of im2col and vice versa rather than its inverse.  1-D, 2-D and "
                                "3-D spatial dimensions are supported.")
                      .Inputs({"data"})
                      .Param("output_size", "Shape(tuple)", nullptr,
                             "The spatial dimension of image array: (w,), (h, w) or (d, h, w).");
  AddWindowParams(col2im)
      .Shapes(Col2imShape)
      .Types(SameFloatTypes)
      .Gradient([](GradBuilder& b) {
        Params window;
        for (const char* name : {"kernel", "stride", "dilate", "pad"}) window.emplace_back(name, b.attrs().Str(name));
        return std::vector<Value>{b.Apply("im2col", {b.out_grad(0)}, window)};
      });
}

}  // namespace op
}  // namespace mx
