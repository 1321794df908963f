// JSON <-> product service for /api/v1/products. No rules here.
#include <boost/json/object.hpp>

#include "auth/permissions.h"
#include "core/json.h"
#include "http/db_await.h"
#include "http/error_response.h"
#include "http/idempotent_write.h"
#include "http/query_params.h"
#include "modules/catalog/catalog_module.h"
#include "modules/catalog/product_service.h"
#include "modules/catalog/product_store.h"
#include "modules/common/listing.h"

namespace smartdairy::modules::catalog {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

// `unit_cost` (margins) only for roles holding products.cost; the key is absent otherwise.
json::object product_json(const Product& p, Currency cur, bool show_cost) {
  json::object o{{"sku", p.sku},
                 {"name", p.name},
                 {"description", p.description},
                 {"unit", p.unit},
                 {"price", Money::from_minor(p.price, cur).to_json()},
                 {"vat_rate", Money::from_minor(p.vat_rate, kPercent).to_json()},
                 {"active", p.active},
                 {"created_at", format_rfc3339(p.created_at)},
                 {"updated_at", format_rfc3339(p.updated_at)}};
  if (show_cost) o["unit_cost"] = Money::from_minor(p.unit_cost, cur).to_json();
  return o;
}

bool shows_cost(const Request& req) {
  return auth::role_allows(req.principal->role, "products.cost");
}

Result<std::optional<int64_t>> read_minor(FieldReader& r, std::string_view key, Currency cur) {
  SD_ASSIGN_OR_RETURN(auto m, r.optional_money(key, cur));
  if (!m) return std::optional<int64_t>{};
  return std::optional<int64_t>{m->minor_units()};
}

Result<Product> decode_create(std::string_view text, Currency cur) {
  SD_ASSIGN_OR_RETURN(auto body, parse_json(text));
  FieldReader r(body);
  Product p;
  SD_ASSIGN_OR_RETURN(p.sku, r.required_string("sku", 64));
  SD_ASSIGN_OR_RETURN(p.name, r.required_string("name", 200));
  SD_ASSIGN_OR_RETURN(auto desc, r.optional_string("description", 2000));
  if (desc) p.description = *desc;
  SD_ASSIGN_OR_RETURN(auto unit, r.optional_string("unit", 16));
  if (unit) p.unit = *unit;
  SD_ASSIGN_OR_RETURN(Money price, r.required_money("price", cur));
  p.price = price.minor_units();
  SD_ASSIGN_OR_RETURN(auto vat, read_minor(r, "vat_rate", kPercent));
  if (vat) p.vat_rate = *vat;
  SD_ASSIGN_OR_RETURN(auto cost, read_minor(r, "unit_cost", cur));
  if (cost) p.unit_cost = *cost;
  SD_ASSIGN_OR_RETURN(auto active, r.optional_bool("active"));
  if (active) p.active = *active;
  SD_RETURN_IF_ERROR(r.finish());
  return p;
}

Result<ProductPatch> decode_patch(std::string_view text, Currency cur) {
  SD_ASSIGN_OR_RETURN(auto body, parse_json(text));
  FieldReader r(body);
  ProductPatch p;
  if (body.is_object() && body.as_object().contains("sku")) {
    Error e = Error::unprocessable("sku_immutable",
                                   "A product's SKU never changes. Create a new product instead.");
    e.details = {"sku"};
    return e;
  }
  SD_ASSIGN_OR_RETURN(p.name, r.optional_string("name", 200));
  SD_ASSIGN_OR_RETURN(p.description, r.optional_string("description", 2000));
  SD_ASSIGN_OR_RETURN(p.unit, r.optional_string("unit", 16));
  SD_ASSIGN_OR_RETURN(p.price, read_minor(r, "price", cur));
  SD_ASSIGN_OR_RETURN(p.vat_rate, read_minor(r, "vat_rate", kPercent));
  SD_ASSIGN_OR_RETURN(p.unit_cost, read_minor(r, "unit_cost", cur));
  SD_ASSIGN_OR_RETURN(p.active, r.optional_bool("active"));
  SD_RETURN_IF_ERROR(r.finish());
  return p;
}

asio::awaitable<Response> create(CatalogModule* m, Request& req) {
  auto draft = decode_create(req.body, m->ctx_.currency);
  if (!draft.ok()) co_return http::error_response(draft.error(), req);
  ModuleContext ctx = m->ctx_;
  std::string actor = req.principal->username;
  bool cost = shows_cost(req);
  auto job = [ctx, d = std::move(*draft), actor, cost](db::Connection& tx) -> Result<Response> {
    SD_ASSIGN_OR_RETURN(Product p, create_product(tx, ctx, d, actor));
    Response resp = Response::json(201, product_json(p, ctx.currency, cost));
    resp.set_header("Location", "/api/v1/products/" + p.sku);
    return resp;
  };
  co_return co_await http::idempotent_write(m->idempotency_, m->ctx_.db.writer(), req, job);
}

asio::awaitable<Response> get(CatalogModule* m, Request& req) {
  std::string sku(req.param("sku"));
  auto job = [sku](db::Connection& c) { return get_product(c, sku); };
  auto p = co_await http::read(m->ctx_.db.readers(), job);
  if (!p.ok()) co_return http::error_response(p.error(), req);
  co_return Response::json(200, product_json(*p, m->ctx_.currency, shows_cost(req)));
}

asio::awaitable<Response> patch(CatalogModule* m, Request& req) {
  auto p = decode_patch(req.body, m->ctx_.currency);
  if (!p.ok()) co_return http::error_response(p.error(), req);
  ModuleContext ctx = m->ctx_;
  std::string sku(req.param("sku"));
  std::string actor = req.principal->username;
  bool cost = shows_cost(req);
  auto job = [ctx, sku, pp = std::move(*p), actor, cost](db::Connection& tx) -> Result<Response> {
    SD_ASSIGN_OR_RETURN(Product out, update_product(tx, ctx, sku, pp, actor));
    return Response::json(200, product_json(out, ctx.currency, cost));
  };
  co_return co_await http::idempotent_write(m->idempotency_, m->ctx_.db.writer(), req, job);
}

asio::awaitable<Response> list(CatalogModule* m, Request& req) {
  auto page = http::page_params(req);
  if (!page.ok()) co_return http::error_response(page.error(), req);
  auto q = http::text_param(req, "q", 200);
  if (!q.ok()) co_return http::error_response(q.error(), req);
  auto active = http::bool_param(req, "active");
  if (!active.ok()) co_return http::error_response(active.error(), req);
  std::string prefix = q->value_or("");
  std::optional<bool> act = *active;
  int64_t limit = page->limit;
  std::string after = page->after;
  auto job = [prefix, act, after, limit](db::Connection& c) -> Result<Listing<Product>> {
    SD_ASSIGN_OR_RETURN(auto rows, store::list(c, prefix, act, after, limit + 1));
    return make_listing(std::move(rows), limit, [](const Product& x) { return x.sku; });
  };
  auto rows = co_await http::read(m->ctx_.db.readers(), job);
  if (!rows.ok()) co_return http::error_response(rows.error(), req);
  Currency cur = m->ctx_.currency;
  bool cost = shows_cost(req);
  co_return Response::json(200, listing_json(*rows, [cur, cost](const Product& p) {
                             return product_json(p, cur, cost);
                           }));
}

}  // namespace

void CatalogModule::register_routes(http::Router& router) {
  using http::Method;
  router.add(Method::kPost, "/api/v1/products", {"products.write"},
             [this](Request& r) { return create(this, r); });
  router.add(Method::kGet, "/api/v1/products", {"products.read"},
             [this](Request& r) { return list(this, r); });
  router.add(Method::kGet, "/api/v1/products/{sku}", {"products.read"},
             [this](Request& r) { return get(this, r); });
  router.add(Method::kPatch, "/api/v1/products/{sku}", {"products.write"},
             [this](Request& r) { return patch(this, r); });
}

}  // namespace smartdairy::modules::catalog
