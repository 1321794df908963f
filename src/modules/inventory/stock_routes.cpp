// JSON <-> stock service for /api/v1/inventory. No rules here.
#include <boost/json/object.hpp>

#include "core/json.h"
#include "http/db_await.h"
#include "http/error_response.h"
#include "http/idempotent_write.h"
#include "http/query_params.h"
#include "modules/common/listing.h"
#include "modules/inventory/inventory_module.h"
#include "modules/inventory/stock_service.h"
#include "modules/inventory/stock_store.h"

namespace smartdairy::modules::inventory {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

json::object level_json(const StockLevel& l) {
  return {{"sku", l.sku},
          {"on_hand", l.on_hand},
          {"reserved", l.reserved},
          {"available", l.available()},
          {"reorder_point", l.reorder_point},
          {"below_reorder", l.below_reorder()}};
}

json::value opt(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}

json::object reservation_json(const Reservation& r) {
  return {{"id", r.id},
          {"sku", r.sku},
          {"qty", r.qty},
          {"order_id", opt(r.order_id)},
          {"reference", opt(r.reference)},
          {"status", r.status},
          {"created_at", format_rfc3339(r.created_at)}};
}

// Runs a write that returns T, answers `status` with to_json(T), honouring Idempotency-Key.
template <class T, class Job, class ToJson>
asio::awaitable<Response> write_and_reply(InventoryModule* m, Request& req, int status, Job job,
                                          ToJson to_json) {
  auto run = [job = std::move(job), to_json, status](db::Connection& tx) -> Result<Response> {
    SD_ASSIGN_OR_RETURN(T value, job(tx));
    Response resp = Response::json(status, to_json(value));
    return resp;
  };
  co_return co_await http::idempotent_write(m->idempotency_, m->ctx_.db.writer(), req, run);
}

asio::awaitable<Response> get(InventoryModule* m, Request& req) {
  std::string sku(req.param("sku"));
  auto job = [sku](db::Connection& c) { return get_level(c, sku); };
  auto level = co_await http::read(m->ctx_.db.readers(), job);
  if (!level.ok()) co_return http::error_response(level.error(), req);
  co_return Response::json(200, level_json(*level));
}

asio::awaitable<Response> list(InventoryModule* m, Request& req) {
  auto page = http::page_params(req);
  if (!page.ok()) co_return http::error_response(page.error(), req);
  auto below = http::bool_param(req, "below_reorder");
  if (!below.ok()) co_return http::error_response(below.error(), req);
  bool only_below = below->value_or(false);
  int64_t limit = page->limit;
  std::string after = page->after;
  auto job = [only_below, after, limit](db::Connection& c) -> Result<Listing<StockLevel>> {
    SD_ASSIGN_OR_RETURN(auto rows, store::list(c, only_below, after, limit + 1));
    return make_listing(std::move(rows), limit, [](const StockLevel& l) { return l.sku; });
  };
  auto rows = co_await http::read(m->ctx_.db.readers(), job);
  if (!rows.ok()) co_return http::error_response(rows.error(), req);
  co_return Response::json(200, listing_json(*rows, level_json));
}

struct OpenRequest {
  std::string sku;
  int64_t on_hand = 0;
  int64_t reorder_point = 0;
};

Result<OpenRequest> decode_open(std::string_view text) {
  SD_ASSIGN_OR_RETURN(auto body, parse_json(text));
  FieldReader r(body);
  OpenRequest out;
  SD_ASSIGN_OR_RETURN(out.sku, r.required_string("sku", 64));
  SD_ASSIGN_OR_RETURN(auto on_hand, r.optional_int64("on_hand", 0, kMaxQuantity));
  // The seed's column name, accepted so its scripts work unchanged.
  SD_ASSIGN_OR_RETURN(auto qty_on_hand, r.optional_int64("qty_on_hand", 0, kMaxQuantity));
  out.on_hand = on_hand.value_or(qty_on_hand.value_or(0));
  SD_ASSIGN_OR_RETURN(auto point, r.optional_int64("reorder_point", 0, kMaxQuantity));
  out.reorder_point = point.value_or(0);
  SD_RETURN_IF_ERROR(r.finish());
  return out;
}

asio::awaitable<Response> open(InventoryModule* m, Request& req) {
  auto cmd = decode_open(req.body);
  if (!cmd.ok()) co_return http::error_response(cmd.error(), req);
  ModuleContext ctx = m->ctx_;
  std::string actor = req.principal->username;
  auto job = [ctx, c = *cmd, actor](db::Connection& tx) {
    return open_item(tx, ctx, c.sku, c.on_hand, c.reorder_point, actor);
  };
  co_return co_await write_and_reply<StockLevel>(m, req, 201, job, level_json);
}

asio::awaitable<Response> patch(InventoryModule* m, Request& req) {
  auto body = parse_json(req.body);
  if (!body.ok()) co_return http::error_response(body.error(), req);
  FieldReader r(*body);
  auto point = r.required_int64("reorder_point", 0, kMaxQuantity);
  if (!point.ok()) co_return http::error_response(point.error(), req);
  if (Status st = r.finish(); !st.ok()) co_return http::error_response(st.error(), req);
  ModuleContext ctx = m->ctx_;
  std::string sku(req.param("sku"));
  std::string actor = req.principal->username;
  int64_t p = *point;
  auto job = [ctx, sku, p, actor](db::Connection& tx) {
    return set_reorder_point(tx, ctx, sku, p, actor);
  };
  co_return co_await write_and_reply<StockLevel>(m, req, 200, job, level_json);
}

Result<Adjustment> decode_adjustment(std::string_view text, std::string sku) {
  SD_ASSIGN_OR_RETURN(auto body, parse_json(text));
  FieldReader r(body);
  Adjustment a;
  a.sku = std::move(sku);
  SD_ASSIGN_OR_RETURN(a.qty, r.required_int64("qty", -kMaxQuantity, kMaxQuantity));
  SD_ASSIGN_OR_RETURN(a.reason, r.required_string("reason", 16));
  SD_ASSIGN_OR_RETURN(a.note, r.optional_string("note", 500));
  SD_ASSIGN_OR_RETURN(a.reference, r.optional_string("reference", 100));
  SD_RETURN_IF_ERROR(r.finish());
  return a;
}

asio::awaitable<Response> post_adjustment(InventoryModule* m, Request& req) {
  auto adj = decode_adjustment(req.body, std::string(req.param("sku")));
  if (!adj.ok()) co_return http::error_response(adj.error(), req);
  ModuleContext ctx = m->ctx_;
  std::string actor = req.principal->username;
  auto job = [ctx, a = *adj, actor](db::Connection& tx) { return adjust(tx, ctx, a, actor); };
  co_return co_await write_and_reply<StockLevel>(m, req, 201, job, level_json);
}

asio::awaitable<Response> list_moves(InventoryModule* m, Request& req) {
  auto page = http::page_params(req);
  if (!page.ok()) co_return http::error_response(page.error(), req);
  std::string sku(req.param("sku"));
  int64_t limit = page->limit;
  std::string after = page->after;
  auto job = [sku, after, limit](db::Connection& c) -> Result<Listing<StockMove>> {
    SD_ASSIGN_OR_RETURN(auto level, get_level(c, sku));
    SD_ASSIGN_OR_RETURN(auto rows, store::moves(c, level.sku, after, limit + 1));
    return make_listing(std::move(rows), limit, [](const StockMove& x) { return x.id; });
  };
  auto rows = co_await http::read(m->ctx_.db.readers(), job);
  if (!rows.ok()) co_return http::error_response(rows.error(), req);
  co_return Response::json(200, listing_json(*rows, [](const StockMove& x) {
                             return json::object{{"id", x.id},
                                                 {"sku", x.sku},
                                                 {"qty", x.qty},
                                                 {"reason", x.reason},
                                                 {"reference", opt(x.reference)},
                                                 {"note", opt(x.note)},
                                                 {"on_hand_after", x.on_hand_after},
                                                 {"actor", x.actor},
                                                 {"created_at", format_rfc3339(x.created_at)}};
                           }));
}

asio::awaitable<Response> post_reservation(InventoryModule* m, Request& req) {
  auto body = parse_json(req.body);
  if (!body.ok()) co_return http::error_response(body.error(), req);
  FieldReader r(*body);
  auto qty = r.required_int64("qty", 1, kMaxQuantity);
  if (!qty.ok()) co_return http::error_response(qty.error(), req);
  auto reference = r.optional_string("reference", 100);
  if (!reference.ok()) co_return http::error_response(reference.error(), req);
  if (Status st = r.finish(); !st.ok()) co_return http::error_response(st.error(), req);
  ModuleContext ctx = m->ctx_;
  std::string sku(req.param("sku"));
  std::string actor = req.principal->username;
  auto job = [ctx, sku, q = *qty, ref = *reference, actor](db::Connection& tx) {
    return reserve(tx, ctx, sku, q, ref, actor);
  };
  co_return co_await write_and_reply<Reservation>(m, req, 201, job, reservation_json);
}

asio::awaitable<Response> post_release(InventoryModule* m, Request& req) {
  ModuleContext ctx = m->ctx_;
  std::string id(req.param("id"));
  std::string actor = req.principal->username;
  auto job = [ctx, id, actor](db::Connection& tx) { return release(tx, ctx, id, actor); };
  co_return co_await write_and_reply<Reservation>(m, req, 200, job, reservation_json);
}

}  // namespace

