#include "modules/herd/herd_module.h"

#include "core/log.h"
#include "modules/herd/milk_posting.h"

namespace smartdairy::modules::herd {

HerdModule::HerdModule(ModuleContext ctx, http::Idempotency& idempotency)
    : ctx_(ctx),
      idempotency_(idempotency),
      breeds_(ctx_),
      animals_(ctx_),
      calvings_(ctx_, animals_),
      animal_import_(ctx_, animals_),
      health_(ctx_),
      breeding_(ctx_),
      milk_(ctx_) {}

void HerdModule::register_routes(http::Router& router) {
  register_breed_routes(router);
  register_animal_routes(router);
  register_calving_routes(router);
  register_settings_routes(router);
  register_animal_import_routes(router);
  register_health_routes(router);
  register_breeding_routes(router);
  register_milk_routes(router);
}

void HerdModule::post_ended_milk() {
  if (posting_queued_->exchange(true)) return;
  auto failure = std::make_shared<std::optional<Error>>();
  db::WriteJob job{
      [ctx = ctx_, failure, queued = posting_queued_](db::Connection& tx) {
        queued->store(false);
        auto posted = post_ended_sessions(tx, ctx, "system");
        if (!posted.ok()) {
          *failure = posted.error();
          return false;
        }
        for (const auto& p : *posted) {
          log::info("milk posted to stock", {{"day", format_date(p.day)},
                                             {"session", p.session},
                                             {"litres", p.litres},
                                             {"posting_id", p.id}});
        }
        return true;
      },
      [failure](const Status& commit) {
        if (*failure) {
          log::warn("automatic milk posting failed",
                    {{"code", (*failure)->code}, {"error", (*failure)->message}});
        } else if (!commit.ok()) {
          log::warn("automatic milk posting not committed", {{"error", commit.error().message}});
        }
      }};
  if (Status st = ctx_.db.writer().submit(std::move(job)); !st.ok()) posting_queued_->store(false);
}

}  // namespace smartdairy::modules::herd
