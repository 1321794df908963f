#include "core/money.h"

#include <gtest/gtest.h>

#include <boost/json/value.hpp>
#include <cstdint>
#include <limits>
#include <string>

#include "core/json.h"

namespace smartdairy {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr Currency kUSD{"USD", 2};
constexpr Currency kJPY{"JPY", 0};
constexpr Currency kKWD{"KWD", 3};

Money bdt(std::int64_t minor) { return Money::from_minor(minor, kBDT); }

// Parses `text` as BDT and returns the minor units, failing the test on error.
std::int64_t minor_of(std::string_view text) {
  Result<Money> m = Money::parse(text, kBDT);
  EXPECT_TRUE(m.ok()) << text << ": " << (m.ok() ? "" : m.error().message);
  return m.ok() ? m->minor_units() : -1;
}

std::string error_code_of(std::string_view text, Currency currency = kBDT) {
  Result<Money> m = Money::parse(text, currency);
  return m.ok() ? "ok" : m.error().code;
}

// Runs `body` through the strict parser, then Money::from_json, as a request would.
Result<Money> from_request_json(std::string_view body) {
  Result<boost::json::value> v = parse_json(body);
  EXPECT_TRUE(v.ok()) << body;
  return Money::from_json(*v, kBDT);
}

TEST(MoneyParseTest, ParsesDecimalTextExactly) {
  EXPECT_EQ(minor_of("1234.50"), 123450);
  EXPECT_EQ(minor_of("1234.5"), 123450);
  EXPECT_EQ(minor_of("1234"), 123400);
  EXPECT_EQ(minor_of("0.1"), 10);
  EXPECT_EQ(minor_of("99.99"), 9999);
  EXPECT_EQ(minor_of("-0.05"), -5);
  EXPECT_EQ(minor_of("-0"), 0);
  EXPECT_EQ(minor_of("0.00"), 0);
  EXPECT_EQ(minor_of("007.50"), 750);  // leading zeros are harmless
}

TEST(MoneyParseTest, RejectsMalformedText) {
  for (const char* text : {"", "-", "+1", "1.", ".5", "-.5", "1e3", "1E3", " 1", "1 ", "1,000",
                           "1.2.3", "--1", "0x10", "１", "NaN", "inf", "1_000"}) {
    EXPECT_EQ(error_code_of(text), "invalid_amount") << '"' << text << '"';
  }
}

TEST(MoneyParseTest, MoreDecimalsThanTheCurrencyHasIsRejectedNotRounded) {
  Result<Money> m = Money::parse("1.234", kBDT);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().kind, ErrorKind::kUnprocessable);
  EXPECT_EQ(m.error().code, "invalid_amount");
  EXPECT_EQ(m.error().message, "BDT amounts have at most 2 decimal places; got \"1.234\".");
  EXPECT_EQ(error_code_of("1.500", kBDT), "invalid_amount");

  Result<Money> yen = Money::parse("5.0", kJPY);
  ASSERT_FALSE(yen.ok());
  EXPECT_EQ(yen.error().message, "JPY amounts have no decimal places; got \"5.0\".");
  EXPECT_EQ(Money::parse("5", kJPY)->minor_units(), 5);
  EXPECT_EQ(Money::parse("1.234", kKWD)->minor_units(), 1234);
}

TEST(MoneyParseTest, Int64EdgesAreExactAndOverflowIsAnError) {
  EXPECT_EQ(minor_of("92233720368547758.07"), kMax);
  EXPECT_EQ(minor_of("-92233720368547758.08"), kMin);
  EXPECT_EQ(minor_of("00000000000000000000092233720368547758.07"), kMax);
  EXPECT_EQ(error_code_of("92233720368547758.08"), "amount_out_of_range");
  EXPECT_EQ(error_code_of("-92233720368547758.09"), "amount_out_of_range");
  EXPECT_EQ(error_code_of("92233720368547759"), "amount_out_of_range");
  EXPECT_EQ(error_code_of("9223372036854775807", kJPY), "ok");
  EXPECT_EQ(error_code_of("9223372036854775808", kJPY), "amount_out_of_range");
  EXPECT_EQ(error_code_of("99999999999999999999999999999"), "amount_out_of_range");
}

TEST(MoneyParseTest, LongInputIsEchoedBoundedAndPrintable) {
  Result<Money> m = Money::parse(std::string(1000, '1') + "x\xff", kBDT);
  ASSERT_FALSE(m.ok());
  EXPECT_LT(m.error().message.size(), 200u);
}

