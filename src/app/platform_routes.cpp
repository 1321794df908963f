#include "app/platform_routes.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "events/event_json.h"
#include "events/outbox.h"
#include "http/db_await.h"
#include "http/error_response.h"
#include "http/query_params.h"

namespace smartdairy::app {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

asio::awaitable<Response> readyz(db::Database* db, Request& req) {
  if (db->writer().failed()) {
    co_return http::error_response(
        Error::unavailable("writer_failed", "The writer stopped after a storage failure."), req);
  }
  auto job = [](db::Connection& c) { return db::migrations_current(c, db::embedded_migrations()); };
  auto current = co_await http::read(db->readers(), job);
  if (!current.ok()) co_return http::error_response(current.error(), req);
  if (!*current) {
    co_return http::error_response(
        Error::unavailable("migrations_pending", "Database migrations are not applied."), req);
  }
  co_return Response::json(200, json::object{{"status", "ready"}});
}

asio::awaitable<Response> list_events(db::Database* db, Request& req) {
  auto after = http::int_param(req, "after", 0, 0, INT64_MAX);
  if (!after.ok()) co_return http::error_response(after.error(), req);
  auto limit = http::int_param(req, "limit", 100, 1, 1000);
  if (!limit.ok()) co_return http::error_response(limit.error(), req);
  int64_t a = *after;
  int64_t l = *limit;
  auto job = [a, l](db::Connection& c) { return events::read_after(c, a, l); };
  auto evs = co_await http::read(db->readers(), job);
  if (!evs.ok()) co_return http::error_response(evs.error(), req);
  json::array items;
  for (const auto& ev : *evs) items.emplace_back(events::event_json(ev));
  json::value next = nullptr;
  if (static_cast<int64_t>(evs->size()) == l) next = std::to_string(evs->back().seq);
  co_return Response::json(200, json::object{{"items", std::move(items)}, {"next_cursor", next}});
}

asio::awaitable<Response> metrics_page(metrics::Registry* reg, Request&) {
  Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = reg->render();
  co_return r;
}

}  // namespace

void register_platform_routes(http::Router& router, db::Database& db, metrics::Registry& registry) {
  using http::Method;
  router.add(Method::kGet, "/healthz", http::kPublic, [](Request&) -> asio::awaitable<Response> {
    co_return Response::json(200, json::object{{"status", "ok"}});
  });
  router.add(Method::kGet, "/readyz", http::kPublic,
             [db = &db](Request& r) { return readyz(db, r); });
  router.add(Method::kGet, "/metrics", http::kPublic,
             [reg = &registry](Request& r) { return metrics_page(reg, r); });
  router.add(Method::kGet, "/api/v1/events", {"events.read"},
             [db = &db](Request& r) { return list_events(db, r); });
}

}  // namespace smartdairy::app
