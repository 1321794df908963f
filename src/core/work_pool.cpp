#include "core/work_pool.h"

namespace smartdairy {

WorkPool::WorkPool(int threads, size_t max_queue) : max_queue_(max_queue) {
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] {
      for (;;) {
        std::function<void()> job;
        {
          std::unique_lock lock(mu_);
          cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
          if (queue_.empty()) return;
          job = std::move(queue_.front());
          queue_.pop_front();
        }
        job();
      }
    });
  }
}

WorkPool::~WorkPool() { stop(); }

Status WorkPool::submit(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Error::unavailable("shutting_down", "The server is shutting down.");
    if (queue_.size() >= max_queue_) {
      Error e = Error::unavailable("busy", "The server is busy; retry in a few seconds.");
      e.retry_after_seconds = 2;
      return e;
    }
    queue_.push_back(std::move(job));
  }
  cv_.notify_one();
  return {};
}

void WorkPool::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

}  // namespace smartdairy