TEST(MoneyToStringTest, CanonicalDecimalText) {
  EXPECT_EQ(bdt(123450).to_string(), "1234.50");
  EXPECT_EQ(bdt(-5).to_string(), "-0.05");
  EXPECT_EQ(bdt(0).to_string(), "0.00");
  EXPECT_EQ(bdt(7).to_string(), "0.07");
  EXPECT_EQ(bdt(100).to_string(), "1.00");
  EXPECT_EQ(bdt(kMax).to_string(), "92233720368547758.07");
  EXPECT_EQ(bdt(kMin).to_string(), "-92233720368547758.08");
  EXPECT_EQ(Money::from_minor(-42, kJPY).to_string(), "-42");
  EXPECT_EQ(Money::from_minor(5, kKWD).to_string(), "0.005");
  EXPECT_EQ(bdt(123450).to_json(), boost::json::value("1234.50"));
}

TEST(MoneyToStringTest, RoundTripsThroughParse) {
  for (std::int64_t minor : {kMin, kMin + 1, std::int64_t{-100}, std::int64_t{-1}, std::int64_t{0},
                             std::int64_t{1}, std::int64_t{99}, kMax}) {
    EXPECT_EQ(Money::parse(bdt(minor).to_string(), kBDT)->minor_units(), minor);
  }
}

TEST(MoneyFromJsonTest, AcceptsStringsIntegersAndShortDoublesExactly) {
  EXPECT_EQ(from_request_json("\"1234.50\"")->minor_units(), 123450);
  EXPECT_EQ(from_request_json("99.99")->minor_units(), 9999);
  EXPECT_EQ(from_request_json("0.1")->minor_units(), 10);
  EXPECT_EQ(from_request_json("0.3")->minor_units(), 30);
  EXPECT_EQ(from_request_json("-0.05")->minor_units(), -5);
  EXPECT_EQ(from_request_json("1.10")->minor_units(), 110);
  EXPECT_EQ(from_request_json("1.5e2")->minor_units(), 15000);
  EXPECT_EQ(from_request_json("-0.0")->minor_units(), 0);
  EXPECT_EQ(from_request_json("42")->minor_units(), 4200);
  EXPECT_EQ(from_request_json("-42")->minor_units(), -4200);
  // 15 significant digits is the most a double carries exactly.
  EXPECT_EQ(from_request_json("9999999999999.99")->minor_units(), 999999999999999);
  EXPECT_EQ(from_request_json("1234567890123.45")->minor_units(), 123456789012345);
}

TEST(MoneyFromJsonTest, ComputedDoublesAreNotSilentlyRounded) {
  // 0.1 + 0.2 is 0.30000000000000004 in binary; it must not become 0.30.
  Result<Money> m = Money::from_json(boost::json::value(0.1 + 0.2), kBDT);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, "invalid_amount");
  EXPECT_EQ(Money::from_json(boost::json::value(1.005), kBDT).error().code, "invalid_amount");
}

TEST(MoneyFromJsonTest, RangeAndTypeErrors) {
  EXPECT_EQ(from_request_json("92233720368547758")->minor_units(), 9223372036854775800);
  EXPECT_EQ(from_request_json("92233720368547759").error().code, "amount_out_of_range");
  EXPECT_EQ(from_request_json("18446744073709551615").error().code, "amount_out_of_range");
  EXPECT_EQ(from_request_json("1e300").error().code, "amount_out_of_range");
  EXPECT_EQ(from_request_json("1e-300").error().code, "invalid_amount");
  for (const char* body : {"true", "null", "[]", "{}", "\"\"", "\"1e3\""}) {
    Result<Money> m = from_request_json(body);
    ASSERT_FALSE(m.ok()) << body;
    EXPECT_EQ(m.error().code, "invalid_amount") << body;
  }
  EXPECT_EQ(Money::from_json(boost::json::value(std::numeric_limits<double>::infinity()), kBDT)
                .error()
                .code,
            "invalid_amount");
}

