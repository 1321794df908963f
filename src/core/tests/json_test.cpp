#include "core/json.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace smartdairy {
namespace {

// gmock is not linked into unit tests, so a plain predicate stands in for HasSubstr.
::testing::AssertionResult contains(const std::string& text, std::string_view needle) {
  if (text.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << '"' << text << "\" lacks \"" << needle << '"';
}

// The error message of parse_json(text), or "ok"; checks kind and code on the way.
std::string parse_error(std::string_view text) {
  Result<boost::json::value> v = parse_json(text);
  if (v.ok()) return "ok";
  EXPECT_EQ(v.error().kind, ErrorKind::kBadRequest);
  EXPECT_EQ(v.error().code, "malformed_json");
  return v.error().message;
}

std::string nested_arrays(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

std::string nested_objects(int depth) {
  std::string s;
  for (int i = 0; i < depth; ++i) s += "{\"a\":";
  s += "1";
  return s + std::string(depth, '}');
}

TEST(ParseJsonTest, ParsesValuesAndKeepsIntegersIntegers) {
  Result<boost::json::value> v =
      parse_json(R"( {"name": "ঘি \u0041 \ud83d\udc04", "qty": 3, "big": 18446744073709551615,)"
                 R"( "min": -9223372036854775808, "price": 99.99, "ok": true, "none": null,)"
                 R"( "lines": [{"a": 1}, {"a": 2}]} )");
  ASSERT_TRUE(v.ok()) << v.error().message;
  const boost::json::object& o = v->as_object();
  EXPECT_EQ(o.at("name").as_string(), "ঘি A \xF0\x9F\x90\x84");
  EXPECT_TRUE(o.at("qty").is_int64());
  EXPECT_EQ(o.at("qty").as_int64(), 3);
  EXPECT_TRUE(o.at("big").is_uint64());
  EXPECT_EQ(o.at("big").as_uint64(), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(o.at("min").as_int64(), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(o.at("price").as_double(), 99.99);
  EXPECT_TRUE(o.at("none").is_null());
  EXPECT_EQ(o.at("lines").as_array().size(), 2u);
  EXPECT_EQ(to_json_string(*v),
            R"({"name":"ঘি A )"
            "\xF0\x9F\x90\x84"
            R"(","qty":3,"big":18446744073709551615,"min":-9223372036854775808,)"
            R"("price":9.999E1,"ok":true,"none":null,"lines":[{"a":1},{"a":2}]})");
}

TEST(ParseJsonTest, RejectsEmptyBody) {
  EXPECT_EQ(parse_error(""), "Request body is empty; send a JSON value.");
  EXPECT_EQ(parse_error(" \r\n\t"), "Request body is empty; send a JSON value.");
}

TEST(ParseJsonTest, RejectsDuplicateKeysNamingKeyAndOffset) {
  EXPECT_EQ(parse_error(R"({"qty":1,"qty":2})"),
            "Request body is not valid JSON: duplicate key \"qty\"; send each key once (at byte "
            "offset 9).");
  EXPECT_TRUE(contains(parse_error(R"({"a":{"b":1,"c":2,"b":3}})"), "duplicate key \"b\""));
  EXPECT_TRUE(contains(parse_error(R"([{"x":[{"k":1,"k":1}]}])"), "duplicate key \"k\""));
  // The same key spelled with an escape is still the same key.
  EXPECT_TRUE(contains(parse_error(R"({"ab":1,"a\u0062":2})"),
                       "duplicate key \"ab\"; send each key once (at byte offset 8)"));
  EXPECT_TRUE(contains(parse_error(R"({"q\"\\":1, "q\"\\" :2})"), "(at byte offset 12)"));
  EXPECT_TRUE(contains(parse_error(R"({"ঘি":1,"ঘি":2})"), "duplicate key \"ঘি\""));
  // The same key in different objects, or after a nested object closes, is fine.
  EXPECT_EQ(parse_error(R"({"a":{"a":1},"b":{"a":2}})"), "ok");
  EXPECT_EQ(parse_error(R"([{"a":1},{"a":1}])"), "ok");
  EXPECT_EQ(parse_error(R"({"a":{"b":{}},"b":1})"), "ok");
}

TEST(ParseJsonTest, DepthLimitIs32) {
  EXPECT_EQ(parse_error(nested_arrays(32)), "ok");
  EXPECT_EQ(parse_error(nested_objects(32)), "ok");
  EXPECT_EQ(parse_error(nested_arrays(33)),
            "Request body is not valid JSON: objects and arrays nest deeper than 32 levels (at "
            "byte offset 32).");
  EXPECT_TRUE(contains(parse_error(nested_objects(33)), "deeper than 32 levels"));
  EXPECT_TRUE(contains(parse_error(nested_arrays(100000)), "deeper than 32 levels"));
}

TEST(ParseJsonTest, RejectsInvalidUtf8) {
  const std::vector<std::string> bad = {
      "\"ab\xff\"",            // never valid in UTF-8
      "\"\xc0\xaf\"",          // overlong '/'
      "\"\xe0\x80\xaf\"",      // overlong, 3 bytes
      "\"\xf0\x80\x80\xaf\"",  // overlong, 4 bytes
      "\"\xed\xa0\x80\"",      // UTF-16 surrogate encoded in UTF-8
      "\"\xf4\x90\x80\x80\"",  // beyond U+10FFFF
      "\"\xe2\x82\"",          // truncated sequence
      "\"\x80\"",              // lone continuation byte
      "{\"k\xff\":1}",         // in a key
  };
  for (const std::string& text : bad) {
    EXPECT_TRUE(contains(parse_error(text), "invalid UTF-8")) << text;
  }
  EXPECT_EQ(parse_error("\"ab\xff\""),
            "Request body is not valid JSON: invalid UTF-8 (byte 0xFF); send the body as UTF-8 "
            "(at byte offset 3).");
  EXPECT_EQ(parse_error("\"\xe2\x82\xac \xf0\x9f\x90\x84\""), "ok");
}

TEST(ParseJsonTest, RejectsUnpairedSurrogateEscapes) {
  for (const char* text : {R"("\ud800")", R"("\udc00")", R"("\ud800\u0041")", R"("\ud800x")",
                           R"("\uDBFF")", R"({"\ud800":1})"}) {
    EXPECT_TRUE(contains(parse_error(text), "surrogate pair")) << text;
  }
  EXPECT_TRUE(contains(parse_error(R"("\u12G4")"), "four hex digits"));
}

TEST(ParseJsonTest, RejectsTrailingContent) {
  EXPECT_EQ(parse_error("[1] x"),
            "Request body is not valid JSON: unexpected content after the JSON value; send "
            "exactly one value (at byte offset 4).");
  EXPECT_TRUE(contains(parse_error("{} {}"), "after the JSON value"));
  EXPECT_TRUE(contains(parse_error("1 2"), "after the JSON value"));
  EXPECT_TRUE(contains(parse_error(std::string("{}\0", 3)), "after the JSON value"));
  EXPECT_EQ(parse_error("{}  \n"), "ok");
}

TEST(ParseJsonTest, RejectsCommentsAndTrailingCommas) {
  EXPECT_EQ(parse_error("[1 // one\n]"),
            "Request body is not valid JSON: comments are not allowed in JSON (at byte offset "
            "3).");
  EXPECT_TRUE(contains(parse_error("/* c */ {}"), "comments are not allowed"));
  EXPECT_EQ(parse_error("[1, 2,]"),
            "Request body is not valid JSON: trailing comma before ']' (at byte offset 6).");
  EXPECT_TRUE(contains(parse_error("{\"a\":1 , \n}"), "trailing comma before '}'"));
}

TEST(ParseJsonTest, DescribesOtherSyntaxErrors) {
  EXPECT_EQ(parse_error("{\"a\":"),
            "Request body is not valid JSON: the body ends before the JSON value is complete (at "
            "byte offset 5).");
  EXPECT_TRUE(contains(parse_error("{'a':1}"), "unexpected character ''' (at byte offset 1)"));
  EXPECT_TRUE(contains(parse_error("\"a\nb\""), "control character 0x0A"));
  EXPECT_TRUE(contains(parse_error("[NaN]"), "unexpected character 'N'"));
  EXPECT_TRUE(contains(parse_error("[ঘ]"), "unexpected non-ASCII character"));
}

TEST(ParseJsonTest, NumbersWithMoreThan15SignificantDigitsAreRejected) {
  EXPECT_EQ(parse_error("[0.123456789012345]"), "ok");
  EXPECT_EQ(parse_error("1234567890123.45"), "ok");
  EXPECT_EQ(parse_error("1.50000000000000000000"), "ok");  // trailing zeros demand nothing
  EXPECT_EQ(parse_error("0.000000000000000000001"), "ok");
  EXPECT_EQ(parse_error("[1, 0.1234567890123456]"),
            "Request body is not valid JSON: number 0.1234567890123456 has 16 significant "
            "digits, more than the 15 a double holds exactly; send exact amounts as decimal "
            "strings, e.g. \"1234.50\" (at byte offset 4).");
  EXPECT_TRUE(contains(parse_error("1234567890123.456"), "16 significant digits"));
  EXPECT_TRUE(contains(parse_error("1.234567890123456e3"), "16 significant digits"));
  EXPECT_TRUE(contains(parse_error("{\"p\": 100000000000000.01}"), "17 significant digits"));
}

TEST(ParseJsonTest, IntegersBeyond64BitsAreRejected) {
  EXPECT_EQ(parse_error("[18446744073709551616]"),
            "Request body is not valid JSON: integer 18446744073709551616 does not fit in 64 "
            "bits; send exact amounts as decimal strings, e.g. \"1234.50\" (at byte offset 1).");
  EXPECT_TRUE(contains(parse_error("-9223372036854775809"), "does not fit in 64 bits"));
  EXPECT_TRUE(contains(parse_error(std::string(400, '9')), "does not fit in 64 bits"));
}

TEST(ParseJsonTest, NumbersOutsideTheNormalDoubleRangeAreRejected) {
  EXPECT_TRUE(contains(parse_error("1e400"), "number 1e400 is out of range"));
  EXPECT_TRUE(contains(parse_error("-1e400"), "out of range"));
  EXPECT_TRUE(contains(parse_error("1e-400"), "out of range"));
  EXPECT_TRUE(contains(parse_error("4e-320"), "out of range"));  // subnormal
  EXPECT_EQ(parse_error("0e400"), "ok");
  EXPECT_EQ(parse_error("1e308"), "ok");
}

TEST(ParseJsonTest, ShortDoublesKeepTheirDecimalText) {
  // The property Money::from_json relies on.
  Result<boost::json::value> v = parse_json("[0.1, 0.3, 99.99, 1.005, 123456789012.345]");
  ASSERT_TRUE(v.ok());
  const boost::json::array& a = v->as_array();
  EXPECT_EQ(a[0].as_double(), 0.1);
  EXPECT_EQ(a[1].as_double(), 0.3);
  EXPECT_EQ(a[2].as_double(), 99.99);
  EXPECT_EQ(a[3].as_double(), 1.005);
  EXPECT_EQ(a[4].as_double(), 123456789012.345);
}

// --- FieldReader ---

boost::json::value body(std::string_view text) {
  Result<boost::json::value> v = parse_json(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : boost::json::value();
}

TEST(FieldReaderTest, ReadsTypedFields) {
  const boost::json::value b =
      body(R"({"name":"Ghee 1kg","note":null,"qty":12,"paid":true,"price":"450.50",)"
           R"("discount":1.5,"lines":[{"sku":"G-1"}]})");
  FieldReader r(b);
  EXPECT_EQ(*r.required_string("name", 100), "Ghee 1kg");
  EXPECT_EQ(*r.optional_string("note", 100), std::nullopt);
  EXPECT_EQ(*r.optional_string("absent", 100), std::nullopt);
  EXPECT_EQ(*r.required_int64("qty", 1, 100000), 12);
  EXPECT_EQ(*r.optional_int64("other", 1, 10), std::nullopt);
  EXPECT_EQ(*r.optional_bool("paid"), true);
  EXPECT_EQ(r.required_money("price", kBDT)->minor_units(), 45050);
  EXPECT_EQ(r.optional_money("discount", kBDT)->value().minor_units(), 150);
  Result<const boost::json::array*> lines = r.required_array("lines", 10);
  ASSERT_TRUE(lines.ok());
  EXPECT_TRUE(r.finish().ok());

  FieldReader line((**lines)[0], "lines[0].");
  EXPECT_EQ(*line.required_string("sku", 20), "G-1");
  EXPECT_TRUE(line.finish().ok());
}

TEST(FieldReaderTest, UnknownFieldsAreNamed) {
  const boost::json::value b = body(R"({"qty":1,"owner":"me","status":"paid"})");
  FieldReader r(b);
  ASSERT_TRUE(r.required_int64("qty", 1, 10).ok());
  Status s = r.finish();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::kUnprocessable);
  EXPECT_EQ(s.error().code, "unknown_field");
  EXPECT_EQ(s.error().message, "Field 'owner' is not accepted here; remove it.");
  EXPECT_EQ(s.error().details, (std::vector<std::string>{"owner", "status"}));

  // A key that was asked for but held null is known, not unknown.
  const boost::json::value with_null = body(R"({"note":null})");
  FieldReader r2(with_null);
  ASSERT_TRUE(r2.optional_string("note", 10).ok());
  EXPECT_TRUE(r2.finish().ok());

  // Client-chosen key names are bounded in the reply.
  const boost::json::value long_key = body("{\"" + std::string(5000, 'k') + "\":1}");
  Status s3 = FieldReader(long_key).finish();
  ASSERT_FALSE(s3.ok());
  EXPECT_LT(s3.error().message.size(), 120u);

  const boost::json::value nested = body(R"({"sku":"A","qty":1})");
  FieldReader line(nested, "lines[3].");
  ASSERT_TRUE(line.required_string("sku", 10).ok());
  EXPECT_EQ(line.finish().error().message, "Field 'lines[3].qty' is not accepted here; remove it.");
}

TEST(FieldReaderTest, NonObjectBodyIsInvalidBody) {
  const boost::json::value b = body("[1,2]");
  FieldReader r(b);
  Result<std::string> name = r.required_string("name", 10);
  ASSERT_FALSE(name.ok());
  EXPECT_EQ(name.error().kind, ErrorKind::kUnprocessable);
  EXPECT_EQ(name.error().code, "invalid_body");
  EXPECT_EQ(name.error().message, "The request body must be a JSON object.");
  EXPECT_EQ(r.finish().error().code, "invalid_body");

  FieldReader line(b, "lines[1].");
  EXPECT_EQ(line.finish().error().message, "'lines[1]' must be a JSON object.");
}

TEST(FieldReaderTest, IntegerFieldErrors) {
  const boost::json::value b =
      body(R"({"a":"5","b":5.0,"c":0,"d":100001,"e":18446744073709551615,"f":null,"g":true})");
  FieldReader r(b);
  for (const char* key : {"a", "b", "c", "d", "e"}) {
    Result<std::int64_t> n = r.required_int64(key, 1, 100000);
    ASSERT_FALSE(n.ok()) << key;
    EXPECT_EQ(n.error().kind, ErrorKind::kUnprocessable);
    EXPECT_EQ(n.error().code, "invalid_field");
    EXPECT_EQ(n.error().message,
              std::string("Field '") + key + "' must be an integer between 1 and 100000.");
    EXPECT_EQ(n.error().details, std::vector<std::string>{key});
  }
  EXPECT_EQ(r.required_int64("f", 1, 10).error().message, "Field 'f' is required.");
  EXPECT_EQ(r.required_int64("missing", 1, 10).error().message, "Field 'missing' is required.");
  EXPECT_EQ(r.optional_int64("g", 1, 10).error().code, "invalid_field");
  EXPECT_EQ(*r.required_int64("c", 0, 0), 0);
  EXPECT_TRUE(r.finish().ok());
}

TEST(FieldReaderTest, StringFieldErrorsCountBytes) {
  // "ঘি" is two code points but six bytes of UTF-8.
  const boost::json::value b = body(R"({"name":"ঘি","code":7,"empty":""})");
  FieldReader r(b);
  Result<std::string> name = r.required_string("name", 5);
  ASSERT_FALSE(name.ok());
  EXPECT_EQ(name.error().message, "Field 'name' must be at most 5 bytes of UTF-8; it has 6.");
  EXPECT_EQ(*r.required_string("name", 6), "ঘি");
  EXPECT_EQ(r.optional_string("code", 5).error().message,
            "Field 'code' must be a string of at most 5 bytes of UTF-8.");
  EXPECT_EQ(*r.required_string("empty", 5), "");
  EXPECT_EQ(r.required_string("nope", 5).error().message, "Field 'nope' is required.");
  EXPECT_TRUE(r.finish().ok());
}

TEST(FieldReaderTest, BoolMoneyAndArrayFieldErrors) {
  const boost::json::value b =
      body(R"({"paid":"yes","price":"12.345","total":null,"lines":{},"many":[1,2,3]})");
  FieldReader r(b);
  EXPECT_EQ(r.optional_bool("paid").error().message, "Field 'paid' must be true or false.");
  Result<Money> price = r.required_money("price", kBDT);
  ASSERT_FALSE(price.ok());
  EXPECT_EQ(price.error().code, "invalid_field");
  EXPECT_EQ(price.error().message,
            "Field 'price' is not a valid amount: BDT amounts have at most 2 decimal places; got "
            "\"12.345\".");
  EXPECT_EQ(price.error().details, std::vector<std::string>{"price"});
  EXPECT_EQ(r.required_money("total", kBDT).error().message, "Field 'total' is required.");
  EXPECT_EQ(*r.optional_money("total", kBDT), std::nullopt);
  EXPECT_EQ(r.required_array("lines", 5).error().message,
            "Field 'lines' must be an array of at most 5 items.");
  EXPECT_EQ(r.required_array("many", 2).error().code, "invalid_field");
  EXPECT_EQ((*r.required_array("many", 3))->size(), 3u);
  EXPECT_TRUE(r.finish().ok());
}

}  // namespace
}  // namespace smartdairy
