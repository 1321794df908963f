#pragma once

// Small helpers shared by the health and breeding routes and services: field errors, the checks
// every free-text field goes through, and date fields.

#include <optional>
#include <string>
#include <string_view>

#include "core/dates.h"
#include "core/json.h"
#include "core/result.h"

namespace smartdairy::modules::herd::fields {

// 422 "invalid_field" with details = {field}.
inline Error error(std::string_view field, std::string message) {
  return Error::invalid_field("invalid_field", std::move(message), std::string(field));
}

// Trims spaces, tabs and line breaks at both ends. Blank text is none. Text longer than
// `max` bytes, or holding control characters (line breaks and tabs too, unless
// `multiline`), is a field error.
inline Result<std::optional<std::string>> clean_text(std::string_view field,
                                                     const std::optional<std::string>& value,
                                                     size_t max, bool multiline = false) {
  if (!value) return std::optional<std::string>{};
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  std::string_view s = *value;
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  if (s.empty()) return std::optional<std::string>{};
  bool bad = s.size() > max;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    bool allowed_break = multiline && (c == '\n' || c == '\r' || c == '\t');
    if ((u < 0x20 && !allowed_break) || u == 0x7f) bad = true;
  }
  if (bad) {
    return error(field, "Field '" + std::string(field) + "' must be at most " +
                            std::to_string(max) + " bytes of text without control characters" +
                            (multiline ? " (line breaks are allowed)." : "."));
  }
  return std::optional<std::string>{std::string(s)};
}

// Longest date text read from a body: YYYY-MM-DD plus slack, so a padded date gets the
// date error rather than a length error.
inline constexpr size_t kMaxDateText = 26;

// A day sent as text: YYYY-MM-DD, or a field error.
inline Result<Day> parse_day(std::string_view field, const std::string& text) {
  auto day = parse_date(text);
  if (!day) {
    return error(field, "Field '" + std::string(field) +
                            "' must be a date written YYYY-MM-DD, e.g. 2026-03-01.");
  }
  return *day;
}

// A date field of a request body, read and parsed: `path` prefixes the field's name in a date
// error (e.g. "treatment."); the reader names the field alone for a missing or non-text one.
inline Result<Day> required_day(FieldReader& r, std::string_view field,
                                std::string_view path = "") {
  SD_ASSIGN_OR_RETURN(auto text, r.required_string(field, kMaxDateText));
  return parse_day(std::string(path) + std::string(field), text);
}
inline Result<std::optional<Day>> optional_day(FieldReader& r, std::string_view field,
                                               std::string_view path = "") {
  SD_ASSIGN_OR_RETURN(auto text, r.optional_string(field, kMaxDateText));
  if (!text) return std::optional<Day>{};
  SD_ASSIGN_OR_RETURN(Day d, parse_day(std::string(path) + std::string(field), *text));
  return std::optional<Day>{d};
}

// A day of an event on the farm: not after today, not before the animal's birth.
inline Status check_event_day(std::string_view field, Day day, Day today,
                              const std::optional<Day>& birth) {
  if (day > today) {
    return error(field, "Field '" + std::string(field) + "' cannot be in the future; today is " +
                            format_date(today) + " on the farm.");
  }
  if (birth && day < *birth) {
    return error(field, "Field '" + std::string(field) + "' (" + format_date(day) +
                            ") is before the animal's birth on " + format_date(*birth) + ".");
  }
  return {};
}

}  // namespace smartdairy::modules::herd::fields
