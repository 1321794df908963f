#include "db/checkpointer.h"

#include <sqlite3.h>

#include "core/log.h"

namespace smartdairy::db {

Checkpointer::~Checkpointer() { stop(); }

Status Checkpointer::start(const std::string& path, Connection& writer, int threshold_frames) {
  SD_ASSIGN_OR_RETURN(conn_, Connection::open(path, OpenMode::kReadWriteCreate));
  // A connection sees the WAL only once it has read the database: until then a checkpoint
  // through it does nothing.
  SD_ASSIGN_OR_RETURN(auto mode, conn_->scalar_text("PRAGMA journal_mode"));
  if (mode.value_or("") != "wal") {
    return Error::unavailable("unsafe_durability",
                              "The checkpointer found the database not in "
                              "WAL mode.");
  }
  threshold_ = threshold_frames;
  sqlite3_wal_hook(writer.raw(), &Checkpointer::on_wal_commit, this);
  thread_ = std::thread([this] { loop(); });
  return {};
}

int Checkpointer::on_wal_commit(void* self, sqlite3* /*db*/, const char* /*name*/, int frames) {
  auto* cp = static_cast<Checkpointer*>(self);
  if (frames >= cp->threshold_) {
    std::lock_guard lock(cp->mu_);
    cp->wanted_ = true;
    cp->cv_.notify_one();
  }
  return SQLITE_OK;
}

void Checkpointer::loop() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return wanted_ || stopping_; });
      if (stopping_) return;
      wanted_ = false;
    }
    int log_frames = 0;
    int copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(conn_->raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                       &log_frames, &copied);
    if (rc == SQLITE_OK) {
      checkpoints_.fetch_add(1, std::memory_order_relaxed);
    } else if (rc != SQLITE_BUSY) {
      // The WAL keeps every committed change; the next attempt (or the next start) copies it.
      log::error("WAL checkpoint failed", {{"error", sqlite3_errmsg(conn_->raw())}, {"rc", rc}});
    }
  }
}

void Checkpointer::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
  if (conn_) {
    (void)sqlite3_wal_checkpoint_v2(conn_->raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                    nullptr);
    conn_.reset();
  }
}

}  // namespace smartdairy::db
