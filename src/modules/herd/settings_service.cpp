#include "modules/herd/settings_service.h"

#include <boost/json/array.hpp>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <limits>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "modules/herd/animal_text.h"

namespace smartdairy::modules::herd {

namespace json = boost::json;

namespace {

// A fixed-point field of the settings: its JSON name, where it lives, the number of decimals
// its JSON value may have, and its range in stored units.
struct NumberField {
  std::string_view name;
  int64_t HerdSettings::*member;
  int places;
  int64_t min;
  int64_t max;
};

const std::vector<NumberField>& number_fields() {
  static const std::vector<NumberField> fields = {
      {"grade_a_fat", &HerdSettings::grade_a_fat, 2, 100, 1000},
      {"grade_a_snf", &HerdSettings::grade_a_snf, 2, 500, 1500},
      {"grade_a_scc", &HerdSettings::grade_a_scc, 0, 0, 10000},
      {"grade_b_fat", &HerdSettings::grade_b_fat, 2, 100, 1000},
      {"grade_b_snf", &HerdSettings::grade_b_snf, 2, 500, 1500},
      {"grade_b_scc", &HerdSettings::grade_b_scc, 0, 0, 10000},
      {"grade_c_fat", &HerdSettings::grade_c_fat, 2, 100, 1000},
      {"grade_c_snf", &HerdSettings::grade_c_snf, 2, 500, 1500},
      {"grade_c_scc", &HerdSettings::grade_c_scc, 0, 0, 10000},
      {"reject_temperature", &HerdSettings::reject_temp_dc, 1, 0, 500},
      {"snf_clr_divisor", &HerdSettings::snf_clr_divisor, 0, 1, 100},
      {"snf_fat_factor", &HerdSettings::snf_fat_factor, 4, 0, 10000},
      {"snf_constant", &HerdSettings::snf_constant, 4, -50000, 50000},
      {"voluntary_waiting_days", &HerdSettings::voluntary_waiting_days, 0, 0, 365},
      {"pregnancy_check_days", &HerdSettings::pregnancy_check_days, 0, 14, 120},
      {"dry_off_days", &HerdSettings::dry_off_days, 0, 0, 120},
      {"calving_window_days", &HerdSettings::calving_window_days, 0, 0, 30},
  };
  return fields;
}

int64_t pow10(int places) {
  int64_t p = 1;
  for (int i = 0; i < places; ++i) p *= 10;
  return p;
}

std::string format_fixed(int64_t v, int places) {
  if (places == 0) return std::to_string(v);
  int64_t p = pow10(places);
  std::string sign = v < 0 ? "-" : "";
  int64_t mag = v < 0 ? -v : v;
  std::string frac = std::to_string(mag % p + p).substr(1);
  return sign + std::to_string(mag / p) + "." + frac;
}

// "-12.345" with at most `places` decimals into units of 10^-places.
std::optional<int64_t> parse_fixed(std::string_view text, int places) {
  bool negative = false;
  if (!text.empty() && text.front() == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  int64_t whole = 0;
  size_t i = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    if (i >= 9) return std::nullopt;
    whole = whole * 10 + (text[i] - '0');
  }
  if (i == 0) return std::nullopt;
  int64_t frac = 0;
  int seen = 0;
  if (i < text.size()) {
    if (text[i] != '.') return std::nullopt;
    for (++i; i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      if (text[i] != '0' && seen >= places) return std::nullopt;
      if (seen < places) {
        frac = frac * 10 + (text[i] - '0');
        ++seen;
      }
    }
  }
  for (; seen < places; ++seen) frac *= 10;
  int64_t v = whole * pow10(places) + frac;
  return negative ? -v : v;
}

std::optional<int64_t> fixed_from_json(const json::value& v, int places) {
  if (v.is_int64()) {
    if (std::llabs(v.get_int64()) > 1'000'000'000) return std::nullopt;
    return v.get_int64() * pow10(places);
  }
  if (v.is_uint64()) return std::nullopt;
  if (v.is_double()) {
    double d = v.get_double();
    if (!std::isfinite(d)) return std::nullopt;
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::fixed);
    if (ec != std::errc()) return std::nullopt;
    return parse_fixed(std::string_view(buf, static_cast<size_t>(end - buf)), places);
  }
  if (v.is_string()) {
    const auto& s = v.get_string();
    return parse_fixed(std::string_view(s.data(), s.size()), places);
  }
  return std::nullopt;
}

json::value fixed_json(int64_t v, int places) {
  if (places == 0) return json::value(v);
  return decimal_json(v, places);
}

Status check_time(std::string_view field, const std::string& text) {
  if (!parse_clock_time(text)) {
    return field_error(field, "Field '" + std::string(field) +
                                  "' must be a time of day HH:MM from 00:00 to 23:59.");
  }
  return {};
}

Status check_order(std::string_view what, std::string_view a_field, int64_t a,
                   std::string_view b_field, int64_t b, bool higher_is_better) {
  bool ok = higher_is_better ? a >= b : a <= b;
  if (!ok) {
    return field_error(b_field, "Grade thresholds for " + std::string(what) + " must satisfy " +
                                    std::string(a_field) + (higher_is_better ? " >= " : " <= ") +
                                    std::string(b_field) + ".");
  }
  return {};
}
}  // namespace

Status validate_settings(db::Connection& c, const HerdSettings& s, bool check_sku) {
  std::string sku = trim_blanks(s.raw_milk_sku);
  if (sku.empty() || sku.size() > 64) {
    return field_error("raw_milk_sku", "Field 'raw_milk_sku' must name a product's SKU.");
  }
  std::optional<std::string> unit = "litre";
  if (check_sku) {
    SD_ASSIGN_OR_RETURN(unit, c.scalar_text("SELECT unit FROM products WHERE sku = ?", sku));
  }
  if (!unit) {
    return field_error("raw_milk_sku", "Field 'raw_milk_sku': there is no product '" + sku +
                                           "'. Create it in the catalog first.");
  }
  if (*unit != "litre") {
    return field_error("raw_milk_sku", "Field 'raw_milk_sku': product '" + sku +
                                           "' is sold by the " + *unit +
                                           "; raw milk goes to stock in litres.");
  }
  if (s.third_session && *s.third_session != "midday" && *s.third_session != "night") {
    return field_error("third_session", "Field 'third_session' must be midday, night or null.");
  }
  SD_RETURN_IF_ERROR(check_time("morning_ends", s.morning_ends));
  SD_RETURN_IF_ERROR(check_time("midday_ends", s.midday_ends));
  SD_RETURN_IF_ERROR(check_time("evening_ends", s.evening_ends));
  SD_RETURN_IF_ERROR(check_time("night_ends", s.night_ends));
  // The sessions in use, in the order of the day, must end one after the other.
  std::vector<std::pair<std::string, std::string>> order;
  for (auto session : kAllSessions) {
    if (!s.has_session(session)) continue;
    const std::string* t = &s.evening_ends;
    if (session == "morning") t = &s.morning_ends;
    if (session == "midday") t = &s.midday_ends;
    if (session == "night") t = &s.night_ends;
    order.emplace_back(std::string(session) + "_ends", *t);
  }
  for (size_t i = 1; i < order.size(); ++i) {
    if (*parse_clock_time(order[i].second) <= *parse_clock_time(order[i - 1].second)) {
      return field_error(order[i].first, "Field '" + order[i].first + "' (" + order[i].second +
                                             ") must be later than '" + order[i - 1].first + "' (" +
                                             order[i - 1].second + ").");
    }
  }
  for (const auto& f : number_fields()) {
    int64_t v = s.*f.member;
    if (v < f.min || v > f.max) {
      return field_error(f.name, "Field '" + std::string(f.name) + "' must be from " +
                                     format_fixed(f.min, f.places) + " to " +
                                     format_fixed(f.max, f.places) + ".");
    }
  }
  SD_RETURN_IF_ERROR(
      check_order("fat", "grade_a_fat", s.grade_a_fat, "grade_b_fat", s.grade_b_fat, true));
  SD_RETURN_IF_ERROR(
      check_order("fat", "grade_b_fat", s.grade_b_fat, "grade_c_fat", s.grade_c_fat, true));
  SD_RETURN_IF_ERROR(
      check_order("SNF", "grade_a_snf", s.grade_a_snf, "grade_b_snf", s.grade_b_snf, true));
  SD_RETURN_IF_ERROR(
      check_order("SNF", "grade_b_snf", s.grade_b_snf, "grade_c_snf", s.grade_c_snf, true));
  SD_RETURN_IF_ERROR(
      check_order("SCC", "grade_a_scc", s.grade_a_scc, "grade_b_scc", s.grade_b_scc, false));
  SD_RETURN_IF_ERROR(
      check_order("SCC", "grade_b_scc", s.grade_b_scc, "grade_c_scc", s.grade_c_scc, false));
  return {};
}

json::object settings_json(const HerdSettings& s) {
  json::object o;
  o["raw_milk_sku"] = s.raw_milk_sku;
  o["third_session"] = text_json(s.third_session);
  o["morning_ends"] = s.morning_ends;
  o["midday_ends"] = s.midday_ends;
  o["evening_ends"] = s.evening_ends;
  o["night_ends"] = s.night_ends;
  for (const auto& f : number_fields()) o[f.name] = fixed_json(s.*f.member, f.places);
  o["updated_at"] = s.updated_at == 0 ? json::value() : json::value(format_rfc3339(s.updated_at));
  return o;
}

Status apply_settings_patch(const json::value& body, HerdSettings& s) {
  const json::object* o = body.if_object();
  if (o == nullptr) {
    return Error::unprocessable("invalid_body", "The body must be a JSON object of settings.");
  }
  for (const auto& kv : *o) {
    std::string_view k = kv.key();
    const json::value& value = kv.value();
    std::string field(k);
    auto text = [&](std::string& target) -> Status {
      if (!value.is_string() || value.get_string().size() > 64) {
        return field_error(field, "Field '" + field + "' must be a string.");
      }
      target = std::string(value.get_string());
      return {};
    };
    if (k == "raw_milk_sku") {
      SD_RETURN_IF_ERROR(text(s.raw_milk_sku));
      s.raw_milk_sku = trim_blanks(s.raw_milk_sku);
    } else if (k == "third_session") {
      if (value.is_null()) {
        s.third_session.reset();
      } else {
        std::string t;
        SD_RETURN_IF_ERROR(text(t));
        s.third_session = t;
      }
    } else if (k == "morning_ends") {
      SD_RETURN_IF_ERROR(text(s.morning_ends));
    } else if (k == "midday_ends") {
      SD_RETURN_IF_ERROR(text(s.midday_ends));
    } else if (k == "evening_ends") {
      SD_RETURN_IF_ERROR(text(s.evening_ends));
    } else if (k == "night_ends") {
      SD_RETURN_IF_ERROR(text(s.night_ends));
    } else {
      const NumberField* match = nullptr;
      for (const auto& f : number_fields()) {
        if (f.name == k) match = &f;
      }
      if (match == nullptr) {
        Error e = Error::unprocessable("unknown_field", "Unknown field '" + field +
                                                            "'; see GET /api/v1/herd/settings "
                                                            "for the settings' fields.");
        e.details.emplace_back(field);
        return e;
      }
      auto v = fixed_from_json(value, match->places);
      if (!v) {
        return field_error(field, "Field '" + field + "' must be a number with at most " +
                                      std::to_string(match->places) + " decimals.");
      }
      s.*match->member = *v;
    }
  }
  return {};
}

Result<HerdSettings> update_settings(db::Connection& tx, const ModuleContext& ctx,
                                     const json::value& body, const std::string& actor) {
  SD_ASSIGN_OR_RETURN(HerdSettings s, store::load_settings(tx));
  HerdSettings before = s;
  SD_RETURN_IF_ERROR(apply_settings_patch(body, s));
  SD_RETURN_IF_ERROR(validate_settings(tx, s, s.raw_milk_sku != before.raw_milk_sku));
  json::object now = settings_json(s);
  json::object was = settings_json(before);
  json::array changed;
  for (const auto& kv : now) {
    if (kv.key() != "updated_at" && was[kv.key()] != kv.value()) changed.emplace_back(kv.key());
  }
  if (changed.empty()) return before;
  s.updated_at = ctx.clock.now_micros();
  SD_RETURN_IF_ERROR(store::save_settings(tx, s));
  now.erase("updated_at");
  now["changed"] = std::move(changed);
  SD_RETURN_IF_ERROR(
      append_herd_event(tx, ctx.clock, "herd.settings_updated", "herd_settings", "1", actor, now));
  return s;
}

}  // namespace smartdairy::modules::herd
