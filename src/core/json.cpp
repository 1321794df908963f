#include "core/json.h"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_stack.hpp>
#include <charconv>
#include <cmath>
#include <functional>
#include <limits>
#include <set>
#include <utility>

namespace smartdairy {

namespace {

namespace json = boost::json;

// A double holds any decimal of up to 15 significant digits exactly enough that its
// shortest round-trip text is that decimal again (DBL_DIG).
constexpr int kMaxSignificantDigits = 15;
constexpr std::size_t kMaxEchoedBytes = 40;
constexpr const char* kExactHint = "send exact amounts as decimal strings, e.g. \"1234.50\"";

// User text quoted in a message: bounded, and printable ASCII only so that truncation can
// never leave half a UTF-8 sequence in the error body.
std::string echo(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, kMaxEchoedBytes)) {
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  if (text.size() > kMaxEchoedBytes) out += "...";
  return out;
}

// At most kMaxEchoedBytes of valid UTF-8 `text`, cut on a code point boundary.
std::string utf8_prefix(std::string_view text) {
  if (text.size() <= kMaxEchoedBytes) return std::string(text);
  std::size_t end = kMaxEchoedBytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "...";
}

std::string hex_byte(unsigned char c) {
  constexpr char kHex[] = "0123456789ABCDEF";
  return std::string("0x") + kHex[c >> 4] + kHex[c & 0xf];
}

// Digits from the first to the last non-zero digit of the mantissa: the precision the
// literal actually demands ("1.500" needs 2, "100.5" needs 4).
int significant_digits(std::string_view number) {
  const std::size_t exp = number.find_first_of("eE");
  const std::string_view mantissa = number.substr(0, exp);
  std::size_t first = std::string_view::npos;
  std::size_t last = 0;
  for (std::size_t i = 0; i < mantissa.size(); ++i) {
    if (mantissa[i] >= '1' && mantissa[i] <= '9') {
      if (first == std::string_view::npos) first = i;
      last = i;
    }
  }
  if (first == std::string_view::npos) return 0;
  int count = 0;
  for (std::size_t i = first; i <= last; ++i) {
    if (mantissa[i] != '.') ++count;
  }
  return count;
}

// Builds the DOM like boost/json/detail/handler.hpp, adding the checks SR-09 asks for that
// basic_parser does not make itself: duplicate keys and number precision.
class StrictHandler {
 public:
  // Names fixed by basic_parser's handler concept.
  static constexpr std::size_t max_object_size = json::object::max_size();  // NOLINT
  static constexpr std::size_t max_array_size = json::array::max_size();    // NOLINT
  static constexpr std::size_t max_key_size = json::string::max_size();     // NOLINT
  static constexpr std::size_t max_string_size = json::string::max_size();  // NOLINT

  json::value_stack& stack() { return stack_; }
  // Why a handler callback failed; empty when the parser itself reported the error.
  const std::string& failure() const { return failure_; }
  // How far before the parser's stop position the offending number starts.
  std::size_t failure_backtrack() const { return failure_backtrack_; }
  // True if the parser stopped on the closing quote of the offending key.
  bool failure_in_key() const { return failure_in_key_; }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }

