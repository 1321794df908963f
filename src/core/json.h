#pragma once

#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/money.h"
#include "core/result.h"

namespace smartdairy {

// Maximum nesting of arrays and objects accepted by parse_json (SR-09).
inline constexpr std::size_t kMaxJsonDepth = 32;

// Parses one JSON document strictly (SR-09): UTF-8 only, no duplicate keys, depth <= 32,
// no comments, trailing commas or trailing content. Non-integers may carry at most 15
// significant digits, so Money can recover their exact decimal text (DESIGN.md §5). Errors
// are 400 "malformed_json" with a message naming the problem and its byte offset.
Result<boost::json::value> parse_json(std::string_view text);

// Serializes `value` as compact JSON.
std::string to_json_string(const boost::json::value& value);

// Parses a plain decimal ("4.25", "-0.5", "12") with at most `decimals` decimals into an
// integer scaled by 10^decimals (425 for "4.25" with decimals = 2). No exponent, no '+', no
// spaces. Nullopt when the text is not such a number, has more decimals, or overflows.
std::optional<std::int64_t> parse_scaled_decimal(std::string_view text, int decimals);

// `value` scaled by 10^decimals written back as a decimal: 425 with 2 decimals is "4.25".
std::string format_scaled_decimal(std::int64_t value, int decimals);

// A scaled decimal in a response: the exact decimal text as a JSON string ("4.25"), like
// money, never a double (which would print as 4.25E0); null when there is no value.
boost::json::value decimal_json(const std::optional<std::int64_t>& value, int decimals);

// Decodes a request body into typed fields and rejects keys nobody read (SR-05). Field
// errors are 422 "invalid_field" with details = {field path}. `body` must outlive the reader.
// Usage: read every field, then `SD_RETURN_IF_ERROR(reader.finish());`.
class FieldReader {
 public:
  // If `body` is not an object, every accessor and finish() return 422 "invalid_body".
  // `path_prefix` names a nested body in messages, e.g. "lines[2]." for order lines.
  explicit FieldReader(const boost::json::value& body, std::string path_prefix = "");

  // A string of at most `max_bytes` bytes of UTF-8 (not characters). Empty is allowed.
  Result<std::string> required_string(std::string_view key, std::size_t max_bytes);
  // As required_string; an absent key or JSON null gives std::nullopt.
  Result<std::optional<std::string>> optional_string(std::string_view key, std::size_t max_bytes);

  // A JSON integer in [min, max]; 5.0 and "5" are rejected.
  Result<std::int64_t> required_int64(std::string_view key, std::int64_t min, std::int64_t max);
  Result<std::optional<std::int64_t>> optional_int64(std::string_view key, std::int64_t min,
                                                     std::int64_t max);

  Result<std::optional<bool>> optional_bool(std::string_view key);

  // An amount as accepted by Money::from_json.
  Result<Money> required_money(std::string_view key, Currency currency);
  Result<std::optional<Money>> optional_money(std::string_view key, Currency currency);

  // A JSON number with at most `decimals` decimals, read exactly from the digits the client
  // wrote (as Money does: never rounded through a double), scaled by 10^decimals and within
  // [min, max] (scaled): with decimals = 2, 4.25 is 425. The same decimal written as a string
  // ("4.25", as responses write it) is accepted too.
  Result<std::optional<std::int64_t>> optional_decimal(std::string_view key, int decimals,
                                                       std::int64_t min, std::int64_t max);

  // A nested JSON object (read it with its own FieldReader), or nullptr when absent or null.
  Result<const boost::json::value*> optional_object(std::string_view key);

  // A JSON array of at most `max_items` elements; read each element with its own reader.
  Result<const boost::json::array*> required_array(std::string_view key, std::size_t max_items);

  // 422 "unknown_field" naming the first key in the body that no accessor asked for.
  // True when `key` is present with the value null (a PATCH clearing an optional field).
  bool is_explicit_null(std::string_view key) const;

  Status finish() const;

 private:
  // Marks `key` read. Returns nullptr when it is absent or JSON null.
  Result<const boost::json::value*> lookup(std::string_view key);
  Error not_an_object() const;
  Error field_error(std::string_view key, std::string message) const;

  const boost::json::object* object_;
  std::string path_prefix_;
  std::vector<bool> read_;  // parallel to object_'s entries, in document order
};

}  // namespace smartdairy
