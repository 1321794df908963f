// JSON <-> customer service for /api/v1/customers. No rules here.
#include <boost/json/object.hpp>

#include "auth/permissions.h"
#include "core/json.h"
#include "http/db_await.h"
#include "http/error_response.h"
#include "http/idempotent_write.h"
#include "http/query_params.h"
#include "modules/common/listing.h"
#include "modules/parties/customer_service.h"
#include "modules/parties/customer_store.h"
#include "modules/parties/parties_module.h"

namespace smartdairy::modules::parties {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

json::object customer_json(const Customer& c, Currency cur) {
  return {{"id", c.id},
          {"name", c.name},
          {"email", c.email},
          {"phone", c.phone ? json::value(*c.phone) : json::value(nullptr)},
          {"kind", c.kind},
          {"payment_terms_days", c.payment_terms_days},
          {"credit_limit", c.credit_limit ? Money::from_minor(*c.credit_limit, cur).to_json()
                                          : json::value(nullptr)},
          {"archived", c.archived},
          {"created_at", format_rfc3339(c.created_at)},
          {"updated_at", format_rfc3339(c.updated_at)}};
}

// Credit terms are set only by roles that may extend credit (customers.credit).
Status check_credit_fields(const Request& req, bool sets_limit, bool sets_terms) {
  if ((!sets_limit && !sets_terms) || auth::role_allows(req.principal->role, "customers.credit")) {
    return {};
  }
  Error e = Error::forbidden(
      "Only a manager, accountant or admin may set a customer's credit limit or payment "
      "terms.");
  e.code = "credit_terms_forbidden";
  e.details = {sets_limit ? "credit_limit" : "payment_terms_days"};
  return e;
}

Result<std::optional<int64_t>> read_credit_limit(FieldReader& r, Currency cur) {
  SD_ASSIGN_OR_RETURN(auto m, r.optional_money("credit_limit", cur));
  if (!m) return std::optional<int64_t>{};
  return std::optional<int64_t>{m->minor_units()};
}

Result<Customer> decode_create(std::string_view text, Currency cur) {
  SD_ASSIGN_OR_RETURN(auto body, parse_json(text));
  FieldReader r(body);
  Customer c;
  SD_ASSIGN_OR_RETURN(c.name, r.required_string("name", 200));
  SD_ASSIGN_OR_RETURN(c.email, r.required_string("email", 254));
  SD_ASSIGN_OR_RETURN(c.phone, r.optional_string("phone", 40));
  SD_ASSIGN_OR_RETURN(auto kind, r.optional_string("kind", 8));
  if (kind) c.kind = *kind;
  SD_ASSIGN_OR_RETURN(auto terms, r.optional_int64("payment_terms_days", 0, 365));
  if (terms) c.payment_terms_days = *terms;
  SD_ASSIGN_OR_RETURN(c.credit_limit, read_credit_limit(r, cur));
  SD_RETURN_IF_ERROR(r.finish());
  return c;
}

Result<CustomerPatch> decode_patch(std::string_view text, Currency cur) {
  SD_ASSIGN_OR_RETURN(auto body, parse_json(text));
  FieldReader r(body);
  CustomerPatch p;
  SD_ASSIGN_OR_RETURN(p.name, r.optional_string("name", 200));
  SD_ASSIGN_OR_RETURN(p.email, r.optional_string("email", 254));
  SD_ASSIGN_OR_RETURN(auto phone, r.optional_string("phone", 40));
  if (phone || r.is_explicit_null("phone")) p.phone = phone;
  SD_ASSIGN_OR_RETURN(p.kind, r.optional_string("kind", 8));
  SD_ASSIGN_OR_RETURN(p.payment_terms_days, r.optional_int64("payment_terms_days", 0, 365));
  SD_ASSIGN_OR_RETURN(auto limit, read_credit_limit(r, cur));
  if (limit || r.is_explicit_null("credit_limit")) p.credit_limit = limit;
  SD_ASSIGN_OR_RETURN(p.archived, r.optional_bool("archived"));
  SD_RETURN_IF_ERROR(r.finish());
  return p;
}

asio::awaitable<Response> create(PartiesModule* m, Request& req) {
  auto draft = decode_create(req.body, m->ctx_.currency);
  if (!draft.ok()) co_return http::error_response(draft.error(), req);
  if (Status st = check_credit_fields(req, draft->credit_limit.has_value(),
                                      draft->payment_terms_days != Customer{}.payment_terms_days);
      !st.ok()) {
    co_return http::error_response(st.error(), req);
  }
  ModuleContext ctx = m->ctx_;
  std::string actor = req.principal->username;
  auto job = [ctx, d = std::move(*draft), actor](db::Connection& tx) -> Result<Response> {
    SD_ASSIGN_OR_RETURN(Customer c, create_customer(tx, ctx, d, actor));
    Response resp = Response::json(201, customer_json(c, ctx.currency));
    resp.set_header("Location", "/api/v1/customers/" + c.id);
    return resp;
  };
  co_return co_await http::idempotent_write(m->idempotency_, m->ctx_.db.writer(), req, job);
}

asio::awaitable<Response> get(PartiesModule* m, Request& req) {
  std::string id(req.param("id"));
  auto job = [id](db::Connection& c) { return get_customer(c, id); };
  auto c = co_await http::read(m->ctx_.db.readers(), job);
  if (!c.ok()) co_return http::error_response(c.error(), req);
  co_return Response::json(200, customer_json(*c, m->ctx_.currency));
}

asio::awaitable<Response> write_patch(PartiesModule* m, Request& req, CustomerPatch patch) {
  ModuleContext ctx = m->ctx_;
  std::string id(req.param("id"));
  std::string actor = req.principal->username;
  auto job = [ctx, id, p = std::move(patch), actor](db::Connection& tx) -> Result<Response> {
    SD_ASSIGN_OR_RETURN(Customer c, update_customer(tx, ctx, id, p, actor));
    return Response::json(200, customer_json(c, ctx.currency));
  };
  co_return co_await http::idempotent_write(m->idempotency_, m->ctx_.db.writer(), req, job);
}

asio::awaitable<Response> patch(PartiesModule* m, Request& req) {
  auto p = decode_patch(req.body, m->ctx_.currency);
  if (!p.ok()) co_return http::error_response(p.error(), req);
  if (Status st =
          check_credit_fields(req, p->credit_limit.has_value(), p->payment_terms_days.has_value());
      !st.ok()) {
    co_return http::error_response(st.error(), req);
  }
  co_return co_await write_patch(m, req, std::move(*p));
}

asio::awaitable<Response> archive(PartiesModule* m, Request& req) {
  CustomerPatch p;
  p.archived = true;
  co_return co_await write_patch(m, req, std::move(p));
}

asio::awaitable<Response> list(PartiesModule* m, Request& req) {
  auto page = http::page_params(req);
  if (!page.ok()) co_return http::error_response(page.error(), req);
  auto q = http::text_param(req, "q", 200);
  if (!q.ok()) co_return http::error_response(q.error(), req);
  auto archived = http::bool_param(req, "archived");
  if (!archived.ok()) co_return http::error_response(archived.error(), req);
  std::string prefix = q->value_or("");
  std::optional<bool> arch = *archived;
  if (!arch) arch = false;  // archived customers only when asked for
  int64_t limit = page->limit;
  std::string after = page->after;
  auto job = [prefix, arch, after, limit](db::Connection& c) -> Result<Listing<Customer>> {
    SD_ASSIGN_OR_RETURN(auto rows, store::list(c, prefix, arch, after, limit + 1));
    return make_listing(std::move(rows), limit, [](const Customer& x) { return x.id; });
  };
  auto rows = co_await http::read(m->ctx_.db.readers(), job);
  if (!rows.ok()) co_return http::error_response(rows.error(), req);
  Currency cur = m->ctx_.currency;
  co_return Response::json(
      200, listing_json(*rows, [cur](const Customer& c) { return customer_json(c, cur); }));
}

}  // namespace

void PartiesModule::register_routes(http::Router& router) {
  using http::Method;
  router.add(Method::kPost, "/api/v1/customers", {"customers.write"},
             [this](Request& r) { return create(this, r); });
  router.add(Method::kGet, "/api/v1/customers", {"customers.read"},
             [this](Request& r) { return list(this, r); });
  router.add(Method::kGet, "/api/v1/customers/{id}", {"customers.read"},
             [this](Request& r) { return get(this, r); });
  router.add(Method::kPatch, "/api/v1/customers/{id}", {"customers.write"},
             [this](Request& r) { return patch(this, r); });
  router.add(Method::kPost, "/api/v1/customers/{id}/archive", {"customers.write"},
             [this](Request& r) { return archive(this, r); });
}

}  // namespace smartdairy::modules::parties
