#include "db/writer.h"

#include <sqlite3.h>

#include <exception>

#include "core/log.h"

namespace smartdairy::db {

namespace {
Error stopped_error() {
  Error e = Error::unavailable("writer_unavailable",
                               "The server is shutting down or has stopped writing after a "
                               "storage failure; retry against a healthy server.");
  e.retry_after_seconds = 1;
  return e;
}
}  // namespace

Writer::Writer(std::unique_ptr<Connection> conn, WriterOptions options)
    : conn_(std::move(conn)), options_(options) {}

Writer::~Writer() { stop(); }

void Writer::start() {
  thread_ = std::thread([this] { loop(); });
}

void Writer::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
    return;
  }
  // Never started: answer whatever was queued instead of leaving its waiters hanging.
  std::deque<WriteJob> orphans;
  {
    std::lock_guard lock(mu_);
    orphans.swap(queue_);
    depth_.store(0);
  }
  Error e = stopped_error();
  for (auto& job : orphans) {
    if (job.done) job.done(Status(e));
  }
}

Status Writer::submit(WriteJob job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || failed_.load()) return stopped_error();
    if (queue_.size() >= options_.max_queue) {
      Error e = Error::unavailable("writer_overloaded",
                                   "The server is receiving more writes than it can commit; "
                                   "retry in a moment.");
      e.retry_after_seconds = 1;
      return e;
    }
    queue_.push_back(std::move(job));
    depth_.store(queue_.size(), std::memory_order_relaxed);
  }
  cv_.notify_one();
  return {};
}

void Writer::loop() {
  std::deque<WriteJob> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) break;
      size_t n = std::min(queue_.size(), options_.max_batch);
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      depth_.store(queue_.size(), std::memory_order_relaxed);
    }
    if (failed_.load()) {
      Error e = stopped_error();
      for (auto& job : batch) {
        if (job.done) job.done(Status(e));
      }
      batch.clear();
      continue;
    }
    run_batch(batch);
    batch.clear();
  }
}

void Writer::run_batch(std::deque<WriteJob>& batch) {
  auto started = std::chrono::steady_clock::now();
  Status st = conn_->exec("BEGIN IMMEDIATE");
  for (size_t i = 0; st.ok() && i < batch.size(); ++i) {
    // A savepoint per command: a failing command rolls back alone.
    // Cached statements: compiling these three per command cost more than many commands.
    st = conn_->execute("SAVEPOINT cmd");
    if (!st.ok()) break;
    bool keep = false;
    try {
      keep = batch[i].run(*conn_);
    } catch (const std::exception& ex) {
      log::error("write command threw; rolled back", {{"error", ex.what()}});
    } catch (...) {
      log::error("write command threw a non-standard exception; rolled back");
    }
    if (!keep) {
      st = conn_->execute("ROLLBACK TO cmd");
      if (!st.ok()) break;
    }
    st = conn_->execute("RELEASE cmd");
  }
  int hook_code = -1;  // -1: the hook did not fail
  if (st.ok() && before_commit_) {
    // The hook contains its own failures; one that escapes leaves the transaction in an
    // unknown state, so the whole batch is rolled back (or, after a storage failure, the
    // writer stops).
    try {
      before_commit_(*conn_);
    } catch (const BatchAborted& ex) {
      hook_code = ex.sqlite_code();
      st = Error::unavailable("writer_hook_failed", std::string("before commit: ") + ex.what());
    } catch (const std::exception& ex) {
      hook_code = 0;
      st = Error::unavailable("writer_hook_failed", std::string("before commit: ") + ex.what());
    } catch (...) {
      hook_code = 0;
      st = Error::unavailable("writer_hook_failed", "before commit: non-standard exception");
    }
  }
  if (st.ok()) st = conn_->exec("COMMIT");
  if (!st.ok()) {
    // After a hook failure, the code it reported: the connection's last code may be from a
    // failure the hook had already handled.
    int code = hook_code >= 0 ? hook_code : sqlite3_extended_errcode(conn_->raw());
    if (is_storage_failure(code)) {
      // SQLite could not write or sync: never ack, never retry (SR-32).
      enter_fail_stop(st.error(), batch);
      return;
    }
    // Not the disk: e.g. another process held the write lock past the busy timeout. This
    // batch is rolled back and answered with a retryable error; the writer carries on.
    if (!sqlite3_get_autocommit(conn_->raw())) (void)conn_->exec("ROLLBACK");
    log::warn("writer batch rolled back", {{"error", st.error().message},
                                           {"code", st.error().code},
                                           {"commands", static_cast<int64_t>(batch.size())}});
    for (auto& job : batch) {
      if (job.done) job.done(st);
    }
    return;
  }
  commits_.fetch_add(1, std::memory_order_relaxed);
  auto elapsed = std::chrono::steady_clock::now() - started;
  if (observer_) observer_(batch.size(), elapsed);
  if (after_commit_) after_commit_(*conn_);
  Status ok;
  for (auto& job : batch) {
    if (job.done) job.done(ok);
  }
}

void Writer::enter_fail_stop(const Error& e, std::deque<WriteJob>& batch) {
  failed_.store(true);
  if (!sqlite3_get_autocommit(conn_->raw())) (void)conn_->exec("ROLLBACK");
  log::critical("writer fail-stop: storage failure, no further writes",
                {{"error", e.message}, {"code", e.code}});
  // SQLite may still replay WAL frames written before a failed fsync, so this batch's
  // outcome is unknown: say so rather than invite a blind retry.
  Error reply = Error::unavailable(
      "write_outcome_unknown",
      "The server hit a storage failure and cannot confirm whether this change was saved. "
      "Check for it after the server restarts before trying again.");
  for (auto& job : batch) {
    if (job.done) job.done(Status(reply));
  }
  if (on_fail_) on_fail_(e);
}

}  // namespace smartdairy::db
