#include "modules/herd/calving_service.h"

#include <boost/json/object.hpp>

#include "core/uuid.h"
#include "modules/herd/animal_store.h"
#include "modules/herd/animal_text.h"

namespace smartdairy::modules::herd {

namespace json = boost::json;

namespace {
constexpr size_t kMaxNotes = 2000;

// Errors about the calf name the calf's fields ("calf.ear_tag").
Error prefix_calf(Error e) {
  for (auto& d : e.details) d.insert(0, "calf.");
  if (!e.details.empty()) {
    e.message = "Calf: " + e.message;
  }
  return e;
}
}  // namespace

Result<Calving> CalvingService::record(db::Connection& tx, const NewCalving& in,
                                       const std::string& actor) const {
  const Day today = ctx_.today();
  if (in.difficulty < 1 || in.difficulty > 5) {
    return field_error("difficulty",
                       "Field 'difficulty' must be from 1 (easy, unassisted) to 5 (caesarean).");
  }
  if (in.day > today) {
    return field_error("day", "Field 'day' cannot be in the future; today is " +
                                  format_date(today) + " on the farm.");
  }
  auto found = animals_.get(tx, in.dam_id);
  if (!found.ok()) {
    if (found.error().kind == ErrorKind::kNotFound) {
      return field_error("dam_id", "Field 'dam_id' names no animal of the herd.");
    }
    return std::move(found).error();
  }
  Animal dam = std::move(*found);
  if (dam.sex != "female") {
    return field_error("dam_id", "The dam must be female; " + dam.ear_tag + " is male.");
  }
  if (dam.disposed()) {
    Error e =
        Error::conflict("animal_disposed", "Animal " + dam.ear_tag + " was " + *dam.disposal_kind +
                                               " on " + format_date(dam.disposal_date.value_or(0)) +
                                               "; a calving cannot be recorded for her.");
    e.details.emplace_back("dam_id");
    return e;
  }
  if (dam.status == "calf") {
    Error e = Error::conflict(
        "dam_is_calf", "Animal " + dam.ear_tag + " is still a calf; move her to heifer first.");
    e.details.emplace_back("dam_id");
    return e;
  }
  if (dam.birth_date && in.day <= *dam.birth_date) {
    return field_error(
        "day", "Field 'day' must be after the dam's birth (" + format_date(*dam.birth_date) + ").");
  }
  if (dam.last_calving_date && in.day <= *dam.last_calving_date) {
    Error e = Error::conflict("calving_out_of_order", "Animal " + dam.ear_tag + " last calved on " +
                                                          format_date(*dam.last_calving_date) +
                                                          "; a new calving must be later.");
    e.details.emplace_back("day");
    return e;
  }

  std::optional<std::string> sire_id = in.sire_id;
  if (in.service_id) {
    std::optional<store::ServiceRow> service;
    if (is_uuid(*in.service_id)) {
      SD_ASSIGN_OR_RETURN(service, store::find_service_row(tx, *in.service_id));
    }
    if (!service || service->animal_id != dam.id) {
      return field_error("service_id",
                         "Field 'service_id' names no breeding service of " + dam.ear_tag + ".");
    }
    if (service->pregnancy_status != "pending" && service->pregnancy_status != "confirmed") {
      Error e = Error::conflict("service_closed", "That service of " + dam.ear_tag + " is " +
                                                      service->pregnancy_status +
                                                      "; only a pending or confirmed service "
                                                      "ends in a calving.");
      e.details.emplace_back("service_id");
      return e;
    }
    if (in.day <= service->day) {
      return field_error(
          "day", "Field 'day' must be after the service on " + format_date(service->day) + ".");
    }
    if (service->sire_id) {
      if (sire_id && *sire_id != *service->sire_id) {
        return field_error("sire_id",
                           "Field 'sire_id' differs from the sire of the service; leave it out.");
      }
      sire_id = service->sire_id;
    }
    SD_RETURN_IF_ERROR(store::mark_service_calved(tx, service->id, ctx_.clock.now_micros()));
  }

  Calving out;
  out.id = new_uuid_v7();
  out.dam_id = dam.id;
  out.day = in.day;
  out.difficulty = in.difficulty;
  out.service_id = in.service_id;
  out.sire_id = sire_id;
  if (in.notes && !trim_blanks(*in.notes).empty()) {
    SD_ASSIGN_OR_RETURN(out.notes, clean_text("notes", *in.notes, kMaxNotes, true));
  }
  if (in.calf) {
    NewAnimal calf;
    calf.ear_tag = in.calf->ear_tag;
    calf.sex = in.calf->sex;
    calf.name = in.calf->name;
    calf.rfid = in.calf->rfid;
    calf.breed_id = dam.breed_id;
    calf.birth_date = in.day;
    calf.status = "calf";
    calf.sire_id = sire_id;
    calf.dam_id = dam.id;
    calf.acquisition_kind = "born";
    calf.acquisition_date = in.day;
    auto registered = animals_.register_animal(tx, calf, actor);
    if (!registered.ok()) {
      Error e = std::move(registered).error();
      // A bad sire is the body's sire_id, not the calf's.
      bool sire_error = !e.details.empty() && e.details[0] == "sire_id";
      return sire_error ? e : prefix_calf(std::move(e));
    }
    out.calf = std::move(*registered);
  } else if (sire_id) {
    // No calf to carry the pedigree: still refuse a sire that is no bull of the herd.
    auto sire = animals_.get(tx, *sire_id);
    if (!sire.ok() || sire->sex != "male") {
      return field_error("sire_id", "Field 'sire_id' must name a male animal of the herd.");
    }
  }
  SD_ASSIGN_OR_RETURN(out.dam, animals_.record_calving(tx, dam, in.day, actor));

  store::CalvingRow row;
  row.id = out.id;
  row.dam_id = out.dam_id;
  row.service_id = out.service_id;
  row.day = out.day;
  row.difficulty = out.difficulty;
  row.calf_id = out.calf ? std::optional<std::string>(out.calf->id) : std::nullopt;
  row.notes = out.notes;
  row.recorded_by = actor;
  row.created_at = ctx_.clock.now_micros();
  SD_RETURN_IF_ERROR(store::insert_calving(tx, row));
  SD_RETURN_IF_ERROR(append_herd_event(
      tx, ctx_.clock, "calving.recorded", "calving", out.id, actor,
      {{"dam_id", dam.id},
       {"dam_ear_tag", dam.ear_tag},
       {"day", format_date(in.day)},
       {"difficulty", in.difficulty},
       {"service_id", text_json(out.service_id)},
       {"sire_id", text_json(out.sire_id)},
       {"calf_id", out.calf ? json::value(out.calf->id) : json::value()},
       {"calf_ear_tag", out.calf ? json::value(out.calf->ear_tag) : json::value()},
       {"stillbirth", !out.calf.has_value()}}));
  return out;
}

}  // namespace smartdairy::modules::herd
