#pragma once

#include <boost/json/fwd.hpp>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace smartdairy {

// An ISO 4217 currency and how many minor-unit decimals it has (0..18).
struct Currency {
  std::string_view code;
  int decimals;

  friend constexpr bool operator==(const Currency&, const Currency&) = default;
};

// The default currency (DESIGN.md §5).
inline constexpr Currency kBDT{"BDT", 2};

// An exact amount: int64 minor units plus its currency (DESIGN.md §5, SR-10). Arithmetic is
// checked and returns an error on overflow or currency mismatch instead of wrapping.
class Money {
 public:
  // Zero BDT, so that domain structs can be default-constructed; assign before use.
  constexpr Money() : minor_(0), currency_(kBDT) {}

  // The amount `minor` (e.g. paisa for BDT) in `currency`.
  static constexpr Money from_minor(std::int64_t minor, Currency currency) {
    return Money(minor, currency);
  }

  // Parses a decimal string exactly: optional '-', at least one digit, then optionally '.'
  // and 1..currency.decimals digits ("1234.50", "-0.05", "007"). Rejects "", "+1", "1.",
  // ".5", exponents and spaces (422 "invalid_amount"); int64 overflow is 422
  // "amount_out_of_range".
  static Result<Money> parse(std::string_view decimal_text, Currency currency);

  // Accepts a decimal string (see parse), a JSON integer (whole units) or a JSON double. A
  // double is converted through its shortest round-trip text, which is exact for values
  // that parse_json admits (at most 15 significant digits).
  static Result<Money> from_json(const boost::json::value& json, Currency currency);

  std::int64_t minor_units() const { return minor_; }
  Currency currency() const { return currency_; }

  // Canonical decimal text with exactly currency.decimals decimals: "1234.50", "-0.05".
  std::string to_string() const;
  // The JSON form of an amount: the decimal string of to_string().
  boost::json::value to_json() const;

  // Checked arithmetic: 422 "currency_mismatch" or "amount_out_of_range" on failure.
  Result<Money> add(const Money& other) const;
  Result<Money> sub(const Money& other) const;
  Result<Money> multiply(std::int64_t qty) const;

  // This amount times rate / 10000 (rate in hundredths of a percent: 15 % VAT is 1500),
  // rounded half away from zero to whole minor units: 0.05 BDT * 50 % -> 0.03, and -0.03.
  Result<Money> apply_rate(std::int64_t hundredths_of_percent) const;

  friend bool operator==(const Money&, const Money&) = default;
  // Amounts in different currencies are unordered: a < b and b < a are both false.
  friend std::partial_ordering operator<=>(const Money& a, const Money& b) {
    if (a.currency_ != b.currency_) return std::partial_ordering::unordered;
    return a.minor_ <=> b.minor_;
  }

 private:
  constexpr Money(std::int64_t minor, Currency currency) : minor_(minor), currency_(currency) {}

  std::int64_t minor_;
  Currency currency_;
};

}  // namespace smartdairy
