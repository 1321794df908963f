// GET /api/v1/invoices/{id}/pdf: the invoice as a PDF, rendered off the I/O threads.
#include "http/db_await.h"
#include "http/error_response.h"
#include "modules/billing/billing_module.h"
#include "modules/billing/invoice_pdf.h"
#include "modules/billing/invoice_service.h"
#include "modules/parties/customer_service.h"

namespace smartdairy::modules::billing {

namespace asio = boost::asio;
using http::Request;
using http::Response;

namespace {

InvoiceDocument document_of(const Invoice& inv, const std::optional<std::string>& phone,
                            const CompanyInfo& company, Currency cur) {
  auto money = [cur](int64_t v) { return Money::from_minor(v, cur); };
  InvoiceDocument doc;
  doc.company_name = company.name;
  doc.company_lines = company.lines;
  doc.number = inv.number;
  doc.order_number = inv.order_number.value_or("");
  doc.issue_date = inv.issue_date;
  doc.due_date = inv.due_date;
  doc.status = inv.status;
  doc.customer_name = inv.customer_name;
  doc.customer_email = inv.customer_email;
  doc.customer_phone = phone.value_or("");
  for (const auto& l : inv.lines) {
    doc.lines.push_back({l.sku.value_or(""), l.description, l.qty, l.unit, money(l.unit_price),
                         l.vat_rate, money(l.net), money(l.vat), money(l.total)});
  }
  doc.subtotal = money(inv.subtotal);
  doc.vat_total = money(inv.vat_total);
  doc.total = money(inv.total);
  doc.amount_paid = money(inv.amount_paid);
  doc.amount_due = money(inv.amount_due());
  if (inv.credit_note_number) {
    doc.notes = "Void: cancelled by credit note " + *inv.credit_note_number + ".";
  }
  if (inv.notes) doc.notes += (doc.notes.empty() ? "" : " ") + *inv.notes;
  return doc;
}

asio::awaitable<Response> get_pdf(BillingModule* m, Request& req) {
  std::string id(req.param("id"));
  CompanyInfo company = m->company_;
  Currency cur = m->ctx_.currency;
  auto load = [id, company, cur](db::Connection& c) -> Result<InvoiceDocument> {
    SD_ASSIGN_OR_RETURN(Invoice inv, get_invoice(c, id));
    auto customer = parties::get_customer(c, inv.customer_id);
    std::optional<std::string> phone = customer.ok() ? customer->phone : std::nullopt;
    return document_of(inv, phone, company, cur);
  };
  auto doc = co_await http::read(m->ctx_.db.readers(), load);
  if (!doc.ok()) co_return http::error_response(doc.error(), req);
  std::string number = doc->number;
  auto render = [d = std::move(*doc)]() { return render_invoice_pdf(d); };
  auto pdf = co_await http::offload(m->renderers_, render);
  if (!pdf.ok()) co_return http::error_response(pdf.error(), req);
  Response resp;
  resp.status = 200;
  resp.content_type = "application/pdf";
  resp.body = std::move(*pdf);
  resp.set_header("Content-Disposition", "inline; filename=\"" + number + ".pdf\"");
  resp.set_header("Cache-Control", "private, no-store");
  co_return resp;
}

}  // namespace

void BillingModule::register_pdf_route(http::Router& router) {
  router.add(http::Method::kGet, "/api/v1/invoices/{id}/pdf", {"invoices.read"},
             [this](Request& r) { return get_pdf(this, r); });
}

}  // namespace smartdairy::modules::billing
