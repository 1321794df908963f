#include "db/reader_pool.h"

#include <exception>

#include "core/log.h"

namespace smartdairy::db {

ReaderPool::~ReaderPool() { stop(); }

Status ReaderPool::start(const std::string& path, int count) {
  for (int i = 0; i < count; ++i) {
    SD_ASSIGN_OR_RETURN(auto conn, Connection::open(path, OpenMode::kReadOnly));
    conns_.push_back(std::move(conn));
  }
  for (auto& c : conns_) threads_.emplace_back([this, p = c.get()] { loop(p); });
  return {};
}

void ReaderPool::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
  conns_.clear();
}

Status ReaderPool::submit(std::function<void(Connection&)> job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || threads_.empty()) {
      return Error::unavailable("readers_unavailable", "The server is shutting down.");
    }
    if (queue_.size() >= max_queue_) {
      Error e = Error::unavailable("readers_overloaded", "The server is busy; retry shortly.");
      e.retry_after_seconds = 1;
      return e;
    }
    queue_.push_back(std::move(job));
  }
  cv_.notify_one();
  return {};
}

void ReaderPool::loop(Connection* conn) {
  for (;;) {
    std::function<void(Connection&)> job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      job(*conn);
    } catch (const std::exception& ex) {
      log::error("read job threw", {{"error", ex.what()}});
    }
  }
}

}  // namespace smartdairy::db
