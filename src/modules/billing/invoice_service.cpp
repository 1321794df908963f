#include "modules/billing/invoice_service.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include "core/json.h"
#include "core/uuid.h"
#include "events/outbox.h"
#include "modules/billing/invoice_store.h"
#include "modules/catalog/product_service.h"
#include "modules/common/amounts.h"
#include "modules/common/limits.h"
#include "modules/common/numbering.h"
#include "modules/ledger/ledger_service.h"
#include "modules/parties/customer_service.h"

namespace smartdairy::modules::billing {

namespace json = boost::json;
namespace account = ledger::account;

namespace {

constexpr size_t kMaxLines = 200;

std::vector<ledger::Posting> issue_postings(const Invoice& inv) {
  return {{std::string(account::kReceivable), inv.total, 0},
          {std::string(account::kSalesRevenue), 0, inv.subtotal},
          {std::string(account::kVatPayable), 0, inv.vat_total}};
}

Status emit(db::Connection& tx, const ModuleContext& ctx, const std::string& type,
            const std::string& aggregate_id, const std::string& actor, const json::object& data) {
  auto ev =
      events::append(tx, {type, "invoice", aggregate_id, actor, to_json_string(data)}, ctx.clock);
  if (!ev.ok()) return ev.error();
  return {};
}

json::value money(int64_t minor, const ModuleContext& ctx) {
  return Money::from_minor(minor, ctx.currency).to_json();
}

json::object invoice_event(const Invoice& inv, const ModuleContext& ctx) {
  json::object o{{"id", inv.id},
                 {"number", inv.number},
                 {"customer_id", inv.customer_id},
                 {"status", inv.status},
                 {"issue_date", inv.issue_date},
                 {"due_date", inv.due_date},
                 {"subtotal", money(inv.subtotal, ctx)},
                 {"vat_total", money(inv.vat_total, ctx)},
                 {"total", money(inv.total, ctx)},
                 {"amount_paid", money(inv.amount_paid, ctx)},
                 {"amount_due", money(inv.amount_due(), ctx)}};
  o["order_id"] = inv.order_id ? json::value(*inv.order_id) : json::value(nullptr);
  o["order_number"] = inv.order_number ? json::value(*inv.order_number) : json::value(nullptr);
  return o;
}

// Numbers the invoice, stores it, posts Dr AR / Cr revenue / Cr VAT and emits invoice.issued.
Status issue(db::Connection& tx, const ModuleContext& ctx, Invoice& inv, const std::string& actor) {
  SD_ASSIGN_OR_RETURN(inv.number, next_document_number(tx, "INV"));
  SD_RETURN_IF_ERROR(store::insert(tx, inv));
  auto posted =
      ledger::post(tx, ctx,
                   {"invoice", inv.id, "Invoice " + inv.number + " to " + inv.customer_name, actor,
                    issue_postings(inv)});
  if (!posted.ok()) return posted.error();
  return emit(tx, ctx, "invoice.issued", inv.id, actor, invoice_event(inv, ctx));
}

Result<int64_t> money_field(const json::object& o, std::string_view key, Currency cur) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return Error::internal("order.created event lacks " + std::string(key));
  SD_ASSIGN_OR_RETURN(Money m, Money::from_json(*v, cur));
  return m.minor_units();
}

Result<std::string> string_field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) {
    return Error::internal("order.created event lacks " + std::string(key));
  }
  return std::string(v->as_string());
}

Result<int64_t> int_field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_int64()) {
    return Error::internal("order.created event lacks " + std::string(key));
  }
  return v->as_int64();
}

Error invoice_not_found(const std::string& id) {
  return Error::not_found("invoice_not_found", "No invoice has id '" + id.substr(0, 40) +
                                                   "'. GET /api/v1/invoices lists invoices.");
}

}  // namespace

