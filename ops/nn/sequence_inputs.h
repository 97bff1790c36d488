// Shape and dtype rules the sequence ops (SequenceMask, SequenceLast,
// SequenceReverse) share: data is (max_len, batch, ...) for axis=0 or
// (batch, max_len, ...) for axis=1, and sequence_length, an input only when
// use_sequence_length is true, is (batch,) of any numeric dtype.
#ifndef MX_OPS_NN_SEQUENCE_INPUTS_H_
#define MX_OPS_NN_SEQUENCE_INPUTS_H_

#include <vector>

#include "ops/op.h"

namespace mx {
namespace op {

// Checks axis (0 or 1) and data's rank, and sets sequence_length's shape;
// false while data's shape is unknown.
bool SequenceInputShapes(const Attrs& attrs, std::vector<Shape>* in);

// data and sequence_length numeric (not bool); the output takes data's dtype.
bool SequenceTypes(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out);

// The inputs' count: 2 with use_sequence_length, else 1.
int SequenceNumInputs(const Attrs& attrs);

}  // namespace op
}  // namespace mx

#endif  // MX_OPS_NN_SEQUENCE_INPUTS_H_
