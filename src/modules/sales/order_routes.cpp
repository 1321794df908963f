// JSON <-> order service for /api/v1/orders (and the seed's /orders). No rules here.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <charconv>

#include "auth/permissions.h"
#include "core/json.h"
#include "http/db_await.h"
#include "http/error_response.h"
#include "http/idempotent_write.h"
#include "http/query_params.h"
#include "modules/catalog/catalog_module.h"
#include "modules/common/listing.h"
#include "modules/sales/order_service.h"
#include "modules/sales/order_store.h"
#include "modules/sales/sales_module.h"

namespace smartdairy::modules::sales {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

json::object order_json(const Order& o, Currency cur) {
  auto money = [cur](int64_t v) { return Money::from_minor(v, cur).to_json(); };
  json::array items;
  for (const auto& l : o.lines) {
    items.push_back(
        json::object{{"sku", l.sku},
                     {"name", l.name},
                     {"qty", l.qty},
                     {"unit", l.unit},
                     {"price", money(l.unit_price)},
                     {"vat_rate", Money::from_minor(l.vat_rate, catalog::kPercent).to_json()},
                     {"net", money(l.net)},
                     {"vat", money(l.vat)},
                     {"total", money(l.total)}});
  }
  json::object out{{"id", o.id},
                   {"number", o.number},
                   {"customer_id", o.customer_id},
                   {"customer_name", o.customer_name},
                   {"status", status_name(o.status)},
                   {"currency", o.currency},
                   {"items", std::move(items)},
                   {"subtotal", money(o.subtotal)},
                   {"vat_total", money(o.vat_total)},
                   {"total_amount", money(o.total)},
                   {"placed_on", o.placed_on},
                   {"version", o.version},
                   {"created_at", format_rfc3339(o.created_at)},
                   {"updated_at", format_rfc3339(o.updated_at)},
                   {"created_by", o.created_by}};
  out["notes"] = o.notes ? json::value(*o.notes) : json::value(nullptr);
  return out;
}

Result<PlaceOrder> decode_place(std::string_view text, Currency cur) {
  SD_ASSIGN_OR_RETURN(auto body, parse_json(text));
  FieldReader r(body);
  PlaceOrder cmd;
  SD_ASSIGN_OR_RETURN(cmd.customer_id, r.required_string("customer_id", 64));
  SD_ASSIGN_OR_RETURN(const json::array* items, r.required_array("items", kMaxOrderLines));
  for (size_t i = 0; i < items->size(); ++i) {
    FieldReader ir((*items)[i], "items[" + std::to_string(i) + "].");
    ItemRequest item;
    SD_ASSIGN_OR_RETURN(item.sku, ir.required_string("sku", 64));
    SD_ASSIGN_OR_RETURN(item.qty, ir.required_int64("qty", 1, kMaxLineQty));
    SD_ASSIGN_OR_RETURN(auto price, ir.optional_money("price", cur));
    if (price) item.price = price->minor_units();
    SD_RETURN_IF_ERROR(ir.finish());
    cmd.items.push_back(std::move(item));
  }
  SD_ASSIGN_OR_RETURN(cmd.notes, r.optional_string("notes", 2000));
  SD_RETURN_IF_ERROR(r.finish());
  return cmd;
}

asio::awaitable<Response> place(SalesModule* m, Request& req) {
  auto cmd = decode_place(req.body, m->ctx_.currency);
  if (!cmd.ok()) co_return http::error_response(cmd.error(), req);
  ModuleContext ctx = m->ctx_;
  std::string actor = req.principal->username;
  bool may_override = auth::role_allows(req.principal->role, "orders.override_price");
  auto job = [ctx, c = std::move(*cmd), may_override,
              actor](db::Connection& tx) -> Result<Response> {
    SD_ASSIGN_OR_RETURN(Order o, place_order(tx, ctx, c, may_override, actor));
    Response resp = Response::json(201, order_json(o, ctx.currency));
    resp.set_header("Location", "/api/v1/orders/" + o.id);
    return resp;
  };
  co_return co_await http::idempotent_write(m->idempotency_, m->ctx_.db.writer(), req, job);
}

asio::awaitable<Response> get(SalesModule* m, Request& req) {
  std::string id(req.param("id"));
  auto job = [id](db::Connection& c) { return get_order(c, id); };
  auto o = co_await http::read(m->ctx_.db.readers(), job);
  if (!o.ok()) co_return http::error_response(o.error(), req);
  Response resp = Response::json(200, order_json(*o, m->ctx_.currency));
  resp.set_header("ETag", "\"" + std::to_string(o->version) + "\"");
  co_return resp;
}

asio::awaitable<Response> patch(SalesModule* m, Request& req) {
  std::string status;
  if (req.body.empty()) {
    // The seed's form: PATCH /orders/{id}?status=shipped
    auto q = http::text_param(req, "status", 32);
    if (!q.ok()) co_return http::error_response(q.error(), req);
    if (!*q) {
      co_return http::error_response(
          Error::unprocessable("missing_status",
                               "Send {\"status\": \"shipped\"} (or ?status=shipped)."),
          req);
    }
    status = **q;
  } else {
    auto body = parse_json(req.body);
    if (!body.ok()) co_return http::error_response(body.error(), req);
    FieldReader r(*body);
    auto s = r.required_string("status", 32);
    if (!s.ok()) co_return http::error_response(s.error(), req);
    if (Status st = r.finish(); !st.ok()) co_return http::error_response(st.error(), req);
    status = *s;
  }
  // If-Match: "*" or absent: any version; "3" or W/"3": that version, else 412.
  std::optional<int64_t> expected_version;
  if (auto im = req.header("if-match"); !im.empty() && im != "*") {
    std::string_view v = im;
    if (v.starts_with("W/")) v.remove_prefix(2);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    int64_t n = -1;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    expected_version = (ec == std::errc() && end == v.data() + v.size()) ? n : -1;
  }
  ModuleContext ctx = m->ctx_;
  std::string id(req.param("id"));
  std::string actor = req.principal->username;
  auto job = [ctx, id, status, expected_version, actor](db::Connection& tx) -> Result<Response> {
    if (expected_version) {
      SD_ASSIGN_OR_RETURN(Order current, get_order(tx, id));
      if (current.version != *expected_version) {
        return Error{
            ErrorKind::kPreconditionFailed,
            "version_mismatch",
            "Order " + current.number + " changed since you read it. Reload it and try again.",
            {"If-Match"}};
      }
    }
    SD_ASSIGN_OR_RETURN(Order o, change_status(tx, ctx, id, status, actor));
    Response resp = Response::json(200, order_json(o, ctx.currency));
    resp.set_header("ETag", "\"" + std::to_string(o.version) + "\"");
    return resp;
  };
  co_return co_await http::idempotent_write(m->idempotency_, m->ctx_.db.writer(), req, job);
}

asio::awaitable<Response> list(SalesModule* m, Request& req) {
  auto page = http::page_params(req);
  if (!page.ok()) co_return http::error_response(page.error(), req);
  OrderFilter f;
  auto status = http::enum_param(req, "status", {"placed", "shipped", "completed", "cancelled"});
  if (!status.ok()) co_return http::error_response(status.error(), req);
  f.status = *status;
  auto customer = http::text_param(req, "customer_id", 64);
  if (!customer.ok()) co_return http::error_response(customer.error(), req);
  f.customer_id = *customer;
  auto from = http::date_param(req, "from");
  if (!from.ok()) co_return http::error_response(from.error(), req);
  if (*from) f.from = format_date(**from);
  auto to = http::date_param(req, "to");
  if (!to.ok()) co_return http::error_response(to.error(), req);
  if (*to) f.to = format_date(**to);
  int64_t limit = page->limit;
  std::string after = page->after;
  auto job = [f, after, limit](db::Connection& c) -> Result<Listing<Order>> {
    SD_ASSIGN_OR_RETURN(auto rows, store::list(c, f, after, limit + 1));
    return make_listing(std::move(rows), limit, [](const Order& x) { return x.id; });
  };
  auto rows = co_await http::read(m->ctx_.db.readers(), job);
  if (!rows.ok()) co_return http::error_response(rows.error(), req);
  Currency cur = m->ctx_.currency;
  co_return Response::json(
      200, listing_json(*rows, [cur](const Order& o) { return order_json(o, cur); }));
}

}  // namespace

void SalesModule::register_routes(http::Router& router) {
  using http::Method;
  router.add(Method::kPost, "/api/v1/orders", {"orders.write"},
             [this](Request& r) { return place(this, r); });
  router.add(Method::kGet, "/api/v1/orders", {"orders.read"},
             [this](Request& r) { return list(this, r); });
  router.add(Method::kGet, "/api/v1/orders/{id}", {"orders.read"},
             [this](Request& r) { return get(this, r); });
  router.add(Method::kPatch, "/api/v1/orders/{id}", {"orders.write"},
             [this](Request& r) { return patch(this, r); });
  // The seed's unversioned paths (DESIGN.md §7).
  router.alias(Method::kPost, "/orders", "/api/v1/orders");
  router.alias(Method::kGet, "/orders", "/api/v1/orders");
  router.alias(Method::kGet, "/orders/{id}", "/api/v1/orders/{id}");
  router.alias(Method::kPatch, "/orders/{id}", "/api/v1/orders/{id}");
}

}  // namespace smartdairy::modules::sales
