#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/common/listing.h"
#include "modules/common/module_context.h"
#include "modules/herd/animal.h"

namespace smartdairy::modules::herd {

// The status transition table (docs/herd.md). Disposal states (sold, dead, culled) are only
// reached through dispose(); a male is only ever calf or bull, a female never bull.
//   calf      → heifer (female) | bull (male)
//   heifer    → pregnant | lactating
//   pregnant  → lactating | dry | heifer (pregnancy lost, never calved)
//   lactating → dry
//   dry       → lactating | pregnant
//   bull      → (none)
std::vector<std::string_view> allowed_next_statuses(std::string_view status, std::string_view sex,
                                                    bool has_calved);

// The status of a newly registered animal when none is given: calf when younger than a year,
// else heifer (female) or bull (male); an unknown birth date counts as grown.
std::string default_status(std::string_view sex, const std::optional<Day>& birth_date, Day today);

// Business rules for animals: identity (ear tag, RFID), sex and status, pedigree (no cycles,
// parents of the right sex and born earlier), acquisition and disposal. No SQL, no HTTP.
// Field errors are 422 "invalid_field" with details = {field}.
class AnimalService {
 public:
  explicit AnimalService(const ModuleContext& ctx) : ctx_(ctx) {}

  // Registers an animal and appends animal.registered. 409 "ear_tag_taken" / "rfid_taken";
  // 422 for a bad field, a parent of the wrong sex, a parent born on or after the animal, a
  // birth date in the future, a status the sex cannot have. Usable from C++ (calvings, the
  // CSV import, the demo herd). Requires: a write transaction.
  Result<Animal> register_animal(db::Connection& tx, const NewAnimal& in,
                                 const std::string& actor) const;

  // Applies the set fields; a status change goes through the transition table (409
  // "invalid_status_transition" naming the allowed ones) and appends animal.status_changed,
  // the other changes animal.updated. A disposed animal accepts only `notes` (409
  // "animal_disposed"). A parent that descends from the animal is 409 "pedigree_cycle".
  // `expected_version` (If-Match) mismatch: 412 "version_mismatch".
  Result<Animal> update(db::Connection& tx, const std::string& id, const AnimalChanges& changes,
                        std::optional<int64_t> expected_version, const std::string& actor) const;

  // Records the animal as sold, dead or culled (status = kind) and appends animal.disposed;
  // the row and its history stay. 409 "animal_disposed" when it already is.
  Result<Animal> dispose(db::Connection& tx, const std::string& id, const Disposal& disposal,
                         std::optional<int64_t> expected_version, const std::string& actor) const;

  // Moves a dam to lactating after a calving on `day` (last_calving_date = day), appending
  // animal.status_changed when her status changes. Used by CalvingService.
  Result<Animal> record_calving(db::Connection& tx, const Animal& dam, Day day,
                                const std::string& actor) const;

  // 404 "animal_not_found".
  Result<Animal> get(db::Connection& c, const std::string& id) const;
  Result<Animal> get_by_tag(db::Connection& c, std::string_view tag) const;
  Result<AnimalDetail> detail(db::Connection& c, const std::string& id) const;
  Result<AnimalDetail> detail_by_tag(db::Connection& c, std::string_view tag) const;
  Result<Listing<Animal>> list(db::Connection& c, const AnimalQuery& q) const;

  Day today() const { return ctx_.today(); }

 private:
  Status check_parents(db::Connection& tx, const Animal& a, bool is_new) const;
  ModuleContext ctx_;
};

// Normalised ear tag (trimmed, upper-case, 1-20 of A-Z 0-9 '-') or 422 naming `field`.
Result<std::string> clean_ear_tag(std::string_view field, std::string_view tag);

}  // namespace smartdairy::modules::herd
