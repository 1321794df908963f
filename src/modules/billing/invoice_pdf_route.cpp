// GET /api/v1/invoices/{id}/pdf. Filled in when the renderer lands.
#include "modules/billing/billing_module.h"

namespace smartdairy::modules::billing {
void BillingModule::register_pdf_route(http::Router&) {}
}  // namespace smartdairy::modules::billing
