// JSON <-> MilkService for /api/v1/herd/milk, its postings and the milk CSV import. No
// business rules here.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include "core/json.h"
#include "core/uuid.h"
#include "http/db_await.h"
#include "http/error_response.h"
#include "http/idempotent_write.h"
#include "http/query_params.h"
#include "modules/herd/animal_text.h"
#include "modules/herd/herd_module.h"
#include "modules/herd/milk_import.h"
#include "modules/herd/milk_posting.h"

namespace smartdairy::modules::herd {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

struct Deps {
  MilkService& milk;
  ModuleContext ctx;
  http::Idempotency& idempotency;
};

constexpr size_t kMaxId = 36;
constexpr size_t kMaxTag = 32;
constexpr size_t kMaxDate = 10;
constexpr size_t kMaxSession = 16;

Result<Day> decode_day(const std::string& field, const std::string& text) {
  auto day = parse_date(text);
  if (!day) {
    return field_error(field, "Field '" + field + "' must be a date written YYYY-MM-DD.");
  }
  return *day;
}

Result<std::string> decode_session(const std::string& field, const std::string& text) {
  if (!one_of(kAllSessions, text)) {
    return field_error(field, "Field '" + field + "' must be morning, midday, evening or night.");
  }
  return text;
}

// One milking as the client sent it; `prefix` names a batch row ("records[3].").
Result<MilkInput> decode_milk(const json::value& body, const std::string& prefix) {
  FieldReader r(body, prefix);
  MilkInput in;
  SD_ASSIGN_OR_RETURN(in.animal_id, r.optional_string("animal_id", kMaxId));
  SD_ASSIGN_OR_RETURN(in.ear_tag, r.optional_string("ear_tag", kMaxTag));
  SD_ASSIGN_OR_RETURN(auto day, r.optional_string("day", kMaxDate));
  if (day) {
    SD_ASSIGN_OR_RETURN(in.day, decode_day(prefix + "day", *day));
  }
  SD_ASSIGN_OR_RETURN(auto session, r.optional_string("session", kMaxSession));
  if (session) {
    SD_ASSIGN_OR_RETURN(in.session, decode_session(prefix + "session", *session));
  }
  SD_ASSIGN_OR_RETURN(in.quantity_ml,
                      r.required_int64("quantity_ml", kMinQuantityMl, kMaxQuantityMl));
  SD_ASSIGN_OR_RETURN(in.fat, r.optional_decimal("fat", 2, kMinFat, kMaxFat));
  SD_ASSIGN_OR_RETURN(in.snf, r.optional_decimal("snf", 2, kMinSnf, kMaxSnf));
  SD_ASSIGN_OR_RETURN(in.protein, r.optional_decimal("protein", 2, kMinProtein, kMaxProtein));
  SD_ASSIGN_OR_RETURN(in.temperature_dc,
                      r.optional_decimal("temperature", 1, kMinTempDc, kMaxTempDc));
  SD_ASSIGN_OR_RETURN(in.scc, r.optional_int64("scc", kMinScc, kMaxScc));
  SD_ASSIGN_OR_RETURN(in.lactometer_clr, r.optional_decimal("lactometer", 2, kMinClr, kMaxClr));
  SD_ASSIGN_OR_RETURN(in.notes, r.optional_string("notes", kMaxMilkNotes));
  SD_ASSIGN_OR_RETURN(const json::value* correction, r.optional_object("correction"));
  if (correction != nullptr) {
    FieldReader c(*correction, prefix + "correction.");
    SD_ASSIGN_OR_RETURN(in.correction_reason, c.required_string("reason", kMaxCorrectionReason));
    SD_RETURN_IF_ERROR(c.finish());
  }
  SD_RETURN_IF_ERROR(r.finish());
  return in;
}

std::string actor_of(const Request& req) { return req.principal->username; }

json::object error_json(const Error& e) {
  return {{"code", e.code},
          {"message", e.message},
          {"field", e.details.empty() ? json::value() : json::value(e.details.front())}};
}

json::object posting_json(const MilkPosting& p) {
  return {{"id", p.id},
          {"day", format_date(p.day)},
          {"session", p.session},
          {"sku", p.sku},
          {"saleable_ml", p.saleable_ml},
          {"litres", p.litres},
          {"carry_ml", p.carry_ml},
          {"actor", p.actor},
          {"created_at", format_rfc3339(p.created_at)}};
}

asio::awaitable<Response> record_milk(Deps d, Request& req) {
  auto body = parse_json(req.body);
  if (!body.ok()) co_return http::error_response(body.error(), req);
  auto in = decode_milk(*body, "");
  if (!in.ok()) co_return http::error_response(in.error(), req);
  std::string actor = actor_of(req);
  auto job = [d, in = std::move(*in), actor](db::Connection& tx) -> Result<Response> {
    SD_ASSIGN_OR_RETURN(auto done, d.milk.record(tx, in, actor));
    int status = done.outcome == MilkOutcome::kCreated ? 201 : 200;
    Response resp = Response::json(status, milk_record_json(done.record));
    if (status == 201) resp.set_header("Location", "/api/v1/herd/milk/" + done.record.id);
    return resp;
  };
  co_return co_await http::idempotent_write(d.idempotency, d.ctx.db.writer(), req, std::move(job));
}

asio::awaitable<Response> record_batch(Deps d, Request& req) {
  auto body = parse_json(req.body);
  if (!body.ok()) co_return http::error_response(body.error(), req);
  FieldReader r(*body);
  auto records = r.required_array("records", kMaxMilkBatch);
  if (!records.ok()) co_return http::error_response(records.error(), req);
  auto mode_text = r.optional_string("mode", 16);
  if (!mode_text.ok()) co_return http::error_response(mode_text.error(), req);
  BatchMode mode = BatchMode::kAllOrNothing;
  if (*mode_text && **mode_text == "per_row") {
    mode = BatchMode::kPerRow;
  } else if (*mode_text && **mode_text != "all_or_nothing") {
    co_return http::error_response(
        field_error("mode", "Field 'mode' must be all_or_nothing or per_row."), req);
  }
  if (Status st = r.finish(); !st.ok()) co_return http::error_response(st.error(), req);
  std::vector<Result<MilkInput>> rows;
  rows.reserve((*records)->size());
  for (size_t i = 0; i < (*records)->size(); ++i) {
    rows.push_back(decode_milk((**records)[i], "records[" + std::to_string(i) + "]."));
  }
  std::string actor = actor_of(req);
  auto job = [d, rows = std::move(rows), mode, actor](db::Connection& tx) -> Result<Response> {
    SD_ASSIGN_OR_RETURN(BatchReport report, d.milk.batch(tx, rows, mode, actor));
    json::array results;
    results.reserve(report.rows.size());
    for (const auto& row : report.rows) {
      json::object o{{"index", row.index}};
      if (row.error) {
        o["status"] = "failed";
        o["error"] = error_json(*row.error);
      } else if (report.rolled_back) {
        continue;  // valid, but not saved: only the failed rows are listed
      } else {
        o["status"] = row.outcome == MilkOutcome::kCorrected ? "corrected" : "created";
        o["record"] = milk_record_json(*row.record);
      }
      results.emplace_back(std::move(o));
    }
    json::object out{{"saved", report.saved},
                     {"failed", report.failed},
                     {"mode", mode == BatchMode::kPerRow ? "per_row" : "all_or_nothing"},
                     {"results", std::move(results)}};
    if (report.rolled_back) {
      out["error"] = json::object{
          {"code", "batch_rejected"},
          {"message", std::to_string(report.failed) +
                          " row(s) are not valid, so no row was saved (mode all_or_nothing). "
                          "Fix the rows listed in 'results', or send mode per_row to keep the "
                          "good ones."},
          {"details", json::array()}};
      return Response::json(422, out);
    }
    return Response::json(200, out);
  };
  co_return co_await http::idempotent_write(d.idempotency, d.ctx.db.writer(), req, std::move(job));
}

Result<MilkQuery> decode_list(const Request& req) {
  MilkQuery q;
  SD_ASSIGN_OR_RETURN(auto page, http::page_params(req, 500));
  if (!page.after.empty() && !is_uuid(page.after)) {
    Error e = Error::unprocessable("invalid_parameter",
                                   "Query parameter 'cursor' must be the next_cursor of a "
                                   "previous page; start again without it.");
    e.details.emplace_back("cursor");
    return e;
  }
  q.limit = page.limit;
  q.after = std::move(page.after);
  SD_ASSIGN_OR_RETURN(auto day, http::date_param(req, "day"));
  SD_ASSIGN_OR_RETURN(q.from, http::date_param(req, "from"));
  SD_ASSIGN_OR_RETURN(q.to, http::date_param(req, "to"));
  if (day) {
    if (q.from || q.to) {
      Error e =
          Error::unprocessable("invalid_parameter", "Give either 'day' or 'from'/'to', not both.");
      e.details.emplace_back("day");
      return e;
    }
    q.from = day;
    q.to = day;
  }
  SD_ASSIGN_OR_RETURN(q.session,
                      http::enum_param(req, "session", {"morning", "midday", "evening", "night"}));
  SD_ASSIGN_OR_RETURN(q.animal_id, http::text_param(req, "animal_id", kMaxId));
  if (q.animal_id && !is_uuid(*q.animal_id)) {
    Error e = Error::unprocessable("invalid_parameter",
                                   "Query parameter 'animal_id' must be an animal's id.");
    e.details.emplace_back("animal_id");
    return e;
  }
  SD_ASSIGN_OR_RETURN(q.withheld, http::bool_param(req, "withheld"));
  return q;
}

asio::awaitable<Response> list_milk(Deps d, Request& req) {
  auto query = decode_list(req);
  if (!query.ok()) co_return http::error_response(query.error(), req);
  auto job = [d, q = std::move(*query)](db::Connection& c) { return d.milk.list(c, q); };
  auto page = co_await http::read(d.ctx.db.readers(), job);
  if (!page.ok()) co_return http::error_response(page.error(), req);
  co_return Response::json(200, listing_json(*page, milk_record_json));
}

asio::awaitable<Response> get_milk(Deps d, Request& req) {
  std::string id(req.param("id"));
  auto job = [d, id](db::Connection& c) -> Result<json::object> {
    SD_ASSIGN_OR_RETURN(MilkRecord r, d.milk.get(c, id));
    SD_ASSIGN_OR_RETURN(auto corrections, d.milk.corrections(c, id));
    json::object o = milk_record_json(r);
    json::array list;
    for (const auto& m : corrections) {
      boost::system::error_code ec;
      json::value previous = json::parse(m.previous, ec);
      list.push_back(json::object{{"id", m.id},
                                  {"previous", ec ? json::value() : std::move(previous)},
                                  {"reason", m.reason},
                                  {"actor", m.actor},
                                  {"created_at", format_rfc3339(m.created_at)}});
    }
    o["corrections"] = std::move(list);
    return o;
  };
  auto found = co_await http::read(d.ctx.db.readers(), job);
  if (!found.ok()) co_return http::error_response(found.error(), req);
  co_return Response::json(200, *found);
}

asio::awaitable<Response> post_milk_route(Deps d, Request& req) {
  auto body = parse_json(req.body);
  if (!body.ok()) co_return http::error_response(body.error(), req);
  FieldReader r(*body);
  auto day_text = r.required_string("day", kMaxDate);
  if (!day_text.ok()) co_return http::error_response(day_text.error(), req);
  auto day = decode_day("day", *day_text);
  if (!day.ok()) co_return http::error_response(day.error(), req);
  auto session_text = r.required_string("session", kMaxSession);
  if (!session_text.ok()) co_return http::error_response(session_text.error(), req);
  auto session = decode_session("session", *session_text);
  if (!session.ok()) co_return http::error_response(session.error(), req);
  if (Status st = r.finish(); !st.ok()) co_return http::error_response(st.error(), req);
  std::string actor = actor_of(req);
  auto job = [d, day = *day, session = *session, actor](db::Connection& tx) -> Result<Response> {
    SD_ASSIGN_OR_RETURN(auto posting, post_milk(tx, d.ctx, day, session, actor));
    if (!posting) return Response::no_content();
    return Response::json(201, posting_json(*posting));
  };
  co_return co_await http::idempotent_write(d.idempotency, d.ctx.db.writer(), req, std::move(job));
}

asio::awaitable<Response> list_postings(Deps d, Request& req) {
  auto from = http::date_param(req, "from");
  if (!from.ok()) co_return http::error_response(from.error(), req);
  auto to = http::date_param(req, "to");
  if (!to.ok()) co_return http::error_response(to.error(), req);
  auto limit = http::int_param(req, "limit", 500, 1, 5000);
  if (!limit.ok()) co_return http::error_response(limit.error(), req);
  auto job = [f = *from, t = *to, n = *limit](db::Connection& c) {
    return list_milk_postings(c, f, t, n);
  };
  auto rows = co_await http::read(d.ctx.db.readers(), job);
  if (!rows.ok()) co_return http::error_response(rows.error(), req);
  json::array items;
  for (const auto& p : *rows) items.emplace_back(posting_json(p));
  co_return Response::json(200, json::object{{"items", std::move(items)}});
}

asio::awaitable<Response> import_milk(Deps d, Request& req) {
  std::string actor = actor_of(req);
  auto job = [d, csv = req.body, actor](db::Connection& tx) -> Result<Response> {
    SD_ASSIGN_OR_RETURN(ImportReport report, import_milk_csv(tx, d.milk, csv, actor));
    json::array errors;
    for (const auto& e : report.errors) {
      errors.emplace_back(
          json::object{{"line", e.line}, {"field", e.field}, {"message", e.message}});
    }
    json::object out{{"rows", report.rows},
                     {"created", report.created},
                     {"unchanged", report.unchanged},
                     {"errors", std::move(errors)}};
    if (!report.ok()) {
      out["error"] = json::object{
          {"code", "import_rejected"},
          {"message", std::to_string(report.errors.size()) +
                          " problem(s) in the file, so no row was imported. Fix the lines "
                          "listed in 'errors' and import the file again."},
          {"details", json::array()}};
      return Response::json(422, out);
    }
    return Response::json(200, out);
  };
  co_return co_await http::idempotent_write(d.idempotency, d.ctx.db.writer(), req, std::move(job));
}

}  // namespace