Status issue_for_order_event(db::Connection& tx, const ModuleContext& ctx,
                             const events::Event& ev) {
  boost::system::error_code ec;
  json::value parsed = json::parse(ev.data, ec);
  if (ec || !parsed.is_object()) return Error::internal("order.created event is not an object");
  const json::object& o = parsed.as_object();
  SD_ASSIGN_OR_RETURN(std::string order_id, string_field(o, "id"));
  // Already invoiced (a replay) or cancelled before the invoicer got to it: nothing to do.
  SD_ASSIGN_OR_RETURN(bool settled, store::order_settled(tx, order_id));
  if (settled) return {};

  const Currency cur = ctx.currency;
  Invoice inv;
  inv.id = new_uuid_v7();
  inv.order_id = order_id;
  SD_ASSIGN_OR_RETURN(inv.order_number, string_field(o, "number"));
  SD_ASSIGN_OR_RETURN(inv.customer_id, string_field(o, "customer_id"));
  SD_ASSIGN_OR_RETURN(inv.customer_name, string_field(o, "customer_name"));
  SD_ASSIGN_OR_RETURN(inv.customer_email, string_field(o, "customer_email"));
  SD_ASSIGN_OR_RETURN(int64_t terms, int_field(o, "payment_terms_days"));
  SD_ASSIGN_OR_RETURN(inv.subtotal, money_field(o, "subtotal", cur));
  SD_ASSIGN_OR_RETURN(inv.vat_total, money_field(o, "vat_total", cur));
  SD_ASSIGN_OR_RETURN(inv.total, money_field(o, "total", cur));
  if (const json::value* notes = o.if_contains("notes"); notes && notes->is_string()) {
    inv.notes = std::string(notes->as_string());
  }
  const json::value* lines = o.if_contains("lines");
  if (lines == nullptr || !lines->is_array()) {
    return Error::internal("order.created event lacks lines");
  }
  for (const auto& lv : lines->as_array()) {
    if (!lv.is_object()) return Error::internal("order.created line is not an object");
    const auto& l = lv.as_object();
    InvoiceLine line;
    SD_ASSIGN_OR_RETURN(line.sku, string_field(l, "sku"));
    SD_ASSIGN_OR_RETURN(line.description, string_field(l, "name"));
    SD_ASSIGN_OR_RETURN(line.qty, int_field(l, "qty"));
    SD_ASSIGN_OR_RETURN(line.unit, string_field(l, "unit"));
    SD_ASSIGN_OR_RETURN(line.unit_price, money_field(l, "unit_price", cur));
    SD_ASSIGN_OR_RETURN(line.vat_rate, int_field(l, "vat_rate"));
    SD_ASSIGN_OR_RETURN(line.net, money_field(l, "net", cur));
    SD_ASSIGN_OR_RETURN(line.vat, money_field(l, "vat", cur));
    SD_ASSIGN_OR_RETURN(line.total, money_field(l, "total", cur));
    inv.lines.push_back(std::move(line));
  }
  inv.status = "issued";
  Day today = ctx.today();
  inv.issue_date = format_date(today);
  inv.due_date = format_date(today + terms);
  inv.currency = std::string(cur.code);
  inv.created_at = inv.updated_at = ctx.clock.now_micros();
  return issue(tx, ctx, inv, "billing.invoicer");
}

