#include "modules/herd/animal_json.h"

#include <boost/json/array.hpp>
#include <charconv>

#include "core/clock.h"
#include "core/json.h"
#include "modules/herd/animal_text.h"

namespace smartdairy::modules::herd {

namespace json = boost::json;

namespace {
json::value ref_json(const std::optional<AnimalRef>& r) {
  if (!r) return nullptr;
  return json::object{{"id", r->id}, {"ear_tag", r->ear_tag}, {"name", text_json(r->name)}};
}

json::value money_json(const std::optional<int64_t>& minor, Currency currency) {
  if (!minor) return nullptr;
  return Money::from_minor(*minor, currency).to_json();
}

struct Civil {
  int64_t y;
  int64_t m;
  int64_t d;
};

Civil civil(Day day) {
  std::string t = format_date(day);  // YYYY-MM-DD
  auto num = [&t](size_t pos, size_t len) {
    int64_t v = 0;
    std::from_chars(t.data() + pos, t.data() + pos + len, v);
    return v;
  };
  return {num(0, 4), num(5, 2), num(8, 2)};
}
}  // namespace

int64_t age_months(Day birth, Day today) {
  if (today < birth) return 0;
  Civil b = civil(birth);
  Civil t = civil(today);
  int64_t months = (t.y - b.y) * 12 + (t.m - b.m);
  if (t.d < b.d) --months;
  return months < 0 ? 0 : months;
}

json::object breed_json(const Breed& b) {
  return {{"id", b.id},
          {"code", b.code},
          {"name", b.name},
          {"kind", b.kind},
          {"avg_yield_litres",
           b.avg_yield_ml ? json::value(format_litres(*b.avg_yield_ml)) : json::value()},
          {"gestation_days", b.gestation_days},
          {"description", text_json(b.description)},
          {"created_at", format_rfc3339(b.created_at)},
          {"updated_at", format_rfc3339(b.updated_at)}};
}

json::object animal_summary_json(const Animal& a, Day today) {
  json::object o{{"id", a.id},
                 {"ear_tag", a.ear_tag},
                 {"rfid", text_json(a.rfid)},
                 {"name", text_json(a.name)}};
  if (a.breed) {
    o["breed"] =
        json::object{{"id", a.breed->id}, {"code", a.breed->code}, {"name", a.breed->name}};
  } else {
    o["breed"] = nullptr;
  }
  o["sex"] = a.sex;
  o["birth_date"] = date_json(a.birth_date);
  Day until = a.disposal_date ? *a.disposal_date : today;
  o["age_months"] = a.birth_date ? json::value(age_months(*a.birth_date, until)) : json::value();
  o["status"] = a.status;
  o["in_milk_withdrawal"] = a.in_milk_withdrawal;
  o["sire_id"] = text_json(a.sire_id);
  o["dam_id"] = text_json(a.dam_id);
  o["version"] = a.version;
  return o;
}

json::object animal_json(const Animal& a, Day today, Currency currency) {
  json::object o = animal_summary_json(a, today);
  o["acquisition"] = json::object{{"kind", a.acquisition_kind},
                                  {"date", date_json(a.acquisition_date)},
                                  {"cost", money_json(a.acquisition_cost_minor, currency)}};
  if (a.disposed()) {
    o["disposal"] = json::object{{"kind", *a.disposal_kind},
                                 {"date", date_json(a.disposal_date)},
                                 {"note", text_json(a.disposal_note)}};
  } else {
    o["disposal"] = nullptr;
  }
  o["last_calving_date"] = date_json(a.last_calving_date);
  o["notes"] = text_json(a.notes);
  o["created_at"] = format_rfc3339(a.created_at);
  o["updated_at"] = format_rfc3339(a.updated_at);
  return o;
}

json::object animal_detail_json(const AnimalDetail& d, Day today, Currency currency) {
  json::object o = animal_json(d.animal, today, currency);
  const Pedigree& p = d.pedigree;
  o["pedigree"] =
      json::object{{"sire", ref_json(p.sire)},           {"dam", ref_json(p.dam)},
                   {"sire_sire", ref_json(p.sire_sire)}, {"sire_dam", ref_json(p.sire_dam)},
                   {"dam_sire", ref_json(p.dam_sire)},   {"dam_dam", ref_json(p.dam_dam)}};
  json::array milk;
  for (const auto& m : d.latest_milk) {
    milk.push_back(json::object{{"id", m.id},
                                {"day", format_date(m.day)},
                                {"session", m.session},
                                {"quantity_ml", m.quantity_ml},
                                {"fat", decimal_json(m.fat, 2)},
                                {"snf", decimal_json(m.snf, 2)},
                                {"protein", decimal_json(m.protein, 2)},
                                {"grade", m.grade},
                                {"withheld", m.withheld}});
  }
  o["latest_milk"] = std::move(milk);
  json::array by_day;
  for (const auto& m : d.milk_by_day) {
    by_day.push_back(json::object{{"day", format_date(m.day)}, {"quantity_ml", m.quantity_ml}});
  }
  o["milk_by_day"] = std::move(by_day);
  json::array health;
  for (const auto& h : d.health) {
    health.push_back(json::object{{"id", h.id},
                                  {"day", format_date(h.day)},
                                  {"kind", h.kind},
                                  {"description", text_json(h.description)},
                                  {"diagnosis", text_json(h.diagnosis)},
                                  {"medication", text_json(h.medication)},
                                  {"cost", money_json(h.cost_minor, currency)},
                                  {"veterinarian", text_json(h.veterinarian)},
                                  {"milk_withdrawal_end", date_json(h.milk_withdrawal_end)},
                                  {"meat_withdrawal_end", date_json(h.meat_withdrawal_end)},
                                  {"status", h.status}});
  }
  o["health"] = std::move(health);
  json::array breeding;
  for (const auto& s : d.breeding) {
    json::array checks;
    for (const auto& c : s.checks) {
      checks.push_back(json::object{{"id", c.id},
                                    {"day", format_date(c.day)},
                                    {"result", c.result},
                                    {"method", text_json(c.method)}});
    }
    breeding.push_back(json::object{{"id", s.id},
                                    {"day", format_date(s.day)},
                                    {"method", s.method},
                                    {"sire_id", text_json(s.sire_id)},
                                    {"semen_batch", text_json(s.semen_batch)},
                                    {"pregnancy_status", s.pregnancy_status},
                                    {"check_due", format_date(s.check_due)},
                                    {"expected_calving", format_date(s.expected_calving)},
                                    {"checks", std::move(checks)}});
  }
  o["breeding"] = std::move(breeding);
  json::array calvings;
  for (const auto& c : d.calvings) {
    calvings.push_back(json::object{{"id", c.id},
                                    {"day", format_date(c.day)},
                                    {"difficulty", c.difficulty},
                                    {"calf_id", text_json(c.calf_id)},
                                    {"calf_ear_tag", text_json(c.calf_ear_tag)},
                                    {"service_id", text_json(c.service_id)}});
  }
  o["calvings"] = std::move(calvings);
  json::array offspring;
  for (const auto& r : d.offspring) {
    offspring.push_back(json::object{
        {"id", r.id}, {"ear_tag", r.ear_tag}, {"name", text_json(r.name)}, {"sex", r.sex}});
  }
  o["offspring"] = std::move(offspring);
  if (d.withdrawal) {
    o["withdrawal"] = json::object{{"milk_until", date_json(d.withdrawal->milk_until)},
                                   {"meat_until", date_json(d.withdrawal->meat_until)}};
  } else {
    o["withdrawal"] = nullptr;
  }
  return o;
}

json::object calving_json(const Calving& c, Day today, Currency currency) {
  return {{"id", c.id},
          {"dam_id", c.dam_id},
          {"day", format_date(c.day)},
          {"difficulty", c.difficulty},
          {"service_id", text_json(c.service_id)},
          {"sire_id", text_json(c.sire_id)},
          {"notes", text_json(c.notes)},
          {"calf", c.calf ? json::value(animal_json(*c.calf, today, currency)) : json::value()},
          {"dam", animal_json(c.dam, today, currency)}};
}

Result<std::optional<int64_t>> if_match_version(const http::Request& req) {
  std::string_view v = req.header("if-match");
  if (v.empty() || v == "*") return std::optional<int64_t>{};
  if (v.starts_with("W/")) v.remove_prefix(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  int64_t n = -1;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size()) {
    return Error{ErrorKind::kPreconditionFailed,
                 "version_mismatch",
                 "If-Match must be the ETag of the animal you read, e.g. \"3\".",
                 {"If-Match"}};
  }
  return std::optional<int64_t>{n};
}

Result<Nested> split_nested(const json::value& body, std::string_view key) {
  Nested out;
  out.rest = body;
  json::object* o = out.rest.if_object();
  if (o == nullptr) return out;  // the FieldReader reports the body
  auto it = o->find(key);
  if (it == o->end()) return out;
  if (!it->value().is_null()) {
    if (!it->value().is_object()) {
      return field_error(key, "Field '" + std::string(key) + "' must be an object.");
    }
    out.nested = it->value();
  }
  o->erase(it);
  return out;
}

Result<Day> decode_day(std::string_view field, const std::string& text) {
  auto day = parse_date(text);
  if (!day) {
    return field_error(field, "Field '" + std::string(field) +
                                  "' must be a date written YYYY-MM-DD, e.g. 2026-03-01.");
  }
  return *day;
}

}  // namespace smartdairy::modules::herd
