#pragma once

// Health records of the herd (issue 5): checkups, symptoms, diagnoses, treatments,
// surgery, vaccinations and deworming, and the milk and meat withdrawal a treatment sets.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/dates.h"
#include "core/money.h"
#include "modules/herd/withdrawal.h"

namespace smartdairy::modules::herd {

inline constexpr std::array<std::string_view, 4> kHealthStatuses = {"active", "resolved", "chronic",
                                                                    "follow_up"};

// The treatment part of a record: the last dose and the withdrawal it sets.
struct Treatment {
  Day last_dose_date = 0;
  int64_t milk_withdrawal_days = 0;
  int64_t meat_withdrawal_days = 0;
  bool off_label = false;
  Day milk_withdrawal_end = 0;  // first day the milk is NOT withheld
  Day meat_withdrawal_end = 0;
};

// One row of herd_health_records, with the animal's ear tag for display.
struct HealthRecord {
  std::string id;
  std::string animal_id;
  std::string ear_tag;
  Day day = 0;
  std::string kind;
  std::optional<std::string> description, diagnosis, medication, dose, route, veterinarian;
  std::optional<Money> cost;
  std::optional<Day> follow_up_date;
  std::optional<Treatment> treatment;
  std::string status = "active";
  std::string recorded_by;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// A new record as the client sent it; HealthService checks and normalises it.
struct NewHealthRecord {
  std::string animal_id;
  Day day = 0;
  std::string kind;
  std::optional<std::string> description, diagnosis, medication, dose, route, veterinarian;
  std::optional<Money> cost;
  std::optional<Day> follow_up_date;
  std::optional<std::string> status;
  std::optional<TreatmentInput> treatment;
};

template <class T>
using Clearable = std::optional<std::optional<T>>;

// PATCH: only these change; everything else (the treatment above all) is fixed once saved.
struct HealthChanges {
  std::optional<std::string> status;
  Clearable<Day> follow_up_date;
  Clearable<std::string> description;
};

struct HealthQuery {
  std::optional<std::string> animal_id;
  std::optional<std::string> kind;
  std::optional<Day> from, to;
  std::string before;  // cursor: a record id; pages run newest first
  int64_t limit = 50;
};

// A record that withholds an animal's milk or meat on some day.
struct WithheldBy {
  std::string record_id;
  Day day = 0;
  Day milk_withdrawal_end = 0;
  Day meat_withdrawal_end = 0;
};

// One animal under withdrawal on a day: the latest end of each product (none when that
// product is not withheld) and the records responsible.
struct AnimalWithdrawal {
  std::string animal_id;
  std::string ear_tag;
  std::optional<std::string> name;
  std::optional<Day> milk_until;  // first day the milk is no longer withheld
  std::optional<Day> meat_until;
  std::vector<WithheldBy> records;
};

}  // namespace smartdairy::modules::herd
