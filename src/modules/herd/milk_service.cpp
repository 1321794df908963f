#include "modules/herd/milk_service.h"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>

#include "core/json.h"
#include "core/uuid.h"
#include "events/outbox.h"
#include "modules/herd/animal_text.h"
#include "modules/herd/milk_store.h"

namespace smartdairy::modules::herd {

namespace json = boost::json;

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

Status check_range(std::string_view field, const std::optional<int64_t>& v, int64_t min,
                   int64_t max, int decimals, std::string_view unit) {
  if (!v || (*v >= min && *v <= max)) return {};
  return field_error(field, "Field '" + std::string(field) + "' must be from " +
                                format_scaled_decimal(min, decimals) + " to " +
                                format_scaled_decimal(max, decimals) + std::string(unit) +
                                "; it is " + format_scaled_decimal(*v, decimals) + ".");
}

json::value opt_text(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value();
}

// The values a correction replaces, kept in the audit trail.
json::object values_json(const MilkRecord& r) {
  return {{"quantity_ml", r.quantity_ml},
          {"fat", decimal_json(r.fat, 2)},
          {"snf", decimal_json(r.snf, 2)},
          {"protein", decimal_json(r.protein, 2)},
          {"temperature", decimal_json(r.temperature_dc, 1)},
          {"scc", r.scc ? json::value(*r.scc) : json::value()},
          {"lactometer", decimal_json(r.lactometer_clr, 2)},
          {"snf_computed", r.snf_computed},
          {"grade", r.grade},
          {"withheld", r.withheld},
          {"withheld_by", opt_text(r.withheld_by)},
          {"notes", opt_text(r.notes)},
          {"version", r.version}};
}

bool same_values(const MilkRecord& a, const MilkRecord& b) {
  return a.quantity_ml == b.quantity_ml && a.fat == b.fat && a.snf == b.snf &&
         a.protein == b.protein && a.temperature_dc == b.temperature_dc && a.scc == b.scc &&
         a.lactometer_clr == b.lactometer_clr && a.notes == b.notes;
}

events::EventDraft event_draft(std::string type, const MilkRecord& r, const std::string& actor) {
  events::EventDraft d;
  d.type = std::move(type);
  d.aggregate_type = "milk_record";
  d.aggregate_id = r.id;
  d.actor = actor;
  d.data = json::serialize(json::object{{"animal_id", r.animal_id},
                                        {"ear_tag", r.ear_tag},
                                        {"day", format_date(r.day)},
                                        {"session", r.session},
                                        {"quantity_ml", r.quantity_ml},
                                        {"grade", r.grade},
                                        {"withheld", r.withheld}});
  return d;
}

Status append_event(db::Connection& tx, const Clock& clock, std::string type, const MilkRecord& r,
                    const std::string& actor) {
  auto appended = events::append(tx, event_draft(std::move(type), r, actor), clock);
  if (!appended.ok()) return std::move(appended).error();
  return {};
}

std::string configured_sessions(const HerdSettings& s) {
  std::string out;
  for (auto name : kAllSessions) {
    if (!s.has_session(name)) continue;
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

// What the rules look up: one statement per question for a single milking (DbSource), or
// the answers for a whole batch fetched beforehand with a few set-based statements
// (BatchSource). Both answer exactly as the single statements would.
class Source {
 public:
  Source() = default;
  Source(const Source&) = delete;
  Source& operator=(const Source&) = delete;
  virtual ~Source() = default;
  virtual Result<std::optional<store::MilkAnimal>> animal(const std::string& id) = 0;
  // `ear_tag` upper-case.
  virtual Result<std::optional<store::MilkAnimal>> animal_by_tag(const std::string& ear_tag) = 0;
  virtual Result<std::optional<MilkRecord>> record_at(const std::string& animal_id, Day day,
                                                      const std::string& session) = 0;
  // The treatment whose milk withdrawal covers the day (store::withholding_treatment).
  virtual Result<std::optional<std::string>> withholding(const std::string& animal_id, Day day) = 0;
};

class DbSource final : public Source {
 public:
  explicit DbSource(db::Connection& tx) : tx_(tx) {}
  Result<std::optional<store::MilkAnimal>> animal(const std::string& id) override {
    return store::find_milk_animal(tx_, id);
  }
  Result<std::optional<store::MilkAnimal>> animal_by_tag(const std::string& ear_tag) override {
    return store::find_milk_animal_by_tag(tx_, ear_tag);
  }
  Result<std::optional<MilkRecord>> record_at(const std::string& animal_id, Day day,
                                              const std::string& session) override {
    return store::find_milk_record_at(tx_, animal_id, day, session);
  }
  Result<std::optional<std::string>> withholding(const std::string& animal_id, Day day) override {
    return store::withholding_treatment(tx_, animal_id, day);
  }

 private:
  db::Connection& tx_;
};

// The answers for a batch's rows, fetched with a few set-based statements before any row is
// planned (nothing is written while the rows are planned, so they stay true). A question
// about something not fetched goes to the database like DbSource.
class BatchSource final : public Source {
 public:
  explicit BatchSource(db::Connection& tx) : tx_(tx), db_(tx) {}

  Status load(const std::vector<Result<MilkInput>>& rows, Day today) {
    std::vector<std::string> ids;
    std::vector<std::string> tags;
    for (const auto& row : rows) {
      if (!row.ok()) continue;
      if (row->animal_id) {
        if (is_uuid(*row->animal_id) && asked_ids_.insert(*row->animal_id).second) {
          ids.push_back(*row->animal_id);
        }
      } else if (row->ear_tag) {
        std::string tag = upper(trim(*row->ear_tag));
        if (asked_tags_.insert(tag).second) tags.push_back(std::move(tag));
      }
    }
    SD_ASSIGN_OR_RETURN(auto found, store::find_milk_animals(tx_, ids, tags));
    for (auto& a : found) {
      tag_to_id_.emplace(a.ear_tag, a.id);
      std::string id = a.id;
      animals_.emplace(std::move(id), std::move(a));
    }
    // The animal and day each row will be planned for (as resolve() finds them).
    std::map<Day, std::vector<std::string>> by_day;
    std::vector<std::string> animal_ids;
    std::set<std::string> listed;
    for (const auto& row : rows) {
      if (!row.ok()) continue;
      const store::MilkAnimal* a = nullptr;
      if (row->animal_id) {
        auto it = animals_.find(*row->animal_id);
        if (it != animals_.end()) a = &it->second;
      } else if (row->ear_tag) {
        auto it = tag_to_id_.find(upper(trim(*row->ear_tag)));
        if (it != tag_to_id_.end()) a = &animals_.at(it->second);
      }
      if (a == nullptr) continue;
      const Day day = row->day.value_or(today);
      if (fetched_days_.emplace(a->id, day).second) by_day[day].push_back(a->id);
      if (listed.insert(a->id).second) animal_ids.push_back(a->id);
      first_day_ = std::min(first_day_, day);
      last_day_ = std::max(last_day_, day);
    }
    if (animal_ids.empty()) return {};
    std::vector<std::pair<Day, std::vector<std::string>>> days(by_day.begin(), by_day.end());
    SD_ASSIGN_OR_RETURN(auto records, store::milk_records_on(tx_, days));
    for (auto& r : records) {
      auto key = std::make_tuple(r.animal_id, r.day, r.session);
      records_.emplace(std::move(key), std::move(r));
    }
    SD_ASSIGN_OR_RETURN(auto withdrawals,
                        store::milk_withdrawals_of(tx_, animal_ids, first_day_, last_day_));
    for (auto& w : withdrawals) withdrawals_[w.animal_id].push_back(std::move(w));
    withdrawal_animals_ = std::move(listed);
    return {};
  }

  Result<std::optional<store::MilkAnimal>> animal(const std::string& id) override {
    if (!asked_ids_.contains(id)) return db_.animal(id);
    auto it = animals_.find(id);
    if (it == animals_.end()) return std::optional<store::MilkAnimal>{};
    return std::optional<store::MilkAnimal>{it->second};
  }
  Result<std::optional<store::MilkAnimal>> animal_by_tag(const std::string& ear_tag) override {
    if (!asked_tags_.contains(ear_tag)) return db_.animal_by_tag(ear_tag);
    auto it = tag_to_id_.find(ear_tag);
    if (it == tag_to_id_.end()) return std::optional<store::MilkAnimal>{};
    return std::optional<store::MilkAnimal>{animals_.at(it->second)};
  }
  Result<std::optional<MilkRecord>> record_at(const std::string& animal_id, Day day,
                                              const std::string& session) override {
    if (!fetched_days_.contains({animal_id, day})) return db_.record_at(animal_id, day, session);
    auto it = records_.find(std::make_tuple(animal_id, day, session));
    if (it == records_.end()) return std::optional<MilkRecord>{};
    return std::optional<MilkRecord>{it->second};
  }
  Result<std::optional<std::string>> withholding(const std::string& animal_id, Day day) override {
    if (!withdrawal_animals_.contains(animal_id) || day < first_day_ || day > last_day_) {
      return db_.withholding(animal_id, day);
    }
    auto it = withdrawals_.find(animal_id);
    if (it == withdrawals_.end()) return std::optional<std::string>{};
    for (const auto& w : it->second) {
      if (w.from <= day && day < w.until) return std::optional<std::string>{w.id};
    }
    return std::optional<std::string>{};
  }

 private:
  db::Connection& tx_;
  DbSource db_;
  std::set<std::string> asked_ids_;
  std::set<std::string> asked_tags_;
  std::unordered_map<std::string, store::MilkAnimal> animals_;  // by id
  std::unordered_map<std::string, std::string> tag_to_id_;
  std::set<std::pair<std::string, Day>> fetched_days_;  // {animal id, day}: records fetched
  std::map<std::tuple<std::string, Day, std::string>, MilkRecord> records_;
  std::set<std::string> withdrawal_animals_;
  Day first_day_ = std::numeric_limits<Day>::max();
  Day last_day_ = std::numeric_limits<Day>::min();
  std::unordered_map<std::string, std::vector<store::MilkWithdrawal>> withdrawals_;
};

// Where a milking goes: the animal, the day and the session.
struct Target {
  store::MilkAnimal animal;
  Day day = 0;
  std::string session;
};

Result<Target> resolve(Source& src, const MilkInput& in, const HerdSettings& settings, Day today,
                       int minute) {
  Target t;
  std::optional<store::MilkAnimal> animal;
  if (in.animal_id) {
    if (is_uuid(*in.animal_id)) {
      SD_ASSIGN_OR_RETURN(animal, src.animal(*in.animal_id));
    }
    if (!animal) {
      std::string which =
          is_uuid(*in.animal_id) ? "with id '" + *in.animal_id + "'" : "with that id";
      Error e = Error::not_found("animal_not_found",
                                 "There is no animal " + which +
                                     ". Find animals with GET /api/v1/herd/animals?tag=<ear tag>.");
      e.details.emplace_back("animal_id");
      return e;
    }
    if (in.ear_tag && upper(trim(*in.ear_tag)) != animal->ear_tag) {
      return field_error("ear_tag", "Fields 'animal_id' and 'ear_tag' name different animals ('" +
                                        animal->ear_tag + "' has that id); send one of them.");
    }
  } else if (in.ear_tag) {
    std::string tag = upper(trim(*in.ear_tag));
    SD_ASSIGN_OR_RETURN(animal, src.animal_by_tag(tag));
    if (!animal) {
      Error e =
          Error::not_found("animal_not_found",
                           "There is no animal with ear tag '" + tag +
                               "'. Register it with POST /api/v1/herd/animals, or check the tag.");
      e.details.emplace_back("ear_tag");
      return e;
    }
  } else {
    return field_error("animal_id", "Send the animal as 'animal_id' or 'ear_tag'.");
  }
  t.animal = std::move(*animal);
  t.day = in.day.value_or(today);
  if (t.day > today) {
    return field_error("day", "Field 'day' cannot be in the future; today is " +
                                  format_date(today) + " on the farm.");
  }
  if (t.animal.birth_date && t.day < *t.animal.birth_date) {
    return field_error("day", "Field 'day' (" + format_date(t.day) + ") is before " +
                                  t.animal.ear_tag + " was born (" +
                                  format_date(*t.animal.birth_date) + ").");
  }
  if (in.session) {
    if (!settings.has_session(*in.session)) {
      return field_error("session", "Field 'session' must be one of the farm's sessions: " +
                                        configured_sessions(settings) + ".");
    }
    t.session = *in.session;
  } else {
    t.session = settings.session_at(minute);
  }
  return t;
}

// A new milking needs a cow in milk; a correction only a female (her status may have moved
// on since the day corrected).
Status check_animal(const store::MilkAnimal& a, bool correction) {
  if (a.sex != "female") {
    Error e = Error::conflict("not_female", a.ear_tag + " is " + a.sex + " (status " + a.status +
                                                ") and cannot give milk.");
    e.details.emplace_back("animal_id");
    return e;
  }
  if (correction) return {};
  if (a.status != "lactating" || a.disposal_date) {
    Error e = Error::conflict("animal_not_lactating",
                              a.ear_tag + " is " + a.status +
                                  ", not lactating: only a lactating cow's milk is recorded. "
                                  "Record her calving (or change her status) first.");
    e.details.emplace_back("animal_id");
    return e;
  }
  return {};
}

Error already_recorded(const MilkRecord& r) {
  Error e = Error::conflict(
      "milk_already_recorded",
      r.ear_tag + " already has a record for the " + r.session + " session of " +
          format_date(r.day) + " (" + r.id + ", " + std::to_string(r.quantity_ml) +
          " ml). To change it, send the record again with \"correction\": {\"reason\": \"…\"}.");
  e.details = {"session", r.id};
  return e;
}

// Fills the measured values, SNF, grade and withholding of `r` from the input.
Status evaluate(Source& src, const MilkInput& in, const HerdSettings& s, MilkRecord& r) {
  r.quantity_ml = in.quantity_ml;
  r.fat = in.fat;
  r.protein = in.protein;
  r.temperature_dc = in.temperature_dc;
  r.scc = in.scc;
  r.lactometer_clr = in.lactometer_clr;
  r.snf = in.snf;
  r.snf_computed = false;
  if (in.lactometer_clr) {
    int64_t snf = snf_from_lactometer(s, *in.lactometer_clr, *in.fat);
    if (snf < kMinSnf || snf > kMaxSnf) {
      return field_error("lactometer",
                         "The lactometer reading " + format_scaled_decimal(*in.lactometer_clr, 2) +
                             " with fat " + format_scaled_decimal(*in.fat, 2) + " % gives SNF " +
                             format_scaled_decimal(snf, 2) +
                             " %, outside 5.00 to 15.00 %. Check the reading and the fat.");
    }
    r.snf = snf;
    r.snf_computed = true;
  }
  r.notes = in.notes;
  r.grade = milk_grade(s, r);
  SD_ASSIGN_OR_RETURN(r.withheld_by, src.withholding(r.animal_id, r.day));
  r.withheld = r.withheld_by.has_value();
  return {};
}

// What a milking will change, decided without writing anything: a new record, a corrected
// one (with the audit entry), or nothing (kUnchanged).
struct Plan {
  MilkRecord record;
  MilkOutcome outcome = MilkOutcome::kCreated;
  std::optional<MilkCorrection> audit;
};

Result<Plan> plan(Source& src, const ModuleContext& ctx, const MilkInput& in, const Target& t,
                  const HerdSettings& settings, const std::string& actor, bool same_is_unchanged) {
  const bool correction = in.correction_reason.has_value();
  SD_RETURN_IF_ERROR(check_animal(t.animal, correction));
  SD_ASSIGN_OR_RETURN(auto existing, src.record_at(t.animal.id, t.day, t.session));
  int64_t now = ctx.clock.now_micros();
  Plan p;
  if (!existing) {
    if (correction) {
      return field_error("correction", "There is no " + t.session + " record of " +
                                           t.animal.ear_tag + " on " + format_date(t.day) +
                                           " to correct; leave out 'correction' to record it.");
    }
    MilkRecord& r = p.record;
    r.id = new_uuid_v7();
    r.animal_id = t.animal.id;
    r.ear_tag = t.animal.ear_tag;
    r.day = t.day;
    r.session = t.session;
    SD_RETURN_IF_ERROR(evaluate(src, in, settings, r));
    r.recorded_by = actor;
    r.created_at = now;
    r.updated_at = now;
    return p;
  }
  p.record = *existing;
  MilkRecord& r = p.record;
  SD_RETURN_IF_ERROR(evaluate(src, in, settings, r));
  if (!correction) {
    if (same_is_unchanged && same_values(r, *existing)) {
      p.record = std::move(*existing);
      p.outcome = MilkOutcome::kUnchanged;
      return p;
    }
    return already_recorded(*existing);
  }
  if (same_values(r, *existing) && r.grade == existing->grade &&
      r.withheld_by == existing->withheld_by) {
    p.record = std::move(*existing);
    p.outcome = MilkOutcome::kUnchanged;
    return p;
  }
  MilkCorrection audit;
  audit.id = new_uuid_v7();
  audit.record_id = r.id;
  audit.previous = json::serialize(values_json(*existing));
  audit.reason = *in.correction_reason;
  audit.actor = actor;
  audit.created_at = now;
  r.version = existing->version + 1;
  r.updated_at = now;
  p.audit = std::move(audit);
  p.outcome = MilkOutcome::kCorrected;
  return p;
}

// Carries out a plan. An error here is the database's, not the client's.
Status write(db::Connection& tx, const ModuleContext& ctx, const Plan& p,
             const std::string& actor) {
  switch (p.outcome) {
    case MilkOutcome::kUnchanged:
      return {};
    case MilkOutcome::kCreated:
      SD_RETURN_IF_ERROR(store::insert_milk_record(tx, p.record));
      return append_event(tx, ctx.clock, "milk.recorded", p.record, actor);
    case MilkOutcome::kCorrected:
      SD_RETURN_IF_ERROR(store::update_milk_record(tx, p.record));
      SD_RETURN_IF_ERROR(store::insert_milk_correction(tx, *p.audit));
      return append_event(tx, ctx.clock, "milk.corrected", p.record, actor);
  }
  return {};
}

Error not_found(const std::string& id) {
  std::string which = is_uuid(id) ? "with id '" + id + "'" : "with that id";
  return Error::not_found("milk_record_not_found",
                          "There is no milk record " + which +
                              ". Find records with GET /api/v1/herd/milk?day=<YYYY-MM-DD>.");
}

}  // namespace

Status check_milk_values(const MilkInput& in) {
  if (in.quantity_ml < kMinQuantityMl || in.quantity_ml > kMaxQuantityMl) {
    return field_error("quantity_ml", "Field 'quantity_ml' must be whole millilitres from 1 to " +
                                          std::to_string(kMaxQuantityMl) + "; it is " +
                                          std::to_string(in.quantity_ml) + ".");
  }
  SD_RETURN_IF_ERROR(check_range("fat", in.fat, kMinFat, kMaxFat, 2, " %"));
  SD_RETURN_IF_ERROR(check_range("snf", in.snf, kMinSnf, kMaxSnf, 2, " %"));
  SD_RETURN_IF_ERROR(check_range("protein", in.protein, kMinProtein, kMaxProtein, 2, " %"));
  SD_RETURN_IF_ERROR(
      check_range("temperature", in.temperature_dc, kMinTempDc, kMaxTempDc, 1, " °C"));
  SD_RETURN_IF_ERROR(check_range("scc", in.scc, kMinScc, kMaxScc, 0, " thousand cells/ml"));
  SD_RETURN_IF_ERROR(check_range("lactometer", in.lactometer_clr, kMinClr, kMaxClr, 2, " CLR"));
  if (in.lactometer_clr && in.snf) {
    return field_error("lactometer",
                       "Send either 'snf' (measured) or 'lactometer' (SNF computed from the "
                       "reading and the fat), not both.");
  }
  if (in.lactometer_clr && !in.fat) {
    return field_error("fat",
                       "Field 'fat' is required with 'lactometer': SNF is computed from both.");
  }
  if (in.notes && in.notes->size() > kMaxMilkNotes) {
    return field_error(
        "notes", "Field 'notes' must be at most " + std::to_string(kMaxMilkNotes) + " bytes.");
  }
  if (in.correction_reason && trim(*in.correction_reason).empty()) {
    return field_error("correction.reason",
                       "Field 'correction.reason' must say why the record is corrected.");
  }
  return {};
}

int64_t snf_from_lactometer(const HerdSettings& s, int64_t clr, int64_t fat) {
  // snf% = clr/div + (factor/10000)*fat + constant/10000, all in hundredths of a percent:
  // snf_h = clr_h/div + factor*fat_h/10000 + constant/100; over the common denominator
  // 10000*div.
  const int64_t den = 10000 * s.snf_clr_divisor;
  const int64_t num = clr * 10000 + s.snf_fat_factor * fat * s.snf_clr_divisor +
                      s.snf_constant * 100 * s.snf_clr_divisor;
  // Rounded half away from zero.
  return num >= 0 ? (num + den / 2) / den : -((-num + den / 2) / den);
}

std::string milk_grade(const HerdSettings& s, const MilkRecord& r) {
  if (r.temperature_dc && *r.temperature_dc > s.reject_temp_dc) return "R";
  struct Level {
    const char* grade;
    int64_t fat, snf, scc;
  };
  const Level levels[] = {{"A", s.grade_a_fat, s.grade_a_snf, s.grade_a_scc},
                          {"B", s.grade_b_fat, s.grade_b_snf, s.grade_b_scc},
                          {"C", s.grade_c_fat, s.grade_c_snf, s.grade_c_scc}};
  for (const auto& l : levels) {
    if (l.grade[0] == 'A' && (!r.fat || !r.snf)) continue;
    if (r.fat && *r.fat < l.fat) continue;
    if (r.snf && *r.snf < l.snf) continue;
    if (r.scc && *r.scc > l.scc) continue;
    return l.grade;
  }
  return "R";
}

json::object milk_record_json(const MilkRecord& r) {
  return {{"id", r.id},
          {"animal_id", r.animal_id},
          {"ear_tag", r.ear_tag},
          {"day", format_date(r.day)},
          {"session", r.session},
          {"quantity_ml", r.quantity_ml},
          {"fat", decimal_json(r.fat, 2)},
          {"snf", decimal_json(r.snf, 2)},
          {"protein", decimal_json(r.protein, 2)},
          {"temperature", decimal_json(r.temperature_dc, 1)},
          {"scc", r.scc ? json::value(*r.scc) : json::value()},
          {"lactometer", decimal_json(r.lactometer_clr, 2)},
          {"snf_computed", r.snf_computed},
          {"grade", r.grade},
          {"withheld", r.withheld},
          {"withheld_by", opt_text(r.withheld_by)},
          {"posted", r.posted()},
          {"posted_ml", r.posted_ml},
          {"posting_id", opt_text(r.posting_id)},
          {"notes", opt_text(r.notes)},
          {"recorded_by", r.recorded_by},
          {"version", r.version},
          {"created_at", format_rfc3339(r.created_at)},
          {"updated_at", format_rfc3339(r.updated_at)}};
}

int MilkService::local_minute() const {
  int64_t minutes = ctx_.clock.now_micros() / 60'000'000 + ctx_.utc_offset_minutes;
  int64_t m = minutes % 1440;
  if (m < 0) m += 1440;
  return static_cast<int>(m);
}

Result<MilkService::Recorded> MilkService::record(db::Connection& tx, const MilkInput& in,
                                                  const std::string& actor,
                                                  bool same_is_unchanged) const {
  SD_RETURN_IF_ERROR(check_milk_values(in));
  SD_ASSIGN_OR_RETURN(HerdSettings settings, store::load_settings(tx));
  DbSource src(tx);
  SD_ASSIGN_OR_RETURN(Target t, resolve(src, in, settings, ctx_.today(), local_minute()));
  SD_ASSIGN_OR_RETURN(Plan p, plan(src, ctx_, in, t, settings, actor, same_is_unchanged));
  SD_RETURN_IF_ERROR(write(tx, ctx_, p, actor));
  return Recorded{std::move(p.record), p.outcome};
}

Result<BatchReport> MilkService::batch(db::Connection& tx,
                                       const std::vector<Result<MilkInput>>& rows, BatchMode mode,
                                       const std::string& actor, bool same_is_unchanged,
                                       bool validate_only) const {
  // Every row is planned first (nothing written), then the good rows are written: a bad row
  // never leaves anything behind, and no savepoint per row is needed (each would journal
  // the pages the row touches again).
  SD_ASSIGN_OR_RETURN(HerdSettings settings, store::load_settings(tx));
  const Day today = ctx_.today();
  const int minute = local_minute();
  // The batch's animals, their records on the days concerned and their withdrawals: a few
  // statements for the whole batch instead of three per row.
  BatchSource src(tx);
  SD_RETURN_IF_ERROR(src.load(rows, today));
  BatchReport report;
  std::vector<std::optional<Plan>> plans(rows.size());
  std::map<std::tuple<std::string, Day, std::string>, size_t> seen;
  for (size_t i = 0; i < rows.size(); ++i) {
    auto one = [&]() -> Result<Plan> {
      if (!rows[i].ok()) return rows[i].error();
      const MilkInput& in = *rows[i];
      SD_RETURN_IF_ERROR(check_milk_values(in));
      SD_ASSIGN_OR_RETURN(Target t, resolve(src, in, settings, today, minute));
      auto key = std::make_tuple(t.animal.id, t.day, t.session);
      if (auto it = seen.find(key); it != seen.end()) {
        Error e = Error::conflict("duplicate_in_batch",
                                  "Row " + std::to_string(i) + " repeats row " +
                                      std::to_string(it->second) + ": " + t.animal.ear_tag + ", " +
                                      format_date(t.day) + ", " + t.session +
                                      ". Send one record per animal, day and session.");
        e.details.emplace_back("session");
        return e;
      }
      seen.emplace(std::move(key), i);
      return plan(src, ctx_, in, t, settings, actor, same_is_unchanged);
    };
    BatchRow row;
    row.index = i;
    auto planned = one();
    if (planned.ok()) {
      row.outcome = planned->outcome;
      plans[i] = std::move(*planned);
    } else {
      if (planned.error().kind == ErrorKind::kInternal) return std::move(planned).error();
      row.error = std::move(planned).error();
      ++report.failed;
    }
    report.rows.push_back(std::move(row));
  }
  if ((mode == BatchMode::kAllOrNothing && report.failed > 0) || validate_only) {
    report.rolled_back = report.failed > 0;
    return report;
  }
  // New records go in with multi-row INSERTs, their events likewise (a statement per row
  // would journal the pages it touches again, each time); a correction first writes the new
  // records before it, so the events keep the rows' order.
  std::vector<const MilkRecord*> created;
  auto flush = [&]() -> Status {
    if (created.empty()) return {};
    SD_RETURN_IF_ERROR(store::insert_milk_records(tx, created));
    std::vector<events::EventDraft> drafts;
    drafts.reserve(created.size());
    for (const MilkRecord* r : created) drafts.push_back(event_draft("milk.recorded", *r, actor));
    created.clear();
    return events::append_all(tx, std::move(drafts), ctx_.clock);
  };
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!plans[i]) continue;
    if (plans[i]->outcome == MilkOutcome::kCreated) {
      created.push_back(&plans[i]->record);
    } else if (plans[i]->outcome == MilkOutcome::kCorrected) {
      SD_RETURN_IF_ERROR(flush());
      SD_RETURN_IF_ERROR(write(tx, ctx_, *plans[i], actor));
    }
  }
  SD_RETURN_IF_ERROR(flush());
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!plans[i]) continue;
    if (plans[i]->outcome != MilkOutcome::kUnchanged) ++report.saved;
    report.rows[i].record = std::move(plans[i]->record);
  }
  return report;
}

Result<MilkRecord> MilkService::get(db::Connection& c, const std::string& id) const {
  if (!is_uuid(id)) return not_found(id);
  SD_ASSIGN_OR_RETURN(auto found, store::find_milk_record(c, id));
  if (!found) return not_found(id);
  return std::move(*found);
}

Result<std::vector<MilkCorrection>> MilkService::corrections(db::Connection& c,
                                                             const std::string& id) const {
  return store::list_milk_corrections(c, id);
}

Result<Listing<MilkRecord>> MilkService::list(db::Connection& c, const MilkQuery& q) const {
  SD_ASSIGN_OR_RETURN(auto rows, store::list_milk_records(c, q));
  return make_listing(std::move(rows), q.limit, [](const MilkRecord& r) { return r.id; });
}

}  // namespace smartdairy::modules::herd
