#pragma once

#include <string>

#include "core/result.h"
#include "db/sqlite.h"
#include "events/event.h"
#include "modules/billing/invoice.h"
#include "modules/common/module_context.h"

namespace smartdairy::modules::billing {

// Invoicing rules. Writes run inside the caller's write transaction, post to the ledger and
// append their events there.

// The `billing.invoicer` consumer: issues the invoice for an `order.created` event, unless
// the order was cancelled first or already has one. Runs in the same transaction that moves
// the consumer's cursor, so each order gets exactly one invoice even across a crash.
Status issue_for_order_event(db::Connection& tx, const ModuleContext& ctx,
                             const events::Event& order_created);

// An invoice without an order (POST /api/v1/invoices).
Result<Invoice> create_invoice(db::Connection& tx, const ModuleContext& ctx,
                               const InvoiceDraft& draft, const std::string& actor);

// A payment: partial payments allowed; more than the amount due is 409 overpayment.
Result<std::pair<Invoice, Payment>> record_payment(db::Connection& tx, const ModuleContext& ctx,
                                                   const std::string& invoice_id,
                                                   const PaymentDraft& draft,
                                                   const std::string& actor);

// Voids an unpaid invoice with a credit note and a reversing journal entry.
Result<Invoice> void_invoice(db::Connection& tx, const ModuleContext& ctx,
                             const std::string& invoice_id, const std::string& reason,
                             const std::string& actor);

// Called by sales when an order is cancelled: a paid or part-paid invoice refuses (409
// order_paid); an unpaid one is voided; an order not yet invoiced is marked so the invoicer
// skips it.
Status on_order_cancelled(db::Connection& tx, const ModuleContext& ctx, const std::string& order_id,
                          const std::string& order_number, const std::string& actor);

// What billing adds to a customer's open balance beyond the totals of their orders:
// what is due on invoices without an order, minus what was paid on order invoices.
Result<int64_t> balance_adjustment(db::Connection& conn, const std::string& customer_id);

Result<Invoice> get_invoice(db::Connection& conn, const std::string& id);

}  // namespace smartdairy::modules::billing
