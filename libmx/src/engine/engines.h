// Factories of the engine implementations (engine.cc picks one).
#ifndef MX_ENGINE_ENGINES_H_
#define MX_ENGINE_ENGINES_H_

#include "engine/engine.h"

namespace mx {
namespace engine {

Engine* CreateThreadedEngine();
Engine* CreateNaiveEngine();

}  // namespace engine
}  // namespace mx

#endif  // MX_ENGINE_ENGINES_H_
