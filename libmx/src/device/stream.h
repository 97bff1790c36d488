// A queue of device work (a CUDA stream) and the tracking of its
// completion, shared by every backend.
//
// Rationale: completion is reported by a thread per stream that waits on
// events in the order they were recorded (a stream finishes its work in
// order), so no host thread that enqueues work ever blocks on the device,
// and the waits sleep instead of polling (the events block).
#ifndef MX_DEVICE_STREAM_H_
#define MX_DEVICE_STREAM_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "common/error.h"

namespace mx {
namespace device {

class Device;

class Stream {
 public:
  // handle: the backend's stream (a CUstream); name: for messages.
  Stream(Device* device, void* handle, std::string name);
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  Device* device() const { return device_; }
  // What kernels receive as MXKernelCall.stream.
  void* handle() const { return handle_; }
  const std::string& name() const { return name_; }

  // Calls done(nullptr), or done(&error) with the error raised by the work
  // enqueued since the previous OnComplete or Synchronize, once all work
  // enqueued so far is finished.  done runs on the stream's completion
  // thread, in the order of the calls; it must not throw.  Throws (and
  // never calls done) when the device cannot record the point.
  void OnComplete(std::function<void(const Error*)> done);

  // Blocks until all work enqueued so far is finished; throws its error.
  void Synchronize();

 private:
  void CompletionLoop();

  Device* const device_;
  void* const handle_;
  const std::string name_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<void*, std::function<void(const Error*)>>> pending_;  // (event, done)
  bool stopping_ = false;
  std::thread thread_;  // started by the first OnComplete
};

}  // namespace device
}  // namespace mx

#endif  // MX_DEVICE_STREAM_H_