  bool on_object_begin(json::error_code&) {
    // Reuse one key set per depth; depth is bounded by kMaxJsonDepth.
    if (open_objects_ == keys_.size()) keys_.emplace_back();
    keys_[open_objects_].clear();
    ++open_objects_;
    return true;
  }
  bool on_object_end(std::size_t n, json::error_code&) {
    --open_objects_;
    stack_.push_object(n);
    return true;
  }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t n, json::error_code&) {
    stack_.push_array(n);
    return true;
  }

  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    key_.append(s.data(), s.size());
    stack_.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
    key_.append(s.data(), s.size());
    // A set, not a hash, so crafted keys cannot degrade lookups to quadratic time.
    if (!keys_[open_objects_ - 1].insert(key_).second) {
      failure_ = "duplicate key \"" + utf8_prefix(key_) + "\"; send each key once";
      failure_in_key_ = true;
      return fail(ec);
    }
    key_.clear();
    stack_.push_key(s);
    return true;
  }

  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    stack_.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    stack_.push_string(s);
    return true;
  }

  bool on_number_part(json::string_view s, json::error_code&) {
    number_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
    number_.clear();
    stack_.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    number_.clear();
    stack_.push_uint64(u);
    return true;
  }
  bool on_double(double, json::string_view s, json::error_code& ec) {
    number_.append(s.data(), s.size());
    const std::string_view text = number_;
    failure_backtrack_ = text.size();
    if (text.find_first_of(".eE") == std::string_view::npos) {
      failure_ = "integer " + echo(text) + " does not fit in 64 bits; " + kExactHint;
      return fail(ec);
    }
    const int digits = significant_digits(text);
    if (digits > kMaxSignificantDigits) {
      failure_ = "number " + echo(text) + " has " + std::to_string(digits) +
                 " significant digits, more than the " + std::to_string(kMaxSignificantDigits) +
                 " a double holds exactly; " + kExactHint;
      return fail(ec);
    }
    // Convert again with from_chars, which rounds correctly, rather than trust the parser's
    // own conversion: exactness of the round trip depends on the nearest double.
    double d = 0;
    const auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), d);
    const bool normal_or_zero = std::isnormal(d) || (d == 0 && digits == 0);
    if (err != std::errc() || end != text.data() + text.size() || !normal_or_zero) {
      failure_ = "number " + echo(text) + " is out of range; " + kExactHint;
      return fail(ec);
    }
    number_.clear();
    failure_backtrack_ = 0;
    stack_.push_double(d);
    return true;
  }

  bool on_bool(bool b, json::error_code&) {
    stack_.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    stack_.push_null();
    return true;
  }
  // Unreachable: allow_comments stays false. Present because the handler concept needs them.
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  static bool fail(json::error_code& ec) {
    ec = json::error::syntax;
    return false;
  }

  json::value_stack stack_;
  std::vector<std::set<std::string, std::less<>>> keys_;
  std::size_t open_objects_ = 0;
  std::string key_;
  std::string number_;
  std::string failure_;
  std::size_t failure_backtrack_ = 0;
  bool failure_in_key_ = false;
};

bool is_json_whitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// True if a well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates) starts at pos.
bool utf8_sequence_ok(std::string_view text, std::size_t pos) {
  const auto byte = [&](std::size_t i) {
    return pos + i < text.size() ? static_cast<unsigned char>(text[pos + i]) : 0;
  };
  const unsigned char lead = byte(0);
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  std::size_t trail = 0;
  if (lead < 0x80) return true;
  if (lead >= 0xC2 && lead <= 0xDF) {
    trail = 1;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    trail = 2;
    if (lead == 0xE0) lo = 0xA0;  // overlong
    if (lead == 0xED) hi = 0x9F;  // UTF-16 surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    trail = 3;
    if (lead == 0xF0) lo = 0x90;  // overlong
    if (lead == 0xF4) hi = 0x8F;  // beyond U+10FFFF
  } else {
    return false;
  }
  if (byte(1) < lo || byte(1) > hi) return false;
  for (std::size_t i = 2; i <= trail; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return false;
  }
  return true;
}

// True if text[..end) ends with a \uD800-\uDBFF escape (a high surrogate awaiting its pair).
bool follows_high_surrogate_escape(std::string_view text, std::size_t end) {
  if (end < 6) return false;
  const std::string_view esc = text.substr(end - 6, 6);
  return esc[0] == '\\' && esc[1] == 'u' && (esc[2] == 'd' || esc[2] == 'D') &&
         std::string_view("89abAB").find(esc[3]) != std::string_view::npos;
}

// What went wrong at `offset`, phrased for the client; the caller adds the location.
std::string describe(std::string_view text, std::size_t offset, const json::error_code& ec) {
  if (ec == json::error::too_deep) {
    return "objects and arrays nest deeper than " + std::to_string(kMaxJsonDepth) + " levels";
  }
  if (ec == json::error::illegal_leading_surrogate ||
      ec == json::error::illegal_trailing_surrogate || ec == json::error::expected_utf16_escape) {
    return "\\u escape is not a valid UTF-16 surrogate pair";
  }
  if (ec == json::error::expected_hex_digit) return "\\u escape needs four hex digits";
  if (ec == json::error::exponent_overflow) return "number exponent is too large";
  if (offset >= text.size()) return "the body ends before the JSON value is complete";
  const auto c = static_cast<unsigned char>(text[offset]);
  if (c == '/') return "comments are not allowed in JSON";
  if (c == '}' || c == ']') {
    std::size_t prev = offset;
    while (prev > 0 && is_json_whitespace(text[prev - 1])) --prev;
    if (prev > 0 && text[prev - 1] == ',') {
      return std::string("trailing comma before '") + static_cast<char>(c) + "'";
    }
  }
  if (c >= 0x80 && !utf8_sequence_ok(text, offset)) {
    return "invalid UTF-8 (byte " + hex_byte(c) + "); send the body as UTF-8";
  }
  if (follows_high_surrogate_escape(text, offset)) {
    return "\\u escape is not a valid UTF-16 surrogate pair";
  }
  if (c < 0x20) {
    return "unexpected control character " + hex_byte(c) + " (escape it inside strings)";
  }
  if (c >= 0x80) return "unexpected non-ASCII character";
  return std::string("unexpected character '") + static_cast<char>(c) + "'";
}

