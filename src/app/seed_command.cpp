// `smartdairy seed --demo`: loads the demo company into a data directory.
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <future>

#include "app/commands.h"
#include "app/demo_data.h"
#include "core/clock.h"
#include "db/database.h"

namespace smartdairy::app {

int seed_demo(const std::string& data_dir) {
  auto t0 = std::chrono::steady_clock::now();
  ::umask(077);
  if (Status st = prepare_data_dir(data_dir); !st.ok()) {
    std::fprintf(stderr, "error: %s\n", st.error().message.c_str());
    return 1;
  }
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
  auto loaded = std::make_shared<std::promise<Result<bool>>>();
  auto result = std::make_shared<Result<bool>>(false);
  Status submitted = (*db)->writer().submit(db::WriteJob{[ctx, result](db::Connection& tx) {
                                                           *result = load_demo_data(tx, ctx);
                                                           return result->ok();
                                                         },
                                                         [loaded, result](const Status& commit) {
                                                           if (!commit.ok()) {
                                                             loaded->set_value(commit.error());
                                                           } else {
                                                             loaded->set_value(*result);
                                                           }
                                                         }});
  if (!submitted.ok()) {
    std::fprintf(stderr, "error: %s\n", submitted.error().message.c_str());
    return 1;
  }
  Result<bool> outcome = loaded->get_future().get();
  (*db)->close();
  if (!outcome.ok()) {
    std::fprintf(stderr, "error: demo data not loaded: %s\n", outcome.error().message.c_str());
    return 1;
  }
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  if (*outcome) {
    std::printf(
        "demo data loaded in %lld ms: 5 customers, 14 products with stock, a month of orders, "
        "invoices and payments; database %s\n",
        static_cast<long long>(ms), opts.path.c_str());
  } else {
    std::printf("demo data already present; nothing changed (database %s)\n", opts.path.c_str());
  }
  return 0;
}

}  // namespace smartdairy::app
