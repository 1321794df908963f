#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/billing/invoice.h"

namespace smartdairy::modules::billing::store {

Status insert(db::Connection& tx, const Invoice& inv);
Status update_payment_state(db::Connection& tx, const Invoice& inv);
Status mark_void(db::Connection& tx, const std::string& id, const std::string& credit_note_number,
                 int64_t now);
Result<std::optional<Invoice>> find(db::Connection& conn, std::string_view id);
Result<std::optional<Invoice>> find_by_order(db::Connection& conn, std::string_view order_id);
Result<std::vector<Invoice>> list(db::Connection& conn, const InvoiceFilter& f,
                                  const std::string& after, int64_t limit);
Status insert_payment(db::Connection& tx, const Payment& p);
Result<std::vector<Payment>> payments(db::Connection& conn, std::string_view invoice_id);
Status insert_credit_note(db::Connection& tx, const std::string& id, const std::string& number,
                          const std::string& invoice_id, int64_t amount, const std::string& reason,
                          int64_t now);
Status mark_order_cancelled(db::Connection& tx, std::string_view order_id, int64_t now);
// True when the order already has an invoice or was cancelled before it got one.
Result<bool> order_settled(db::Connection& conn, std::string_view order_id);

// For the credit limit: payments on the customer's order invoices, and what is still due on
// the customer's invoices without an order.
Result<int64_t> paid_on_order_invoices(db::Connection& conn, std::string_view customer_id);
Result<int64_t> due_on_standalone_invoices(db::Connection& conn, std::string_view customer_id);

}  // namespace smartdairy::modules::billing::store
