// NDArray: a view (shape, dtype, byte offset) of a shared buffer.  The
// buffer (Chunk) owns storage and the engine var that orders every operation
// on it; reshape and first-axis slices are views sharing both, as in MXNet.
#ifndef MX_NDARRAY_NDARRAY_H_
#define MX_NDARRAY_NDARRAY_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <utility>

#include "common/context.h"
#include "common/shape.h"
#include "engine/engine.h"
#include "mx/plugin.h"
#include "storage/storage.h"

namespace mx {

namespace graph {
struct Node;
}

struct Chunk {
  StorageHandle mem;
  engine::Var* var;
  Context ctx;
  // For memory MX does not own (DLPack): called instead of freeing mem.
  std::function<void()> release_external;

  Chunk(size_t bytes, Context ctx);
  // Wraps memory owned elsewhere; release runs once no view needs it.
  Chunk(void* data, Context ctx, std::function<void()> release);
  // Frees the storage behind every operation still pending on the buffer.
  ~Chunk();
  Chunk(const Chunk&) = delete;
  Chunk& operator=(const Chunk&) = delete;
};

class NDArray {
 public:
  NDArray() = default;
  // A new, uninitialised array.
  NDArray(const Shape& shape, Context ctx, int dtype);
  // An array over memory owned elsewhere (e.g. a DLPack producer's);
  // release runs after the last view is gone and its pending work is done.
  static NDArray Wrap(void* data, const Shape& shape, Context ctx, int dtype,
                      std::function<void()> release);

  bool is_none() const { return chunk_ == nullptr; }
  const Shape& shape() const { return shape_; }
  int dtype() const { return dtype_; }
  Context ctx() const { return chunk_->ctx; }
  int64_t size() const { return shape_.Size(); }
  size_t nbytes() const;
  void* data() const;
  engine::Var* var() const { return chunk_->var; }
  const Chunk* chunk() const { return chunk_.get(); }
  // Same buffer and same first element: writing one overwrites the other.
  bool SameData(const NDArray& other) const {
    return chunk_ == other.chunk_ && offset_ == other.offset_;
  }

  // Views.
  NDArray Reshape(const Shape& shape) const;   // same size required
  NDArray Slice(int64_t begin, int64_t end) const;  // first axis, negative from end
  NDArray At(int64_t index) const;              // first axis, axis dropped
  // The start of this array's buffer seen with another shape and dtype
  // (planned executor memory: entries with disjoint lifetimes share one
  // buffer); the bytes must fit in the buffer.
  NDArray View(const Shape& shape, int dtype) const;

  // Blocking transfers and waits, ordered with the engine.
  void SyncCopyFromCPU(const void* src, size_t num_elements) const;
  void SyncCopyToCPU(void* dst, size_t num_elements) const;
  void WaitToRead() const;
  void WaitToWrite() const;

  // A borrowed DLPack view; valid while this NDArray lives.
  DLTensor ToDLTensor() const;

  // Autograd: the recorded node output this array holds (imperative/
  // autograd.h); a null node when the array is not part of a recorded graph.
  // Views start detached.
  const std::shared_ptr<graph::Node>& ag_node() const { return ag_node_; }
  uint32_t ag_index() const { return ag_index_; }
  void set_ag_entry(std::shared_ptr<graph::Node> node, uint32_t index) {
    ag_node_ = std::move(node);
    ag_index_ = index;
  }
  NDArray Detach() const {
    NDArray v = *this;
    v.ag_node_.reset();
    return v;
  }

 private:
  std::shared_ptr<Chunk> chunk_;
  Shape shape_;
  int dtype_ = 0;
  size_t offset_ = 0;  // bytes from the start of the buffer
  std::shared_ptr<graph::Node> ag_node_;
  uint32_t ag_index_ = 0;
};

}  // namespace mx

#endif  // MX_NDARRAY_NDARRAY_H_
