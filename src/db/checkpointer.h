#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/result.h"
#include "db/sqlite.h"

namespace smartdairy::db {

// Copies the WAL back into the database file on its own thread and connection, so that the
// writer's commits never wait for a checkpoint (SQLite's automatic checkpoint runs inside
// the committing connection and stalls it for the whole copy and fsync). Installs a WAL hook
// on the writer's connection — which turns SQLite's own auto-checkpoint off — and runs a
// PASSIVE checkpoint whenever the WAL has grown by `threshold_frames` since the last one.
class Checkpointer {
 public:
  static constexpr int kDefaultThresholdFrames = 1000;  // SQLite's own default

  Checkpointer() = default;
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Opens its connection to `path` and hooks `writer` (before the writer thread starts).
  Status start(const std::string& path, Connection& writer,
               int threshold_frames = kDefaultThresholdFrames);
  // Runs a last checkpoint and joins. Idempotent.
  void stop();

  uint64_t checkpoints() const { return checkpoints_.load(std::memory_order_relaxed); }

 private:
  static int on_wal_commit(void* self, sqlite3* db, const char* name, int frames);
  void loop();

  std::unique_ptr<Connection> conn_;
  int threshold_ = kDefaultThresholdFrames;
  std::mutex mu_;
  std::condition_variable cv_;
  bool wanted_ = false;
  bool stopping_ = false;
  std::atomic<uint64_t> checkpoints_{0};  // completed (SQLITE_OK) checkpoints
  std::thread thread_;
};

}  // namespace smartdairy::db