void HerdModule::register_milk_routes(http::Router& router) {
  using http::Method;
  Deps d{milk_, ctx_, idempotency_};
  router.add(Method::kPost, "/api/v1/herd/milk", {"herd.write"},
             [d](Request& r) { return record_milk(d, r); });
  router.add(Method::kPost, "/api/v1/herd/milk/batch", {"herd.write"},
             [d](Request& r) { return record_batch(d, r); });
  router.add(Method::kGet, "/api/v1/herd/milk", {"herd.read"},
             [d](Request& r) { return list_milk(d, r); });
  router.add(Method::kGet, "/api/v1/herd/milk/{id}", {"herd.read"},
             [d](Request& r) { return get_milk(d, r); });
  router.add(Method::kPost, "/api/v1/herd/milk/postings", {"herd.write"},
             [d](Request& r) { return post_milk_route(d, r); });
  router.add(Method::kGet, "/api/v1/herd/milk/postings", {"herd.read"},
             [d](Request& r) { return list_postings(d, r); });
  router.add(Method::kPost, "/api/v1/herd/import/milk", {"herd.write"},
             [d](Request& r) { return import_milk(d, r); });
  router.accept_csv(Method::kPost, "/api/v1/herd/import/milk");
}

}  // namespace smartdairy::modules::herd
