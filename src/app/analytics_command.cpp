// `smartdairy analytics rebuild`: recomputes the analytics views from the source tables.
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <future>

#include "app/commands.h"
#include "core/clock.h"
#include "db/database.h"
#include "modules/analytics/views.h"

namespace smartdairy::app {

int analytics_rebuild(const std::string& data_dir) {
  auto t0 = std::chrono::steady_clock::now();
  ::umask(077);
  db::DatabaseOptions opts;
  opts.path = database_path(data_dir);
  opts.readers = 1;
  auto db = db::Database::open(opts, db::embedded_migrations());
  if (!db.ok()) {
    std::fprintf(stderr, "error: %s\n", db.error().message.c_str());
    return 1;
  }
  (*db)->writer().start();
  modules::ModuleContext ctx{**db, SystemClock::instance()};
  auto done = std::make_shared<std::promise<Status>>();
  auto result = std::make_shared<Status>();
  Status submitted = (*db)->writer().submit(db::WriteJob{
      [ctx, result](db::Connection& tx) {
        *result = modules::analytics::rebuild(tx, ctx);
        return result->ok();
      },
      [done, result](const Status& commit) { done->set_value(commit.ok() ? *result : commit); }});
  if (!submitted.ok()) {
    std::fprintf(stderr, "error: %s\n", submitted.error().message.c_str());
    return 1;
  }
  Status outcome = done->get_future().get();
  (*db)->close();
  if (!outcome.ok()) {
    std::fprintf(stderr, "error: analytics not rebuilt: %s\n", outcome.error().message.c_str());
    return 1;
  }
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  std::printf("analytics views rebuilt from the source tables in %lld ms (database %s)\n",
              static_cast<long long>(ms), opts.path.c_str());
  return 0;
}

}  // namespace smartdairy::app
