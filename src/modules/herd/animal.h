#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/dates.h"
#include "core/money.h"

namespace smartdairy::modules::herd {

// A field that an update may leave alone (nullopt), set, or clear (a held nullopt).
template <class T>
using Clearable = std::optional<std::optional<T>>;

struct BreedRef {
  std::string id;
  std::string code;
  std::string name;
};

// An animal of the herd (herd_animals). Nothing is deleted: a sold, dead or culled animal
// keeps its row with its disposal.
struct Animal {
  std::string id;       // UUIDv7
  std::string ear_tag;  // upper-case, unique
  std::optional<std::string> rfid;
  std::optional<std::string> name;
  std::optional<std::string> breed_id;
  std::optional<BreedRef> breed;  // read with the animal
  std::string sex;                // female, male
  std::optional<Day> birth_date;
  std::string status;  // kAnimalStatuses
  std::optional<std::string> sire_id;
  std::optional<std::string> dam_id;
  std::string acquisition_kind;  // born, purchased, donated
  std::optional<Day> acquisition_date;
  std::optional<int64_t> acquisition_cost_minor;
  std::optional<Day> disposal_date;
  std::optional<std::string> disposal_kind;
  std::optional<std::string> disposal_note;
  std::optional<Day> last_calving_date;
  std::optional<std::string> notes;
  bool in_milk_withdrawal = false;  // read with the animal: a treatment withholds her milk today
  int64_t version = 1;
  int64_t created_at = 0;
  int64_t updated_at = 0;

  bool disposed() const { return disposal_kind.has_value(); }
};

// A new animal as the client (or the calving, import and demo code) sends it. Tags and
// RFIDs are normalised by the service.
struct NewAnimal {
  std::string ear_tag;
  std::optional<std::string> rfid;
  std::optional<std::string> name;
  std::optional<std::string> breed_id;
  std::string sex;
  std::optional<Day> birth_date;
  std::optional<std::string> status;  // default: by sex and age (see AnimalService)
  std::optional<std::string> sire_id;
  std::optional<std::string> dam_id;
  std::optional<std::string> acquisition_kind;  // default: born with a dam, else purchased
  std::optional<Day> acquisition_date;
  std::optional<Money> acquisition_cost;
  std::optional<std::string> notes;
};

// A partial update (PATCH); only set fields change.
struct AnimalChanges {
  Clearable<std::string> name;
  Clearable<std::string> rfid;
  Clearable<std::string> breed_id;
  Clearable<Day> birth_date;
  Clearable<std::string> sire_id;
  Clearable<std::string> dam_id;
  Clearable<std::string> notes;
  std::optional<std::string> status;
};

struct Disposal {
  std::string kind;  // sold, dead, culled
  Day date = 0;
  std::optional<std::string> note;
};

// A list request; every filter is optional. Pages are in ear-tag order after `after` (a tag).
struct AnimalQuery {
  std::optional<std::string> status;
  std::optional<std::string> breed_id;
  std::optional<std::string> tag_prefix;
  std::optional<std::string> sex;
  std::optional<std::string> q;  // name or tag prefix
  std::string after;
  int64_t limit = 50;
};

// What the animal page shows beside the animal, read from the other parts' tables.
struct AnimalRef {
  std::string id;
  std::string ear_tag;
  std::optional<std::string> name;
  std::string sex;
};

struct Pedigree {
  std::optional<AnimalRef> sire, dam, sire_sire, sire_dam, dam_sire, dam_dam;
};

struct MilkEntry {
  std::string id;
  Day day = 0;
  std::string session;
  int64_t quantity_ml = 0;
  std::optional<int64_t> fat, snf, protein;  // hundredths of a percent
  std::string grade;
  bool withheld = false;
};

struct DailyMilk {
  Day day = 0;
  int64_t quantity_ml = 0;
};

struct HealthEntry {
  std::string id;
  Day day = 0;
  std::string kind;
  std::optional<std::string> description, diagnosis, medication;
  std::optional<int64_t> cost_minor;
  std::optional<std::string> veterinarian;
  std::optional<Day> milk_withdrawal_end, meat_withdrawal_end;
  std::string status;
};

struct CheckEntry {
  std::string id;
  Day day = 0;
  std::string result;
  std::optional<std::string> method;
};

struct ServiceEntry {
  std::string id;
  Day day = 0;
  std::string method;
  std::optional<std::string> sire_id;
  std::optional<std::string> semen_batch;
  std::string pregnancy_status;
  Day check_due = 0;
  Day expected_calving = 0;
  std::vector<CheckEntry> checks;
};

struct CalvingEntry {
  std::string id;
  Day day = 0;
  int64_t difficulty = 1;
  std::optional<std::string> calf_id;
  std::optional<std::string> calf_ear_tag;
  std::optional<std::string> service_id;
};

// Days are the first day no longer withheld (the stored *_withdrawal_end).
struct CurrentWithdrawal {
  std::optional<Day> milk_until;
  std::optional<Day> meat_until;
};

struct AnimalDetail {
  Animal animal;
  Pedigree pedigree;
  std::vector<MilkEntry> latest_milk;           // newest first, at most 10
  std::vector<DailyMilk> milk_by_day;           // the last 90 days that have milk, oldest first
  std::vector<HealthEntry> health;              // newest first
  std::vector<ServiceEntry> breeding;           // newest first
  std::vector<CalvingEntry> calvings;           // newest first
  std::vector<AnimalRef> offspring;             // oldest first
  std::optional<CurrentWithdrawal> withdrawal;  // none when nothing is withheld today
};

}  // namespace smartdairy::modules::herd
