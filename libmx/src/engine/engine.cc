#include "engine/engine.h"

#include <cstdlib>
#include <cstring>

#include "engine/engines.h"

namespace mx {
namespace engine {

Engine* Engine::Get() {
  // Leaked on purpose: worker threads must never see the engine destroyed by
  // static destructors at exit; MXNotifyShutdown stops them first.
  static Engine* engine = [] {
    const char* type = std::getenv("MXNET_ENGINE_TYPE");
    if (type && std::strcmp(type, "NaiveEngine") == 0) return CreateNaiveEngine();
    return CreateThreadedEngine();
  }();
  return engine;
}

}  // namespace engine
}  // namespace mx
