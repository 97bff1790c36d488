// The box encodings the bounding-box ops (MXNet 1.9's contrib/bounding_box)
// take: "corner" [xmin, ymin, xmax, ymax] or "center" [x, y, width, height].
#ifndef MX_OPS_CONTRIB_BOX_FORMAT_H_
#define MX_OPS_CONTRIB_BOX_FORMAT_H_

#include "ops/op.h"

namespace mx {
namespace op {

inline OpDef& AddBoxFormatParam(OpDef& op, const char* name, const char* default_format, const char* what) {
  return op.Param(name, "{'center', 'corner'}", default_format,
                  std::string(what) +
                      " \n \"corner\" means boxes are encoded as [xmin, ymin, xmax, ymax], \"center\" means boxes are "
                      "encodes as [x, y, width, height].");
}

}  // namespace op
}  // namespace mx

#endif  // MX_OPS_CONTRIB_BOX_FORMAT_H_
