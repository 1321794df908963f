#include "modules/billing/invoice_pdf.h"

#include <hpdf.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace smartdairy::modules::billing {
namespace {

// ---------------------------------------------------------------------------------------------
// Text: UTF-8 in, WinAnsi (the only encoding the base-14 fonts offer without font files) out.

constexpr char32_t kInvalidUtf8 = 0xFFFFFFFF;

// Decodes the code point at `pos` and advances past it. A malformed sequence yields
// kInvalidUtf8 and consumes one byte, so decoding always makes progress.
char32_t next_code_point(std::string_view s, std::size_t& pos) {
  const auto lead = static_cast<unsigned char>(s[pos]);
  if (lead < 0x80) {
    ++pos;
    return lead;
  }
  std::size_t extra = 0;
  char32_t cp = 0;
  char32_t smallest = 0;  // rejects overlong encodings
  if ((lead & 0xE0U) == 0xC0U) {
    extra = 1;
    cp = lead & 0x1FU;
    smallest = 0x80;
  } else if ((lead & 0xF0U) == 0xE0U) {
    extra = 2;
    cp = lead & 0x0FU;
    smallest = 0x800;
  } else if ((lead & 0xF8U) == 0xF0U) {
    extra = 3;
    cp = lead & 0x07U;
    smallest = 0x10000;
  } else {
    ++pos;
    return kInvalidUtf8;
  }
  for (std::size_t i = 1; i <= extra; ++i) {
    if (pos + i >= s.size()) {
      ++pos;
      return kInvalidUtf8;
    }
    const auto next = static_cast<unsigned char>(s[pos + i]);
    if ((next & 0xC0U) != 0x80U) {
      ++pos;
      return kInvalidUtf8;
    }
    cp = (cp << 6U) | (next & 0x3FU);
  }
  if (cp < smallest || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++pos;
    return kInvalidUtf8;
  }
  pos += extra + 1;
  return cp;
}

// WinAnsi bytes 0x80..0x9F and the code points they show; 0 marks the five unused bytes.
constexpr std::array<char32_t, 32> kWinAnsiHigh = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

// U+0100..U+017F (Latin Extended-A) without their accents: "Łukasz" prints as "Lukasz". The
// letters WinAnsi has (Œ œ Š š Ÿ Ž ž) are found in kWinAnsiHigh first; '?' marks Ĳ ĳ.
constexpr std::string_view kLatinExtendedA =
    "AaAaAaCcCcCcCcDd"   // U+0100
    "DdEeEeEeEeEeGgGg"   // U+0110
    "GgGgHhHhIiIiIiIi"   // U+0120
    "Ii??JjKkkLlLlLlL"   // U+0130
    "lLlNnNnNnnNnOoOo"   // U+0140
    "Oo??RrRrRrSsSsSs"   // U+0150
    "SsTtTtTtUuUuUuUu"   // U+0160
    "UuUuWwYyYZzZzZzs";  // U+0170
static_assert(kLatinExtendedA.size() == 0x80);

// Marks that add nothing visible on their own: combining accents, zero-width joiners,
// variation selectors and emoji skin tones. Dropping them keeps "e" + U+0301 from becoming
// "e?" and an emoji sequence from becoming "???".
bool is_invisible_modifier(char32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) || cp == 0x2060 ||
         (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF || (cp >= 0x1F3FB && cp <= 0x1F3FF) ||
         (cp >= 0xE0000 && cp <= 0xE007F);
}

// Controls (tabs and newlines inside one-line fields) and typographic spaces.
bool is_space_like(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

// Hyphens, dashes and the minus sign that WinAnsi lacks.
bool is_dash_like(char32_t cp) { return (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212; }

void append_win_ansi(char32_t cp, std::string& out) {
  if (is_space_like(cp)) {
    out += ' ';
  } else if (cp < 0x7F || (cp >= 0xA0 && cp <= 0xFF)) {
    out += static_cast<char>(cp);  // ASCII and Latin-1 are WinAnsi unchanged
  } else if (const auto high = std::find(kWinAnsiHigh.begin(), kWinAnsiHigh.end(), cp);
             high != kWinAnsiHigh.end()) {
    out += static_cast<char>(0x80 + (high - kWinAnsiHigh.begin()));
  } else if (cp >= 0x100 && cp <= 0x17F) {
    out += kLatinExtendedA[cp - 0x100];
  } else if (is_invisible_modifier(cp)) {
    // dropped
  } else if (is_dash_like(cp)) {
    out += '-';
  } else if (cp == 0x09F3) {
    out += "Tk";  // Bengali taka sign
  } else {
    out += '?';
  }
}

// `utf8` as WinAnsi bytes for one line of text; see append_win_ansi for what is replaced.
std::string to_win_ansi(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    const char32_t cp = next_code_point(utf8, pos);
    if (cp == kInvalidUtf8) {
      out += '?';
    } else {
      append_win_ansi(cp, out);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Numbers.

// "1234567" -> "1,234,567".
std::string group_thousands(std::string_view digits) {
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::uint64_t magnitude(std::int64_t v) {
  // Unsigned negation keeps INT64_MIN representable.
  return v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
}

// The amount without its currency code: "1,234.50", "-0.05".
std::string format_number(const Money& amount) {
  const std::string plain = amount.to_string();
  std::string_view body = plain;
  const bool negative = body.starts_with('-');
  if (negative) body.remove_prefix(1);
  const std::size_t dot = body.find('.');
  std::string out = negative ? "-" : "";
  out += group_thousands(body.substr(0, dot));
  if (dot != std::string_view::npos) out += body.substr(dot);
  return out;
}

std::string format_quantity(std::int64_t qty) {
  const std::string digits = group_thousands(std::to_string(magnitude(qty)));
  return qty < 0 ? "-" + digits : digits;
}

// 1500 -> "15%", 750 -> "7.5%", 1525 -> "15.25%".
std::string format_rate(std::int64_t hundredths) {
  const std::uint64_t mag = magnitude(hundredths);
  std::string out = hundredths < 0 ? "-" : "";
  out += std::to_string(mag / 100);
  if (const std::uint64_t fraction = mag % 100; fraction != 0) {
    out += '.';
    out += static_cast<char>('0' + fraction / 10);
    if (fraction % 10 != 0) out += static_cast<char>('0' + fraction % 10);
  }
  return out + "%";
}

// ---------------------------------------------------------------------------------------------
// libharu plumbing.

// The first error libharu reports. libharu calls the handler and then carries on returning
// error codes, so the handler only records; render_invoice_pdf checks it before saving.
struct HpdfErrors {
  HPDF_STATUS error_no = HPDF_OK;
  HPDF_STATUS detail_no = 0;
};

void record_hpdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void* user_data) noexcept {
  auto* errors = static_cast<HpdfErrors*>(user_data);
  if (errors->error_no == HPDF_OK) {
    errors->error_no = error_no;
    errors->detail_no = detail_no;
  }
}

Error render_error(const HpdfErrors& errors, HPDF_STATUS status, const std::string& number) {
  const HPDF_STATUS code = errors.error_no != HPDF_OK ? errors.error_no : status;
  std::array<char, 64> codes{};
  std::snprintf(codes.data(), codes.size(), "libharu error 0x%04lX, detail %lu", code,
                errors.detail_no);
  return Error::internal("Invoice " + number + " could not be rendered as PDF (" +
                         std::string(codes.data()) +
                         "). This is a bug: report it with the invoice number.");
}

struct DocDeleter {
  void operator()(HPDF_Doc pdf) const { HPDF_Free(pdf); }
};
using DocPtr = std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, DocDeleter>;

struct Fonts {
  HPDF_Font regular;
  HPDF_Font bold;
};

// ---------------------------------------------------------------------------------------------
// Layout. Coordinates are PDF points from the bottom-left corner of an A4 portrait page.

constexpr float kPageHeight = 841.89F;  // HPDF_PAGE_SIZE_A4
constexpr float kPageWidth = 595.276F;
constexpr float kMargin = 40.0F;
constexpr float kContentLeft = kMargin;
constexpr float kContentRight = kPageWidth - kMargin;
constexpr float kContentWidth = kContentRight - kContentLeft;
constexpr float kBodyBottom = 56.0F;  // body text stops here; the footer sits below
constexpr float kFooterBaseline = 28.0F;

constexpr float kTableFontSize = 8.0F;
constexpr float kTableHeaderHeight = 16.0F;
constexpr float kRowHeight = 14.0F;
constexpr float kCellPadding = 3.0F;
// Amounts are shrunk rather than clipped (a clipped amount would misstate the invoice); at
// 3 pt even INT64_MIN fits the narrowest amount column.
constexpr float kMinShrunkSize = 3.0F;
// Lines are at most kContentWidth (515 pt) wide and Helvetica's narrowest glyph is 0.191 em,
// so at 3 pt or more no line holds 1000 characters: longer text is measured by this prefix
// only. This also keeps HPDF_Page_TextWidth below its 65535-byte limit.
constexpr std::size_t kMaxMeasuredBytes = 1000;
constexpr std::size_t kMaxCompanyLines = 6;

constexpr float kGrayText = 0.35F;
constexpr float kGrayRule = 0.75F;
constexpr float kGrayHeaderFill = 0.9F;

enum class Align { kLeft, kRight };
// What a cell does with text wider than its column.
enum class Overflow {
  kClip,    // cut and end with "..."
  kShrink,  // reduce the font size (down to kMinShrunkSize), then clip
};

struct Column {
  const char* title;
  float width;
  Align align;
  Overflow overflow;
};

// The description takes whatever width the other columns leave.
constexpr float kFixedColumnsWidth = 58 + 56 + 62 + 34 + 64 + 58 + 66;
constexpr std::array<Column, 8> kColumns = {{
    {"SKU", 58, Align::kLeft, Overflow::kClip},
    {"Description", kContentWidth - kFixedColumnsWidth, Align::kLeft, Overflow::kClip},
    {"Qty", 56, Align::kRight, Overflow::kShrink},
    {"Unit price", 62, Align::kRight, Overflow::kShrink},
    {"VAT %", 34, Align::kRight, Overflow::kShrink},
    {"Net", 64, Align::kRight, Overflow::kShrink},
    {"VAT", 58, Align::kRight, Overflow::kShrink},
    {"Total", 66, Align::kRight, Overflow::kShrink},
}};

// Draws one invoice into `pdf`, adding pages as needed. libharu reports failures through the
// document's error handler; after a failed HPDF_AddPage the layout finishes without drawing.
class InvoiceLayout {
 public:
  InvoiceLayout(HPDF_Doc pdf, Fonts fonts, const InvoiceDocument& doc)
      : pdf_(pdf),
        fonts_(fonts),
        doc_(doc),
        number_(to_win_ansi(doc.number)),
        currency_(doc.total.currency().code) {}

  void render() {
    add_page();
    draw_first_page_header();
    draw_bill_to();
    draw_lines();
    draw_totals();
    draw_payment_request();
    draw_notes();
    draw_footers();
  }

 private:
  // --- Pages ---------------------------------------------------------------------------------

  void add_page() {
    page_ = HPDF_AddPage(pdf_);
    font_ = nullptr;
    y_ = kPageHeight - kMargin;
    if (page_ == nullptr) return;
    pages_.push_back(page_);
    HPDF_Page_SetSize(page_, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
  }

  void add_continuation_page(bool with_table_header) {
    add_page();
    cell(to_win_ansi(doc_.company_name), fonts_.bold, 10, kContentLeft, kContentWidth / 2,
         Align::kLeft, Overflow::kClip);
    cell("Tax invoice " + number_ + " (continued)", fonts_.regular, 9,
         kContentLeft + kContentWidth / 2, kContentWidth / 2, Align::kRight, Overflow::kClip);
    y_ -= 16;
    rule(y_, 0.5F, kGrayRule);
    y_ -= 12;
    if (with_table_header) draw_table_header();
  }

  // Starts a new page unless `height` more points fit above the footer.
  void ensure_space(float height, bool with_table_header = false) {
    if (y_ - height < kBodyBottom) add_continuation_page(with_table_header);
  }

  // --- Drawing primitives; all do nothing without a page -------------------------------------

  void use_font(HPDF_Font font, float size) {
    if (page_ == nullptr || (font == font_ && size == size_)) return;
    HPDF_Page_SetFontAndSize(page_, font, size);
    font_ = font;
    size_ = size;
  }

  void fill_gray(float gray) {
    if (page_ != nullptr) HPDF_Page_SetGrayFill(page_, gray);
  }

  // Width of WinAnsi `text` in the current font; see kMaxMeasuredBytes.
  float width(std::string_view text) const {
    if (page_ == nullptr) return 0;
    const std::string measured(text.substr(0, kMaxMeasuredBytes));  // NUL-terminated
    return HPDF_Page_TextWidth(page_, measured.c_str());
  }

  // The longest prefix of `text` that fits `max_width` together with a trailing "...".
  std::string clip(const std::string& text, float max_width) const {
    if (width(text) <= max_width) return text;
    // Binary search: widths only grow with the prefix length.
    std::size_t fits = 0;
    std::size_t too_long = std::min(text.size(), kMaxMeasuredBytes);
    while (fits + 1 < too_long) {
      const std::size_t mid = fits + (too_long - fits) / 2;
      if (width(text.substr(0, mid) + "...") <= max_width) {
        fits = mid;
      } else {
        too_long = mid;
      }
    }
    std::string out = text.substr(0, fits);
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "...";
  }

  void show(float x, float baseline, const std::string& text) {
    if (page_ == nullptr || text.empty()) return;
    HPDF_Page_BeginText(page_);
    HPDF_Page_TextOut(page_, x, baseline, text.c_str());
    HPDF_Page_EndText(page_);
  }

  // Draws WinAnsi `text` on the baseline `size` points below y_, inside [x, x + w].
  void cell(const std::string& text, HPDF_Font font, float size, float x, float w, Align align,
            Overflow overflow) {
    cell_at(text, font, size, x, w, y_ - size, align, overflow);
  }

  void cell_at(const std::string& text, HPDF_Font font, float size, float x, float w,
               float baseline, Align align, Overflow overflow) {
    use_font(font, size);
    std::string shown = text;
    float shown_width = width(shown);
    if (shown_width > w && overflow == Overflow::kShrink) {
      // Width is proportional to size; 0.99 absorbs float rounding.
      use_font(font, std::max(kMinShrunkSize, size * w / shown_width * 0.99F));
      shown_width = width(shown);
    }
    if (shown_width > w) {
      shown = clip(shown, w);
      shown_width = width(shown);
    }
    show(align == Align::kRight ? x + w - shown_width : x, baseline, shown);
  }

  void rule(float y, float line_width, float gray) {
    if (page_ == nullptr) return;
    HPDF_Page_SetLineWidth(page_, line_width);
    HPDF_Page_SetGrayStroke(page_, gray);
    HPDF_Page_MoveTo(page_, kContentLeft, y);
    HPDF_Page_LineTo(page_, kContentRight, y);
    HPDF_Page_Stroke(page_);
  }

  // Word-wrapped WinAnsi lines of `text` (one paragraph) no wider than `max_width` in the
  // current font; a word wider than a line is broken. Linear in the text length, so notes of
  // any size cannot stall the renderer.
  std::vector<std::string> wrap(std::string_view text, float max_width) const {
    std::vector<std::string> lines;
    std::string line;
    std::size_t pos = 0;
    while (pos < text.size()) {
      const std::size_t end = std::min(text.find(' ', pos), text.size());
      std::string_view word = text.substr(pos, end - pos);
      pos = end + 1;
      if (word.empty()) continue;
      if (!line.empty()) {
        std::string longer = line;
        longer += ' ';
        longer += word;
        if (width(longer) <= max_width) {
          line = std::move(longer);
          continue;
        }
        lines.push_back(std::move(line));
      }
      while (width(word) > max_width) {
        std::size_t fits = 1;  // at least one character per line, so the loop ends
        std::size_t too_long = std::min(word.size(), kMaxMeasuredBytes);
        while (fits + 1 < too_long) {
          const std::size_t mid = fits + (too_long - fits) / 2;
          if (width(word.substr(0, mid)) <= max_width) {
            fits = mid;
          } else {
            too_long = mid;
          }
        }
        lines.emplace_back(word.substr(0, fits));
        word.remove_prefix(fits);
      }
      line = std::string(word);
    }
    if (!line.empty()) lines.push_back(std::move(line));
    return lines;
  }

  // Prints UTF-8 `text` across the full width, one paragraph per '\n', breaking pages.
  void paragraph(std::string_view text, HPDF_Font font, float size) {
    const float leading = size * 1.35F;
    std::size_t pos = 0;
    while (pos <= text.size()) {
      const std::size_t end = std::min(text.find('\n', pos), text.size());
      const std::string source = to_win_ansi(text.substr(pos, end - pos));
      pos = end + 1;
      use_font(font, size);
      std::vector<std::string> lines = wrap(source, kContentWidth);
      if (lines.empty()) lines.emplace_back();  // keep blank lines between paragraphs
      for (const std::string& line : lines) {
        ensure_space(leading);
        use_font(font, size);
        show(kContentLeft, y_ - size, line);
        y_ -= leading;
      }
    }
  }

  // --- Sections ------------------------------------------------------------------------------

  void draw_first_page_header() {
    const float top = y_;
    constexpr float kFactsWidth = 210;
    constexpr float kLabelWidth = 72;
    const float company_width = kContentWidth - kFactsWidth - 20;

    cell(to_win_ansi(doc_.company_name), fonts_.bold, 16, kContentLeft, company_width, Align::kLeft,
         Overflow::kClip);
    y_ -= 22;
    fill_gray(kGrayText);
    const std::size_t company_lines = std::min(doc_.company_lines.size(), kMaxCompanyLines);
    for (std::size_t i = 0; i < company_lines; ++i) {
      cell(to_win_ansi(doc_.company_lines[i]), fonts_.regular, 9, kContentLeft, company_width,
           Align::kLeft, Overflow::kClip);
      y_ -= 12;
    }
    fill_gray(0);
    const float company_bottom = y_;

    y_ = top;
    const float facts_left = kContentRight - kFactsWidth;
    cell("TAX INVOICE", fonts_.bold, 18, facts_left, kFactsWidth, Align::kRight, Overflow::kClip);
    y_ -= 28;
    std::vector<std::pair<std::string, std::string>> facts = {{"Invoice no.", number_}};
    if (!doc_.order_number.empty()) facts.emplace_back("Order no.", to_win_ansi(doc_.order_number));
    facts.emplace_back("Issue date", to_win_ansi(doc_.issue_date));
    facts.emplace_back("Due date", to_win_ansi(doc_.due_date));
    facts.emplace_back("Status", to_win_ansi(doc_.status));
    for (const auto& [label, value] : facts) {
      fill_gray(kGrayText);
      cell(label, fonts_.regular, 9, facts_left, kLabelWidth, Align::kLeft, Overflow::kClip);
      fill_gray(0);
      cell(value, fonts_.bold, 9, facts_left + kLabelWidth, kFactsWidth - kLabelWidth,
           Align::kRight, Overflow::kClip);
      y_ -= 13;
    }

    y_ = std::min(company_bottom, y_) - 6;
    rule(y_, 0.75F, kGrayRule);
    y_ -= 14;
  }

  void draw_bill_to() {
    const float width = kContentWidth / 2;
    fill_gray(kGrayText);
    cell("BILL TO", fonts_.bold, 8, kContentLeft, width, Align::kLeft, Overflow::kClip);
    fill_gray(0);
    y_ -= 13;
    cell(to_win_ansi(doc_.customer_name), fonts_.bold, 11, kContentLeft, width, Align::kLeft,
         Overflow::kClip);
    y_ -= 15;
    for (const std::string* field : {&doc_.customer_email, &doc_.customer_phone}) {
      if (field->empty()) continue;
      cell(to_win_ansi(*field), fonts_.regular, 9, kContentLeft, width, Align::kLeft,
           Overflow::kClip);
      y_ -= 12;
    }
    y_ -= 14;
  }

  void draw_table_header() {
    fill_gray(kGrayText);
    cell("All amounts in " + std::string(currency_), fonts_.regular, 7, kContentLeft, kContentWidth,
         Align::kRight, Overflow::kClip);
    y_ -= 10;
    if (page_ != nullptr) {
      fill_gray(kGrayHeaderFill);
      HPDF_Page_Rectangle(page_, kContentLeft, y_ - kTableHeaderHeight, kContentWidth,
                          kTableHeaderHeight);
      HPDF_Page_Fill(page_);
    }
    fill_gray(0);
    float x = kContentLeft;
    for (const Column& column : kColumns) {
      cell_at(column.title, fonts_.bold, kTableFontSize, x + kCellPadding,
              column.width - 2 * kCellPadding, y_ - 11, column.align, Overflow::kClip);
      x += column.width;
    }
    y_ -= kTableHeaderHeight;
  }

  void draw_lines() {
    draw_table_header();
    for (const PdfLine& line : doc_.lines) {
      ensure_space(kRowHeight, /*with_table_header=*/true);
      const std::array<std::string, kColumns.size()> cells = {
          to_win_ansi(line.sku),
          to_win_ansi(line.description),
          format_quantity(line.qty) + (line.unit.empty() ? "" : " " + to_win_ansi(line.unit)),
          format_number(line.unit_price),
          format_rate(line.vat_rate_hundredths),
          format_number(line.net),
          format_number(line.vat),
          format_number(line.total),
      };
      float x = kContentLeft;
      for (std::size_t i = 0; i < kColumns.size(); ++i) {
        cell_at(cells[i], fonts_.regular, kTableFontSize, x + kCellPadding,
                kColumns[i].width - 2 * kCellPadding, y_ - 10, kColumns[i].align,
                kColumns[i].overflow);
        x += kColumns[i].width;
      }
      y_ -= kRowHeight;
      rule(y_ + 0.5F, 0.25F, kGrayRule);
    }
  }

  void draw_totals() {
    constexpr float kTotalsRow = 15;
    constexpr float kLabelWidth = 100;
    constexpr float kValueWidth = 140;
    y_ -= 10;
    ensure_space(5 * kTotalsRow + 8);
    const std::array<std::tuple<const char*, const Money*, bool>, 5> rows = {{
        {"Subtotal", &doc_.subtotal, false},
        {"VAT", &doc_.vat_total, false},
        {"Total", &doc_.total, true},
        {"Paid", &doc_.amount_paid, false},
        {"Amount due", &doc_.amount_due, true},
    }};
    const float label_left = kContentRight - kValueWidth - kLabelWidth;
    for (const auto& [label, amount, bold] : rows) {
      const HPDF_Font font = bold ? fonts_.bold : fonts_.regular;
      cell(label, font, 9, label_left, kLabelWidth, Align::kLeft, Overflow::kClip);
      cell(format_amount(*amount), font, 9, kContentRight - kValueWidth, kValueWidth, Align::kRight,
           Overflow::kShrink);
      y_ -= kTotalsRow;
    }
  }

  void draw_payment_request() {
    y_ -= 12;
    std::string sentence = "Nothing is due on this invoice.";
    if (doc_.amount_due.minor_units() > 0) {
      sentence = "Please pay " + format_amount(doc_.amount_due);
      if (!doc_.due_date.empty()) sentence += " by " + doc_.due_date;
      sentence += '.';
    }
    paragraph(sentence, fonts_.bold, 10);
  }

  void draw_notes() {
    if (doc_.notes.find_first_not_of(" \t\r\n") == std::string::npos) return;
    y_ -= 12;
    ensure_space(2 * 13);
    fill_gray(kGrayText);
    cell("NOTES", fonts_.bold, 8, kContentLeft, kContentWidth, Align::kLeft, Overflow::kClip);
    fill_gray(0);
    y_ -= 12;
    paragraph(doc_.notes, fonts_.regular, 9);
  }

  void draw_footers() {
    const std::string total = std::to_string(pages_.size());
    // The number first: a long company name is clipped, the number never.
    const std::string left = "Invoice " + number_ + " - " + to_win_ansi(doc_.company_name);
    for (std::size_t i = 0; i < pages_.size(); ++i) {
      page_ = pages_[i];
      font_ = nullptr;  // the font cache belongs to the page we left
      rule(kFooterBaseline + 12, 0.5F, kGrayRule);
      fill_gray(kGrayText);
      cell_at(left, fonts_.regular, 8, kContentLeft, kContentWidth * 0.7F, kFooterBaseline,
              Align::kLeft, Overflow::kClip);
      cell_at("Page " + std::to_string(i + 1) + " of " + total, fonts_.regular, 8,
              kContentLeft + kContentWidth * 0.7F, kContentWidth * 0.3F, kFooterBaseline,
              Align::kRight, Overflow::kClip);
      fill_gray(0);
    }
  }

  HPDF_Doc pdf_;
  Fonts fonts_;
  const InvoiceDocument& doc_;
  std::string number_;
  std::string_view currency_;
  std::vector<HPDF_Page> pages_;
  HPDF_Page page_ = nullptr;  // the page being drawn; null after HPDF_AddPage failed
  HPDF_Font font_ = nullptr;  // font and size last set on page_
  float size_ = 0;
  float y_ = 0;  // top of the free space on page_
};

}  // namespace

std::string format_amount(const Money& amount) {
  std::string number = format_number(amount);
  const bool negative = number.starts_with('-');
  std::string out = negative ? "-" : "";
  out += amount.currency().code;
  out += ' ';
  out += negative ? number.substr(1) : number;
  return out;
}

Result<std::string> render_invoice_pdf(const InvoiceDocument& doc, const PdfOptions& options) {
  HpdfErrors errors;  // declared first: it must outlive the document that reports into it
  const DocPtr pdf(HPDF_New(&record_hpdf_error, &errors));
  if (!pdf) return render_error(errors, HPDF_FAILD_TO_ALLOC_MEM, doc.number);

  HPDF_SetCompressionMode(pdf.get(), options.compress ? HPDF_COMP_ALL : HPDF_COMP_NONE);
  HPDF_SetInfoAttr(pdf.get(), HPDF_INFO_TITLE, to_win_ansi("Invoice " + doc.number).c_str());
  HPDF_SetInfoAttr(pdf.get(), HPDF_INFO_CREATOR, "Smart Dairy ERP");
  const Fonts fonts{HPDF_GetFont(pdf.get(), "Helvetica", "WinAnsiEncoding"),
                    HPDF_GetFont(pdf.get(), "Helvetica-Bold", "WinAnsiEncoding")};
  if (fonts.regular == nullptr || fonts.bold == nullptr) {
    return render_error(errors, HPDF_INVALID_FONT_NAME, doc.number);
  }

  InvoiceLayout(pdf.get(), fonts, doc).render();
  if (errors.error_no != HPDF_OK) return render_error(errors, HPDF_OK, doc.number);

  if (const HPDF_STATUS status = HPDF_SaveToStream(pdf.get()); status != HPDF_OK) {
    return render_error(errors, status, doc.number);
  }
  const HPDF_UINT32 size = HPDF_GetStreamSize(pdf.get());
  std::string bytes(size, '\0');
  HPDF_UINT32 read = size;
  // Reading exactly the stream's size never hits its end, which libharu would report as
  // HPDF_STREAM_EOF through the error handler.
  const HPDF_STATUS status =
      size == 0 ? HPDF_INVALID_STREAM
                : HPDF_ReadFromStream(pdf.get(), reinterpret_cast<HPDF_BYTE*>(bytes.data()), &read);
  if (status != HPDF_OK || read != size || errors.error_no != HPDF_OK) {
    return render_error(errors, status, doc.number);
  }
  return bytes;
}

}  // namespace smartdairy::modules::billing
