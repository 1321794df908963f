#include "modules/herd/withdrawal.h"

#include <gtest/gtest.h>

namespace smartdairy::modules::herd {
namespace {

const Day kDay = *parse_date("2026-03-01");

void expect_field_error(const Result<Withdrawal>& r, const std::string& field) {
  ASSERT_FALSE(r.ok()) << field;
  EXPECT_EQ(r.error().code, "invalid_field") << r.error().message;
  EXPECT_EQ(r.error().details, std::vector<std::string>{field}) << r.error().message;
}

TreatmentInput label(int64_t milk, int64_t meat, Day last_dose = kDay) {
  TreatmentInput t;
  t.last_dose_date = last_dose;
  t.milk_withdrawal_days = milk;
  t.meat_withdrawal_days = meat;
  return t;
}

TreatmentInput off_label(const OffLabel& o) {
  TreatmentInput t;
  t.last_dose_date = kDay;
  t.off_label = o;
  return t;
}

TEST(Withdrawal, LabelPeriodsEndOnTheLastDosePlusTheirDays) {
  auto w = compute_withdrawal(label(3, 10, kDay + 2), kDay);
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(w->milk_days, 3);
  EXPECT_EQ(w->meat_days, 10);
  // The end is the first day not withheld: dose on day 3, 3 days -> withheld 3, 4, 5.
  EXPECT_EQ(w->milk_end, kDay + 5);
  EXPECT_EQ(w->meat_end, kDay + 12);
  EXPECT_FALSE(w->off_label);
  EXPECT_TRUE(w->warnings.empty());
}

TEST(Withdrawal, AZeroLabelPeriodWithholdsNothing) {
  auto w = compute_withdrawal(label(0, 0), kDay);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->milk_end, kDay);
  EXPECT_EQ(w->meat_end, kDay);
}

TEST(Withdrawal, WithoutOffLabelBothLabelPeriodsAreRequired) {
  TreatmentInput t = label(3, 10);
  t.milk_withdrawal_days.reset();
  expect_field_error(compute_withdrawal(t, kDay), "treatment.milk_withdrawal_days");
  t = label(3, 10);
  t.meat_withdrawal_days.reset();
  expect_field_error(compute_withdrawal(t, kDay), "treatment.meat_withdrawal_days");
}

TEST(Withdrawal, LabelPeriodsAreZeroTo365Days) {
  expect_field_error(compute_withdrawal(label(366, 0), kDay), "treatment.milk_withdrawal_days");
  expect_field_error(compute_withdrawal(label(0, -1), kDay), "treatment.meat_withdrawal_days");
  EXPECT_TRUE(compute_withdrawal(label(365, 365), kDay).ok());
}

TEST(Withdrawal, TheLastDoseIsOnOrAfterTheRecordAndWithinACourse) {
  expect_field_error(compute_withdrawal(label(1, 1, kDay - 1), kDay), "treatment.last_dose_date");
  expect_field_error(compute_withdrawal(label(1, 1, kDay + kMaxCourseDays + 1), kDay),
                     "treatment.last_dose_date");
  EXPECT_TRUE(compute_withdrawal(label(1, 1, kDay + kMaxCourseDays), kDay).ok());
}

TEST(Cascade, OneAndAHalfTimesRoundsUpToWholeDays) {
  EXPECT_EQ(one_and_a_half(1), 2);
  EXPECT_EQ(one_and_a_half(2), 3);
  EXPECT_EQ(one_and_a_half(3), 5);
  EXPECT_EQ(one_and_a_half(4), 6);
  EXPECT_EQ(one_and_a_half(28), 42);
}

TEST(Cascade, MilkIsOneAndAHalfTimesTheLongestLabelPeriod) {
  OffLabel o;
  o.authorised_for_milk = true;
  o.longest_label_milk_days = 3;
  o.longest_label_meat_days = 10;
  auto w = compute_withdrawal(off_label(o), kDay);
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_TRUE(w->off_label);
  EXPECT_EQ(w->milk_days, 5);
  EXPECT_EQ(w->meat_days, 15);
  EXPECT_EQ(w->milk_end, kDay + 5);
  EXPECT_EQ(w->meat_end, kDay + 15);
}

TEST(Cascade, MilkIsSevenDaysForAProductNotAuthorisedForDairyAnimals) {
  OffLabel o;
  o.authorised_for_milk = false;
  o.authorised_for_food = true;
  o.longest_label_meat_days = 4;
  auto w = compute_withdrawal(off_label(o), kDay);
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(w->milk_days, 7);
  EXPECT_EQ(w->meat_days, 6);
}

TEST(Cascade, MeatIs28DaysForAProductNotAuthorisedForFoodAnimals) {
  OffLabel o;  // authorised_for_food defaults to authorised_for_milk: false
  auto w = compute_withdrawal(off_label(o), kDay);
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(w->milk_days, 7);
  EXPECT_EQ(w->meat_days, 28);
}

TEST(Cascade, AZeroHourLabelGivesOneDay) {
  OffLabel o;
  o.authorised_for_milk = true;
  o.zero_hour = true;
  o.longest_label_meat_days = 0;
  auto w = compute_withdrawal(off_label(o), kDay);
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(w->milk_days, 1);
  EXPECT_EQ(w->meat_days, 1);
  // A longest label milk period of 0 is the same zero-hour withdrawal.
  o.zero_hour = false;
  o.longest_label_milk_days = 0;
  w = compute_withdrawal(off_label(o), kDay);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->milk_days, 1);
}

TEST(Cascade, TheVetMayWithholdLongerButNeverShorter) {
  OffLabel o;
  o.authorised_for_milk = true;
  o.longest_label_milk_days = 4;   // minimum 6
  o.longest_label_meat_days = 10;  // minimum 15
  TreatmentInput t = off_label(o);
  t.milk_withdrawal_days = 2;
  t.meat_withdrawal_days = 20;
  auto w = compute_withdrawal(t, kDay);
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(w->milk_days, 6);
  EXPECT_EQ(w->meat_days, 20);
  ASSERT_EQ(w->warnings.size(), 1u);
  EXPECT_EQ(w->warnings[0],
            "Milk withdrawal raised from 2 to 6 days: the off-label (cascade) minimum applies.");
}

TEST(Cascade, AnIncoherentDescriptionIsRefusedNamingTheField) {
  OffLabel o;
  o.authorised_for_milk = false;
  o.longest_label_milk_days = 3;
  expect_field_error(compute_withdrawal(off_label(o), kDay),
                     "treatment.off_label.longest_label_milk_days");

  o = OffLabel{};
  o.authorised_for_milk = true;
  o.longest_label_meat_days = 1;
  expect_field_error(compute_withdrawal(off_label(o), kDay),
                     "treatment.off_label.longest_label_milk_days");

  o.longest_label_milk_days = 3;
  o.zero_hour = true;
  expect_field_error(compute_withdrawal(off_label(o), kDay), "treatment.off_label.zero_hour");

  o.zero_hour = false;
  o.authorised_for_food = false;
  expect_field_error(compute_withdrawal(off_label(o), kDay),
                     "treatment.off_label.authorised_for_food");

  o.authorised_for_food = true;
  o.longest_label_meat_days.reset();
  expect_field_error(compute_withdrawal(off_label(o), kDay),
                     "treatment.off_label.longest_label_meat_days");

  o = OffLabel{};  // not authorised for food, yet a meat label period
  o.longest_label_meat_days = 5;
  expect_field_error(compute_withdrawal(off_label(o), kDay),
                     "treatment.off_label.longest_label_meat_days");
}

}  // namespace
}  // namespace smartdairy::modules::herd
