// Symbols to and from MXNet 1.x's `-symbol.json` format.
#ifndef MX_GRAPH_SYMBOL_JSON_H_
#define MX_GRAPH_SYMBOL_JSON_H_

#include <string>

#include "graph/symbol.h"

namespace mx {
namespace graph {

// Laid out as MXNet 1.9 writes it (same bytes for the same graph).
std::string SymbolToJSON(const Symbol& symbol);
// Reads MXNet 0.x-1.x files ("attrs", or the older "param"/"attr").  Unknown
// ops (all named at once), references to undefined nodes or outputs, and
// malformed text throw kValue / kNotFound.
Symbol SymbolFromJSON(const std::string& json);

}  // namespace graph
}  // namespace mx

#endif  // MX_GRAPH_SYMBOL_JSON_H_
