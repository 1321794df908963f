#include "modules/herd/health_service.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <utility>

#include "core/uuid.h"
#include "events/outbox.h"
#include "modules/herd/health_fields.h"
#include "modules/herd/health_store.h"
#include "modules/herd/herd.h"

namespace smartdairy::modules::herd {

namespace json = boost::json;

namespace {

constexpr size_t kMaxDescription = 2000;
constexpr size_t kMaxDiagnosis = 500;
constexpr size_t kMaxMedication = 200;
constexpr size_t kMaxDose = 100;
constexpr size_t kMaxRoute = 50;
constexpr size_t kMaxVeterinarian = 200;

Error record_not_found(const std::string& id) {
  std::string which = is_uuid(id) ? "with id '" + id + "'" : "with that id";
  return Error::not_found("health_record_not_found",
                          "There is no health record " + which +
                              ". Find records with GET /api/v1/herd/health?animal_id=<id>.");
}

Error animal_not_found(const std::string& id) {
  std::string which = is_uuid(id) ? "with id '" + id + "'" : "with that id";
  return invalid_reference(
      Error::not_found("animal_not_found",
                       "There is no animal " + which +
                           ". Find the animal with GET /api/v1/herd/animals?tag=<ear tag>."),
      "animal_id");
}

json::value day_json(const std::optional<Day>& d) {
  return d ? json::value(format_date(*d)) : json::value();
}

Status append_event(db::Connection& tx, const Clock& clock, std::string type, const HealthRecord& r,
                    const std::string& actor, json::object data) {
  data["animal_id"] = r.animal_id;
  data["ear_tag"] = r.ear_tag;
  data["day"] = format_date(r.day);
  data["kind"] = r.kind;
  data["status"] = r.status;
  data["cost"] = r.cost ? r.cost->to_json() : json::value();
  data["milk_withdrawal_end"] =
      r.treatment ? json::value(format_date(r.treatment->milk_withdrawal_end)) : json::value();
  data["meat_withdrawal_end"] =
      r.treatment ? json::value(format_date(r.treatment->meat_withdrawal_end)) : json::value();
  events::EventDraft d;
  d.type = std::move(type);
  d.aggregate_type = "health_record";
  d.aggregate_id = r.id;
  d.actor = actor;
  d.data = json::serialize(data);
  auto appended = events::append(tx, std::move(d), clock);
  if (!appended.ok()) return std::move(appended).error();
  return {};
}

Status check_status(const std::string& status) {
  if (!one_of(kHealthStatuses, status)) {
    return fields::error("status",
                         "Field 'status' must be one of active, resolved, chronic, follow_up.");
  }
  return {};
}

Status check_follow_up(Day follow_up, Day day) {
  if (follow_up < day) {
    return fields::error("follow_up_date", "Field 'follow_up_date' (" + format_date(follow_up) +
                                               ") cannot be before the record's day " +
                                               format_date(day) + ".");
  }
  return {};
}

}  // namespace

Result<RecordedHealth> HealthService::record(db::Connection& tx, NewHealthRecord in,
                                             const std::string& actor) {
  HealthRecord r;
  if (!one_of(kHealthKinds, in.kind)) {
    return fields::error("kind",
                         "Field 'kind' must be one of checkup, symptom, diagnosis, treatment, "
                         "surgery, vaccination, deworming.");
  }
  r.kind = in.kind;
  SD_ASSIGN_OR_RETURN(r.description,
                      fields::clean_text("description", in.description, kMaxDescription, true));
  SD_ASSIGN_OR_RETURN(r.diagnosis, fields::clean_text("diagnosis", in.diagnosis, kMaxDiagnosis));
  SD_ASSIGN_OR_RETURN(r.medication,
                      fields::clean_text("medication", in.medication, kMaxMedication));
  SD_ASSIGN_OR_RETURN(r.dose, fields::clean_text("dose", in.dose, kMaxDose));
  SD_ASSIGN_OR_RETURN(r.route, fields::clean_text("route", in.route, kMaxRoute));
  SD_ASSIGN_OR_RETURN(r.veterinarian,
                      fields::clean_text("veterinarian", in.veterinarian, kMaxVeterinarian));
  if (in.cost) {
    if (in.cost->currency() != ctx_.currency) {
      return fields::error("cost",
                           "Field 'cost' must be in " + std::string(ctx_.currency.code) + ".");
    }
    if (in.cost->minor_units() < 0) {
      return fields::error("cost", "Field 'cost' cannot be negative.");
    }
  }
  r.cost = in.cost;
  r.status = in.status.value_or("active");
  SD_RETURN_IF_ERROR(check_status(r.status));

  if (!is_uuid(in.animal_id)) return animal_not_found(in.animal_id);
  SD_ASSIGN_OR_RETURN(auto animal, store::find_animal_facts(tx, in.animal_id));
  if (!animal) return animal_not_found(in.animal_id);
  if (animal->disposal_kind) {
    Error e = Error::conflict("animal_disposed", "Animal " + animal->ear_tag + " is " +
                                                     *animal->disposal_kind +
                                                     "; health records are kept only for "
                                                     "animals still on the farm.");
    e.details.emplace_back("animal_id");
    return e;
  }
  r.animal_id = animal->id;
  r.ear_tag = animal->ear_tag;
  SD_RETURN_IF_ERROR(fields::check_event_day("day", in.day, ctx_.today(), animal->birth_date));
  r.day = in.day;
  if (in.follow_up_date) SD_RETURN_IF_ERROR(check_follow_up(*in.follow_up_date, r.day));
  r.follow_up_date = in.follow_up_date;

  RecordedHealth out;
  if (r.kind == "treatment" && !in.treatment) {
    return fields::error("treatment",
                         "A record of kind 'treatment' needs 'treatment': {last_dose_date, "
                         "milk_withdrawal_days, meat_withdrawal_days} from the product's label "
                         "(0 when it has none), or an 'off_label' description; without it the "
                         "milk of a treated cow could be sold. Use kind 'checkup' or "
                         "'diagnosis' for a visit without medicine.");
  }
  if (in.treatment) {
    SD_ASSIGN_OR_RETURN(Withdrawal w, compute_withdrawal(*in.treatment, r.day));
    Treatment t;
    t.last_dose_date = in.treatment->last_dose_date;
    t.milk_withdrawal_days = w.milk_days;
    t.meat_withdrawal_days = w.meat_days;
    t.off_label = w.off_label;
    t.milk_withdrawal_end = w.milk_end;
    t.meat_withdrawal_end = w.meat_end;
    r.treatment = t;
    out.warnings = std::move(w.warnings);
  }

  r.id = new_uuid_v7();
  r.recorded_by = actor;
  r.created_at = ctx_.clock.now_micros();
  r.updated_at = r.created_at;
  SD_RETURN_IF_ERROR(store::insert_health_record(tx, r));
  SD_RETURN_IF_ERROR(append_event(tx, ctx_.clock, "health.recorded", r, actor, {}));
  out.record = std::move(r);
  return out;
}

Result<HealthRecord> HealthService::update(db::Connection& tx, const std::string& id,
                                           HealthChanges changes, const std::string& actor) {
  if (!is_uuid(id)) return record_not_found(id);
  SD_ASSIGN_OR_RETURN(auto found, store::find_health_record(tx, id, ctx_.currency));
  if (!found) return record_not_found(id);
  HealthRecord r = std::move(*found);
  json::array changed;

  if (changes.status) {
    SD_RETURN_IF_ERROR(check_status(*changes.status));
    if (*changes.status != r.status) {
      r.status = *changes.status;
      changed.emplace_back("status");
    }
  }
  if (changes.follow_up_date) {
    if (*changes.follow_up_date) {
      SD_RETURN_IF_ERROR(check_follow_up(**changes.follow_up_date, r.day));
    }
    if (*changes.follow_up_date != r.follow_up_date) {
      r.follow_up_date = *changes.follow_up_date;
      changed.emplace_back("follow_up_date");
    }
  }
  if (changes.description) {
    SD_ASSIGN_OR_RETURN(auto description, fields::clean_text("description", *changes.description,
                                                             kMaxDescription, true));
    if (description != r.description) {
      r.description = std::move(description);
      changed.emplace_back("description");
    }
  }
  if (changed.empty()) return r;
  r.updated_at = ctx_.clock.now_micros();
  SD_RETURN_IF_ERROR(store::update_health_record(tx, r));
  json::object data{{"changed", std::move(changed)},
                    {"follow_up_date", day_json(r.follow_up_date)}};
  SD_RETURN_IF_ERROR(append_event(tx, ctx_.clock, "health.updated", r, actor, std::move(data)));
  return r;
}

Result<HealthRecord> HealthService::get(db::Connection& c, const std::string& id) const {
  if (!is_uuid(id)) return record_not_found(id);
  SD_ASSIGN_OR_RETURN(auto found, store::find_health_record(c, id, ctx_.currency));
  if (!found) return record_not_found(id);
  return std::move(*found);
}

Result<Listing<HealthRecord>> HealthService::list(db::Connection& c, const HealthQuery& q) const {
  SD_ASSIGN_OR_RETURN(auto rows, store::list_health_records(c, q, ctx_.currency));
  return make_listing(std::move(rows), q.limit, [](const HealthRecord& r) { return r.id; });
}

Result<std::vector<AnimalWithdrawal>> HealthService::withdrawals(db::Connection& c, Day on) const {
  return store::withdrawals_on(c, on);
}

}  // namespace smartdairy::modules::herd
