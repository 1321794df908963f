#include "modules/herd/animal_service.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <utility>

#include "core/uuid.h"
#include "modules/herd/animal_store.h"
#include "modules/herd/animal_text.h"
#include "modules/herd/breed_store.h"
#include "modules/herd/herd.h"

namespace smartdairy::modules::herd {

namespace json = boost::json;

namespace {
constexpr size_t kMaxTag = 20;
constexpr size_t kMaxRfid = 32;
constexpr size_t kMaxName = 100;
constexpr size_t kMaxNotes = 2000;
constexpr size_t kMaxNote = 500;
const Day kEarliestBirth = days_from_civil(1970, 1, 1);

Error not_found_id(const std::string& id) {
  std::string which = is_uuid(id) ? "with id '" + id + "'" : "with that id";
  return Error::not_found("animal_not_found",
                          "There is no animal " + which +
                              ". Find animals with GET /api/v1/herd/animals?q=<tag or name>.");
}

Error not_found_tag(std::string_view tag) {
  return Error::not_found("animal_not_found",
                          "There is no animal with ear tag '" + std::string(tag) +
                              "'. Find animals with GET /api/v1/herd/animals?tag=<prefix>.");
}

Error tag_taken(const std::string& tag) {
  Error e = Error::conflict("ear_tag_taken", "Another animal already has the ear tag '" + tag +
                                                 "'. Ear tags are unique in the herd.");
  e.details.emplace_back("ear_tag");
  return e;
}

Error rfid_taken(const std::string& rfid) {
  Error e = Error::conflict("rfid_taken", "Another animal already has the RFID '" + rfid +
                                              "'. RFIDs are unique in the herd.");
  e.details.emplace_back("rfid");
  return e;
}

Error disposed_error(const Animal& a) {
  Error e = Error::conflict("animal_disposed", "Animal " + a.ear_tag + " was " +
                                                   a.disposal_kind.value_or("disposed") + " on " +
                                                   format_date(a.disposal_date.value_or(0)) +
                                                   "; only its notes can still change.");
  return e;
}

std::string join(const std::vector<std::string_view>& words) {
  if (words.empty()) return "none";
  std::string out;
  for (auto w : words) {
    if (!out.empty()) out += ", ";
    out += w;
  }
  return out;
}

Result<std::optional<std::string>> clean_rfid(const std::optional<std::string>& rfid) {
  if (!rfid) return std::optional<std::string>{};
  if (trim_blanks(*rfid).empty()) return std::optional<std::string>{};
  SD_ASSIGN_OR_RETURN(std::string r, clean_code("rfid", *rfid, kMaxRfid, "RFID"));
  return std::optional<std::string>{std::move(r)};
}

Result<std::optional<std::string>> clean_optional(std::string_view field,
                                                  const std::optional<std::string>& value,
                                                  size_t max, bool multiline = false) {
  if (!value || trim_blanks(*value).empty()) return std::optional<std::string>{};
  SD_ASSIGN_OR_RETURN(std::string s, clean_text(field, *value, max, multiline));
  return std::optional<std::string>{std::move(s)};
}

Status check_birth_date(const std::optional<Day>& d, Day today) {
  if (!d) return {};
  if (*d > today) {
    return field_error("birth_date", "Field 'birth_date' cannot be in the future; today is " +
                                         format_date(today) + " on the farm.");
  }
  if (*d < kEarliestBirth) {
    return field_error("birth_date", "Field 'birth_date' must be on or after 1970-01-01.");
  }
  return {};
}

Status check_breed(db::Connection& tx, const std::optional<std::string>& breed_id) {
  if (!breed_id) return {};
  bool exists = false;
  if (is_uuid(*breed_id)) {
    SD_ASSIGN_OR_RETURN(auto b, store::find_breed(tx, *breed_id));
    exists = b.has_value();
  }
  if (!exists) {
    return field_error("breed_id",
                       "Field 'breed_id' names no breed; list them with "
                       "GET /api/v1/herd/breeds.");
  }
  return {};
}

Status check_status_for_sex(std::string_view status, std::string_view sex) {
  if (!one_of(kAnimalStatuses, status) || one_of(kDisposalKinds, status)) {
    return field_error("status",
                       "Field 'status' must be one of calf, heifer, pregnant, lactating, dry, "
                       "bull; sold, dead and culled are recorded with POST "
                       "/api/v1/herd/animals/{id}/disposal.");
  }
  if (sex == "male" && status != "calf" && status != "bull") {
    return field_error(
        "status", "A male animal can only be a calf or a bull, not " + std::string(status) + ".");
  }
  if (sex == "female" && status == "bull") {
    return field_error("status", "A female animal cannot have the status bull.");
  }
  return {};
}

json::object animal_data(const Animal& a) {
  return {{"ear_tag", a.ear_tag},
          {"status", a.status},
          {"sex", a.sex},
          {"name", text_json(a.name)},
          {"breed_id", text_json(a.breed_id)},
          {"birth_date", date_json(a.birth_date)},
          {"sire_id", text_json(a.sire_id)},
          {"dam_id", text_json(a.dam_id)}};
}

Status check_version(const Animal& a, std::optional<int64_t> expected) {
  if (expected && *expected != a.version) {
    return Error{ErrorKind::kPreconditionFailed,
                 "version_mismatch",
                 "Animal " + a.ear_tag + " changed since you read it (now version " +
                     std::to_string(a.version) + "). Reload it and try again.",
                 {"If-Match"}};
  }
  return {};
}
}  // namespace

Result<std::string> clean_ear_tag(std::string_view field, std::string_view tag) {
  return clean_code(field, tag, kMaxTag, "ear tag");
}

std::vector<std::string_view> allowed_next_statuses(std::string_view status, std::string_view sex,
                                                    bool has_calved) {
  std::vector<std::string_view> out;
  if (status == "calf") {
    out.emplace_back(sex == "male" ? "bull" : "heifer");
  } else if (status == "heifer") {
    out = {"pregnant", "lactating"};
  } else if (status == "pregnant") {
    out = {"lactating", "dry"};
    if (!has_calved) out.emplace_back("heifer");
  } else if (status == "lactating") {
    out = {"dry"};
  } else if (status == "dry") {
    out = {"lactating", "pregnant"};
  }
  return out;
}

std::string default_status(std::string_view sex, const std::optional<Day>& birth_date, Day today) {
  if (birth_date && today - *birth_date < 365) return "calf";
  return sex == "male" ? "bull" : "heifer";
}

Status AnimalService::check_parents(db::Connection& tx, const Animal& a, bool is_new) const {
  struct Parent {
    std::string_view field;
    const std::optional<std::string>* id;
    std::string_view sex;
    std::string_view role;
  };
  for (const Parent& p : {Parent{"sire_id", &a.sire_id, "male", "sire"},
                          Parent{"dam_id", &a.dam_id, "female", "dam"}}) {
    if (!*p.id) continue;
    const std::string& pid = **p.id;
    std::string field(p.field);
    if (pid == a.id) {
      return field_error(field, "An animal cannot be its own " + std::string(p.role) + ".");
    }
    std::optional<Animal> parent;
    if (is_uuid(pid)) {
      SD_ASSIGN_OR_RETURN(parent, store::find_animal(tx, pid, ctx_.today()));
    }
    if (!parent) {
      return field_error(field, "Field '" + field + "' names no animal of the herd.");
    }
    if (parent->sex != p.sex) {
      return field_error(field, "The " + std::string(p.role) + " must be " + std::string(p.sex) +
                                    "; " + parent->ear_tag + " is " + parent->sex + ".");
    }
    if (parent->birth_date && a.birth_date && *parent->birth_date >= *a.birth_date) {
      return field_error(field, "The " + std::string(p.role) + " " + parent->ear_tag +
                                    " was born on " + format_date(*parent->birth_date) +
                                    ", not before this animal (" + format_date(*a.birth_date) +
                                    ").");
    }
    if (!is_new) {
      SD_ASSIGN_OR_RETURN(bool cycle, store::is_descendant(tx, a.id, pid));
      if (cycle) {
        Error e =
            Error::conflict("pedigree_cycle", parent->ear_tag + " descends from " + a.ear_tag +
                                                  " and cannot be its " + std::string(p.role) +
                                                  " (that would make a pedigree cycle).");
        e.details.emplace_back(field);
        return e;
      }
    }
  }
  return {};
}

Result<Animal> AnimalService::register_animal(db::Connection& tx, const NewAnimal& in,
                                              const std::string& actor) const {
  const Day today = ctx_.today();
  Animal a;
  a.id = new_uuid_v7();
  SD_ASSIGN_OR_RETURN(a.ear_tag, clean_ear_tag("ear_tag", in.ear_tag));
  SD_ASSIGN_OR_RETURN(a.rfid, clean_rfid(in.rfid));
  SD_ASSIGN_OR_RETURN(a.name, clean_optional("name", in.name, kMaxName));
  SD_ASSIGN_OR_RETURN(a.notes, clean_optional("notes", in.notes, kMaxNotes, true));
  if (!one_of(kSexes, in.sex)) {
    return field_error("sex", "Field 'sex' must be female or male.");
  }
  a.sex = in.sex;
  SD_RETURN_IF_ERROR(check_birth_date(in.birth_date, today));
  a.birth_date = in.birth_date;
  SD_RETURN_IF_ERROR(check_breed(tx, in.breed_id));
  a.breed_id = in.breed_id;
  a.status = in.status ? *in.status : default_status(a.sex, a.birth_date, today);
  SD_RETURN_IF_ERROR(check_status_for_sex(a.status, a.sex));

  a.acquisition_kind = in.acquisition_kind.value_or(in.dam_id ? "born" : "purchased");
  if (!one_of(kAcquisitionKinds, a.acquisition_kind)) {
    return field_error("acquisition.kind",
                       "Field 'acquisition.kind' must be born, purchased or donated.");
  }
  a.acquisition_date = in.acquisition_date;
  if (!a.acquisition_date && a.acquisition_kind == "born") a.acquisition_date = a.birth_date;
  if (a.acquisition_date) {
    if (*a.acquisition_date > today) {
      return field_error("acquisition.date", "Field 'acquisition.date' cannot be in the future.");
    }
    if (a.birth_date && *a.acquisition_date < *a.birth_date) {
      return field_error("acquisition.date",
                         "Field 'acquisition.date' cannot be before the birth date (" +
                             format_date(*a.birth_date) + ").");
    }
  }
  if (in.acquisition_cost) {
    if (in.acquisition_cost->currency() != ctx_.currency) {
      return field_error("acquisition.cost", "Field 'acquisition.cost' must be in " +
                                                 std::string(ctx_.currency.code) + ".");
    }
    if (in.acquisition_cost->minor_units() < 0) {
      return field_error("acquisition.cost", "Field 'acquisition.cost' cannot be negative.");
    }
    a.acquisition_cost_minor = in.acquisition_cost->minor_units();
  }
  a.sire_id = in.sire_id;
  a.dam_id = in.dam_id;
  SD_RETURN_IF_ERROR(check_parents(tx, a, true));

  SD_ASSIGN_OR_RETURN(auto holder, store::find_animal_by_tag(tx, a.ear_tag, today));
  if (holder) return tag_taken(a.ear_tag);
  if (a.rfid) {
    SD_ASSIGN_OR_RETURN(auto rfid_holder, store::find_animal_id_by_rfid(tx, *a.rfid));
    if (rfid_holder) return rfid_taken(*a.rfid);
  }
  a.version = 1;
  a.created_at = ctx_.clock.now_micros();
  a.updated_at = a.created_at;
  SD_RETURN_IF_ERROR(store::insert_animal(tx, a));
  json::object data = animal_data(a);
  data["acquisition_kind"] = a.acquisition_kind;
  SD_RETURN_IF_ERROR(
      append_herd_event(tx, ctx_.clock, "animal.registered", "animal", a.id, actor, data));
  SD_ASSIGN_OR_RETURN(auto stored, store::find_animal(tx, a.id, today));
  return stored ? std::move(*stored) : a;
}

Result<Animal> AnimalService::update(db::Connection& tx, const std::string& id,
                                     const AnimalChanges& ch,
                                     std::optional<int64_t> expected_version,
                                     const std::string& actor) const {
  const Day today = ctx_.today();
  SD_ASSIGN_OR_RETURN(Animal before, get(tx, id));
  SD_RETURN_IF_ERROR(check_version(before, expected_version));
  Animal a = before;
  json::array changed;

  if (ch.name) {
    SD_ASSIGN_OR_RETURN(a.name, clean_optional("name", *ch.name, kMaxName));
    if (a.name != before.name) changed.emplace_back("name");
  }
  if (ch.rfid) {
    SD_ASSIGN_OR_RETURN(a.rfid, clean_rfid(*ch.rfid));
    if (a.rfid != before.rfid) {
      if (a.rfid) {
        SD_ASSIGN_OR_RETURN(auto holder, store::find_animal_id_by_rfid(tx, *a.rfid));
        if (holder && *holder != a.id) return rfid_taken(*a.rfid);
      }
      changed.emplace_back("rfid");
    }
  }
  if (ch.breed_id) {
    a.breed_id = *ch.breed_id;
    if (a.breed_id != before.breed_id) {
      SD_RETURN_IF_ERROR(check_breed(tx, a.breed_id));
      changed.emplace_back("breed_id");
    }
  }
  if (ch.birth_date) {
    a.birth_date = *ch.birth_date;
    if (a.birth_date != before.birth_date) {
      SD_RETURN_IF_ERROR(check_birth_date(a.birth_date, today));
      if (a.birth_date) {
        SD_ASSIGN_OR_RETURN(auto first_child, store::earliest_offspring_birth(tx, a.id));
        if (first_child && *first_child <= *a.birth_date) {
          return field_error("birth_date", "Animal " + a.ear_tag + " has offspring born on " +
                                               format_date(*first_child) +
                                               "; its birth date must be earlier.");
        }
      }
      changed.emplace_back("birth_date");
    }
  }
  if (ch.sire_id) {
    a.sire_id = *ch.sire_id;
    if (a.sire_id != before.sire_id) changed.emplace_back("sire_id");
  }
  if (ch.dam_id) {
    a.dam_id = *ch.dam_id;
    if (a.dam_id != before.dam_id) changed.emplace_back("dam_id");
  }
  if (ch.notes) {
    SD_ASSIGN_OR_RETURN(a.notes, clean_optional("notes", *ch.notes, kMaxNotes, true));
    if (a.notes != before.notes) changed.emplace_back("notes");
  }
  bool status_changed = false;
  if (ch.status && *ch.status != before.status) {
    if (!before.disposed()) {
      auto allowed =
          allowed_next_statuses(before.status, before.sex, before.last_calving_date.has_value());
      bool ok = false;
      for (auto s : allowed) ok = ok || s == *ch.status;
      if (!ok) {
        std::string hint = one_of(kDisposalKinds, *ch.status)
                               ? " Record a sale, death or culling with POST "
                                 "/api/v1/herd/animals/{id}/disposal."
                               : "";
        Error e =
            Error::conflict("invalid_status_transition",
                            "Animal " + a.ear_tag + " cannot go from " + before.status + " to " +
                                *ch.status + "; allowed: " + join(allowed) + "." + hint);
        e.details.emplace_back("status");
        return e;
      }
    }
    a.status = *ch.status;
    status_changed = true;
  }
  if (changed.empty() && !status_changed) return before;
  if (before.disposed()) {
    bool only_notes = !status_changed && changed.size() == 1 && changed[0].as_string() == "notes";
    if (!only_notes) return disposed_error(before);
  }
  if (ch.sire_id || ch.dam_id || ch.birth_date) {
    SD_RETURN_IF_ERROR(check_parents(tx, a, false));
  }
  a.version = before.version + 1;
  a.updated_at = ctx_.clock.now_micros();
  if (Status st = store::update_animal(tx, a, before.version); !st.ok()) {
    if (st.error().kind == ErrorKind::kConflict && a.rfid && st.error().code != "animal_changed") {
      return rfid_taken(*a.rfid);
    }
    return std::move(st).error();
  }
  if (!changed.empty()) {
    json::object data = animal_data(a);
    data["changed"] = std::move(changed);
    SD_RETURN_IF_ERROR(
        append_herd_event(tx, ctx_.clock, "animal.updated", "animal", a.id, actor, data));
  }
  if (status_changed) {
    SD_RETURN_IF_ERROR(append_herd_event(
        tx, ctx_.clock, "animal.status_changed", "animal", a.id, actor,
        {{"ear_tag", a.ear_tag}, {"status", a.status}, {"from", before.status}, {"to", a.status}}));
  }
  return get(tx, a.id);
}

Result<Animal> AnimalService::dispose(db::Connection& tx, const std::string& id, const Disposal& d,
                                      std::optional<int64_t> expected_version,
                                      const std::string& actor) const {
  const Day today = ctx_.today();
  SD_ASSIGN_OR_RETURN(Animal before, get(tx, id));
  SD_RETURN_IF_ERROR(check_version(before, expected_version));
  if (before.disposed()) return disposed_error(before);
  if (!one_of(kDisposalKinds, d.kind)) {
    return field_error("kind", "Field 'kind' must be sold, dead or culled.");
  }
  if (d.date > today) {
    return field_error("date", "Field 'date' cannot be in the future; today is " +
                                   format_date(today) + " on the farm.");
  }
  if (before.birth_date && d.date < *before.birth_date) {
    return field_error("date", "Field 'date' cannot be before the animal's birth (" +
                                   format_date(*before.birth_date) + ").");
  }
  if (before.acquisition_date && d.date < *before.acquisition_date) {
    return field_error("date", "Field 'date' cannot be before the animal was acquired (" +
                                   format_date(*before.acquisition_date) + ").");
  }
  Animal a = before;
  SD_ASSIGN_OR_RETURN(a.disposal_note, clean_optional("note", d.note, kMaxNote, true));
  a.disposal_kind = d.kind;
  a.disposal_date = d.date;
  a.status = d.kind;
  a.version = before.version + 1;
  a.updated_at = ctx_.clock.now_micros();
  SD_RETURN_IF_ERROR(store::update_animal(tx, a, before.version));
  SD_RETURN_IF_ERROR(append_herd_event(tx, ctx_.clock, "animal.disposed", "animal", a.id, actor,
                                       {{"ear_tag", a.ear_tag},
                                        {"status", a.status},
                                        {"from", before.status},
                                        {"kind", d.kind},
                                        {"date", format_date(d.date)},
                                        {"note", text_json(a.disposal_note)}}));
  return get(tx, a.id);
}

Result<Animal> AnimalService::record_calving(db::Connection& tx, const Animal& dam, Day day,
                                             const std::string& actor) const {
  Animal a = dam;
  a.status = "lactating";
  a.last_calving_date = day;
  a.version = dam.version + 1;
  a.updated_at = ctx_.clock.now_micros();
  SD_RETURN_IF_ERROR(store::update_animal(tx, a, dam.version));
  if (dam.status != a.status) {
    SD_RETURN_IF_ERROR(append_herd_event(tx, ctx_.clock, "animal.status_changed", "animal", a.id,
                                         actor,
                                         {{"ear_tag", a.ear_tag},
                                          {"status", a.status},
                                          {"from", dam.status},
                                          {"to", a.status},
                                          {"last_calving_date", format_date(day)}}));
  }
  return get(tx, a.id);
}

Result<Animal> AnimalService::get(db::Connection& c, const std::string& id) const {
  if (!is_uuid(id)) return not_found_id(id);
  SD_ASSIGN_OR_RETURN(auto found, store::find_animal(c, id, ctx_.today()));
  if (!found) return not_found_id(id);
  return std::move(*found);
}

Result<Animal> AnimalService::get_by_tag(db::Connection& c, std::string_view tag) const {
  auto clean = clean_ear_tag("tag", tag);
  if (!clean.ok()) {
    return Error::not_found("animal_not_found",
                            "There is no animal with that ear tag: tags are 1 to 20 letters, "
                            "digits or '-'.");
  }
  SD_ASSIGN_OR_RETURN(auto found, store::find_animal_by_tag(c, *clean, ctx_.today()));
  if (!found) return not_found_tag(*clean);
  return std::move(*found);
}

Result<AnimalDetail> AnimalService::detail(db::Connection& c, const std::string& id) const {
  AnimalDetail d;
  SD_ASSIGN_OR_RETURN(d.animal, get(c, id));
  SD_RETURN_IF_ERROR(store::read_detail(c, d, ctx_.today()));
  return d;
}

Result<AnimalDetail> AnimalService::detail_by_tag(db::Connection& c, std::string_view tag) const {
  AnimalDetail d;
  SD_ASSIGN_OR_RETURN(d.animal, get_by_tag(c, tag));
  SD_RETURN_IF_ERROR(store::read_detail(c, d, ctx_.today()));
  return d;
}

Result<Listing<Animal>> AnimalService::list(db::Connection& c, const AnimalQuery& q) const {
  SD_ASSIGN_OR_RETURN(auto rows, store::list_animals(c, q, ctx_.today()));
  return make_listing(std::move(rows), q.limit, [](const Animal& a) { return a.ear_tag; });
}

}  // namespace smartdairy::modules::herd