// Offset of the quote opening the string whose closing quote is at `close`.
std::size_t string_start(std::string_view text, std::size_t close) {
  if (close >= text.size() || text[close] != '"') return close;
  for (std::size_t i = close; i-- > 0;) {
    if (text[i] != '"') continue;
    std::size_t backslashes = 0;
    while (backslashes < i && text[i - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return i;
  }
  return close;
}

Error malformed(const std::string& what, std::size_t offset) {
  return Error::bad_request("malformed_json", "Request body is not valid JSON: " + what +
                                                  " (at byte offset " + std::to_string(offset) +
                                                  ").");
}

}  // namespace

Result<boost::json::value> parse_json(std::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Error::bad_request("malformed_json", "Request body is empty; send a JSON value.");
  }
  json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  options.allow_comments = false;
  options.allow_trailing_commas = false;
  options.allow_invalid_utf8 = false;
  json::basic_parser<StrictHandler> parser(options);
  parser.handler().stack().reset();
  json::error_code ec;
  // On failure basic_parser returns the offset at which it stopped.
  const std::size_t consumed = parser.write_some(false, text.data(), text.size(), ec);
  if (ec) {
    const StrictHandler& handler = parser.handler();
    if (!handler.failure().empty()) {
      const std::size_t at = handler.failure_in_key() ? string_start(text, consumed)
                                                      : consumed - handler.failure_backtrack();
      return malformed(handler.failure(), at);
    }
    return malformed(describe(text, consumed, ec), consumed);
  }
  if (consumed < text.size()) {
    return malformed("unexpected content after the JSON value; send exactly one value", consumed);
  }
  return parser.handler().stack().release();
}

std::string to_json_string(const boost::json::value& value) { return json::serialize(value); }

