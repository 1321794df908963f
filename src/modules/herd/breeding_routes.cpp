// JSON <-> BreedingService for /api/v1/herd/breeding/... No rules here.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
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
  BreedingService& breeding;
  db::Database& db;
  http::Idempotency& idempotency;
  const Clock& clock;
  int utc_offset_minutes;
};

constexpr size_t kMaxText = 2000;
constexpr size_t kMaxWord = 32;
constexpr size_t kMaxId = 64;
constexpr int64_t kDefaultCalendarDays = 30;

json::object check_json(const PregnancyCheck& k) {
  return json::object{{"id", k.id},
                      {"service_id", k.service_id},
                      {"day", format_date(k.day)},
                      {"result", k.result},
                      {"method", text_json(k.method)},
                      {"recorded_by", k.recorded_by},
                      {"created_at", format_rfc3339(k.created_at)}};
}

json::object service_json(const Service& s, bool with_checks) {
  json::object o{{"id", s.id},
                 {"animal_id", s.animal_id},
                 {"ear_tag", s.ear_tag},
                 {"day", format_date(s.day)},
                 {"method", s.method}};
  o["sire_id"] = text_json(s.sire_id);
  o["semen_batch"] = text_json(s.semen_batch);
  o["technician"] = text_json(s.technician);
  o["heat_detection"] = text_json(s.heat_detection);
  o["notes"] = text_json(s.notes);
  o["status"] = s.status;
  o["check_due"] = format_date(s.check_due);
  o["expected_calving"] = format_date(s.expected_calving);
  o["calving_window"] =
      json::object{{"from", format_date(s.window_from)}, {"to", format_date(s.window_to)}};
  o["vwp_warning"] = s.vwp_warning;
  if (with_checks) {
    json::array checks;
    for (const auto& k : s.checks) checks.emplace_back(check_json(k));
    o["checks"] = std::move(checks);
  }
  o["recorded_by"] = s.recorded_by;
  o["created_at"] = format_rfc3339(s.created_at);
  o["updated_at"] = format_rfc3339(s.updated_at);
  return o;
}

Result<NewService> decode_service(std::string_view text) {
  SD_ASSIGN_OR_RETURN(auto body, parse_json(text));
  FieldReader r(body);
  NewService in;
  SD_ASSIGN_OR_RETURN(in.animal_id, r.required_string("animal_id", kMaxId));
  SD_ASSIGN_OR_RETURN(in.day, fields::required_day(r, "day"));
  SD_ASSIGN_OR_RETURN(in.method, r.required_string("method", kMaxWord));
  SD_ASSIGN_OR_RETURN(in.sire_id, r.optional_string("sire_id", kMaxId));
  SD_ASSIGN_OR_RETURN(in.semen_batch, r.optional_string("semen_batch", kMaxText));
  SD_ASSIGN_OR_RETURN(in.technician, r.optional_string("technician", kMaxText));
  SD_ASSIGN_OR_RETURN(in.heat_detection, r.optional_string("heat_detection", kMaxText));
  SD_ASSIGN_OR_RETURN(in.notes, r.optional_string("notes", kMaxText));
  SD_RETURN_IF_ERROR(r.finish());
  return in;
}

Result<NewCheck> decode_check(std::string_view text) {
  SD_ASSIGN_OR_RETURN(auto body, parse_json(text));
  FieldReader r(body);
  NewCheck in;
  SD_ASSIGN_OR_RETURN(in.day, fields::required_day(r, "day"));
  SD_ASSIGN_OR_RETURN(in.result, r.required_string("result", kMaxWord));
  SD_ASSIGN_OR_RETURN(in.method, r.optional_string("method", kMaxWord));
  SD_RETURN_IF_ERROR(r.finish());
  return in;
}

Result<ServiceQuery> decode_list(const Request& req) {
  ServiceQuery q;
  SD_ASSIGN_OR_RETURN(auto page, http::page_params(req, 200));
  if (!page.after.empty() && !is_uuid(page.after)) {
    return Error::invalid_field("invalid_parameter",
                                "Query parameter 'cursor' must be the next_cursor of a previous "
                                "page; start again without it.",
                                "cursor");
  }
  q.limit = page.limit;
  q.before = std::move(page.after);
  SD_ASSIGN_OR_RETURN(q.animal_id, http::text_param(req, "animal_id", kMaxId));
  SD_ASSIGN_OR_RETURN(
      q.status,
      http::enum_param(req, "status", {"pending", "confirmed", "negative", "aborted", "calved"}));
  return q;
}

asio::awaitable<Response> create_service(Deps d, Request& req) {
  auto cmd = decode_service(req.body);
  if (!cmd.ok()) co_return http::error_response(cmd.error(), req);
  std::string actor = req.principal->username;
  auto job = [d, in = std::move(*cmd), actor](db::Connection& tx) -> Result<Response> {
    SD_ASSIGN_OR_RETURN(RecordedService rec, d.breeding.serve(tx, in, actor));
    json::object o = service_json(rec.service, true);
    json::array warnings;
    for (const auto& w : rec.warnings) warnings.emplace_back(w);
    o["warnings"] = std::move(warnings);
    o["replaced_service_id"] = text_json(rec.replaced_service_id);
    Response resp = Response::json(201, o);
    resp.set_header("Location", "/api/v1/herd/breeding/services/" + rec.service.id);
    return resp;
  };
  co_return co_await http::idempotent_write(d.idempotency, d.db.writer(), req, job);
}

