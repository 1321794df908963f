#include "modules/billing/invoice_pdf.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace smartdairy::modules::billing {
namespace {

Money bdt(std::int64_t minor) { return Money::from_minor(minor, kBDT); }

PdfLine sample_line(int i) {
  PdfLine line;
  line.sku = "MLK-" + std::to_string(1000 + i);
  line.description = "Fresh cow milk, 1 L pouch";
  line.qty = 10;
  line.unit = "L";
  line.unit_price = bdt(9000);
  line.vat_rate_hundredths = 1500;
  line.net = bdt(90000);
  line.vat = bdt(13500);
  line.total = bdt(103500);
  return line;
}

// An invoice of `line_count` lines whose totals are fixed, so the text checks below do not
// depend on the line count.
InvoiceDocument sample_invoice(int line_count) {
  InvoiceDocument doc;
  doc.company_name = "Smart Dairy Ltd";
  doc.company_lines = {"12 Farm Road, Savar, Dhaka 1340", "+880 1700 000000",
                       "VAT reg. no. 000123456-0101"};
  doc.number = "INV-000042";
  doc.order_number = "SO-000017";
  doc.issue_date = "2026-11-22";
  doc.due_date = "2026-12-22";
  doc.status = "issued";
  doc.customer_name = "Rahim Dairy Traders";
  doc.customer_email = "accounts@rahim.example";
  doc.customer_phone = "+880 1800 000000";
  for (int i = 0; i < line_count; ++i) doc.lines.push_back(sample_line(i));
  doc.subtotal = bdt(107348);
  doc.vat_total = bdt(16102);
  doc.total = bdt(123450);
  doc.amount_paid = bdt(0);
  doc.amount_due = bdt(123450);
  doc.notes = "Thank you for your business. Goods once delivered are not returnable.";
  return doc;
}

std::string render_ok(const InvoiceDocument& doc, bool compress = false) {
  Result<std::string> pdf = render_invoice_pdf(doc, PdfOptions{.compress = compress});
  EXPECT_TRUE(pdf.ok()) << (pdf.ok() ? "" : pdf.error().message);
  return pdf.ok() ? *pdf : std::string();
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

std::size_t count(std::string_view haystack, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t pos = haystack.find(needle); pos != std::string_view::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

// Page objects: "/Type /Page" but not the "/Type /Pages" tree node.
std::size_t page_count(std::string_view pdf) {
  return count(pdf, "/Type /Page") - count(pdf, "/Type /Pages");
}

TEST(InvoicePdfTest, IsAPdfFile) {
  const std::string pdf = render_ok(sample_invoice(3), /*compress=*/true);
  EXPECT_TRUE(pdf.starts_with("%PDF-"));
  std::string_view tail = pdf;
  while (tail.ends_with('\n') || tail.ends_with('\r')) tail.remove_suffix(1);
  EXPECT_TRUE(tail.ends_with("%%EOF"));
  EXPECT_TRUE(contains(pdf, "/FlateDecode"));
  EXPECT_EQ(page_count(pdf), 1U);
}

TEST(InvoicePdfTest, UncompressedShowsTheInvoiceText) {
  const std::string pdf = render_ok(sample_invoice(3));
  EXPECT_FALSE(contains(pdf, "/FlateDecode"));
  for (std::string_view text : {"(Smart Dairy Ltd)",
                                "(TAX INVOICE)",
                                "(INV-000042)",
                                "(SO-000017)",
                                "(2026-11-22)",
                                "(2026-12-22)",
                                "(issued)",
                                "(Rahim Dairy Traders)",
                                "(accounts@rahim.example)",
                                "(MLK-1002)",
                                "(10 L)",
                                "(90.00)",
                                "(900.00)",
                                "(1,035.00)",
                                "(BDT 1,073.48)",
                                "(BDT 161.02)",
                                "(BDT 1,234.50)",
                                "(BDT 0.00)",
                                "(Please pay BDT 1,234.50 by 2026-12-22.)",
                                "(Page 1 of 1)"}) {
    EXPECT_TRUE(contains(pdf, text)) << text;
  }
  // libharu escapes '%' in strings as \045.
  EXPECT_TRUE(contains(pdf, "(15\\045)"));
  EXPECT_TRUE(contains(pdf, "/Title (Invoice INV-000042)"));
  EXPECT_TRUE(contains(pdf, "/Creator (Smart Dairy ERP)"));
}

TEST(InvoicePdfTest, OrderNumberOnlyWhenPresent) {
  InvoiceDocument doc = sample_invoice(1);
  doc.order_number.clear();
  const std::string pdf = render_ok(doc);
  EXPECT_FALSE(contains(pdf, "(Order no.)"));
  EXPECT_TRUE(contains(pdf, "(Invoice no.)"));
}

TEST(InvoicePdfTest, NothingDueSaysSo) {
  InvoiceDocument doc = sample_invoice(1);
  doc.amount_paid = doc.total;
  doc.amount_due = bdt(0);
  const std::string pdf = render_ok(doc);
  EXPECT_TRUE(contains(pdf, "(Nothing is due on this invoice.)"));
  EXPECT_FALSE(contains(pdf, "Please pay"));
}

TEST(InvoicePdfTest, FormatAmount) {
  EXPECT_EQ(format_amount(bdt(0)), "BDT 0.00");
  EXPECT_EQ(format_amount(bdt(5)), "BDT 0.05");
  EXPECT_EQ(format_amount(bdt(100000)), "BDT 1,000.00");
  EXPECT_EQ(format_amount(bdt(123456789)), "BDT 1,234,567.89");
  EXPECT_EQ(format_amount(bdt(-123450)), "-BDT 1,234.50");
  EXPECT_EQ(format_amount(bdt(-5)), "-BDT 0.05");
  EXPECT_EQ(format_amount(Money::from_minor(1234567, Currency{"KWD", 3})), "KWD 1,234.567");
  EXPECT_EQ(format_amount(Money::from_minor(1234567, Currency{"JPY", 0})), "JPY 1,234,567");
  EXPECT_EQ(format_amount(bdt(std::numeric_limits<std::int64_t>::min())),
            "-BDT 92,233,720,368,547,758.08");
}

TEST(InvoicePdfTest, LongInvoiceContinuesOnMorePagesWithHeaderAndFooter) {
  const std::string pdf = render_ok(sample_invoice(250));
  const std::size_t pages = page_count(pdf);
  ASSERT_GT(pages, 1U);
  EXPECT_TRUE(contains(pdf, "/Count " + std::to_string(pages)));
  for (std::size_t i = 1; i <= pages; ++i) {
    const std::string footer = "(Page " + std::to_string(i) + " of " + std::to_string(pages) + ")";
    EXPECT_EQ(count(pdf, footer), 1U) << footer;
  }
  // The table header is repeated on every page that holds lines.
  EXPECT_GE(count(pdf, "(Description)"), pages - 1);
  EXPECT_EQ(count(pdf, "(MLK-"), 250U);
  EXPECT_EQ(count(pdf, "(TAX INVOICE)"), 1U);
}

TEST(InvoicePdfTest, TextOutsideWinAnsiIsReplacedNotFatal) {
  InvoiceDocument doc = sample_invoice(1);
  doc.customer_name = "Rahim \u09B0\u09B9\u09BF\u09AE \U0001F404";  // Bengali name, cow emoji
  doc.lines[0].description = "Caf\u00E9 ghee \u0998\u09BF \U0001F600 \u0141ukasz";
  doc.lines[0].sku = "BAD-\xFF\xFE";  // not UTF-8
  doc.notes = "\u09A7\u09A8\u09CD\u09AF\u09AC\u09BE\u09A6 \U0001F44D\U0001F3FD\nna\u00EFve";
  const std::string pdf = render_ok(doc);
  EXPECT_TRUE(contains(pdf, "(Rahim ???? ?)"));
  // é is WinAnsi 0xE9, which libharu writes as an octal escape; Ł loses its stroke.
  EXPECT_TRUE(contains(pdf, "(Caf\\351 ghee ?? ? Lukasz)"));
  EXPECT_TRUE(contains(pdf, "(BAD-\?\?)"));
  EXPECT_TRUE(contains(pdf, "(na\\357ve)"));
  // The compressed form renders too.
  EXPECT_TRUE(render_invoice_pdf(doc).ok());
}

TEST(InvoicePdfTest, OverlongTextIsClippedToItsColumn) {
  InvoiceDocument doc = sample_invoice(1);
  doc.lines[0].description = std::string(10000, 'W');
  doc.customer_name = std::string(5000, 'Y');
  const std::string pdf = render_ok(doc);
  EXPECT_LT(pdf.size(), 200U * 1024U);
  EXPECT_TRUE(contains(pdf, "WWW...)"));
  EXPECT_FALSE(contains(pdf, std::string(100, 'W')));
  EXPECT_TRUE(contains(pdf, "YYY...)"));
  EXPECT_FALSE(contains(pdf, std::string(100, 'Y')));
}

TEST(InvoicePdfTest, HugeAmountsShrinkInsteadOfBeingCut) {
  InvoiceDocument doc = sample_invoice(1);
  const Money huge = bdt(std::numeric_limits<std::int64_t>::max());
  doc.lines[0].net = huge;
  doc.lines[0].vat = huge;
  doc.total = huge;
  const std::string pdf = render_ok(doc);
  EXPECT_EQ(count(pdf, "(92,233,720,368,547,758.07)"), 2U);
  EXPECT_TRUE(contains(pdf, "(BDT 92,233,720,368,547,758.07)"));
}

TEST(InvoicePdfTest, LongNotesWrapOntoMorePages) {
  InvoiceDocument doc = sample_invoice(1);
  doc.notes.clear();
  for (int i = 0; i < 3000; ++i) doc.notes += "word" + std::to_string(i) + " ";
  doc.notes += std::string(3000, 'Z');  // one unbreakable "word"
  const std::string pdf = render_ok(doc);
  EXPECT_GT(page_count(pdf), 1U);
  EXPECT_TRUE(contains(pdf, "word2999"));
  EXPECT_EQ(count(pdf, "Z"), 3000U);
}

TEST(InvoicePdfTest, RendersConcurrently) {
  const InvoiceDocument doc = sample_invoice(60);
  const std::string expected = render_ok(doc, /*compress=*/true);
  std::vector<std::string> results(4);
  std::vector<std::thread> threads;
  threads.reserve(results.size());
  for (std::string& result : results) {
    threads.emplace_back([&doc, &result] {
      for (int i = 0; i < 5; ++i) {
        Result<std::string> pdf = render_invoice_pdf(doc);
        result = pdf.ok() ? *pdf : std::string("failed: ") + pdf.error().message;
        if (!pdf.ok()) return;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::string& result : results)
    EXPECT_TRUE(result == expected) << result.substr(0, 200);
}

}  // namespace
}  // namespace smartdairy::modules::billing
