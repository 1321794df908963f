#pragma once

#include "core/work_pool.h"
#include "events/bus.h"
#include "http/idempotency.h"
#include "http/router.h"
#include "modules/common/module_context.h"

namespace smartdairy::modules::billing {

// What the PDF header says about the farm.
struct CompanyInfo {
  std::string name = "Smart Dairy";
  std::vector<std::string> lines;  // address, phone, VAT registration
};

// Invoices, payments, credit notes under /api/v1/invoices, and the `billing.invoicer`
// consumer that issues an invoice for every `order.created`.
class BillingModule {
 public:
  BillingModule(ModuleContext ctx, http::Idempotency& idempotency, CompanyInfo company = {});

  // Before bus.start(): registers the invoicer.
  void subscribe(events::Bus& bus);
  void register_routes(http::Router& router);
  void register_pdf_route(http::Router& router);  // invoice_pdf_route.cpp

  ModuleContext ctx_;
  http::Idempotency& idempotency_;
  CompanyInfo company_;
  WorkPool renderers_;  // PDF rendering off the I/O threads
};

}  // namespace smartdairy::modules::billing
