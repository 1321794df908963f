#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/result.h"

namespace smartdairy {

// A fixed set of threads for CPU-heavy work (password hashing) with a bounded queue, so
// that such work never runs on I/O threads and its concurrency is capped (SR-13).
class WorkPool {
 public:
  WorkPool(int threads, size_t max_queue);
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // Queues `job`; 503 when the queue is full or the pool is stopping.
  Status submit(std::function<void()> job);
  // Runs what is queued, then joins. Idempotent.
  void stop();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  std::vector<std::thread> threads_;
  size_t max_queue_;
  bool stopping_ = false;
};

}  // namespace smartdairy
