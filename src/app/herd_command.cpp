// `smartdairy herd import-milk FILE.csv`: bulk import of milk history (issue 5).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "app/commands.h"
#include "app/offline_write.h"
#include "modules/herd/milk_import.h"

namespace smartdairy::app {

int herd_import_milk(const std::string& data_dir, const std::string& file) {
  auto t0 = std::chrono::steady_clock::now();
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "error: cannot read %s\n", file.c_str());
    return 1;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  const std::string csv = buf.str();
  modules::herd::ImportReport report;
  Status outcome = run_offline_write(
      data_dir, [&csv, &report](db::Connection& tx, const modules::ModuleContext& ctx) -> Status {
        SD_ASSIGN_OR_RETURN(report,
                            modules::herd::import_milk_history(tx, ctx, csv, "import-milk"));
        if (!report.ok()) {
          return Error::unprocessable("import_rejected", "the file has errors; nothing imported");
        }
        return {};
      });
  for (const auto& e : report.errors) {
    std::fprintf(stderr, "line %zu%s%s: %s\n", e.line, e.field.empty() ? "" : ", ", e.field.c_str(),
                 e.message.c_str());
  }
  if (!outcome.ok()) {
    std::fprintf(stderr, "error: milk not imported: %s\n", outcome.error().message.c_str());
    return 1;
  }
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  struct rusage usage {};
  ::getrusage(RUSAGE_SELF, &usage);
  std::printf(
      "imported %lld milk records (%lld already there, %lld rows) in %lld ms; peak RSS %ld MiB\n",
      static_cast<long long>(report.created), static_cast<long long>(report.unchanged),
      static_cast<long long>(report.rows), static_cast<long long>(ms), usage.ru_maxrss / 1024);
  return 0;
}

}  // namespace smartdairy::app
