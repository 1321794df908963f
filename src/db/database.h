#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/checkpointer.h"
#include "db/migrations.h"
#include "db/reader_pool.h"
#include "db/writer.h"

namespace smartdairy::db {

struct DatabaseOptions {
  std::string path;  // SQLite file
  int readers = 2;
  WriterOptions writer;
};

// The embedded database: checks durability settings (SR-32), applies migrations, and owns
// the writer and the reader pool.
class Database {
 public:
  // Opens (creating if needed) the file, refuses unless it runs WAL with synchronous=FULL,
  // applies `migrations`, and starts the readers. The caller starts the writer once its
  // hooks are set (writer().start()).
  static Result<std::unique_ptr<Database>> open(const DatabaseOptions& options,
                                                const std::vector<Migration>& migrations);
  ~Database();

  Writer& writer() { return *writer_; }
  const Checkpointer& checkpointer() const { return checkpointer_; }
  ReaderPool& readers() { return readers_; }
  const std::string& path() const { return path_; }
  int migrations_applied_now() const { return applied_now_; }

  // Stops the writer (draining its queue) and the readers; closes every connection.
  void close();

 private:
  Database() = default;
  std::string path_;
  Checkpointer checkpointer_;  // declared before writer_: destroyed after it
  std::unique_ptr<Writer> writer_;
  ReaderPool readers_;
  int applied_now_ = 0;
};

// Opens a write connection with the production settings and verifies them: WAL journal,
// synchronous=FULL, foreign keys on. Used by the server and by the CLI tools.
Result<std::unique_ptr<Connection>> open_write_connection(const std::string& path);

}  // namespace smartdairy::db