std::optional<std::int64_t> parse_scaled_decimal(std::string_view text, int decimals) {
  std::size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++i;
  const std::size_t int_begin = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  const std::string_view int_digits = text.substr(int_begin, i - int_begin);
  if (int_digits.empty()) return std::nullopt;
  std::string_view frac_digits;
  if (i < text.size() && text[i] == '.') {
    const std::size_t frac_begin = ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    frac_digits = text.substr(frac_begin, i - frac_begin);
    if (frac_digits.empty()) return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  // Trailing zeros beyond the allowed decimals change nothing ("4.250" is 4.25).
  while (frac_digits.size() > static_cast<std::size_t>(decimals) && frac_digits.back() == '0') {
    frac_digits.remove_suffix(1);
  }
  if (frac_digits.size() > static_cast<std::size_t>(decimals)) return std::nullopt;
  std::int64_t acc = 0;
  auto push = [&acc, negative](int digit) {
    return !__builtin_mul_overflow(acc, 10, &acc) &&
           !__builtin_add_overflow(acc, negative ? -digit : digit, &acc);
  };
  for (char c : int_digits) {
    if (!push(c - '0')) return std::nullopt;
  }
  for (char c : frac_digits) {
    if (!push(c - '0')) return std::nullopt;
  }
  for (std::size_t pad = frac_digits.size(); pad < static_cast<std::size_t>(decimals); ++pad) {
    if (!push(0)) return std::nullopt;
  }
  return acc;
}

std::string format_scaled_decimal(std::int64_t value, int decimals) {
  const bool negative = value < 0;
  const std::uint64_t magnitude =
      negative ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
  std::string digits = std::to_string(magnitude);
  const auto d = static_cast<std::size_t>(decimals);
  if (d > 0) {
    if (digits.size() <= d) digits.insert(0, d + 1 - digits.size(), '0');
    digits.insert(digits.size() - d, 1, '.');
  }
  return negative ? "-" + digits : digits;
}

FieldReader::FieldReader(const boost::json::value& body, std::string path_prefix)
    : object_(body.if_object()), path_prefix_(std::move(path_prefix)) {
  if (object_ != nullptr) read_.assign(object_->size(), false);
}

Result<const boost::json::value*> FieldReader::lookup(std::string_view key) {
  if (object_ == nullptr) return not_an_object();
  const auto it = object_->find(key);
  if (it == object_->end()) return nullptr;
  read_[static_cast<std::size_t>(it - object_->begin())] = true;
  if (it->value().is_null()) return nullptr;
  return &it->value();
}

bool FieldReader::is_explicit_null(std::string_view key) const {
  if (object_ == nullptr) return false;
  const auto it = object_->find(key);
  return it != object_->end() && it->value().is_null();
}

Error FieldReader::not_an_object() const {
  if (path_prefix_.empty()) {
    return Error::unprocessable("invalid_body", "The request body must be a JSON object.");
  }
  std::string name = path_prefix_;
  if (name.back() == '.') name.pop_back();
  Error error = Error::unprocessable("invalid_body", "'" + name + "' must be a JSON object.");
  error.details.push_back(std::move(name));
  return error;
}

Error FieldReader::field_error(std::string_view key, std::string message) const {
  Error error = Error::unprocessable("invalid_field", std::move(message));
  error.details.push_back(path_prefix_ + std::string(key));
  return error;
}

Result<std::optional<std::string>> FieldReader::optional_string(std::string_view key,
                                                                std::size_t max_bytes) {
  SD_ASSIGN_OR_RETURN(const boost::json::value* v, lookup(key));
  if (v == nullptr) return std::optional<std::string>();
  const std::string name = path_prefix_ + std::string(key);
  const boost::json::string* s = v->if_string();
  if (s == nullptr) {
    return field_error(key, "Field '" + name + "' must be a string of at most " +
                                std::to_string(max_bytes) + " bytes of UTF-8.");
  }
  if (s->size() > max_bytes) {
    return field_error(key, "Field '" + name + "' must be at most " + std::to_string(max_bytes) +
                                " bytes of UTF-8; it has " + std::to_string(s->size()) + ".");
  }
  return std::optional<std::string>(std::in_place, s->data(), s->size());
}

Result<std::string> FieldReader::required_string(std::string_view key, std::size_t max_bytes) {
  SD_ASSIGN_OR_RETURN(std::optional<std::string> s, optional_string(key, max_bytes));
  if (!s) return field_error(key, "Field '" + path_prefix_ + std::string(key) + "' is required.");
  return std::move(*s);
}

Result<std::optional<std::int64_t>> FieldReader::optional_int64(std::string_view key,
                                                                std::int64_t min,
                                                                std::int64_t max) {
  SD_ASSIGN_OR_RETURN(const boost::json::value* v, lookup(key));
  if (v == nullptr) return std::optional<std::int64_t>();
  std::optional<std::int64_t> n;
  if (v->is_int64()) {
    n = v->get_int64();
  } else if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(
                                                      std::numeric_limits<std::int64_t>::max())) {
    n = static_cast<std::int64_t>(v->get_uint64());
  }
  if (!n || *n < min || *n > max) {
    return field_error(key, "Field '" + path_prefix_ + std::string(key) +
                                "' must be an integer between " + std::to_string(min) + " and " +
                                std::to_string(max) + ".");
  }
  return n;
}

Result<std::int64_t> FieldReader::required_int64(std::string_view key, std::int64_t min,
                                                 std::int64_t max) {
  SD_ASSIGN_OR_RETURN(std::optional<std::int64_t> n, optional_int64(key, min, max));
  if (!n) return field_error(key, "Field '" + path_prefix_ + std::string(key) + "' is required.");
  return *n;
}

Result<std::optional<bool>> FieldReader::optional_bool(std::string_view key) {
  SD_ASSIGN_OR_RETURN(const boost::json::value* v, lookup(key));
  if (v == nullptr) return std::optional<bool>();
  if (!v->is_bool()) {
    return field_error(key,
                       "Field '" + path_prefix_ + std::string(key) + "' must be true or false.");
  }
  return std::optional<bool>(v->get_bool());
}

