#include "core/money.h"

#include <boost/json/value.hpp>
#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

namespace smartdairy {

namespace {

// Products of two int64 always fit, so apply_rate can round before range-checking.
__extension__ typedef __int128 Int128;

constexpr std::size_t kMaxEchoedChars = 40;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// User text echoed in messages: bounded, and reduced to printable ASCII so that cutting it
// short can never leave half a UTF-8 sequence in the error body.
std::string echo(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, kMaxEchoedChars)) {
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  if (text.size() > kMaxEchoedChars) out += "...";
  return out;
}

std::string label(const Money& m) { return m.to_string() + " " + std::string(m.currency().code); }

Error not_a_number(std::string_view text) {
  return Error::unprocessable("invalid_amount",
                              "Amount \"" + echo(text) +
                                  "\" is not a decimal number; send it as a string like "
                                  "\"1234.50\" (digits, optional '-' and '.', no exponent).");
}

Error too_many_decimals(std::string_view text, Currency currency) {
  std::string allowed = currency.decimals == 0
                            ? "no decimal places"
                            : "at most " + std::to_string(currency.decimals) + " decimal places";
  return Error::unprocessable("invalid_amount", std::string(currency.code) + " amounts have " +
                                                    allowed + "; got \"" + echo(text) + "\".");
}

Error out_of_range(Currency currency) {
  Money max = Money::from_minor(std::numeric_limits<std::int64_t>::max(), currency);
  return Error::unprocessable("amount_out_of_range",
                              "Amount is outside the supported range of +/-" + label(max) + ".");
}

// `action` reads like "add 1.00 USD to 2.00 BDT".
Error currency_mismatch(const std::string& action) {
  return Error::unprocessable("currency_mismatch",
                              "Cannot " + action + ": convert to one currency first.");
}

}  // namespace

Result<Money> Money::parse(std::string_view text, Currency currency) {
  std::size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++i;
  const std::size_t int_begin = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  const std::string_view int_digits = text.substr(int_begin, i - int_begin);
  if (int_digits.empty()) return not_a_number(text);
  std::string_view frac_digits;
  if (i < text.size() && text[i] == '.') {
    const std::size_t frac_begin = ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
    frac_digits = text.substr(frac_begin, i - frac_begin);
    if (frac_digits.empty()) return not_a_number(text);
  }
  if (i != text.size()) return not_a_number(text);
  if (frac_digits.size() > static_cast<std::size_t>(currency.decimals)) {
    return too_many_decimals(text, currency);
  }

  // Accumulating with the sign applied digit by digit reaches INT64_MIN without overflow.
  std::int64_t acc = 0;
  auto push = [&acc, negative](int digit) {
    return !__builtin_mul_overflow(acc, 10, &acc) &&
           !__builtin_add_overflow(acc, negative ? -digit : digit, &acc);
  };
  for (char c : int_digits) {
    if (!push(c - '0')) return out_of_range(currency);
  }
  for (char c : frac_digits) {
    if (!push(c - '0')) return out_of_range(currency);
  }
  for (std::size_t pad = frac_digits.size(); pad < static_cast<std::size_t>(currency.decimals);
       ++pad) {
    if (!push(0)) return out_of_range(currency);
  }
  return Money(acc, currency);
}

Result<Money> Money::from_json(const boost::json::value& json, Currency currency) {
  switch (json.kind()) {
    case boost::json::kind::string: {
      const boost::json::string& s = json.get_string();
      return parse(std::string_view(s.data(), s.size()), currency);
    }
    case boost::json::kind::int64:
    case boost::json::kind::uint64: {
      std::int64_t whole = 0;
      if (json.is_uint64()) {
        if (json.get_uint64() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
          return out_of_range(currency);
        }
        whole = static_cast<std::int64_t>(json.get_uint64());
      } else {
        whole = json.get_int64();
      }
      for (int d = 0; d < currency.decimals; ++d) {
        if (__builtin_mul_overflow(whole, 10, &whole)) return out_of_range(currency);
      }
      return Money(whole, currency);
    }
    case boost::json::kind::double_: {
      const double d = json.get_double();
      if (!std::isfinite(d)) {
        return Error::unprocessable("invalid_amount", "An amount must be a finite number.");
      }
      // Shortest round-trip text in fixed notation: the decimal the client wrote, provided it
      // had at most 15 significant digits. Anything longer shows up as excess decimals.
      char buf[512];
      const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::fixed);
      if (ec != std::errc()) return out_of_range(currency);
      return parse(std::string_view(buf, static_cast<std::size_t>(end - buf)), currency);
    }
    default:
      return Error::unprocessable(
          "invalid_amount", "An amount must be a decimal string like \"1234.50\" or a number.");
  }
}

std::string Money::to_string() const {
  const bool negative = minor_ < 0;
  // Unsigned negation keeps INT64_MIN representable.
  const std::uint64_t magnitude =
      negative ? 0 - static_cast<std::uint64_t>(minor_) : static_cast<std::uint64_t>(minor_);
  std::string digits = std::to_string(magnitude);
  const auto decimals = static_cast<std::size_t>(currency_.decimals);
  if (decimals > 0) {
    if (digits.size() <= decimals) digits.insert(0, decimals + 1 - digits.size(), '0');
    digits.insert(digits.size() - decimals, 1, '.');
  }
  return negative ? "-" + digits : digits;
}

boost::json::value Money::to_json() const { return boost::json::value(to_string()); }

Result<Money> Money::add(const Money& other) const {
  if (currency_ != other.currency_)
    return currency_mismatch("add " + label(other) + " to " + label(*this));
  std::int64_t sum = 0;
  if (__builtin_add_overflow(minor_, other.minor_, &sum)) return out_of_range(currency_);
  return Money(sum, currency_);
}

Result<Money> Money::sub(const Money& other) const {
  if (currency_ != other.currency_)
    return currency_mismatch("subtract " + label(other) + " from " + label(*this));
  std::int64_t diff = 0;
  if (__builtin_sub_overflow(minor_, other.minor_, &diff)) return out_of_range(currency_);
  return Money(diff, currency_);
}

Result<Money> Money::multiply(std::int64_t qty) const {
  std::int64_t product = 0;
  if (__builtin_mul_overflow(minor_, qty, &product)) return out_of_range(currency_);
  return Money(product, currency_);
}

Result<Money> Money::apply_rate(std::int64_t hundredths_of_percent) const {
  constexpr Int128 kDenominator = 10000;
  const Int128 product = static_cast<Int128>(minor_) * hundredths_of_percent;
  Int128 quotient = product / kDenominator;
  const Int128 remainder = product % kDenominator;  // carries the sign of product
  if (remainder * 2 >= kDenominator) {
    ++quotient;
  } else if (remainder * 2 <= -kDenominator) {
    --quotient;
  }
  if (quotient > std::numeric_limits<std::int64_t>::max() ||
      quotient < std::numeric_limits<std::int64_t>::min()) {
    return out_of_range(currency_);
  }
  return Money(static_cast<std::int64_t>(quotient), currency_);
}

}  // namespace smartdairy
