#include "modules/herd/breeding_service.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <utility>

#include "core/uuid.h"
#include "events/outbox.h"
#include "modules/herd/animal_text.h"
#include "modules/herd/breeding_store.h"
#include "modules/herd/health_fields.h"
#include "modules/herd/health_store.h"
#include "modules/herd/herd.h"

namespace smartdairy::modules::herd {

namespace json = boost::json;

namespace {

constexpr size_t kMaxSemenBatch = 64;
constexpr size_t kMaxTechnician = 200;
constexpr size_t kMaxHeatDetection = 200;
constexpr size_t kMaxNotes = 2000;

std::string which(const std::string& id) {
  return is_uuid(id) ? "with id '" + id + "'" : "with that id";
}

Error service_not_found(const std::string& id) {
  return Error::not_found("service_not_found",
                          "There is no breeding service " + which(id) +
                              ". Find services with GET "
                              "/api/v1/herd/breeding/services?animal_id=<id>.");
}

Error not_breedable(const std::string& message) {
  Error e = Error::conflict("animal_not_breedable", message);
  e.details.emplace_back("animal_id");
  return e;
}

// The status an animal returns to when a pregnancy ends without calving: dry if she has
// calved before, heifer if not.
std::string open_status(const store::AnimalFacts& a) {
  return a.last_calving_date ? "dry" : "heifer";
}

void set_window(Service& s, const HerdSettings& settings) {
  s.window_from = s.expected_calving - settings.calving_window_days;
  s.window_to = s.expected_calving + settings.calving_window_days;
}

}  // namespace

Result<RecordedService> BreedingService::serve(db::Connection& tx, NewService in,
                                               const std::string& actor) {
  Service s;
  if (!one_of(kServiceMethods, in.method)) {
    return fields::error("method", "Field 'method' must be one of natural, ai, et.");
  }
  s.method = in.method;
  SD_ASSIGN_OR_RETURN(s.semen_batch,
                      fields::clean_text("semen_batch", in.semen_batch, kMaxSemenBatch));
  SD_ASSIGN_OR_RETURN(s.technician,
                      fields::clean_text("technician", in.technician, kMaxTechnician));
  SD_ASSIGN_OR_RETURN(s.heat_detection,
                      fields::clean_text("heat_detection", in.heat_detection, kMaxHeatDetection));
  SD_ASSIGN_OR_RETURN(s.notes, fields::clean_text("notes", in.notes, kMaxNotes, true));

  if (!is_uuid(in.animal_id)) {
    return invalid_reference(
        Error::not_found("animal_not_found", "There is no animal " + which(in.animal_id) + "."),
        "animal_id");
  }
  SD_ASSIGN_OR_RETURN(auto animal, store::find_animal_facts(tx, in.animal_id));
  if (!animal) {
    return invalid_reference(
        Error::not_found("animal_not_found",
                         "There is no animal " + which(in.animal_id) +
                             ". Find the animal with GET /api/v1/herd/animals?tag=<ear tag>."),
        "animal_id");
  }
  const std::string& tag = animal->ear_tag;
  if (animal->disposal_kind) {
    return not_breedable("Animal " + tag + " is " + *animal->disposal_kind +
                         " and can no longer be bred.");
  }
  if (animal->sex != "female") {
    return not_breedable("Animal " + tag + " is male; only a female can be served.");
  }
  if (animal->status == "calf") {
    return not_breedable("Animal " + tag +
                         " is a calf; change her status to heifer before recording a service.");
  }
  if (animal->status == "pregnant") {
    return not_breedable("Animal " + tag +
                         " is pregnant; record a negative or aborted pregnancy check on her "
                         "open service first.");
  }
  if (animal->status != "heifer" && animal->status != "lactating" && animal->status != "dry") {
    return not_breedable("Animal " + tag + " has status " + animal->status +
                         "; only heifers and lactating or dry cows can be served.");
  }
  SD_RETURN_IF_ERROR(fields::check_event_day("day", in.day, ctx_.today(), animal->birth_date));
  if (animal->last_calving_date && in.day < *animal->last_calving_date) {
    return fields::error("day", "Field 'day' (" + format_date(in.day) +
                                    ") is before the animal's last calving on " +
                                    format_date(*animal->last_calving_date) + ".");
  }
  s.animal_id = animal->id;
  s.ear_tag = tag;
  s.day = in.day;

  // The sire: needed for natural service; AI and ET need the sire or the semen batch.
  if (in.sire_id) {
    auto bad_sire = [](const std::string& message) { return fields::error("sire_id", message); };
    if (!is_uuid(*in.sire_id)) return bad_sire("There is no animal " + which(*in.sire_id) + ".");
    if (*in.sire_id == animal->id) return bad_sire("An animal cannot be her own sire.");
    SD_ASSIGN_OR_RETURN(auto sire, store::find_animal_facts(tx, *in.sire_id));
    if (!sire) return bad_sire("There is no animal " + which(*in.sire_id) + " to be the sire.");
    if (sire->sex != "male") return bad_sire("The sire " + sire->ear_tag + " is not male.");
    if (s.method == "natural" && sire->disposal_kind) {
      return bad_sire("The sire " + sire->ear_tag + " is " + *sire->disposal_kind +
                      " and cannot serve naturally.");
    }
    s.sire_id = sire->id;
  }
  if (s.method == "natural" && !s.sire_id) {
    return fields::error("sire_id", "A natural service needs 'sire_id', the bull that served.");
  }
  if (!s.sire_id && !s.semen_batch) {
    return fields::error("semen_batch",
                         "An AI or embryo-transfer service needs 'semen_batch' or 'sire_id'.");
  }

  // An open service: a confirmed one blocks; a pending one old enough has failed.
  RecordedService out;
  SD_ASSIGN_OR_RETURN(auto open, store::open_service_of(tx, animal->id));
  if (open) {
    if (open->status == "confirmed") {
      Error e = Error::conflict(
          "service_open", "Animal " + tag + " is confirmed pregnant from the service of " +
                              format_date(open->day) + " (" + open->id +
                              "); record a negative or aborted check on it before a new service.");
      e.details.emplace_back("animal_id");
      return e;
    }
    if (in.day - open->day < kReturnToHeatDays) {
      Error e = Error::conflict(
          "service_open", "Animal " + tag + " was served on " + format_date(open->day) +
                              " and that service is pending; a new service is accepted from " +
                              std::to_string(kReturnToHeatDays) + " days later (" +
                              format_date(open->day + kReturnToHeatDays) +
                              "), when a return to heat shows the first one failed, or after a "
                              "negative pregnancy check.");
      e.details.emplace_back("day");
      return e;
    }
    out.replaced_service_id = open->id;
  }

  SD_ASSIGN_OR_RETURN(HerdSettings settings, store::load_settings(tx));
  s.check_due = s.day + settings.pregnancy_check_days;
  s.expected_calving = s.day + animal->gestation_days;
  set_window(s, settings);
  if (animal->last_calving_date &&
      *animal->last_calving_date + settings.voluntary_waiting_days > s.day) {
    s.vwp_warning = true;
    out.warnings.push_back("Bred " + std::to_string(s.day - *animal->last_calving_date) +
                           " days after calving, inside the " +
                           std::to_string(settings.voluntary_waiting_days) +
                           "-day voluntary waiting period.");
  }
  s.id = new_uuid_v7();
  s.status = "pending";
  s.recorded_by = actor;
  s.created_at = ctx_.clock.now_micros();
  s.updated_at = s.created_at;
  if (out.replaced_service_id) {
    SD_RETURN_IF_ERROR(
        store::set_service_status(tx, *out.replaced_service_id, "negative", s.created_at));
  }
  SD_RETURN_IF_ERROR(store::insert_service(tx, s));
  json::object data{{"animal_id", s.animal_id},
                    {"ear_tag", s.ear_tag},
                    {"day", format_date(s.day)},
                    {"method", s.method},
                    {"sire_id", text_json(s.sire_id)},
                    {"semen_batch", text_json(s.semen_batch)},
                    {"status", s.status},
                    {"check_due", format_date(s.check_due)},
                    {"expected_calving", format_date(s.expected_calving)},
                    {"vwp_warning", s.vwp_warning},
                    {"replaced_service_id", text_json(out.replaced_service_id)}};
  SD_RETURN_IF_ERROR(
      append_herd_event(tx, ctx_.clock, "breeding.serviced", "service", s.id, actor, data));
  out.service = std::move(s);
  return out;
}

Result<RecordedCheck> BreedingService::check(db::Connection& tx, const std::string& service_id,
                                             NewCheck in, const std::string& actor) {
  if (!one_of(kCheckResults, in.result)) {
    return fields::error("result", "Field 'result' must be one of confirmed, negative, aborted.");
  }
  if (in.method && !one_of(kCheckMethods, *in.method)) {
    return fields::error(
        "method",
        "Field 'method' must be one of echography, palpation, blood, milk, visual, "
        "other.");
  }
  if (!is_uuid(service_id)) return service_not_found(service_id);
  SD_ASSIGN_OR_RETURN(auto found, store::find_service(tx, service_id));
  if (!found) return service_not_found(service_id);
  Service s = std::move(*found);
  if (s.status != "pending" && s.status != "confirmed") {
    return Error::conflict("service_closed",
                           "The service of " + format_date(s.day) + " on animal " + s.ear_tag +
                               " is " + s.status +
                               "; pregnancy checks are recorded only on pending or confirmed "
                               "services.");
  }
  if (in.day > ctx_.today()) {
    return fields::error("day", "Field 'day' cannot be in the future; today is " +
                                    format_date(ctx_.today()) + " on the farm.");
  }
  if (in.day < s.day) {
    return fields::error("day", "Field 'day' (" + format_date(in.day) +
                                    ") is before the service on " + format_date(s.day) + ".");
  }
  SD_ASSIGN_OR_RETURN(s.checks, store::checks_of(tx, s.id));
  if (!s.checks.empty() && in.day < s.checks.back().day) {
    return fields::error("day", "Field 'day' (" + format_date(in.day) +
                                    ") is before this service's last check on " +
                                    format_date(s.checks.back().day) + ".");
  }
  SD_ASSIGN_OR_RETURN(auto animal, store::find_animal_facts(tx, s.animal_id));
  if (!animal) return service_not_found(service_id);  // unreachable: a foreign key
  if (animal->disposal_kind) {
    return Error::conflict("animal_disposed", "Animal " + animal->ear_tag + " is " +
                                                  *animal->disposal_kind +
                                                  "; her services can no longer be checked.");
  }

  RecordedCheck out;
  PregnancyCheck k;
  k.id = new_uuid_v7();
  k.service_id = s.id;
  k.day = in.day;
  k.result = in.result;
  k.method = in.method;
  k.recorded_by = actor;
  k.created_at = ctx_.clock.now_micros();

  std::string to_status = animal->status;
  if (in.result == "confirmed") {
    if (animal->status == "heifer" || animal->status == "dry") to_status = "pregnant";
  } else if (animal->status == "pregnant") {
    to_status = open_status(*animal);
  }
  s.status = in.result;
  s.updated_at = k.created_at;
  SD_RETURN_IF_ERROR(store::insert_check(tx, k));
  SD_RETURN_IF_ERROR(store::set_service_status(tx, s.id, s.status, s.updated_at));
  SD_RETURN_IF_ERROR(append_herd_event(tx, ctx_.clock, "breeding.checked", "service", s.id, actor,
                                       {{"animal_id", s.animal_id},
                                        {"ear_tag", s.ear_tag},
                                        {"check_id", k.id},
                                        {"day", format_date(k.day)},
                                        {"result", k.result},
                                        {"method", text_json(k.method)},
                                        {"status", s.status}}));
  if (to_status != animal->status) {
    SD_RETURN_IF_ERROR(store::set_animal_status(tx, animal->id, to_status, k.created_at));
    SD_RETURN_IF_ERROR(append_herd_event(tx, ctx_.clock, "animal.status_changed", "animal",
                                         animal->id, actor,
                                         {{"ear_tag", animal->ear_tag},
                                          {"from", animal->status},
                                          {"to", to_status},
                                          {"status", to_status},
                                          {"reason", "pregnancy_check"},
                                          {"service_id", s.id}}));
    out.status_from = animal->status;
    out.status_to = to_status;
  }
  SD_ASSIGN_OR_RETURN(HerdSettings settings, store::load_settings(tx));
  set_window(s, settings);
  s.checks.push_back(k);
  out.check = std::move(k);
  out.service = std::move(s);
  return out;
}

Result<Service> BreedingService::get(db::Connection& c, const std::string& id) const {
  if (!is_uuid(id)) return service_not_found(id);
  SD_ASSIGN_OR_RETURN(auto found, store::find_service(c, id));
  if (!found) return service_not_found(id);
  SD_ASSIGN_OR_RETURN(found->checks, store::checks_of(c, id));
  SD_ASSIGN_OR_RETURN(HerdSettings settings, store::load_settings(c));
  set_window(*found, settings);
  return std::move(*found);
}

Result<Listing<Service>> BreedingService::list(db::Connection& c, const ServiceQuery& q) const {
  SD_ASSIGN_OR_RETURN(auto rows, store::list_services(c, q));
  SD_ASSIGN_OR_RETURN(HerdSettings settings, store::load_settings(c));
  for (auto& s : rows) set_window(s, settings);
  return make_listing(std::move(rows), q.limit, [](const Service& s) { return s.id; });
}

Result<Calendar> BreedingService::calendar(db::Connection& c, Day from, Day to) const {
  if (to < from) {
    return Error::invalid_field("invalid_parameter",
                                "Query parameter 'to' (" + format_date(to) +
                                    ") cannot be before 'from' (" + format_date(from) + ").",
                                "to");
  }
  if (to - from > kMaxCalendarDays) {
    return Error::invalid_field("invalid_parameter",
                                "The calendar covers at most " + std::to_string(kMaxCalendarDays) +
                                    " days; narrow 'from' and 'to'.",
                                "to");
  }
  SD_ASSIGN_OR_RETURN(HerdSettings settings, store::load_settings(c));
  Calendar cal;
  cal.from = from;
  cal.to = to;
  SD_ASSIGN_OR_RETURN(cal.checks_due, store::checks_due(c, from, to, ctx_.today()));
  SD_ASSIGN_OR_RETURN(cal.calvings_due, store::calvings_due(c, from, to));
  for (auto& i : cal.calvings_due) {
    i.window_from = i.expected_calving - settings.calving_window_days;
    i.window_to = i.expected_calving + settings.calving_window_days;
  }
  SD_ASSIGN_OR_RETURN(cal.dry_offs_due, store::dry_offs_due(c, from, to, settings.dry_off_days));
  return cal;
}

}  // namespace smartdairy::modules::herd
