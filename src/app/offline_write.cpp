#include "app/offline_write.h"

#include <sys/stat.h>

#include <future>
#include <memory>

#include "app/config.h"
#include "core/clock.h"
#include "db/database.h"

namespace smartdairy::app {

Status run_offline_write(
    const std::string& data_dir,
    std::function<Status(db::Connection&, const modules::ModuleContext&)> job) {
  ::umask(077);
  SD_RETURN_IF_ERROR(prepare_data_dir(data_dir));
  db::DatabaseOptions opts;
  opts.path = database_path(data_dir);
  opts.readers = 1;
  SD_ASSIGN_OR_RETURN(auto db, db::Database::open(opts, db::embedded_migrations()));
  db->writer().start();
  modules::ModuleContext ctx{*db, SystemClock::instance()};
  auto done = std::make_shared<std::promise<Status>>();
  auto result = std::make_shared<Status>();
  Status submitted = db->writer().submit(db::WriteJob{
      [ctx, result, job = std::move(job)](db::Connection& tx) {
        *result = job(tx, ctx);
        return result->ok();
      },
      [done, result](const Status& commit) { done->set_value(commit.ok() ? *result : commit); }});
  Status outcome = submitted.ok() ? done->get_future().get() : submitted;
  db->close();
  return outcome;
}

}  // namespace smartdairy::app