asio::awaitable<Response> create_check(Deps d, Request& req) {
  auto cmd = decode_check(req.body);
  if (!cmd.ok()) co_return http::error_response(cmd.error(), req);
  std::string id(req.param("id"));
  std::string actor = req.principal->username;
  auto job = [d, id, in = std::move(*cmd), actor](db::Connection& tx) -> Result<Response> {
    SD_ASSIGN_OR_RETURN(RecordedCheck rec, d.breeding.check(tx, id, in, actor));
    json::object o = check_json(rec.check);
    o["service"] = service_json(rec.service, true);
    o["animal_status"] =
        rec.status_to
            ? json::value(json::object{{"from", *rec.status_from}, {"to", *rec.status_to}})
            : json::value();
    return Response::json(201, o);
  };
  co_return co_await http::idempotent_write(d.idempotency, d.db.writer(), req, job);
}

asio::awaitable<Response> get_service(Deps d, Request& req) {
  std::string id(req.param("id"));
  auto job = [d, id](db::Connection& c) { return d.breeding.get(c, id); };
  auto s = co_await http::read(d.db.readers(), job);
  if (!s.ok()) co_return http::error_response(s.error(), req);
  co_return Response::json(200, service_json(*s, true));
}

asio::awaitable<Response> list_services(Deps d, Request& req) {
  auto query = decode_list(req);
  if (!query.ok()) co_return http::error_response(query.error(), req);
  auto job = [d, q = std::move(*query)](db::Connection& c) { return d.breeding.list(c, q); };
  auto page = co_await http::read(d.db.readers(), job);
  if (!page.ok()) co_return http::error_response(page.error(), req);
  co_return Response::json(
      200, listing_json(*page, [](const Service& s) { return service_json(s, false); }));
}

json::array items_json(const std::vector<CalendarItem>& items, std::string_view kind) {
  json::array out;
  for (const auto& i : items) {
    json::object o{
        {"service_id", i.service_id},
        {"animal",
         json::object{{"id", i.animal_id}, {"ear_tag", i.ear_tag}, {"name", text_json(i.name)}}},
        {"day", format_date(i.day)},
        {"expected_calving", format_date(i.expected_calving)}};
    if (kind == "checks") o["overdue"] = i.overdue;
    if (kind == "calvings") {
      o["calving_window"] =
          json::object{{"from", format_date(i.window_from)}, {"to", format_date(i.window_to)}};
    }
    out.emplace_back(std::move(o));
  }
  return out;
}

asio::awaitable<Response> get_calendar(Deps d, Request& req) {
  auto from = http::date_param(req, "from");
  if (!from.ok()) co_return http::error_response(from.error(), req);
  auto to = http::date_param(req, "to");
  if (!to.ok()) co_return http::error_response(to.error(), req);
  Day today = local_day(d.clock.now_micros(), d.utc_offset_minutes);
  Day f = from->value_or(today);
  Day t = to->value_or(f + kDefaultCalendarDays);
  auto job = [d, f, t](db::Connection& c) { return d.breeding.calendar(c, f, t); };
  auto cal = co_await http::read(d.db.readers(), job);
  if (!cal.ok()) co_return http::error_response(cal.error(), req);
  co_return Response::json(200,
                           json::object{{"from", format_date(cal->from)},
                                        {"to", format_date(cal->to)},
                                        {"checks_due", items_json(cal->checks_due, "checks")},
                                        {"calvings_due", items_json(cal->calvings_due, "calvings")},
                                        {"dry_offs_due", items_json(cal->dry_offs_due, "")}});
}

}  // namespace

void HerdModule::register_breeding_routes(http::Router& router) {
  using http::Method;
  Deps d{breeding_, ctx_.db, idempotency_, ctx_.clock, ctx_.utc_offset_minutes};
  router.add(Method::kPost, "/api/v1/herd/breeding/services", {"herd.health"},
             [d](Request& r) { return create_service(d, r); });
  router.add(Method::kGet, "/api/v1/herd/breeding/services", {"herd.read"},
             [d](Request& r) { return list_services(d, r); });
  router.add(Method::kGet, "/api/v1/herd/breeding/services/{id}", {"herd.read"},
             [d](Request& r) { return get_service(d, r); });
  router.add(Method::kPost, "/api/v1/herd/breeding/services/{id}/checks", {"herd.health"},
             [d](Request& r) { return create_check(d, r); });
  router.add(Method::kGet, "/api/v1/herd/breeding/calendar", {"herd.read"},
             [d](Request& r) { return get_calendar(d, r); });
}

}  // namespace smartdairy::modules::herd
