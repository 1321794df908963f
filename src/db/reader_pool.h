#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "db/sqlite.h"

namespace smartdairy::db {

// Read connections (WAL snapshots), each owned by its own thread, so that I/O threads
// never block on SQLite. A job runs on whichever reader is free.
class ReaderPool {
 public:
  ReaderPool() = default;
  ~ReaderPool();
  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;

  // Opens `count` read-only connections to `path` and starts their threads.
  Status start(const std::string& path, int count);
  // Finishes queued jobs and joins the threads. Idempotent.
  void stop();

  // Queues a read. Returns an error (503) when stopped or overloaded; `job` is then not run.
  Status submit(std::function<void(Connection&)> job);

 private:
  void loop(Connection* conn);

  std::vector<std::unique_ptr<Connection>> conns_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void(Connection&)>> queue_;
  bool stopping_ = false;
  size_t max_queue_ = 100'000;
};

}  // namespace smartdairy::db
