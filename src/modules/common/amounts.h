#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/money.h"
#include "core/result.h"

namespace smartdairy::modules {

// One priced line: net = unit price × quantity; VAT on the net, rounded half away from zero
// in minor units (Money::apply_rate); total = net + VAT. The same rule for orders and
// invoices, so an invoice copied from an order adds up to the same cents.
struct LineAmounts {
  int64_t net = 0;
  int64_t vat = 0;
  int64_t total = 0;
};
Result<LineAmounts> price_line(int64_t unit_price, int64_t qty, int64_t vat_rate, Currency cur);

// A document's totals, summed line by line with overflow checks (422 amount_out_of_range).
struct DocumentTotals {
  int64_t subtotal = 0;
  int64_t vat_total = 0;
  int64_t total = 0;
  Status add(const LineAmounts& line);
};

// a + b, or 422 amount_out_of_range with `message`.
Result<int64_t> checked_add(int64_t a, int64_t b, std::string_view message);

// "BDT 1234.50": for messages.
std::string amount_text(int64_t minor, Currency cur);

}  // namespace smartdairy::modules