Result<Invoice> create_invoice(db::Connection& tx, const ModuleContext& ctx,
                               const InvoiceDraft& draft, const std::string& actor) {
  auto customer = parties::get_active_customer(tx, draft.customer_id);
  if (!customer.ok()) return invalid_reference(customer.error(), "customer_id");
  if (draft.lines.empty() || draft.lines.size() > kMaxLines) {
    return Error::invalid_field("invalid_lines", "An invoice needs 1 to 200 lines.", "lines");
  }
  const Currency cur = ctx.currency;
  Invoice inv;
  inv.id = new_uuid_v7();
  inv.customer_id = customer->id;
  inv.customer_name = customer->name;
  inv.customer_email = customer->email;
  inv.notes = draft.notes;
  DocumentTotals totals;
  for (size_t i = 0; i < draft.lines.size(); ++i) {
    const LineDraft& d = draft.lines[i];
    const std::string at = "lines[" + std::to_string(i) + "]";
    InvoiceLine line;
    line.qty = d.qty;
    if (d.sku) {
      auto product = catalog::get_product(tx, *d.sku);
      if (!product.ok()) return invalid_reference(product.error(), at + ".sku");
      line.sku = product->sku;
      line.description = d.description.value_or(product->name);
      line.unit = product->unit;
      line.unit_price = d.unit_price.value_or(product->price);
      line.vat_rate = d.vat_rate.value_or(product->vat_rate);
    } else {
      if (!d.description || d.description->empty() || !d.unit_price) {
        return Error::invalid_field(
            "invalid_line", "A line without a sku needs a description and a unit_price.", at);
      }
      line.description = *d.description;
      line.unit_price = *d.unit_price;
      line.vat_rate = d.vat_rate.value_or(catalog::kStandardVatRate);
    }
    if (line.unit_price > kMaxUnitAmount) {
      return Error::invalid_field(
          "amount_out_of_range",
          "A unit price can be at most " + Money::from_minor(kMaxUnitAmount, cur).to_string() + ".",
          at + ".unit_price");
    }
    if (line.unit_price < 0) {
      return Error::invalid_field("invalid_price", "unit_price cannot be negative.",
                                  at + ".unit_price");
    }
    if (line.vat_rate < 0 || line.vat_rate > 10000) {
      return Error::invalid_field("invalid_vat_rate", "vat_rate is a percentage from 0 to 100.",
                                  at + ".vat_rate");
    }
    SD_ASSIGN_OR_RETURN(LineAmounts amounts,
                        price_line(line.unit_price, line.qty, line.vat_rate, cur));
    line.net = amounts.net;
    line.vat = amounts.vat;
    line.total = amounts.total;
    SD_RETURN_IF_ERROR(totals.add(amounts));
    inv.lines.push_back(std::move(line));
  }
  inv.subtotal = totals.subtotal;
  inv.vat_total = totals.vat_total;
  inv.total = totals.total;
  if (inv.total > kMaxDocumentTotal) {
    return Error::invalid_field("amount_out_of_range",
                                "An invoice can total at most " +
                                    Money::from_minor(kMaxDocumentTotal, cur).to_string() +
                                    ". Split it into smaller invoices.",
                                "lines");
  }
  Day today = ctx.today();
  Day due = today + customer->payment_terms_days;
  if (draft.due_date) {
    auto d = parse_date(*draft.due_date);
    if (!d || *d < today) {
      return Error::invalid_field("invalid_due_date",
                                  "due_date must be a date (YYYY-MM-DD), not before "
                                  "today.",
                                  "due_date");
    }
    due = *d;
  }
  inv.status = "issued";
  inv.issue_date = format_date(today);
  inv.due_date = format_date(due);
  inv.currency = std::string(cur.code);
  inv.created_at = inv.updated_at = ctx.clock.now_micros();
  SD_RETURN_IF_ERROR(issue(tx, ctx, inv, actor));
  return inv;
}

Result<std::pair<Invoice, Payment>> record_payment(db::Connection& tx, const ModuleContext& ctx,
                                                   const std::string& invoice_id,
                                                   const PaymentDraft& draft,
                                                   const std::string& actor) {
  SD_ASSIGN_OR_RETURN(Invoice inv, get_invoice(tx, invoice_id));
  const Currency cur = ctx.currency;
  bool known_method = false;
  for (auto m : kPaymentMethods) known_method = known_method || m == draft.method;
  if (!known_method) {
    return Error::invalid_field("invalid_method", "method must be one of cash, bank, bkash, card.",
                                "method");
  }
  if (draft.amount <= 0) {
    return Error::invalid_field("invalid_amount", "amount must be more than zero.", "amount");
  }
  if (inv.status == "void") {
    return Error::conflict("invoice_void", "Invoice " + inv.number + " is void (credit note " +
                                               inv.credit_note_number.value_or("") +
                                               "); it cannot take payments.");
  }
  if (inv.status == "paid") {
    return Error::conflict("invoice_paid", "Invoice " + inv.number + " is already paid in full.");
  }
  if (draft.amount > inv.amount_due()) {
    Error e = Error::conflict("overpayment", "Invoice " + inv.number + " has " +
                                                 amount_text(inv.amount_due(), cur) +
                                                 " due; record at most that amount.");
    e.details = {"amount"};
    return e;
  }
  int64_t now = ctx.clock.now_micros();
  Payment p{new_uuid_v7(),
            inv.id,
            draft.amount,
            draft.method,
            draft.reference,
            draft.received_at.value_or(now),
            now,
            actor};
  if (p.received_at > now + 300'000'000) {
    return Error::invalid_field("invalid_received_at", "received_at cannot be in the future.",
                                "received_at");
  }
  inv.amount_paid += draft.amount;
  inv.status = inv.amount_paid == inv.total ? "paid" : "partially_paid";
  inv.updated_at = now;
  SD_RETURN_IF_ERROR(store::insert_payment(tx, p));
  SD_RETURN_IF_ERROR(store::update_payment_state(tx, inv));
  std::string_view cash_account = account::kCash;
  if (p.method == "bank") cash_account = account::kBank;
  if (p.method == "bkash") cash_account = account::kBkash;
  if (p.method == "card") cash_account = account::kCardClearing;
  auto posted = ledger::post(tx, ctx,
                             {"payment",
                              p.id,
                              "Payment for " + inv.number + " (" + p.method + ")",
                              actor,
                              {{std::string(cash_account), p.amount, 0},
                               {std::string(account::kReceivable), 0, p.amount}}});
  if (!posted.ok()) return posted.error();
  json::object data{{"id", p.id},
                    {"invoice_id", inv.id},
                    {"invoice_number", inv.number},
                    {"customer_id", inv.customer_id},
                    {"amount", money(p.amount, ctx)},
                    {"method", p.method},
                    {"received_at", format_rfc3339(p.received_at)},
                    {"invoice_status", inv.status},
                    {"amount_due", money(inv.amount_due(), ctx)}};
  auto ev = events::append(tx, {"payment.received", "invoice", inv.id, actor, to_json_string(data)},
                           ctx.clock);
  if (!ev.ok()) return ev.error();
  return std::pair<Invoice, Payment>{std::move(inv), std::move(p)};
}

