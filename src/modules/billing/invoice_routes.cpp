// JSON <-> invoice service for /api/v1/invoices (and the seed's /billing/invoices). No rules.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/json.h"
#include "http/db_await.h"
#include "http/error_response.h"
#include "http/idempotent_write.h"
#include "http/query_params.h"
#include "modules/billing/billing_module.h"
#include "modules/billing/invoice_service.h"
#include "modules/billing/invoice_store.h"
#include "modules/catalog/catalog_module.h"
#include "modules/common/listing.h"

namespace smartdairy::modules::billing {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

json::value opt(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}

json::object invoice_json(const Invoice& i, Currency cur, bool with_lines = true) {
  auto money = [cur](int64_t v) { return Money::from_minor(v, cur).to_json(); };
  json::object o{{"id", i.id},
                 {"number", i.number},
                 {"order_id", opt(i.order_id)},
                 {"order_number", opt(i.order_number)},
                 {"customer_id", i.customer_id},
                 {"customer_name", i.customer_name},
                 {"status", i.status},
                 {"issue_date", i.issue_date},
                 {"due_date", i.due_date},
                 {"currency", i.currency},
                 {"subtotal", money(i.subtotal)},
                 {"vat_total", money(i.vat_total)},
                 {"total", money(i.total)},
                 {"amount", money(i.total)},  // the seed's name for the total
                 {"amount_paid", money(i.amount_paid)},
                 {"amount_due", money(i.amount_due())},
                 {"notes", opt(i.notes)},
                 {"credit_note_number", opt(i.credit_note_number)},
                 {"created_at", format_rfc3339(i.created_at)},
                 {"updated_at", format_rfc3339(i.updated_at)}};
  if (with_lines) {
    json::array lines;
    for (const auto& l : i.lines) {
      lines.push_back(
          json::object{{"sku", opt(l.sku)},
                       {"description", l.description},
                       {"qty", l.qty},
                       {"unit", l.unit},
                       {"unit_price", money(l.unit_price)},
                       {"vat_rate", Money::from_minor(l.vat_rate, catalog::kPercent).to_json()},
                       {"net", money(l.net)},
                       {"vat", money(l.vat)},
                       {"total", money(l.total)}});
    }
    o["lines"] = std::move(lines);
  }
  return o;
}

json::object payment_json(const Payment& p, Currency cur) {
  return {{"id", p.id},
          {"invoice_id", p.invoice_id},
          {"amount", Money::from_minor(p.amount, cur).to_json()},
          {"method", p.method},
          {"reference", opt(p.reference)},
          {"received_at", format_rfc3339(p.received_at)},
          {"recorded_at", format_rfc3339(p.recorded_at)},
          {"recorded_by", p.actor}};
}

Result<InvoiceDraft> decode_invoice(std::string_view text, Currency cur) {
  SD_ASSIGN_OR_RETURN(auto body, parse_json(text));
  FieldReader r(body);
  InvoiceDraft d;
  SD_ASSIGN_OR_RETURN(d.customer_id, r.required_string("customer_id", 64));
  SD_ASSIGN_OR_RETURN(const json::array* lines, r.required_array("lines", 200));
  for (size_t i = 0; i < lines->size(); ++i) {
    FieldReader lr((*lines)[i], "lines[" + std::to_string(i) + "].");
    LineDraft l;
    SD_ASSIGN_OR_RETURN(l.sku, lr.optional_string("sku", 64));
    SD_ASSIGN_OR_RETURN(l.description, lr.optional_string("description", 500));
    SD_ASSIGN_OR_RETURN(l.qty, lr.required_int64("qty", 1, 1'000'000'000));
    SD_ASSIGN_OR_RETURN(auto price, lr.optional_money("unit_price", cur));
    if (price) l.unit_price = price->minor_units();
    SD_ASSIGN_OR_RETURN(auto rate, lr.optional_money("vat_rate", catalog::kPercent));
    if (rate) l.vat_rate = rate->minor_units();
    SD_RETURN_IF_ERROR(lr.finish());
    d.lines.push_back(std::move(l));
  }
  SD_ASSIGN_OR_RETURN(d.due_date, r.optional_string("due_date", 10));
  SD_ASSIGN_OR_RETURN(d.notes, r.optional_string("notes", 2000));
  SD_RETURN_IF_ERROR(r.finish());
  return d;
}

// "2026-11-22" (midnight in the farm's zone) or "2026-11-22T10:15:00Z" / "...T10:15:00.123Z".
std::optional<int64_t> parse_instant(const std::string& text, int utc_offset_minutes) {
  auto day = parse_date(std::string_view(text).substr(0, 10));
  if (!day) return std::nullopt;
  if (text.size() == 10) return local_midnight_micros(*day, utc_offset_minutes);
  int64_t micros = *day * 86'400'000'000;
  if (text.size() < 20 || text[10] != 'T' || text.back() != 'Z' || text[13] != ':' ||
      text[16] != ':') {
    return std::nullopt;
  }
  auto two = [&](size_t pos) -> int {
    if (text[pos] < '0' || text[pos] > '9' || text[pos + 1] < '0' || text[pos + 1] > '9') {
      return -1;
    }
    return (text[pos] - '0') * 10 + (text[pos + 1] - '0');
  };
  int h = two(11);
  int m = two(14);
  int s = two(17);
  if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59) return std::nullopt;
  if (text.size() > 20 && text[19] != '.') return std::nullopt;
  return micros + ((h * 60 + m) * 60 + s) * int64_t{1'000'000};
}

Result<PaymentDraft> decode_payment(std::string_view text, Currency cur, int utc_offset_minutes) {
  SD_ASSIGN_OR_RETURN(auto body, parse_json(text));
  FieldReader r(body);
  PaymentDraft d;
  SD_ASSIGN_OR_RETURN(Money amount, r.required_money("amount", cur));
  d.amount = amount.minor_units();
  SD_ASSIGN_OR_RETURN(auto method, r.optional_string("method", 16));
  d.method = method.value_or("cash");
  SD_ASSIGN_OR_RETURN(d.reference, r.optional_string("reference", 100));
  SD_ASSIGN_OR_RETURN(auto received, r.optional_string("received_at", 40));
  if (received) {
    d.received_at = parse_instant(*received, utc_offset_minutes);
    if (!d.received_at) {
      Error e = Error::unprocessable(
          "invalid_received_at",
          "received_at must be a date (2026-11-22) or a UTC time (2026-11-22T10:15:00Z).");
      e.details = {"received_at"};
      return e;
    }
  }
  SD_RETURN_IF_ERROR(r.finish());
  return d;
}

asio::awaitable<Response> create(BillingModule* m, Request& req) {
  auto draft = decode_invoice(req.body, m->ctx_.currency);
  if (!draft.ok()) co_return http::error_response(draft.error(), req);
  ModuleContext ctx = m->ctx_;
  std::string actor = req.principal->username;
  auto job = [ctx, d = std::move(*draft), actor](db::Connection& tx) -> Result<Response> {
    SD_ASSIGN_OR_RETURN(Invoice inv, create_invoice(tx, ctx, d, actor));
    Response resp = Response::json(201, invoice_json(inv, ctx.currency));
    resp.set_header("Location", "/api/v1/invoices/" + inv.id);
    return resp;
  };
  co_return co_await http::idempotent_write(m->idempotency_, m->ctx_.db.writer(), req, job);
}

asio::awaitable<Response> get(BillingModule* m, Request& req) {
  std::string id(req.param("id"));
  auto job = [id](db::Connection& c) -> Result<std::pair<Invoice, std::vector<Payment>>> {
    SD_ASSIGN_OR_RETURN(Invoice inv, get_invoice(c, id));
    SD_ASSIGN_OR_RETURN(auto pays, store::payments(c, id));
    return std::pair<Invoice, std::vector<Payment>>{std::move(inv), std::move(pays)};
  };
  auto out = co_await http::read(m->ctx_.db.readers(), job);
  if (!out.ok()) co_return http::error_response(out.error(), req);
  Currency cur = m->ctx_.currency;
  json::object o = invoice_json(out->first, cur);
  json::array pays;
  for (const auto& p : out->second) pays.push_back(payment_json(p, cur));
  o["payments"] = std::move(pays);
  co_return Response::json(200, o);
}

asio::awaitable<Response> list(BillingModule* m, Request& req) {
  auto page = http::page_params(req);
  if (!page.ok()) co_return http::error_response(page.error(), req);
  InvoiceFilter f;
  auto status = http::enum_param(req, "status", {"issued", "partially_paid", "paid", "void"});
  if (!status.ok()) co_return http::error_response(status.error(), req);
  f.status = *status;
  auto customer = http::text_param(req, "customer_id", 64);
  if (!customer.ok()) co_return http::error_response(customer.error(), req);
  f.customer_id = *customer;
  auto order = http::text_param(req, "order_id", 64);
  if (!order.ok()) co_return http::error_response(order.error(), req);
  f.order_id = *order;
  auto overdue = http::bool_param(req, "overdue");
  if (!overdue.ok()) co_return http::error_response(overdue.error(), req);
  if (overdue->value_or(false)) f.overdue_before = format_date(m->ctx_.today());
  int64_t limit = page->limit;
  std::string after = page->after;
  auto job = [f, after, limit](db::Connection& c) -> Result<Listing<Invoice>> {
    SD_ASSIGN_OR_RETURN(auto rows, store::list(c, f, after, limit + 1));
    return make_listing(std::move(rows), limit, [](const Invoice& x) { return x.id; });
  };
  auto rows = co_await http::read(m->ctx_.db.readers(), job);
  if (!rows.ok()) co_return http::error_response(rows.error(), req);
  Currency cur = m->ctx_.currency;
  co_return Response::json(
      200, listing_json(*rows, [cur](const Invoice& i) { return invoice_json(i, cur, false); }));
}

asio::awaitable<Response> pay(BillingModule* m, Request& req) {
  auto draft = decode_payment(req.body, m->ctx_.currency, m->ctx_.utc_offset_minutes);
  if (!draft.ok()) co_return http::error_response(draft.error(), req);
  ModuleContext ctx = m->ctx_;
  std::string id(req.param("id"));
  std::string actor = req.principal->username;
  auto job = [ctx, id, d = *draft, actor](db::Connection& tx) -> Result<Response> {
    SD_ASSIGN_OR_RETURN(auto result, record_payment(tx, ctx, id, d, actor));
    json::object o = payment_json(result.second, ctx.currency);
    o["invoice"] = invoice_json(result.first, ctx.currency, false);
    Response resp = Response::json(201, o);
    return resp;
  };
  co_return co_await http::idempotent_write(m->idempotency_, m->ctx_.db.writer(), req, job);
}

asio::awaitable<Response> void_standalone(BillingModule* m, Request& req) {
  auto body = parse_json(req.body.empty() ? std::string_view("{}") : std::string_view(req.body));
  if (!body.ok()) co_return http::error_response(body.error(), req);
  FieldReader r(*body);
  auto reason = r.optional_string("reason", 500);
  if (!reason.ok()) co_return http::error_response(reason.error(), req);
  if (Status st = r.finish(); !st.ok()) co_return http::error_response(st.error(), req);
  ModuleContext ctx = m->ctx_;
  std::string id(req.param("id"));
  std::string actor = req.principal->username;
  std::string why = reason->value_or("voided");
  auto job = [ctx, id, why, actor](db::Connection& tx) -> Result<Response> {
    SD_ASSIGN_OR_RETURN(Invoice inv, get_invoice(tx, id));
    if (inv.order_id) {
      return Error::conflict("invoice_has_order", "Invoice " + inv.number + " belongs to order " +
                                                      inv.order_number.value_or("") +
                                                      "; cancel the order to void it.");
    }
    SD_ASSIGN_OR_RETURN(Invoice voided, void_invoice(tx, ctx, id, why, actor));
    return Response::json(200, invoice_json(voided, ctx.currency));
  };
  co_return co_await http::idempotent_write(m->idempotency_, m->ctx_.db.writer(), req, job);
}

}  // namespace

BillingModule::BillingModule(ModuleContext ctx, http::Idempotency& idempotency, CompanyInfo company)
    : ctx_(ctx), idempotency_(idempotency), company_(std::move(company)), renderers_(1, 64) {}

void BillingModule::subscribe(events::Bus& bus) {
  ModuleContext ctx = ctx_;
  bus.add_consumer("billing.invoicer",
                   [ctx](db::Connection& tx, const events::Event& ev) {
                     if (ev.type != "order.created") return Status();
                     return issue_for_order_event(tx, ctx, ev);
                   },
                   {"order.created"});
}

void BillingModule::register_routes(http::Router& router) {
  using http::Method;
  router.add(Method::kPost, "/api/v1/invoices", {"invoices.write"},
             [this](Request& r) { return create(this, r); });
  router.add(Method::kGet, "/api/v1/invoices", {"invoices.read"},
             [this](Request& r) { return list(this, r); });
  router.add(Method::kGet, "/api/v1/invoices/{id}", {"invoices.read"},
             [this](Request& r) { return get(this, r); });
  router.add(Method::kPost, "/api/v1/invoices/{id}/payments", {"payments.write"},
             [this](Request& r) { return pay(this, r); });
  router.add(Method::kPost, "/api/v1/invoices/{id}/void", {"invoices.write"},
             [this](Request& r) { return void_standalone(this, r); });
  register_pdf_route(router);
  // The seed's unversioned paths (DESIGN.md §7).
  router.alias(Method::kPost, "/billing/invoices", "/api/v1/invoices");
  router.alias(Method::kGet, "/billing/invoices", "/api/v1/invoices");
  router.alias(Method::kGet, "/billing/invoices/{id}", "/api/v1/invoices/{id}");
  router.alias(Method::kPost, "/billing/invoices/{id}/pay", "/api/v1/invoices/{id}/payments");
}

}  // namespace smartdairy::modules::billing