void InventoryModule::register_routes(http::Router& router) {
  using http::Method;
  router.add(Method::kGet, "/api/v1/inventory", {"inventory.read"},
             [this](Request& r) { return list(this, r); });
  router.add(Method::kPost, "/api/v1/inventory", {"inventory.write"},
             [this](Request& r) { return open(this, r); });
  router.add(Method::kGet, "/api/v1/inventory/{sku}", {"inventory.read"},
             [this](Request& r) { return get(this, r); });
  router.add(Method::kPatch, "/api/v1/inventory/{sku}", {"inventory.write"},
             [this](Request& r) { return patch(this, r); });
  router.add(Method::kPost, "/api/v1/inventory/{sku}/adjustments", {"inventory.write"},
             [this](Request& r) { return post_adjustment(this, r); });
  router.add(Method::kGet, "/api/v1/inventory/{sku}/moves", {"inventory.read"},
             [this](Request& r) { return list_moves(this, r); });
  router.add(Method::kPost, "/api/v1/inventory/{sku}/reservations", {"inventory.reserve"},
             [this](Request& r) { return post_reservation(this, r); });
  router.add(Method::kPost, "/api/v1/inventory/reservations/{id}/release", {"inventory.reserve"},
             [this](Request& r) { return post_release(this, r); });
  // The seed's unversioned paths (DESIGN.md §7).
  router.alias(Method::kGet, "/inventory", "/api/v1/inventory");
  router.alias(Method::kPost, "/inventory", "/api/v1/inventory");
  router.alias(Method::kGet, "/inventory/{sku}", "/api/v1/inventory/{sku}");
  router.alias(Method::kPost, "/inventory/{sku}/reserve", "/api/v1/inventory/{sku}/reservations");
}

}  // namespace smartdairy::modules::inventory