Result<std::optional<Money>> FieldReader::optional_money(std::string_view key, Currency currency) {
  SD_ASSIGN_OR_RETURN(const boost::json::value* v, lookup(key));
  if (v == nullptr) return std::optional<Money>();
  Result<Money> money = Money::from_json(*v, currency);
  if (!money.ok()) {
    return field_error(key, "Field '" + path_prefix_ + std::string(key) +
                                "' is not a valid amount: " + money.error().message);
  }
  return std::optional<Money>(*money);
}

Result<Money> FieldReader::required_money(std::string_view key, Currency currency) {
  SD_ASSIGN_OR_RETURN(std::optional<Money> m, optional_money(key, currency));
  if (!m) return field_error(key, "Field '" + path_prefix_ + std::string(key) + "' is required.");
  return *m;
}

boost::json::value decimal_json(const std::optional<std::int64_t>& value, int decimals) {
  if (!value) return nullptr;
  return boost::json::value(format_scaled_decimal(*value, decimals));
}

Result<std::optional<std::int64_t>> FieldReader::optional_decimal(std::string_view key,
                                                                  int decimals, std::int64_t min,
                                                                  std::int64_t max) {
  SD_ASSIGN_OR_RETURN(const boost::json::value* v, lookup(key));
  if (v == nullptr) return std::optional<std::int64_t>();
  std::optional<std::int64_t> n;
  if (v->is_int64() || v->is_uint64()) {
    n = parse_scaled_decimal(json::serialize(*v), decimals);
  } else if (v->is_string()) {
    n = parse_scaled_decimal(std::string_view(v->get_string().data(), v->get_string().size()),
                             decimals);
  } else if (v->is_double() && std::isfinite(v->get_double())) {
    // The shortest text that reads back as the same double is the decimal the client wrote:
    // parse_json refuses numbers of more than 15 significant digits (see Money::from_json).
    char buf[512];
    const auto [end, ec] =
        std::to_chars(buf, buf + sizeof(buf), v->get_double(), std::chars_format::fixed);
    if (ec == std::errc()) {
      n = parse_scaled_decimal(std::string_view(buf, static_cast<std::size_t>(end - buf)),
                               decimals);
    }
  }
  if (!n || *n < min || *n > max) {
    std::string shape = decimals > 0 ? "a number with at most " + std::to_string(decimals) +
                                           (decimals == 1 ? " decimal" : " decimals")
                                     : "an integer";
    return field_error(key, "Field '" + path_prefix_ + std::string(key) + "' must be " + shape +
                                " from " + format_scaled_decimal(min, decimals) + " to " +
                                format_scaled_decimal(max, decimals) + ".");
  }
  return n;
}

Result<const boost::json::value*> FieldReader::optional_object(std::string_view key) {
  SD_ASSIGN_OR_RETURN(const boost::json::value* v, lookup(key));
  if (v != nullptr && !v->is_object()) {
    return field_error(key,
                       "Field '" + path_prefix_ + std::string(key) + "' must be a JSON object.");
  }
  return v;
}

Result<const boost::json::array*> FieldReader::required_array(std::string_view key,
                                                              std::size_t max_items) {
  SD_ASSIGN_OR_RETURN(const boost::json::value* v, lookup(key));
  const std::string name = path_prefix_ + std::string(key);
  if (v == nullptr) return field_error(key, "Field '" + name + "' is required.");
  const boost::json::array* a = v->if_array();
  if (a == nullptr || a->size() > max_items) {
    return field_error(key, "Field '" + name + "' must be an array of at most " +
                                std::to_string(max_items) + " items.");
  }
  return a;
}

Status FieldReader::finish() const {
  if (object_ == nullptr) return not_an_object();
  Error error;
  for (std::size_t i = 0; i < read_.size(); ++i) {
    if (read_[i]) continue;
    const boost::json::string_view key = (object_->begin() + i)->key();
    // The key is client-chosen: bound what goes back into the error body.
    std::string name = path_prefix_ + utf8_prefix(std::string_view(key.data(), key.size()));
    if (error.details.empty()) {
      error = Error::unprocessable("unknown_field",
                                   "Field '" + name + "' is not accepted here; remove it.");
    }
    error.details.push_back(std::move(name));
  }
  if (error.details.empty()) return ok_status();
  return error;
}

}  // namespace smartdairy
