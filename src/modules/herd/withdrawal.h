#pragma once

// Withdrawal periods of a treatment (DOMAIN.md 3.4): how many days after the last dose the
// milk and the meat of a treated animal are withheld, from the product's label or, for an
// off-label (cascade) use, the statutory minimum of the UK Veterinary Medicines Regulations
// 2013, Schedule 4 paragraph 2 (the scheme of Reg. (EU) 2019/6 Art. 113-115). Pure
// arithmetic: no SQL, no HTTP.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/dates.h"
#include "core/result.h"

namespace smartdairy::modules::herd {

// Label withdrawal periods accepted from a client: 0..365 days.
inline constexpr int64_t kMaxLabelWithdrawalDays = 365;
// Cascade minimum for milk when the product is not authorised for milk-producing animals.
inline constexpr int64_t kCascadeMilkNotAuthorisedDays = 7;
// Cascade minimum for meat when the product is not authorised for food-producing animals.
inline constexpr int64_t kCascadeMeatNotAuthorisedDays = 28;
// Cascade minimum for a product whose label withdrawal is zero.
inline constexpr int64_t kCascadeZeroWithdrawalDays = 1;

// What the vet knows about an off-label product: whether it is authorised for
// milk-producing (and food-producing) animals and its longest label withdrawals for any
// species. A longest label period of 0 is a zero-hour (zero-day) withdrawal.
struct OffLabel {
  bool authorised_for_milk = false;
  std::optional<int64_t> longest_label_milk_days;
  bool zero_hour = false;  // the label's milk withdrawal is zero hours
  // Defaults to authorised_for_milk: a product authorised for dairy cows is authorised for a
  // food-producing species; one that is not may still be authorised for beef animals.
  std::optional<bool> authorised_for_food;
  std::optional<int64_t> longest_label_meat_days;
};

// A treatment as the client sent it. Without off_label both periods are required (the
// label's, 0 if the label says none); with off_label they are optional and raised to the
// cascade minimum when lower.
struct TreatmentInput {
  Day last_dose_date = 0;
  std::optional<int64_t> milk_withdrawal_days;
  std::optional<int64_t> meat_withdrawal_days;
  std::optional<OffLabel> off_label;
};

// The periods that apply and the first day milk and meat are no longer withheld.
struct Withdrawal {
  int64_t milk_days = 0;
  int64_t meat_days = 0;
  Day milk_end = 0;  // last_dose_date + milk_days: the first day NOT withheld
  Day meat_end = 0;
  bool off_label = false;
  std::vector<std::string> warnings;  // a vet's period raised to the cascade minimum
};

// ceil(1.5 x days), the cascade multiplier (Schedule 4 para 2: "multiplied by 1.5", rounded
// up to whole days).
int64_t one_and_a_half(int64_t days);

// The cascade minimum for milk and for meat. Field errors (422 invalid_field, details
// "treatment.off_label.<field>") for an incoherent description, e.g. a longest label period
// for a product said not to be authorised.
Result<int64_t> cascade_milk_days(const OffLabel& o);
Result<int64_t> cascade_meat_days(const OffLabel& o);

// Checks a treatment given on health record day `day` and computes its withdrawal: the
// last dose on or after `day` and at most kMaxCourseDays later; label periods in 0..365.
// With off_label, each period is the larger of the vet's and the cascade minimum.
inline constexpr int64_t kMaxCourseDays = 90;
Result<Withdrawal> compute_withdrawal(const TreatmentInput& t, Day day);

}  // namespace smartdairy::modules::herd
