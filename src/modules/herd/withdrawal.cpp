#include "modules/herd/withdrawal.h"

#include <algorithm>

#include "modules/herd/health_fields.h"

namespace smartdairy::modules::herd {

namespace {

constexpr std::string_view kPrefix = "treatment.off_label.";

std::string off_label_field(std::string_view name) {
  return std::string(kPrefix) + std::string(name);
}

Error off_label_error(std::string_view name, std::string message) {
  return fields::error(off_label_field(name), std::move(message));
}

Status check_period(std::string_view field, const std::optional<int64_t>& days) {
  if (days && (*days < 0 || *days > kMaxLabelWithdrawalDays)) {
    return fields::error(field, "Field '" + std::string(field) + "' must be 0 to " +
                                    std::to_string(kMaxLabelWithdrawalDays) + " days.");
  }
  return {};
}

}  // namespace

int64_t one_and_a_half(int64_t days) { return (3 * days + 1) / 2; }

Result<int64_t> cascade_milk_days(const OffLabel& o) {
  SD_RETURN_IF_ERROR(
      check_period(off_label_field("longest_label_milk_days"), o.longest_label_milk_days));
  if (!o.authorised_for_milk) {
    if (o.longest_label_milk_days || o.zero_hour) {
      return off_label_error(
          o.zero_hour ? "zero_hour" : "longest_label_milk_days",
          "A product not authorised for milk-producing animals has no label milk withdrawal: "
          "leave out 'longest_label_milk_days' and 'zero_hour' (the minimum is " +
              std::to_string(kCascadeMilkNotAuthorisedDays) +
              " days), or set 'authorised_for_milk' to true.");
    }
    return kCascadeMilkNotAuthorisedDays;
  }
  if (o.zero_hour) {
    if (o.longest_label_milk_days.value_or(0) != 0) {
      return off_label_error("zero_hour",
                             "'zero_hour' says the label's milk withdrawal is zero, but "
                             "'longest_label_milk_days' is " +
                                 std::to_string(*o.longest_label_milk_days) +
                                 "; give one or the other.");
    }
    return kCascadeZeroWithdrawalDays;
  }
  if (!o.longest_label_milk_days) {
    return off_label_error("longest_label_milk_days",
                           "Give 'longest_label_milk_days', the longest milk withdrawal on the "
                           "product's label for any species (the minimum is 1.5 times it), or "
                           "'zero_hour': true when the label says zero hours.");
  }
  if (*o.longest_label_milk_days == 0) return kCascadeZeroWithdrawalDays;
  return one_and_a_half(*o.longest_label_milk_days);
}

Result<int64_t> cascade_meat_days(const OffLabel& o) {
  SD_RETURN_IF_ERROR(
      check_period(off_label_field("longest_label_meat_days"), o.longest_label_meat_days));
  bool food = o.authorised_for_food.value_or(o.authorised_for_milk);
  if (o.authorised_for_milk && !food) {
    return off_label_error("authorised_for_food",
                           "A product authorised for milk-producing animals is authorised for a "
                           "food-producing species: 'authorised_for_food' cannot be false.");
  }
  if (!food) {
    if (o.longest_label_meat_days) {
      return off_label_error(
          "longest_label_meat_days",
          "A product not authorised for food-producing animals has no label meat withdrawal: "
          "leave out 'longest_label_meat_days' (the minimum is " +
              std::to_string(kCascadeMeatNotAuthorisedDays) +
              " days), or set 'authorised_for_food' to true.");
    }
    return kCascadeMeatNotAuthorisedDays;
  }
  if (!o.longest_label_meat_days) {
    return off_label_error("longest_label_meat_days",
                           "Give 'longest_label_meat_days', the longest meat withdrawal on the "
                           "product's label for any species (the minimum is 1.5 times it; 0 "
                           "for a zero-day label).");
  }
  if (*o.longest_label_meat_days == 0) return kCascadeZeroWithdrawalDays;
  return one_and_a_half(*o.longest_label_meat_days);
}

Result<Withdrawal> compute_withdrawal(const TreatmentInput& t, Day day) {
  if (t.last_dose_date < day) {
    return fields::error("treatment.last_dose_date",
                         "Field 'treatment.last_dose_date' (" + format_date(t.last_dose_date) +
                             ") cannot be before the record's day " + format_date(day) + ".");
  }
  if (t.last_dose_date > day + kMaxCourseDays) {
    return fields::error("treatment.last_dose_date",
                         "Field 'treatment.last_dose_date' must be at most " +
                             std::to_string(kMaxCourseDays) + " days after the record's day " +
                             format_date(day) + ".");
  }
  SD_RETURN_IF_ERROR(check_period("treatment.milk_withdrawal_days", t.milk_withdrawal_days));
  SD_RETURN_IF_ERROR(check_period("treatment.meat_withdrawal_days", t.meat_withdrawal_days));

  Withdrawal w;
  if (!t.off_label) {
    for (const auto& [name, days] :
         {std::pair{"milk", t.milk_withdrawal_days}, std::pair{"meat", t.meat_withdrawal_days}}) {
      if (!days) {
        std::string field = std::string("treatment.") + name + "_withdrawal_days";
        return fields::error(field, "Field '" + field + "' is required: the " + name +
                                        " withdrawal on the product's label in days (0 if it "
                                        "has none), or describe an off-label use in "
                                        "'treatment.off_label'.");
      }
    }
    w.milk_days = *t.milk_withdrawal_days;
    w.meat_days = *t.meat_withdrawal_days;
  } else {
    w.off_label = true;
    SD_ASSIGN_OR_RETURN(int64_t milk_min, cascade_milk_days(*t.off_label));
    SD_ASSIGN_OR_RETURN(int64_t meat_min, cascade_meat_days(*t.off_label));
    // The regulation sets a floor: a vet may withhold longer, never shorter.
    auto apply = [&w](std::string_view what, const std::optional<int64_t>& given, int64_t minimum) {
      if (given && *given < minimum) {
        w.warnings.push_back(std::string(what) + " withdrawal raised from " +
                             std::to_string(*given) + " to " + std::to_string(minimum) +
                             " days: the off-label (cascade) minimum applies.");
      }
      return std::max(given.value_or(0), minimum);
    };
    w.milk_days = apply("Milk", t.milk_withdrawal_days, milk_min);
    w.meat_days = apply("Meat", t.meat_withdrawal_days, meat_min);
  }
  w.milk_end = t.last_dose_date + w.milk_days;
  w.meat_end = t.last_dose_date + w.meat_days;
  return w;
}

}  // namespace smartdairy::modules::herd
