#include "db/database.h"

#include <sys/stat.h>

namespace smartdairy::db {

Result<std::unique_ptr<Connection>> open_write_connection(const std::string& path) {
  SD_ASSIGN_OR_RETURN(auto conn, Connection::open(path, OpenMode::kReadWriteCreate));
  SD_ASSIGN_OR_RETURN(auto mode, conn->scalar_text("PRAGMA journal_mode=WAL"));
  SD_RETURN_IF_ERROR(conn->exec("PRAGMA synchronous=FULL"));
  SD_RETURN_IF_ERROR(conn->exec("PRAGMA foreign_keys=ON"));
  SD_RETURN_IF_ERROR(conn->exec("PRAGMA cache_size=-32768"));
  // Statement and savepoint journals (every command runs in a savepoint, and every INSERT
  // into a table with a UNIQUE index keeps a statement journal) in memory rather than a temp
  // file: one pwrite per journaled page was a fifth of a 500-row milk batch's writer time.
  // They hold only pages that existed before the statement or savepoint began.
  SD_RETURN_IF_ERROR(conn->exec("PRAGMA temp_store=MEMORY"));
  SD_ASSIGN_OR_RETURN(auto sync, conn->scalar_int64("PRAGMA synchronous"));
  if (mode.value_or("") != "wal" || sync.value_or(-1) != 2) {
    return Error::unavailable(
        "unsafe_durability",
        "Refusing to start: the database must run with journal_mode=WAL and synchronous=FULL, "
        "but it reports journal_mode=" +
            mode.value_or("?") + " and synchronous=" + std::to_string(sync.value_or(-1)) +
            ". Put the data directory on a local filesystem that supports WAL.");
  }
  // The database and its WAL hold business data: owner-only (SR-34).
  for (const char* suffix : {"", "-wal", "-shm"}) {
    ::chmod((path + suffix).c_str(), 0600);
  }
  return conn;
}

Result<std::unique_ptr<Database>> Database::open(const DatabaseOptions& options,
                                                 const std::vector<Migration>& migrations) {
  std::unique_ptr<Database> db(new Database());
  db->path_ = options.path;
  SD_ASSIGN_OR_RETURN(auto conn, open_write_connection(options.path));
  SD_ASSIGN_OR_RETURN(db->applied_now_, apply_migrations(*conn, migrations));
  // Checkpoints run beside the writer, never inside its commits.
  SD_RETURN_IF_ERROR(db->checkpointer_.start(options.path, *conn));
  // The writer starts when its hooks are wired (Writer::start), not here.
  db->writer_ = std::make_unique<Writer>(std::move(conn), options.writer);
  SD_RETURN_IF_ERROR(db->readers_.start(options.path, options.readers));
  return db;
}

Database::~Database() { close(); }

void Database::close() {
  if (writer_) writer_->stop();
  readers_.stop();
  checkpointer_.stop();
}

}  // namespace smartdairy::db
