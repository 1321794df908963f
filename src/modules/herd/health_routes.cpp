// JSON <-> HealthService for /api/v1/herd/health and /api/v1/herd/withdrawals. No rules.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <initializer_list>
#include <string_view>
#include <utility>

#include "core/json.h"
#include "core/uuid.h"
#include "http/db_await.h"
#include "http/error_response.h"
#include "http/idempotent_write.h"
#include "http/query_params.h"
#include "modules/herd/animal_text.h"
#include "modules/herd/health_fields.h"
#include "modules/herd/herd_module.h"

namespace smartdairy::modules::herd {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

struct Deps {
  HealthService& health;
  db::Database& db;
  http::Idempotency& idempotency;
  Currency currency;
  const Clock& clock;
  int utc_offset_minutes;
};

// Byte limits of the body's strings (the service applies the field rules after trimming).
constexpr size_t kMaxText = 2000;
constexpr size_t kMaxWord = 32;
constexpr size_t kMaxId = 64;

json::value day_json(const std::optional<Day>& d) {
  return d ? json::value(format_date(*d)) : json::value();
}

json::object record_json(const HealthRecord& r) {
  json::object o{{"id", r.id},
                 {"animal_id", r.animal_id},
                 {"ear_tag", r.ear_tag},
                 {"day", format_date(r.day)},
                 {"kind", r.kind}};
  o["description"] = text_json(r.description);
  o["diagnosis"] = text_json(r.diagnosis);
  o["medication"] = text_json(r.medication);
  o["dose"] = text_json(r.dose);
  o["route"] = text_json(r.route);
  o["cost"] = r.cost ? r.cost->to_json() : json::value();
  o["veterinarian"] = text_json(r.veterinarian);
  o["follow_up_date"] = day_json(r.follow_up_date);
  o["status"] = r.status;
  if (r.treatment) {
    const Treatment& t = *r.treatment;
    o["treatment"] = json::object{{"last_dose_date", format_date(t.last_dose_date)},
                                  {"milk_withdrawal_days", t.milk_withdrawal_days},
                                  {"meat_withdrawal_days", t.meat_withdrawal_days},
                                  {"off_label", t.off_label}};
    o["milk_withdrawal_end"] = format_date(t.milk_withdrawal_end);
    o["meat_withdrawal_end"] = format_date(t.meat_withdrawal_end);
  } else {
    o["treatment"] = nullptr;
    o["milk_withdrawal_end"] = nullptr;
    o["meat_withdrawal_end"] = nullptr;
  }
  o["recorded_by"] = r.recorded_by;
  o["created_at"] = format_rfc3339(r.created_at);
  o["updated_at"] = format_rfc3339(r.updated_at);
  return o;
}

// Splits a nested object out of `body`: `rest` is the body without `key` (for the outer
// reader), the returned pointer the nested object (null when absent or JSON null).
Result<const json::value*> split_nested(const json::value& body, std::string_view key,
                                        std::string_view path, json::value& rest) {
  rest = body;
  const json::value* nested = nullptr;
  if (const json::object* o = body.if_object()) {
    nested = o->if_contains(key);
    rest.as_object().erase(key);
  }
  if (nested == nullptr || nested->is_null()) return static_cast<const json::value*>(nullptr);
  if (!nested->is_object()) {
    std::string field = std::string(path) + std::string(key);
    return fields::error(field, "Field '" + field + "' must be a JSON object.");
  }
  return nested;
}

Result<OffLabel> decode_off_label(const json::value& v) {
  FieldReader r(v, "treatment.off_label.");
  OffLabel o;
  SD_ASSIGN_OR_RETURN(auto milk, r.optional_bool("authorised_for_milk"));
  if (!milk) {
    return fields::error("treatment.off_label.authorised_for_milk",
                         "Field 'treatment.off_label.authorised_for_milk' is required: whether "
                         "the product is authorised for milk-producing animals.");
  }
  o.authorised_for_milk = *milk;
  SD_ASSIGN_OR_RETURN(o.longest_label_milk_days,
                      r.optional_int64("longest_label_milk_days", 0, kMaxLabelWithdrawalDays));
  SD_ASSIGN_OR_RETURN(auto zero, r.optional_bool("zero_hour"));
  o.zero_hour = zero.value_or(false);
  SD_ASSIGN_OR_RETURN(o.authorised_for_food, r.optional_bool("authorised_for_food"));
  SD_ASSIGN_OR_RETURN(o.longest_label_meat_days,
                      r.optional_int64("longest_label_meat_days", 0, kMaxLabelWithdrawalDays));
  SD_RETURN_IF_ERROR(r.finish());
  return o;
}

Result<TreatmentInput> decode_treatment(const json::value& v) {
  json::value rest;
  SD_ASSIGN_OR_RETURN(const json::value* off, split_nested(v, "off_label", "treatment.", rest));
  FieldReader r(rest, "treatment.");
  TreatmentInput t;
  SD_ASSIGN_OR_RETURN(t.last_dose_date, fields::required_day(r, "last_dose_date", "treatment."));
  SD_ASSIGN_OR_RETURN(t.milk_withdrawal_days,
                      r.optional_int64("milk_withdrawal_days", 0, kMaxLabelWithdrawalDays));
  SD_ASSIGN_OR_RETURN(t.meat_withdrawal_days,
                      r.optional_int64("meat_withdrawal_days", 0, kMaxLabelWithdrawalDays));
  SD_RETURN_IF_ERROR(r.finish());
  if (off != nullptr) {
    SD_ASSIGN_OR_RETURN(t.off_label, decode_off_label(*off));
  }
  return t;
}

// Typed request bodies (SR-05): every field read explicitly, anything else is 422.
Result<NewHealthRecord> decode_create(std::string_view text, Currency currency) {
  SD_ASSIGN_OR_RETURN(auto body, parse_json(text));
  json::value rest;
  SD_ASSIGN_OR_RETURN(const json::value* treatment, split_nested(body, "treatment", "", rest));
  FieldReader r(rest);
  NewHealthRecord in;
  SD_ASSIGN_OR_RETURN(in.animal_id, r.required_string("animal_id", kMaxId));
  SD_ASSIGN_OR_RETURN(in.day, fields::required_day(r, "day"));
  SD_ASSIGN_OR_RETURN(in.kind, r.required_string("kind", kMaxWord));
  SD_ASSIGN_OR_RETURN(in.description, r.optional_string("description", kMaxText));
  SD_ASSIGN_OR_RETURN(in.diagnosis, r.optional_string("diagnosis", kMaxText));
  SD_ASSIGN_OR_RETURN(in.medication, r.optional_string("medication", kMaxText));
  SD_ASSIGN_OR_RETURN(in.dose, r.optional_string("dose", kMaxText));
  SD_ASSIGN_OR_RETURN(in.route, r.optional_string("route", kMaxText));
  SD_ASSIGN_OR_RETURN(in.cost, r.optional_money("cost", currency));
  SD_ASSIGN_OR_RETURN(in.veterinarian, r.optional_string("veterinarian", kMaxText));
  SD_ASSIGN_OR_RETURN(in.follow_up_date, fields::optional_day(r, "follow_up_date"));
  SD_ASSIGN_OR_RETURN(in.status, r.optional_string("status", kMaxWord));
  SD_RETURN_IF_ERROR(r.finish());
  if (treatment != nullptr) {
    SD_ASSIGN_OR_RETURN(in.treatment, decode_treatment(*treatment));
  }
  return in;
}

// PATCH: status, follow_up_date and description; a field fixed once saved is refused with
// the reason, anything unknown as usual.
Result<HealthChanges> decode_update(std::string_view text) {
  SD_ASSIGN_OR_RETURN(auto body, parse_json(text));
  if (const json::object* o = body.if_object()) {
    for (std::string_view key :
         {"animal_id", "day", "kind", "diagnosis", "medication", "dose", "route", "cost",
          "veterinarian", "treatment", "last_dose_date", "milk_withdrawal_days",
          "meat_withdrawal_days", "milk_withdrawal_end", "meat_withdrawal_end", "off_label"}) {
      if (o->contains(key)) {
        return Error::invalid_field(
            "immutable_field",
            "Field '" + std::string(key) +
                "' cannot be changed once a health record is saved: withdrawal dates decide "
                "whether milk and meat may be sold, so the record stays as it was. Correct a "
                "wrong record by recording a new one (POST /api/v1/herd/health) and setting "
                "this one's status to resolved with a description of the mistake; only "
                "status, follow_up_date and description can change.",
            std::string(key));
      }
    }
  }
  FieldReader r(body);
  HealthChanges out;
  if (r.is_explicit_null("status")) {
    return fields::error("status", "Field 'status' cannot be null; leave it out to keep it.");
  }
  SD_ASSIGN_OR_RETURN(out.status, r.optional_string("status", kMaxWord));
  bool clear_follow_up = r.is_explicit_null("follow_up_date");
  SD_ASSIGN_OR_RETURN(auto follow_up, fields::optional_day(r, "follow_up_date"));
  if (follow_up || clear_follow_up) out.follow_up_date.emplace(follow_up);
  bool clear_description = r.is_explicit_null("description");
  SD_ASSIGN_OR_RETURN(auto description, r.optional_string("description", kMaxText));
  if (description || clear_description) out.description.emplace(std::move(description));
  SD_RETURN_IF_ERROR(r.finish());
  return out;
}

Error bad_cursor() {
  return Error::invalid_field("invalid_parameter",
                              "Query parameter 'cursor' must be the next_cursor of a previous "
                              "page; start again without it.",
                              "cursor");
}

Result<HealthQuery> decode_list(const Request& req) {
  HealthQuery q;
  SD_ASSIGN_OR_RETURN(auto page, http::page_params(req, 200));
  if (!page.after.empty() && !is_uuid(page.after)) return bad_cursor();
  q.limit = page.limit;
  q.before = std::move(page.after);
  SD_ASSIGN_OR_RETURN(q.animal_id, http::text_param(req, "animal_id", kMaxId));
  SD_ASSIGN_OR_RETURN(q.kind, http::enum_param(req, "kind",
                                               {"checkup", "symptom", "diagnosis", "treatment",
                                                "surgery", "vaccination", "deworming"}));
  SD_ASSIGN_OR_RETURN(q.from, http::date_param(req, "from"));
  SD_ASSIGN_OR_RETURN(q.to, http::date_param(req, "to"));
  return q;
}

json::object recorded_json(const RecordedHealth& rec) {
  json::object o = record_json(rec.record);
  json::array warnings;
  for (const auto& w : rec.warnings) warnings.emplace_back(w);
  o["warnings"] = std::move(warnings);
  return o;
}

asio::awaitable<Response> create_record(Deps d, Request& req) {
  auto cmd = decode_create(req.body, d.currency);
  if (!cmd.ok()) co_return http::error_response(cmd.error(), req);
  std::string actor = req.principal->username;
  auto job = [d, in = std::move(*cmd), actor](db::Connection& tx) -> Result<Response> {
    SD_ASSIGN_OR_RETURN(RecordedHealth rec, d.health.record(tx, in, actor));
    Response resp = Response::json(201, recorded_json(rec));
    resp.set_header("Location", "/api/v1/herd/health/" + rec.record.id);
    return resp;
  };
  co_return co_await http::idempotent_write(d.idempotency, d.db.writer(), req, job);
}

asio::awaitable<Response> get_record(Deps d, Request& req) {
  std::string id(req.param("id"));
  auto job = [d, id](db::Connection& c) { return d.health.get(c, id); };
  auto r = co_await http::read(d.db.readers(), job);
  if (!r.ok()) co_return http::error_response(r.error(), req);
  co_return Response::json(200, record_json(*r));
}

asio::awaitable<Response> update_record(Deps d, Request& req) {
  auto changes = decode_update(req.body);
  if (!changes.ok()) co_return http::error_response(changes.error(), req);
  std::string id(req.param("id"));
  std::string actor = req.principal->username;
  auto job = [d, id, ch = std::move(*changes), actor](db::Connection& tx) -> Result<Response> {
    SD_ASSIGN_OR_RETURN(HealthRecord r, d.health.update(tx, id, ch, actor));
    return Response::json(200, record_json(r));
  };
  co_return co_await http::idempotent_write(d.idempotency, d.db.writer(), req, job);
}

asio::awaitable<Response> list_records(Deps d, Request& req) {
  auto query = decode_list(req);
  if (!query.ok()) co_return http::error_response(query.error(), req);
  auto job = [d, q = std::move(*query)](db::Connection& c) { return d.health.list(c, q); };
  auto page = co_await http::read(d.db.readers(), job);
  if (!page.ok()) co_return http::error_response(page.error(), req);
  co_return Response::json(200, listing_json(*page, record_json));
}

json::object withdrawal_json(const AnimalWithdrawal& w) {
  json::array records;
  for (const auto& r : w.records) {
    records.emplace_back(json::object{{"id", r.record_id},
                                      {"day", format_date(r.day)},
                                      {"milk_withdrawal_end", format_date(r.milk_withdrawal_end)},
                                      {"meat_withdrawal_end", format_date(r.meat_withdrawal_end)}});
  }
  json::object animal{{"id", w.animal_id}, {"ear_tag", w.ear_tag}, {"name", text_json(w.name)}};
  return json::object{{"animal", std::move(animal)},
                      {"milk_withheld", w.milk_until.has_value()},
                      {"milk_withdrawal_end", day_json(w.milk_until)},
                      {"meat_withheld", w.meat_until.has_value()},
                      {"meat_withdrawal_end", day_json(w.meat_until)},
                      {"records", std::move(records)}};
}

asio::awaitable<Response> list_withdrawals(Deps d, Request& req) {
  auto on = http::date_param(req, "on");
  if (!on.ok()) co_return http::error_response(on.error(), req);
  Day day = on->value_or(local_day(d.clock.now_micros(), d.utc_offset_minutes));
  auto job = [d, day](db::Connection& c) { return d.health.withdrawals(c, day); };
  auto rows = co_await http::read(d.db.readers(), job);
  if (!rows.ok()) co_return http::error_response(rows.error(), req);
  json::array items;
  for (const auto& w : *rows) items.emplace_back(withdrawal_json(w));
  co_return Response::json(200,
                           json::object{{"on", format_date(day)}, {"items", std::move(items)}});
}

}  // namespace

void HerdModule::register_health_routes(http::Router& router) {
  using http::Method;
  Deps d{health_, ctx_.db, idempotency_, ctx_.currency, ctx_.clock, ctx_.utc_offset_minutes};
  router.add(Method::kPost, "/api/v1/herd/health", {"herd.health"},
             [d](Request& r) { return create_record(d, r); });
  router.add(Method::kGet, "/api/v1/herd/health", {"herd.read"},
             [d](Request& r) { return list_records(d, r); });
  router.add(Method::kGet, "/api/v1/herd/health/{id}", {"herd.read"},
             [d](Request& r) { return get_record(d, r); });
  router.add(Method::kPatch, "/api/v1/herd/health/{id}", {"herd.health"},
             [d](Request& r) { return update_record(d, r); });
  router.add(Method::kGet, "/api/v1/herd/withdrawals", {"herd.read"},
             [d](Request& r) { return list_withdrawals(d, r); });
}

}  // namespace smartdairy::modules::herd
