#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace smartdairy::modules::billing {

struct InvoiceLine {
  std::optional<std::string> sku;
  std::string description;
  int64_t qty = 0;
  std::string unit = "piece";
  int64_t unit_price = 0;  // minor units
  int64_t vat_rate = 0;    // hundredths of a percent
  int64_t net = 0;
  int64_t vat = 0;
  int64_t total = 0;
};

struct Invoice {
  std::string id;
  std::string number;
  std::optional<std::string> order_id;
  std::optional<std::string> order_number;
  std::string customer_id;
  std::string customer_name;
  std::string customer_email;
  std::string status;  // issued, partially_paid, paid, void
  std::string issue_date;
  std::string due_date;
  std::string currency;
  int64_t subtotal = 0;
  int64_t vat_total = 0;
  int64_t total = 0;
  int64_t amount_paid = 0;
  std::optional<std::string> notes;
  std::optional<std::string> credit_note_number;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::vector<InvoiceLine> lines;

  int64_t amount_due() const { return status == "void" ? 0 : total - amount_paid; }
};

struct Payment {
  std::string id;
  std::string invoice_id;
  int64_t amount = 0;
  std::string method;  // cash, bank, bkash, card
  std::optional<std::string> reference;
  int64_t received_at = 0;
  int64_t recorded_at = 0;
  std::string actor;
};

inline constexpr std::string_view kPaymentMethods[] = {"cash", "bank", "bkash", "card"};

// A line of an invoice made without an order.
struct LineDraft {
  std::optional<std::string> sku;
  std::optional<std::string> description;
  int64_t qty = 0;
  std::optional<int64_t> unit_price;
  std::optional<int64_t> vat_rate;
};

struct InvoiceDraft {
  std::string customer_id;
  std::vector<LineDraft> lines;
  std::optional<std::string> due_date;
  std::optional<std::string> notes;
};

struct PaymentDraft {
  int64_t amount = 0;
  std::string method;
  std::optional<std::string> reference;
  std::optional<int64_t> received_at;  // micros UTC; default now
};

struct InvoiceFilter {
  std::optional<std::string> status;
  std::optional<std::string> customer_id;
  std::optional<std::string> order_id;
  std::optional<std::string> overdue_before;  // due_date < this and still open
};

}  // namespace smartdairy::modules::billing
