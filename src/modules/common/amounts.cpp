#include "modules/common/amounts.h"

namespace smartdairy::modules {

Result<LineAmounts> price_line(int64_t unit_price, int64_t qty, int64_t vat_rate, Currency cur) {
  SD_ASSIGN_OR_RETURN(Money net, Money::from_minor(unit_price, cur).multiply(qty));
  SD_ASSIGN_OR_RETURN(Money vat, net.apply_rate(vat_rate));
  SD_ASSIGN_OR_RETURN(Money total, net.add(vat));
  return LineAmounts{net.minor_units(), vat.minor_units(), total.minor_units()};
}

Status DocumentTotals::add(const LineAmounts& line) {
  constexpr std::string_view kWhat = "The total is too large; split it into smaller documents.";
  SD_ASSIGN_OR_RETURN(subtotal, checked_add(subtotal, line.net, kWhat));
  SD_ASSIGN_OR_RETURN(vat_total, checked_add(vat_total, line.vat, kWhat));
  SD_ASSIGN_OR_RETURN(total, checked_add(total, line.total, kWhat));
  return {};
}

Result<int64_t> checked_add(int64_t a, int64_t b, std::string_view message) {
  int64_t out = 0;
  if (__builtin_add_overflow(a, b, &out)) {
    return Error::unprocessable("amount_out_of_range", std::string(message));
  }
  return out;
}

std::string amount_text(int64_t minor, Currency cur) {
  return std::string(cur.code) + " " + Money::from_minor(minor, cur).to_string();
}

}  // namespace smartdairy::modules
