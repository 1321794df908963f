#include "modules/herd/milk_posting.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "core/uuid.h"
#include "events/outbox.h"
#include "modules/catalog/product_service.h"
#include "modules/herd/herd.h"
#include "modules/herd/milk_store.h"
#include "modules/inventory/stock_service.h"

namespace smartdairy::modules::herd {

namespace json = boost::json;

namespace {
int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

int local_minute(const ModuleContext& ctx) {
  int64_t m = (ctx.clock.now_micros() / 60'000'000 + ctx.utc_offset_minutes) % 1440;
  return static_cast<int>(m < 0 ? m + 1440 : m);
}
}  // namespace

Result<std::optional<MilkPosting>> post_milk(db::Connection& tx, const ModuleContext& ctx, Day day,
                                             const std::string& session, const std::string& actor) {
  SD_ASSIGN_OR_RETURN(auto records, store::unposted_milk(tx, day, session));
  if (records.empty()) return std::optional<MilkPosting>{};
  SD_ASSIGN_OR_RETURN(HerdSettings settings, store::load_settings(tx));
  SD_ASSIGN_OR_RETURN(int64_t carry, store::last_posting_carry(tx));
  MilkPosting p;
  p.id = new_uuid_v7();
  p.day = day;
  p.session = session;
  p.sku = settings.raw_milk_sku;
  for (const auto& r : records) p.saleable_ml += r.delta_ml;
  int64_t total = p.saleable_ml + carry;
  p.litres = floor_div(total, 1000);
  p.carry_ml = total - p.litres * 1000;
  p.actor = actor;
  p.created_at = ctx.clock.now_micros();

  if (p.litres != 0) {
    auto product = catalog::get_product(tx, p.sku);
    if (!product.ok()) {
      if (product.error().kind != ErrorKind::kNotFound) return std::move(product).error();
      Error e = Error::conflict(
          "raw_milk_sku_unknown",
          "The farm's raw milk product '" + p.sku +
              "' (herd settings raw_milk_sku) is not in the catalogue, so milk cannot be "
              "received into stock. Create the product, or set raw_milk_sku to an existing "
              "SKU with PATCH /api/v1/herd/settings.");
      e.details.emplace_back("raw_milk_sku");
      return e;
    }
    inventory::Adjustment adj;
    adj.sku = p.sku;
    adj.qty = p.litres;
    adj.reason = p.litres > 0 ? "production" : "count";
    adj.reference = p.id;
    adj.note = "milk " + format_date(day) + " " + session;
    auto level = inventory::adjust(tx, ctx, adj, actor);
    if (!level.ok()) {
      if (level.error().kind != ErrorKind::kConflict) return std::move(level).error();
      Error e = Error::conflict("milk_posting_refused",
                                "Corrections lowered the saleable milk of " + format_date(day) +
                                    " " + session + " by " + std::to_string(-p.litres) +
                                    " L, but that much of " + p.sku +
                                    " cannot leave stock: " + level.error().message);
      e.details.emplace_back("session");
      return e;
    }
  }
  SD_RETURN_IF_ERROR(store::insert_milk_posting(tx, p));
  for (const auto& r : records) {
    SD_RETURN_IF_ERROR(store::mark_posted(tx, r.record_id, p.id, r.saleable_ml));
  }
  events::EventDraft d;
  d.type = "milk.posted";
  d.aggregate_type = "milk_posting";
  d.aggregate_id = p.id;
  d.actor = actor;
  d.data = json::serialize(json::object{{"day", format_date(day)},
                                        {"session", session},
                                        {"sku", p.sku},
                                        {"saleable_ml", p.saleable_ml},
                                        {"litres", p.litres},
                                        {"carry_ml", p.carry_ml},
                                        {"records", records.size()}});
  auto appended = events::append(tx, std::move(d), ctx.clock);
  if (!appended.ok()) return std::move(appended).error();
  return std::optional<MilkPosting>{std::move(p)};
}

Result<std::vector<MilkPosting>> post_ended_sessions(db::Connection& tx, const ModuleContext& ctx,
                                                     const std::string& actor) {
  SD_ASSIGN_OR_RETURN(auto sessions, store::sessions_with_unposted_milk(tx));
  std::vector<MilkPosting> out;
  if (sessions.empty()) return out;
  SD_ASSIGN_OR_RETURN(HerdSettings settings, store::load_settings(tx));
  const Day today = ctx.today();
  const int minute = local_minute(ctx);
  for (const auto& [day, session] : sessions) {
    bool ended = day < today || (day == today && minute >= settings.session_end_minute(session));
    if (!ended) continue;
    SD_ASSIGN_OR_RETURN(auto posted, post_milk(tx, ctx, day, session, actor));
    if (posted) out.push_back(std::move(*posted));
  }
  return out;
}

Result<int64_t> settle_milk_history(db::Connection& tx, Day before) {
  return store::settle_milk_before(tx, before);
}

Result<std::vector<MilkPosting>> list_milk_postings(db::Connection& c, std::optional<Day> from,
                                                    std::optional<Day> to, int64_t limit) {
  return store::list_milk_postings(c, from, to, limit);
}

}  // namespace smartdairy::modules::herd
