// `smartdairy analytics rebuild`: recomputes the analytics views from the source tables.
#include <chrono>
#include <cstdio>

#include "app/commands.h"
#include "app/offline_write.h"
#include "modules/analytics/views.h"

namespace smartdairy::app {

int analytics_rebuild(const std::string& data_dir) {
  auto t0 = std::chrono::steady_clock::now();
  Status outcome = run_offline_write(data_dir, modules::analytics::rebuild);
  if (!outcome.ok()) {
    std::fprintf(stderr, "error: analytics not rebuilt: %s\n", outcome.error().message.c_str());
    return 1;
  }
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  std::printf("analytics views rebuilt from the source tables in %lld ms (database %s)\n",
              static_cast<long long>(ms), database_path(data_dir).c_str());
  return 0;
}

}  // namespace smartdairy::app
