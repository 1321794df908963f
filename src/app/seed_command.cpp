// `smartdairy seed --demo`: loads the demo company and its farm into a data directory.
#include <chrono>
#include <cstdio>

#include "app/commands.h"
#include "app/demo_data.h"
#include "app/demo_herd.h"
#include "app/offline_write.h"

namespace smartdairy::app {

int seed_demo(const std::string& data_dir) {
  auto t0 = std::chrono::steady_clock::now();
  bool loaded = false;
  bool herd_loaded = false;
  Status outcome = run_offline_write(
      data_dir,
      [&loaded, &herd_loaded](db::Connection& tx, const modules::ModuleContext& ctx) -> Status {
        SD_ASSIGN_OR_RETURN(loaded, load_demo_data(tx, ctx));
        // The farm after the company: its milk postings need the MILK-RAW product.
        SD_ASSIGN_OR_RETURN(herd_loaded, load_demo_herd(tx, ctx));
        return {};
      });
  if (!outcome.ok()) {
    std::fprintf(stderr, "error: demo data not loaded: %s\n", outcome.error().message.c_str());
    return 1;
  }
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  const std::string path = database_path(data_dir);
  if (loaded || herd_loaded) {
    std::printf("demo data loaded in %lld ms:%s%s; database %s\n", static_cast<long long>(ms),
                loaded ? " 5 customers, 14 products with stock, a month of orders, invoices and "
                         "payments"
                       : "",
                herd_loaded ? (loaded ? "; a herd of 255 cattle with 90 days of milk"
                                      : " a herd of 255 cattle with 90 days of milk")
                            : "",
                path.c_str());
  } else {
    std::printf("demo data already present; nothing changed (database %s)\n", path.c_str());
  }
  return 0;
}

}  // namespace smartdairy::app
