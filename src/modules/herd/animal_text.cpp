#include "modules/herd/animal_text.h"

#include <boost/json/serialize.hpp>
#include <utility>

#include "events/outbox.h"

namespace smartdairy::modules::herd {

namespace json = boost::json;

Error field_error(std::string_view field, std::string message) {
  Error e = Error::unprocessable("invalid_field", std::move(message));
  e.details.emplace_back(field);
  return e;
}

std::string trim_blanks(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

Result<std::string> clean_text(std::string_view field, std::string_view value, size_t max,
                               bool multiline) {
  std::string out = trim_blanks(value);
  bool control = false;
  for (char c : out) {
    auto u = static_cast<unsigned char>(c);
    bool allowed = multiline && (c == '\n' || c == '\t' || c == '\r');
    if ((u < 0x20 && !allowed) || u == 0x7f) control = true;
  }
  if (out.empty() || out.size() > max || control) {
    return field_error(field, "Field '" + std::string(field) + "' must be 1 to " +
                                  std::to_string(max) +
                                  " bytes of text without control characters.");
  }
  return out;
}

Result<std::string> clean_code(std::string_view field, std::string_view value, size_t max,
                               std::string_view what) {
  std::string out = trim_blanks(value);
  bool ok = !out.empty() && out.size() <= max;
  for (auto& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) ok = false;
  }
  if (!ok) {
    return field_error(field, "Field '" + std::string(field) + "' must be an " + std::string(what) +
                                  " of 1 to " + std::to_string(max) +
                                  " letters, digits or '-' (e.g. BD-0042).");
  }
  return out;
}

std::optional<int64_t> parse_litres(std::string_view text, int64_t max_litres) {
  if (text.empty()) return std::nullopt;
  int64_t whole = 0;
  size_t i = 0;
  size_t digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++digits) {
    if (digits >= 6) return std::nullopt;
    whole = whole * 10 + (text[i] - '0');
  }
  if (digits == 0) return std::nullopt;
  int64_t frac = 0;
  if (i < text.size()) {
    if (text[i] != '.') return std::nullopt;
    ++i;
    size_t places = 0;
    for (; i < text.size(); ++i, ++places) {
      if (text[i] < '0' || text[i] > '9' || places >= 3) return std::nullopt;
      frac = frac * 10 + (text[i] - '0');
    }
    if (places == 0) return std::nullopt;
    for (; places < 3; ++places) frac *= 10;
  }
  if (whole > max_litres || (whole == max_litres && frac > 0)) return std::nullopt;
  return whole * 1000 + frac;
}

std::string format_litres(int64_t ml) {
  std::string out = std::to_string(ml / 1000) + ".";
  int64_t frac = ml % 1000;
  std::string f = std::to_string(frac + 1000).substr(1);  // three digits
  while (f.size() > 1 && f.back() == '0') f.pop_back();
  return out + f;
}

Status append_herd_event(db::Connection& tx, const Clock& clock, std::string type,
                         std::string aggregate_type, const std::string& aggregate_id,
                         const std::string& actor, const json::object& data) {
  events::EventDraft d;
  d.type = std::move(type);
  d.aggregate_type = std::move(aggregate_type);
  d.aggregate_id = aggregate_id;
  d.actor = actor;
  d.data = json::serialize(data);
  auto appended = events::append(tx, std::move(d), clock);
  if (!appended.ok()) return std::move(appended).error();
  return {};
}

json::value date_json(const std::optional<Day>& d) {
  return d ? json::value(format_date(*d)) : json::value();
}

json::value text_json(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value();
}

}  // namespace smartdairy::modules::herd