TEST(MoneyArithmeticTest, AddSubMultiplyAreChecked) {
  EXPECT_EQ(bdt(150).add(bdt(250))->minor_units(), 400);
  EXPECT_EQ(bdt(150).sub(bdt(250))->minor_units(), -100);
  EXPECT_EQ(bdt(150).multiply(3)->minor_units(), 450);
  EXPECT_EQ(bdt(-150).multiply(-3)->minor_units(), 450);

  EXPECT_EQ(bdt(kMax).add(bdt(1)).error().code, "amount_out_of_range");
  EXPECT_EQ(bdt(kMin).sub(bdt(1)).error().code, "amount_out_of_range");
  EXPECT_EQ(bdt(kMin).multiply(-1).error().code, "amount_out_of_range");
  EXPECT_EQ(bdt(kMax / 2 + 1).multiply(2).error().code, "amount_out_of_range");
  EXPECT_EQ(bdt(kMax).add(bdt(0))->minor_units(), kMax);
  EXPECT_EQ(bdt(kMax).add(bdt(kMin))->minor_units(), -1);

  Result<Money> err = bdt(kMax).add(bdt(1));
  EXPECT_EQ(err.error().message,
            "Amount is outside the supported range of +/-92233720368547758.07 BDT.");
}

TEST(MoneyArithmeticTest, CurrencyMismatchIsAnError) {
  Result<Money> sum = bdt(100).add(Money::from_minor(100, kUSD));
  ASSERT_FALSE(sum.ok());
  EXPECT_EQ(sum.error().code, "currency_mismatch");
  EXPECT_EQ(sum.error().message, "Cannot add 1.00 USD to 1.00 BDT: convert to one currency first.");
  EXPECT_EQ(bdt(100).sub(Money::from_minor(100, kUSD)).error().code, "currency_mismatch");
}

TEST(MoneyApplyRateTest, RoundsHalfAwayFromZero) {
  // 15 % VAT on 1234.50 BDT = 185.175 -> 185.18.
  EXPECT_EQ(bdt(123450).apply_rate(1500)->minor_units(), 18518);
  // 4.25 % of 100.00 = 4.25 exactly.
  EXPECT_EQ(bdt(10000).apply_rate(425)->minor_units(), 425);
  // 50 % of 0.05 = 0.025 -> 0.03; of -0.05 -> -0.03 (away from zero, not up).
  EXPECT_EQ(bdt(5).apply_rate(5000)->minor_units(), 3);
  EXPECT_EQ(bdt(-5).apply_rate(5000)->minor_units(), -3);
  EXPECT_EQ(bdt(5).apply_rate(-5000)->minor_units(), -3);
  // Below half a minor unit rounds toward zero, above it away: 2.49 -> 2, 2.5002 -> 3.
  EXPECT_EQ(bdt(249).apply_rate(1000)->minor_units(), 25);  // 24.9 -> 25
  EXPECT_EQ(bdt(3).apply_rate(8300)->minor_units(), 2);
  EXPECT_EQ(bdt(-3).apply_rate(8300)->minor_units(), -2);
  EXPECT_EQ(bdt(3).apply_rate(8334)->minor_units(), 3);  // 2.5002 -> 3
  EXPECT_EQ(bdt(1).apply_rate(4999)->minor_units(), 0);
  EXPECT_EQ(bdt(1).apply_rate(5000)->minor_units(), 1);
  EXPECT_EQ(bdt(-1).apply_rate(5000)->minor_units(), -1);
  EXPECT_EQ(bdt(12345).apply_rate(0)->minor_units(), 0);
  EXPECT_EQ(bdt(12345).apply_rate(10000)->minor_units(), 12345);
}

TEST(MoneyApplyRateTest, LargeAmountsUseWideIntermediates) {
  // kMax * 1500 overflows int64, but the result fits.
  EXPECT_EQ(bdt(kMax).apply_rate(1500)->minor_units(), 1383505805528216371);  // .05
  EXPECT_EQ(bdt(kMin).apply_rate(10000)->minor_units(), kMin);
  EXPECT_EQ(bdt(kMax).apply_rate(10001).error().code, "amount_out_of_range");
  EXPECT_EQ(bdt(kMin).apply_rate(-10000).error().code, "amount_out_of_range");
}

TEST(MoneyCompareTest, OrdersWithinACurrencyOnly) {
  EXPECT_EQ(bdt(100), bdt(100));
  EXPECT_NE(bdt(100), bdt(101));
  EXPECT_LT(bdt(-1), bdt(0));
  EXPECT_GE(bdt(5), bdt(5));
  const Money usd = Money::from_minor(100, kUSD);
  EXPECT_NE(bdt(100), usd);
  EXPECT_FALSE(bdt(1) < usd);
  EXPECT_FALSE(usd < bdt(1));
  EXPECT_EQ(Money(), bdt(0));
}

}  // namespace
}  // namespace smartdairy
