#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/money.h"
#include "core/result.h"

namespace smartdairy::modules::billing {

// One invoice line as printed: amounts already computed by the billing service.
struct PdfLine {
  std::string sku;
  std::string description;
  int64_t qty = 0;
  std::string unit;
  Money unit_price;
  int64_t vat_rate_hundredths = 0;  // 1500 = 15 %
  Money net;
  Money vat;
  Money total;
};

// Everything printed on an invoice. Text is UTF-8; characters the PDF's WinAnsi fonts cannot
// show are printed as '?'.
struct InvoiceDocument {
  std::string company_name;
  std::vector<std::string> company_lines;  // address, phone, VAT registration number
  std::string number;
  std::string order_number;  // may be empty
  std::string issue_date;
  std::string due_date;
  std::string status;
  std::string customer_name;
  std::string customer_email;
  std::string customer_phone;
  std::vector<PdfLine> lines;
  Money subtotal;
  Money vat_total;
  Money total;
  Money amount_paid;
  Money amount_due;
  std::string notes;
};

struct PdfOptions {
  bool compress = true;  // false leaves page text readable in the bytes (tests)
};

// Renders `doc` as an A4 PDF in memory (no files, no network). Safe to call concurrently.
// Returns the PDF bytes, or an internal error if libharu reports one.
Result<std::string> render_invoice_pdf(const InvoiceDocument& doc, const PdfOptions& options = {});

// The amount with its currency code and thousands grouping: "BDT 1,234,567.50",
// "-BDT 5.00", "KWD 1,234.567".
std::string format_amount(const Money& amount);

}  // namespace smartdairy::modules::billing
