#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include "core/result.h"
#include "db/sqlite.h"

namespace smartdairy::db {

// One unit of work for the writer. `run` executes inside its own SAVEPOINT of the batch
// transaction and returns true to keep its changes, false (or throws) to roll them back.
// `done` is called on the writer thread once the batch is durable (ok) or has failed.
struct WriteJob {
  std::function<bool(Connection&)> run;
  std::function<void(const Status& commit)> done;
};

struct WriterOptions {
  size_t max_batch = 4096;     // commands per transaction
  size_t max_queue = 100'000;  // beyond this, submit() refuses with 503
};

// Thrown by a before-commit hook when the batch's transaction is in doubt (a savepoint it
// opened could not be rolled back or released, or SQLite ended the transaction itself).
// `sqlite_code` is the extended code of the statement that failed: a storage failure puts
// the writer into fail-stop, anything else rolls the batch back with a retryable error.
class BatchAborted : public std::runtime_error {
 public:
  BatchAborted(int sqlite_code, const std::string& what)
      : std::runtime_error(what), sqlite_code_(sqlite_code) {}
  int sqlite_code() const { return sqlite_code_; }

 private:
  int sqlite_code_;
};

// Called after each batch: how many commands, how long BEGIN..COMMIT took.
using BatchObserver = std::function<void(size_t batch_size, std::chrono::nanoseconds commit)>;

// The single writer (DESIGN.md §3): one thread owns the write connection, drains its queue
// into one transaction with a SAVEPOINT per command, commits once (group commit), and only
// then completes the waiters. A failed COMMIT/write/fsync puts it into fail-stop.
class Writer {
 public:
  Writer(std::unique_ptr<Connection> conn, WriterOptions options = {});
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void start();
  // Stops accepting, runs what is queued, joins the thread. Idempotent.
  void stop();

  // Queues a job. Refuses (503) when stopped, failed, or the queue is full.
  Status submit(WriteJob job);

  // Runs after a batch's commands, inside its transaction, just before COMMIT (writer thread).
  // What it writes commits (or rolls back) with the batch; it handles its own failures.
  void set_before_commit(std::function<void(Connection&)> hook) {
    before_commit_ = std::move(hook);
  }
  // Runs after every successful commit, on the writer thread, before waiters complete.
  void set_after_commit(std::function<void(Connection&)> hook) { after_commit_ = std::move(hook); }
  // Runs once when the writer enters fail-stop.
  void set_on_fail_stop(std::function<void(const Error&)> hook) { on_fail_ = std::move(hook); }
  void set_batch_observer(BatchObserver observer) { observer_ = std::move(observer); }

  bool failed() const { return failed_.load(); }
  size_t queue_depth() const { return depth_.load(std::memory_order_relaxed); }
  uint64_t commits() const { return commits_.load(std::memory_order_relaxed); }

 private:
  void loop();
  void run_batch(std::deque<WriteJob>& batch);
  void enter_fail_stop(const Error& e, std::deque<WriteJob>& batch);

  std::unique_ptr<Connection> conn_;
  WriterOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<WriteJob> queue_;
  bool stopping_ = false;
  std::atomic<bool> failed_{false};
  std::atomic<size_t> depth_{0};
  std::atomic<uint64_t> commits_{0};
  std::thread thread_;
  std::function<void(Connection&)> before_commit_;
  std::function<void(Connection&)> after_commit_;
  std::function<void(const Error&)> on_fail_;
  BatchObserver observer_;
};

}  // namespace smartdairy::db
