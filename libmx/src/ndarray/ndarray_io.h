// MXNet 1.x's NDArray file format (`mx.nd.save` / `.params`), byte for byte:
//   u64 0x112, u64 0, u64 n, n arrays, u64 m, m keys (u64 length + bytes)
// where an array is written as
//   u32 magic, i32 storage type, u32 ndim, i64 dims[ndim],
//   i32 dev_type, i32 dev_id, i32 dtype, raw little-endian data.
// Magic 0xF993fac9 (V2) is what MXNet 1.x writes for arrays of rank >= 1;
// 0xF993faca (V3, numpy shape semantics) is used for rank-0 arrays, which V2
// cannot express.  Reading also accepts V1 (0xF993fac8, no storage type) and
// the legacy layout whose first word is ndim with u32 dims.
#ifndef MX_NDARRAY_NDARRAY_IO_H_
#define MX_NDARRAY_NDARRAY_IO_H_

#include <string>
#include <vector>

#include "ndarray/ndarray.h"

namespace mx {

// Appends the file image of `arrays` (named by `names`, empty for a list).
void SaveNDArrayList(const std::vector<NDArray>& arrays, const std::vector<std::string>& names,
                     std::string* out);
// Parses a file image; arrays land on the CPU.  Throws kIO on anything
// truncated or malformed, naming what and where.
void LoadNDArrayList(const char* data, size_t size, std::vector<NDArray>* arrays,
                     std::vector<std::string>* names);

// One array, no list header: the bytes behind NDArray pickling.
void SaveNDArray(const NDArray& array, std::string* out);
NDArray LoadNDArray(const char* data, size_t size);

}  // namespace mx

#endif  // MX_NDARRAY_NDARRAY_IO_H_