Result<Invoice> void_invoice(db::Connection& tx, const ModuleContext& ctx,
                             const std::string& invoice_id, const std::string& reason,
                             const std::string& actor) {
  SD_ASSIGN_OR_RETURN(Invoice inv, get_invoice(tx, invoice_id));
  if (inv.status == "void") return inv;
  if (inv.amount_paid > 0) {
    return Error::conflict("invoice_paid",
                           "Invoice " + inv.number + " has payments of " +
                               std::string(ctx.currency.code) + " " +
                               Money::from_minor(inv.amount_paid, ctx.currency).to_string() +
                               "; it cannot be voided. Refund the payments first.");
  }
  int64_t now = ctx.clock.now_micros();
  SD_ASSIGN_OR_RETURN(std::string cn, next_document_number(tx, "CN"));
  SD_RETURN_IF_ERROR(
      store::insert_credit_note(tx, new_uuid_v7(), cn, inv.id, inv.total, reason, now));
  SD_RETURN_IF_ERROR(store::mark_void(tx, inv.id, cn, now));
  inv.status = "void";
  inv.credit_note_number = cn;
  inv.updated_at = now;
  auto posted = ledger::post(tx, ctx,
                             {"credit_note", inv.id, "Credit note " + cn + " voids " + inv.number,
                              actor, ledger::reversed(issue_postings(inv))});
  if (!posted.ok()) return posted.error();
  json::object data = invoice_event(inv, ctx);
  data["credit_note_number"] = cn;
  data["reason"] = reason;
  SD_RETURN_IF_ERROR(emit(tx, ctx, "invoice.voided", inv.id, actor, data));
  return inv;
}

Status on_order_cancelled(db::Connection& tx, const ModuleContext& ctx, const std::string& order_id,
                          const std::string& order_number, const std::string& actor) {
  SD_ASSIGN_OR_RETURN(auto inv, store::find_by_order(tx, order_id));
  if (!inv) return store::mark_order_cancelled(tx, order_id, ctx.clock.now_micros());
  if (inv->amount_paid > 0) {
    return Error::conflict("order_paid", "Order " + order_number +
                                             " cannot be cancelled: invoice " + inv->number +
                                             " has payments. Refund them first.");
  }
  auto voided = void_invoice(tx, ctx, inv->id, "order " + order_number + " cancelled", actor);
  if (!voided.ok()) return voided.error();
  return {};
}

Result<int64_t> balance_adjustment(db::Connection& conn, const std::string& customer_id) {
  SD_ASSIGN_OR_RETURN(int64_t due, store::due_on_standalone_invoices(conn, customer_id));
  SD_ASSIGN_OR_RETURN(int64_t paid, store::paid_on_order_invoices(conn, customer_id));
  return due - paid;
}

Result<Invoice> get_invoice(db::Connection& conn, const std::string& id) {
  if (!is_uuid(id)) return invoice_not_found(id);
  SD_ASSIGN_OR_RETURN(auto inv, store::find(conn, id));
  if (!inv) return invoice_not_found(id);
  return std::move(*inv);
}

}  // namespace smartdairy::modules::billing
