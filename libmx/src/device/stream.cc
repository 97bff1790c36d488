#include "device/stream.h"

#include "device/device.h"

namespace mx {
namespace device {

Stream::Stream(Device* device, void* handle, std::string name)
    : device_(device), handle_(handle), name_(std::move(name)) {}

Stream::~Stream() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Stream::OnComplete(std::function<void(const Error*)> done) {
  void* event = device_->RecordEvent(this);
  std::lock_guard<std::mutex> lock(mu_);
  if (!thread_.joinable()) thread_ = std::thread([this] { CompletionLoop(); });
  pending_.emplace_back(event, std::move(done));
  cv_.notify_one();
}

void Stream::Synchronize() {
  struct Recycle {
    Device* device;
    void* event;
    ~Recycle() { device->ReleaseEvent(event); }
  } recycle{device_, device_->RecordEvent(this)};
  device_->WaitEvent(recycle.event);
}

void Stream::CompletionLoop() {
  for (;;) {
    std::pair<void*, std::function<void(const Error*)>> next;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
      if (pending_.empty()) return;
      next = std::move(pending_.front());
      pending_.pop_front();
    }
    bool failed = false;
    Error error(ErrorKind::kNone, "");
    try {
      device_->WaitEvent(next.first);
    } catch (const Error& e) {
      failed = true;
      error = e;
    } catch (const std::exception& e) {
      failed = true;
      error = Error(ErrorKind::kInternal, e.what());
    }
    device_->ReleaseEvent(next.first);
    next.second(failed ? &error : nullptr);
  }
}

}  // namespace device
}  // namespace mx
