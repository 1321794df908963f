#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/json.h"
#include "modules/herd/milk_import.h"
#include "modules/herd/milk_posting.h"
#include "modules/herd/milk_service.h"
#include "modules/herd/milk_store.h"
#include "modules/herd/tests/herd_fixture.h"

namespace smartdairy::modules::herd {
namespace {

// The fake clock starts at 2026-01-01 00:00 UTC: 06:00 on the farm (UTC+6), a morning.
const Day kToday = days_from_civil(2026, 1, 1);

MilkInput milking(const std::string& tag, int64_t ml, std::optional<Day> day = kToday - 1,
                  std::optional<std::string> session = "morning") {
  MilkInput in;
  in.ear_tag = tag;
  in.quantity_ml = ml;
  in.day = day;
  in.session = std::move(session);
  return in;
}

class MilkTest : public HerdTest {
 protected:
  void SetUp() override {
    HerdTest::SetUp();
    svc_ = std::make_unique<MilkService>(ctx());
  }

  Result<MilkService::Recorded> record(const MilkInput& in, bool same_is_unchanged = false) {
    return tx([&](db::Connection& c) { return svc_->record(c, in, "farm1", same_is_unchanged); });
  }

  Error record_error(const MilkInput& in) {
    auto r = record(in);
    EXPECT_FALSE(r.ok());
    return r.ok() ? Error{} : r.error();
  }

  // A treatment of `animal_id` with its last dose on `dose` and milk withheld until `end`
  // (the first free day), as the health part writes it.
  std::string put_treatment(const std::string& animal_id, Day dose, Day end) {
    std::string id = new_uuid_v7();
    EXPECT_TRUE(conn()
                    .execute("INSERT INTO herd_health_records (id, animal_id, day, kind, "
                             "last_dose_date, milk_withdrawal_days, milk_withdrawal_end, "
                             "recorded_by, created_at, updated_at) VALUES (?, ?, ?, "
                             "'treatment', ?, ?, ?, 'vet', 0, 0)",
                             id, animal_id, format_date(dose), format_date(dose), end - dose,
                             format_date(end))
                    .ok());
    return id;
  }

  void put_product(const std::string& sku) {
    ASSERT_TRUE(conn()
                    .execute("INSERT INTO products (sku, name, unit, price, vat_rate, "
                             "unit_cost, created_at, updated_at) VALUES (?, 'Raw milk', "
                             "'litre', 7000, 0, 5000, 0, 0)",
                             sku)
                    .ok());
  }

  int64_t on_hand(const std::string& sku) {
    return scalar("SELECT COALESCE((SELECT on_hand FROM stock_items WHERE sku = '" + sku +
                  "'), 0)");
  }

  std::unique_ptr<MilkService> svc_;
};

TEST(Decimals, ParsedExactlyFromTheirTextWithAtMostTheAllowedDecimals) {
  EXPECT_EQ(parse_scaled_decimal("4.25", 2), 425);
  EXPECT_EQ(parse_scaled_decimal("4.2", 2), 420);
  EXPECT_EQ(parse_scaled_decimal("4", 2), 400);
  EXPECT_EQ(parse_scaled_decimal("4.250", 2), 425);
  EXPECT_EQ(parse_scaled_decimal("-0.5", 1), -5);
  EXPECT_FALSE(parse_scaled_decimal("4.255", 2));
  EXPECT_FALSE(parse_scaled_decimal("4.", 2));
  EXPECT_FALSE(parse_scaled_decimal("1e2", 2));
  EXPECT_FALSE(parse_scaled_decimal(" 4", 2));
  EXPECT_EQ(format_scaled_decimal(425, 2), "4.25");
  EXPECT_EQ(format_scaled_decimal(-5, 1), "-0.5");
  EXPECT_EQ(format_scaled_decimal(7, 2), "0.07");
}

TEST(Decimals, FieldReaderReadsJsonNumbersExactly) {
  auto body = parse_json(R"({"fat": 4.35, "snf": 8, "t": 0.1, "bad": 4.351, "s": "4.2"})");
  ASSERT_TRUE(body.ok());
  FieldReader r(*body);
  EXPECT_EQ(*r.optional_decimal("fat", 2, 100, 1000), 435);
  EXPECT_EQ(*r.optional_decimal("snf", 2, 500, 1500), 800);
  EXPECT_EQ(*r.optional_decimal("t", 1, -50, 600), 1);
  auto bad = r.optional_decimal("bad", 2, 100, 1000);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().details.front(), "bad");
  // The decimal as responses write it, a string, reads the same way.
  EXPECT_EQ(*r.optional_decimal("s", 2, 100, 1000), 420);
}

TEST(Decimals, FieldReaderReadsANestedObjectOnlyWhenItIsOne) {
  auto body = parse_json(R"({"correction": {"reason": "x"}, "bad": "text"})");
  ASSERT_TRUE(body.ok());
  FieldReader r(*body);
  auto correction = r.optional_object("correction");
  ASSERT_TRUE(correction.ok());
  ASSERT_NE(*correction, nullptr);
  EXPECT_TRUE((*correction)->is_object());
  auto bad = r.optional_object("bad");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().details.front(), "bad");
  auto absent = r.optional_object("none");
  ASSERT_TRUE(absent.ok());
  EXPECT_EQ(*absent, nullptr);
  EXPECT_TRUE(r.finish().ok());
}

TEST(Decimals, OutOfRangeNamesTheRange) {
  auto body = parse_json(R"({"fat": 10.01})");
  FieldReader r(*body);
  auto fat = r.optional_decimal("fat", 2, 100, 1000);
  ASSERT_FALSE(fat.ok());
  EXPECT_NE(fat.error().message.find("from 1.00 to 10.00"), std::string::npos);
}

TEST(Rules, ValueRanges) {
  MilkInput in = milking("C1", 5000);
  EXPECT_TRUE(check_milk_values(in).ok());
  auto field_of = [](const MilkInput& x) {
    Status st = check_milk_values(x);
    return st.ok() ? std::string("ok") : st.error().details.front();
  };
  in.quantity_ml = 0;
  EXPECT_EQ(field_of(in), "quantity_ml");
  in.quantity_ml = 100001;
  EXPECT_EQ(field_of(in), "quantity_ml");
  in.quantity_ml = 100000;
  EXPECT_EQ(field_of(in), "ok");
  in.fat = 99;
  EXPECT_EQ(field_of(in), "fat");
  in.fat = 1000;
  EXPECT_EQ(field_of(in), "ok");
  in.snf = 1501;
  EXPECT_EQ(field_of(in), "snf");
  in.snf = 500;
  in.protein = 801;
  EXPECT_EQ(field_of(in), "protein");
  in.protein = 100;
  in.temperature_dc = -51;
  EXPECT_EQ(field_of(in), "temperature");
  in.temperature_dc = 600;
  in.scc = 10'000'001;
  EXPECT_EQ(field_of(in), "scc");
  in.scc = 0;
  EXPECT_EQ(field_of(in), "ok");
  in.snf.reset();
  in.lactometer_clr = 1499;
  EXPECT_EQ(field_of(in), "lactometer");
  in.lactometer_clr = 4500;
  EXPECT_EQ(field_of(in), "ok");
}

TEST(Rules, SnfAndLactometerExcludeEachOtherAndTheLactometerNeedsFat) {
  MilkInput in = milking("C1", 5000);
  in.lactometer_clr = 2800;
  in.snf = 850;
  in.fat = 400;
  Status st = check_milk_values(in);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().details.front(), "lactometer");
  EXPECT_NE(st.error().message.find("not both"), std::string::npos);
  in.snf.reset();
  in.fat.reset();
  st = check_milk_values(in);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().details.front(), "fat");
}

TEST(Rules, SnfFromTheConfiguredLactometerFormula) {
  HerdSettings s;                                     // CLR/4 + 0.2 fat + 0.36
  EXPECT_EQ(snf_from_lactometer(s, 2800, 400), 816);  // 7 + 0.8 + 0.36
  EXPECT_EQ(snf_from_lactometer(s, 2850, 350), 819);  // 7.125 + 0.7 + 0.36 = 8.185, half up
  s.snf_fat_factor = 2500;                            // another union: CLR/4 + 0.25 fat + 0.44
  s.snf_constant = 4400;
  EXPECT_EQ(snf_from_lactometer(s, 2800, 400), 844);  // 7 + 1.0 + 0.44
}

TEST(Rules, GradingThresholds) {
  HerdSettings s;  // A 3.50/8.50/200, B 3.20/8.30/400, C 2.80/8.00/750, reject above 10.0 C
  MilkRecord r;
  r.fat = 350;
  r.snf = 850;
  EXPECT_EQ(milk_grade(s, r), "A");
  r.scc = 201;
  EXPECT_EQ(milk_grade(s, r), "B");
  r.scc.reset();
  r.fat = 349;
  EXPECT_EQ(milk_grade(s, r), "B");
  r.snf = 829;
  EXPECT_EQ(milk_grade(s, r), "C");
  r.fat = 279;
  EXPECT_EQ(milk_grade(s, r), "R");
  r.fat = 400;
  r.snf = 900;
  r.temperature_dc = 101;
  EXPECT_EQ(milk_grade(s, r), "R");
  r.temperature_dc = 100;
  EXPECT_EQ(milk_grade(s, r), "A");
  // A needs both fat and SNF measured; what is not measured does not count otherwise.
  MilkRecord only_fat;
  only_fat.fat = 500;
  EXPECT_EQ(milk_grade(s, only_fat), "B");
  MilkRecord nothing;
  EXPECT_EQ(milk_grade(s, nothing), "B");
  MilkRecord high_scc;
  high_scc.scc = 751;
  EXPECT_EQ(milk_grade(s, high_scc), "R");
  s.grade_b_fat = 450;  // thresholds come from the settings
  EXPECT_EQ(milk_grade(s, only_fat), "B");
  only_fat.fat = 440;
  EXPECT_EQ(milk_grade(s, only_fat), "C");
}

TEST_F(MilkTest, RecordsAMilkingWithDefaultsForTodayAndTheSessionOfTheTimeOfDay) {
  put_animal("C1");
  MilkInput in;
  in.ear_tag = "c1";
  in.quantity_ml = 7250;
  in.fat = 420;
  in.lactometer_clr = 2800;
  auto r = record(in);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->outcome, MilkOutcome::kCreated);
  EXPECT_EQ(r->record.day, kToday);
  EXPECT_EQ(r->record.session, "morning");  // 06:00 on the farm
  EXPECT_EQ(r->record.ear_tag, "C1");
  EXPECT_EQ(r->record.snf, 820);  // 7 + 0.84 + 0.36
  EXPECT_TRUE(r->record.snf_computed);
  EXPECT_EQ(r->record.grade, "C");  // fat 4.20 but SNF 8.20 < B's 8.30
  EXPECT_FALSE(r->record.withheld);
  EXPECT_EQ(events_of("milk.recorded").size(), 1U);
  clock_.advance(std::chrono::hours(8));  // 14:00
  in.day.reset();
  auto evening = record(in);
  ASSERT_TRUE(evening.ok());
  EXPECT_EQ(evening->record.session, "evening");
}

TEST_F(MilkTest, RefusesAFutureDayADayBeforeBirthAndAnUnconfiguredSession) {
  put_animal("C1");
  EXPECT_EQ(record_error(milking("C1", 5000, kToday + 1)).details.front(), "day");
  EXPECT_EQ(record_error(milking("C1", 5000, days_from_civil(2022, 1, 9))).details.front(), "day");
  EXPECT_TRUE(record(milking("C1", 5000, days_from_civil(2022, 1, 10))).ok());
  Error e = record_error(milking("C1", 5000, kToday, "midday"));
  EXPECT_EQ(e.details.front(), "session");
  EXPECT_NE(e.message.find("morning, evening"), std::string::npos);
}

TEST_F(MilkTest, OnlyALactatingFemaleGivesMilk) {
  put_animal("BULL", "male", "bull");
  put_animal("DRY", "female", "dry");
  put_animal("SOLD", "female", "sold");
  Error male = record_error(milking("BULL", 5000));
  EXPECT_EQ(male.code, "not_female");
  EXPECT_NE(male.message.find("bull"), std::string::npos);
  Error dry = record_error(milking("DRY", 5000));
  EXPECT_EQ(dry.code, "animal_not_lactating");
  EXPECT_NE(dry.message.find("dry"), std::string::npos);
  EXPECT_EQ(record_error(milking("SOLD", 5000)).code, "animal_not_lactating");
  EXPECT_EQ(record_error(milking("NOPE", 5000)).code, "animal_not_found");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM herd_milk_records"), 0);
}

TEST_F(MilkTest, ASecondRecordOfTheSameSessionIsAConflictNamingTheFirst) {
  put_animal("C1");
  auto first = record(milking("C1", 5000));
  ASSERT_TRUE(first.ok());
  Error e = record_error(milking("C1", 6000));
  EXPECT_EQ(e.code, "milk_already_recorded");
  EXPECT_EQ(e.details.at(1), first->record.id);
  EXPECT_NE(e.message.find(first->record.id), std::string::npos);
  EXPECT_NE(e.message.find("C1 already has a record for the morning session of"), std::string::npos)
      << e.message;
  EXPECT_TRUE(record(milking("C1", 6000, kToday - 1, "evening")).ok());
}

TEST_F(MilkTest, ACorrectionReplacesTheValuesAndKeepsTheOldOnesInTheAuditTrail) {
  put_animal("C1");
  MilkInput in = milking("C1", 5000);
  in.fat = 400;
  auto first = record(in);
  ASSERT_TRUE(first.ok());
  in.quantity_ml = 5500;
  in.correction_reason = "mis-read the jar";
  auto fixed = record(in);
  ASSERT_TRUE(fixed.ok()) << fixed.error().message;
  EXPECT_EQ(fixed->outcome, MilkOutcome::kCorrected);
  EXPECT_EQ(fixed->record.id, first->record.id);
  EXPECT_EQ(fixed->record.quantity_ml, 5500);
  EXPECT_EQ(fixed->record.version, 2);
  auto trail = tx([&](db::Connection& c) { return svc_->corrections(c, first->record.id); });
  ASSERT_TRUE(trail.ok());
  ASSERT_EQ(trail->size(), 1U);
  EXPECT_EQ((*trail)[0].reason, "mis-read the jar");
  auto previous = boost::json::parse((*trail)[0].previous).as_object();
  EXPECT_EQ(previous.at("quantity_ml").as_int64(), 5000);
  EXPECT_EQ(previous.at("version").as_int64(), 1);
  EXPECT_EQ(events_of("milk.corrected").size(), 1U);
  // Nothing to correct on another session; a blank reason is refused.
  MilkInput other = milking("C1", 5000, kToday - 1, "evening");
  other.correction_reason = "x";
  EXPECT_EQ(record_error(other).details.front(), "correction");
  in.correction_reason = "  ";
  EXPECT_EQ(record_error(in).details.front(), "correction.reason");
}

TEST_F(MilkTest, MilkIsWithheldDuringTheWithdrawalDaysAndNotAfter) {
  std::string cow = put_animal("C1");
  Day dose = days_from_civil(2025, 12, 20);
  std::string treatment = put_treatment(cow, dose, dose + 3);  // 3-day milk withdrawal
  for (int d = 0; d <= 3; ++d) {
    auto r = record(milking("C1", 5000, dose + d));
    ASSERT_TRUE(r.ok());
    if (d < 3) {
      EXPECT_TRUE(r->record.withheld) << "day " << d + 1;
      EXPECT_EQ(r->record.withheld_by, treatment);
    } else {
      EXPECT_FALSE(r->record.withheld) << "day 4";
      EXPECT_FALSE(r->record.withheld_by);
    }
  }
  EXPECT_FALSE(record(milking("C1", 5000, dose - 1))->record.withheld);
}

TEST_F(MilkTest, PostingReceivesSaleableLitresAndCarriesTheRemainder) {
  put_product("MILK-RAW");
  std::string c1 = put_animal("C1");
  put_animal("C2");
  put_animal("C3");
  Day day = kToday - 1;
  put_treatment(c1, day - 1, day + 2);
  ASSERT_TRUE(record(milking("C1", 9000, day)).ok());  // withheld
  ASSERT_TRUE(record(milking("C2", 7300, day)).ok());
  ASSERT_TRUE(record(milking("C3", 6450, day)).ok());
  auto p = tx([&](db::Connection& c) { return post_milk(c, ctx(), day, "morning", "farm1"); });
  ASSERT_TRUE(p.ok()) << p.error().message;
  ASSERT_TRUE(p->has_value());
  EXPECT_EQ((*p)->saleable_ml, 13750);
  EXPECT_EQ((*p)->litres, 13);
  EXPECT_EQ((*p)->carry_ml, 750);
  EXPECT_EQ(on_hand("MILK-RAW"), 13);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM stock_moves WHERE reason = 'production' AND "
                   "reference = '" +
                   (*p)->id + "'"),
            1);
  EXPECT_EQ(events_of("milk.posted").size(), 1U);
  // Posting again finds nothing.
  auto again = tx([&](db::Connection& c) { return post_milk(c, ctx(), day, "morning", "x"); });
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
  // The evening adds 2.3 L; with the 0.75 L carried that is 3 L and 50 ml left.
  ASSERT_TRUE(record(milking("C2", 2300, day, "evening")).ok());
  auto evening = tx([&](db::Connection& c) { return post_milk(c, ctx(), day, "evening", "x"); });
  ASSERT_TRUE(evening.ok());
  EXPECT_EQ((*evening)->litres, 3);
  EXPECT_EQ((*evening)->carry_ml, 50);
  EXPECT_EQ(on_hand("MILK-RAW"), 16);
  // Withheld milk never reached stock.
  EXPECT_EQ(scalar("SELECT posted_ml FROM herd_milk_records WHERE withheld = 1"), 0);
}

TEST_F(MilkTest, RejectedMilkIsRecordedButNeverReachesStock) {
  put_product("MILK-RAW");
  put_animal("C1");
  put_animal("C2");
  Day day = kToday - 1;
  MilkInput warm = milking("C1", 8000, day);
  warm.temperature_dc = 150;  // 15.0 degrees: above the 10.0 reject limit
  auto rejected = record(warm);
  ASSERT_TRUE(rejected.ok());
  EXPECT_EQ(rejected->record.grade, "R");
  EXPECT_FALSE(rejected->record.withheld);
  ASSERT_TRUE(record(milking("C2", 6000, day)).ok());
  auto p = tx([&](db::Connection& c) { return post_milk(c, ctx(), day, "morning", "farm1"); });
  ASSERT_TRUE(p.ok()) << p.error().message;
  ASSERT_TRUE(p->has_value());
  EXPECT_EQ((*p)->saleable_ml, 6000);
  EXPECT_EQ(on_hand("MILK-RAW"), 6);
  EXPECT_EQ(scalar("SELECT posted_ml FROM herd_milk_records WHERE grade = 'R'"), 0);
}

TEST_F(MilkTest, ACorrectionAfterPostingIsPostedAsTheDifference) {
  put_product("MILK-RAW");
  put_animal("C1");
  Day day = kToday - 1;
  MilkInput in = milking("C1", 10000, day);
  ASSERT_TRUE(record(in).ok());
  ASSERT_TRUE(tx([&](db::Connection& c) { return post_milk(c, ctx(), day, "morning", "x"); }).ok());
  EXPECT_EQ(on_hand("MILK-RAW"), 10);
  in.quantity_ml = 8000;
  in.correction_reason = "wrong jar";
  ASSERT_TRUE(record(in).ok());
  auto p = tx([&](db::Connection& c) { return post_milk(c, ctx(), day, "morning", "x"); });
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ((*p)->saleable_ml, -2000);
  EXPECT_EQ((*p)->litres, -2);
  EXPECT_EQ(on_hand("MILK-RAW"), 8);
  // Taking back more than can leave stock (reserved) is a clear 409.
  ASSERT_TRUE(conn().execute("UPDATE stock_items SET reserved = 8 WHERE sku = 'MILK-RAW'").ok());
  in.quantity_ml = 1000;
  in.correction_reason = "again";
  ASSERT_TRUE(record(in).ok());
  auto refused = tx([&](db::Connection& c) { return post_milk(c, ctx(), day, "morning", "x"); });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "milk_posting_refused");
  EXPECT_EQ(on_hand("MILK-RAW"), 8);
}

TEST_F(MilkTest, PostingToAnUnknownSkuIsRefusedAndLeavesTheRecordsUnposted) {
  put_animal("C1");
  ASSERT_TRUE(record(milking("C1", 4000)).ok());
  auto p = tx([&](db::Connection& c) { return post_milk(c, ctx(), kToday - 1, "morning", "x"); });
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, "raw_milk_sku_unknown");
  EXPECT_EQ(scalar("SELECT posted_ml FROM herd_milk_records"), 0);
}

TEST_F(MilkTest, TheServerPostsOnlySessionsThatHaveEnded) {
  put_product("MILK-RAW");
  put_animal("C1");
  ASSERT_TRUE(record(milking("C1", 3000, kToday - 1, "evening")).ok());
  ASSERT_TRUE(record(milking("C1", 4000, kToday, "morning")).ok());
  auto posted = tx([&](db::Connection& c) { return post_ended_sessions(c, ctx(), "system"); });
  ASSERT_TRUE(posted.ok());
  ASSERT_EQ(posted->size(), 1U);  // this morning ends at 12:00; it is 06:00
  EXPECT_EQ((*posted)[0].session, "evening");
  clock_.advance(std::chrono::hours(6));  // 12:00 on the farm
  posted = tx([&](db::Connection& c) { return post_ended_sessions(c, ctx(), "system"); });
  ASSERT_TRUE(posted.ok());
  ASSERT_EQ(posted->size(), 1U);
  EXPECT_EQ((*posted)[0].session, "morning");
  EXPECT_EQ(on_hand("MILK-RAW"), 7);
}

TEST_F(MilkTest, SettledHistoryCountsAsInStockAndIsNeverPosted) {
  put_product("MILK-RAW");
  std::string c1 = put_animal("C1");
  put_animal("C2");
  Day old = kToday - 10;
  put_treatment(c1, old - 1, old + 2);
  ASSERT_TRUE(record(milking("C1", 9000, old)).ok());  // withheld: nothing to settle
  ASSERT_TRUE(record(milking("C2", 7300, old)).ok());
  ASSERT_TRUE(record(milking("C2", 6100, kToday - 2)).ok());
  auto settled = tx([&](db::Connection& c) { return settle_milk_history(c, kToday - 2); });
  ASSERT_TRUE(settled.ok()) << settled.error().message;
  EXPECT_EQ(*settled, 1);  // only C2's old record; the day before `before` is not history
  EXPECT_EQ(scalar("SELECT posted_ml FROM herd_milk_records WHERE quantity_ml = 7300"), 7300);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM herd_milk_records WHERE posting_id IS NOT NULL"), 0);
  auto posted = tx([&](db::Connection& c) { return post_ended_sessions(c, ctx(), "system"); });
  ASSERT_TRUE(posted.ok());
  ASSERT_EQ(posted->size(), 1U);  // only the recent session reaches stock
  EXPECT_EQ((*posted)[0].day, kToday - 2);
  EXPECT_EQ(on_hand("MILK-RAW"), 6);
  auto again = tx([&](db::Connection& c) { return settle_milk_history(c, kToday); });
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
}

TEST_F(MilkTest, AllOrNothingBatchSavesNothingAndReportsEveryBadRow) {
  put_animal("C1");
  put_animal("C2");
  put_animal("DRY", "female", "dry");
  std::vector<Result<MilkInput>> rows = {milking("C1", 5000), milking("DRY", 5000),
                                         milking("C2", 5000), milking("C1", 5100),
                                         Error::unprocessable("invalid_field", "bad json")};
  auto report = tx(
      [&](db::Connection& c) { return svc_->batch(c, rows, BatchMode::kAllOrNothing, "farm1"); });
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->rolled_back);
  EXPECT_EQ(report->saved, 0);
  EXPECT_EQ(report->failed, 3);
  EXPECT_EQ(report->rows[1].error->code, "animal_not_lactating");
  EXPECT_EQ(report->rows[3].error->code, "duplicate_in_batch");
  EXPECT_EQ(report->rows[4].error->message, "bad json");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM herd_milk_records"), 0);
  EXPECT_TRUE(events_of("milk.recorded").empty());
}

TEST_F(MilkTest, PerRowBatchKeepsTheGoodRows) {
  put_animal("C1");
  put_animal("C2");
  std::vector<Result<MilkInput>> rows = {milking("C1", 5000), milking("C9", 5000),
                                         milking("C2", 5000)};
  auto report =
      tx([&](db::Connection& c) { return svc_->batch(c, rows, BatchMode::kPerRow, "farm1"); });
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->rolled_back);
  EXPECT_EQ(report->saved, 2);
  EXPECT_EQ(report->failed, 1);
  EXPECT_EQ(report->rows[1].error->code, "animal_not_found");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM herd_milk_records"), 2);
  EXPECT_EQ(events_of("milk.recorded").size(), 2U);
}

// A batch looks its animals, their records and their withdrawals up with a few statements
// for all rows (64 values a statement): it must find what one milking at a time finds, past
// the first 64 animals too, by id or by tag, over several days.
TEST_F(MilkTest, ABatchFindsTheAnimalsRecordsAndWithdrawalsOneMilkingWouldFind) {
  std::vector<std::string> ids;
  ids.reserve(70);
  for (int i = 0; i < 70; ++i) ids.push_back(put_animal("B" + std::to_string(i)));
  const Day dose = kToday - 4;
  std::string treatment = put_treatment(ids[66], dose, dose + 2);  // withheld kToday-4, -3
  MilkInput before = milking("B65", 5000, kToday - 2);
  ASSERT_TRUE(record(before).ok());
  std::vector<Result<MilkInput>> rows;
  rows.reserve(78);
  for (int i = 0; i < 70; ++i) rows.emplace_back(milking("B" + std::to_string(i), 6000));
  for (Day d = kToday - 5; d <= kToday - 2; ++d) rows.emplace_back(milking(" b66 ", 4000, d));
  MilkInput again = milking("B65", 5200, kToday - 2);  // already there: a conflict
  rows.emplace_back(again);
  MilkInput by_id = milking("", 4100, kToday - 3);
  by_id.ear_tag.reset();
  by_id.animal_id = ids[69];
  rows.emplace_back(by_id);
  MilkInput not_uuid = by_id;
  not_uuid.animal_id = "B69";
  rows.emplace_back(not_uuid);
  rows.emplace_back(milking("NOPE", 4000));
  auto report =
      tx([&](db::Connection& c) { return svc_->batch(c, rows, BatchMode::kPerRow, "farm1"); });
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->failed, 3);
  EXPECT_EQ(report->saved, 75);
  for (size_t i = 0; i < 70; ++i) {
    ASSERT_TRUE(report->rows[i].record) << "row " << i;
    EXPECT_EQ(report->rows[i].record->animal_id, ids[i]);
    EXPECT_FALSE(report->rows[i].record->withheld);
  }
  const bool withheld[] = {false, true, true, false};  // kToday-5 .. kToday-2
  for (size_t d = 0; d < 4; ++d) {
    const auto& r = report->rows[70 + d].record;
    ASSERT_TRUE(r);
    EXPECT_EQ(r->withheld, withheld[d]) << "day " << d;
    EXPECT_EQ(r->withheld_by, withheld[d] ? std::optional<std::string>(treatment) : std::nullopt);
  }
  ASSERT_TRUE(report->rows[74].error);
  EXPECT_EQ(report->rows[74].error->code, "milk_already_recorded");
  EXPECT_EQ(report->rows[74].error->message, record_error(again).message);
  ASSERT_TRUE(report->rows[75].record);
  EXPECT_EQ(report->rows[75].record->ear_tag, "B69");
  ASSERT_TRUE(report->rows[76].error);
  EXPECT_EQ(report->rows[76].error->code, "animal_not_found");
  EXPECT_EQ(report->rows[77].error->code, "animal_not_found");
  // One milk.recorded a saved row, in the rows' order, with gap-free seqs (written 32 a
  // statement).
  EXPECT_EQ(events_of("milk.recorded").size(), 76U);  // with the one recorded before
  EXPECT_EQ(scalar("SELECT MAX(seq) - MIN(seq) + 1 - COUNT(*) FROM events_log"), 0);
  EXPECT_EQ(scalar("SELECT aggregate_id = '" + report->rows[0].record->id +
                   "' FROM events_log WHERE seq = (SELECT MAX(seq) - 74 FROM events_log)"),
            1);
  EXPECT_EQ(scalar("SELECT aggregate_id = '" + report->rows[75].record->id +
                   "' FROM events_log WHERE seq = (SELECT MAX(seq) FROM events_log)"),
            1);
  // A correction in a batch finds the record saved before.
  MilkInput fix = again;
  fix.correction_reason = "wrong jar";
  std::vector<Result<MilkInput>> fixes = {fix};
  report =
      tx([&](db::Connection& c) { return svc_->batch(c, fixes, BatchMode::kPerRow, "farm1"); });
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->rows[0].outcome, MilkOutcome::kCorrected);
  EXPECT_EQ(report->rows[0].record->version, 2);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM herd_milk_records"), 76);
}

TEST_F(MilkTest, ListsWithFiltersAndPages) {
  std::string c1 = put_animal("C1");
  put_animal("C2");
  for (int d = 1; d <= 3; ++d) {
    ASSERT_TRUE(record(milking("C1", 5000, kToday - d)).ok());
    ASSERT_TRUE(record(milking("C2", 5000, kToday - d)).ok());
  }
  MilkQuery q;
  q.animal_id = c1;
  auto page = tx([&](db::Connection& c) { return svc_->list(c, q); });
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items.size(), 3U);
  q = {};
  q.from = q.to = kToday - 2;
  q.limit = 1;
  page = tx([&](db::Connection& c) { return svc_->list(c, q); });
  ASSERT_EQ(page->items.size(), 1U);
  EXPECT_FALSE(page->next_cursor.empty());
  q.after = page->next_cursor;
  page = tx([&](db::Connection& c) { return svc_->list(c, q); });
  ASSERT_EQ(page->items.size(), 1U);
  EXPECT_TRUE(page->next_cursor.empty());
}

constexpr const char* kCsv =
    "ear_tag,day,session,quantity_litres,fat,snf,protein,temperature,scc,lactometer\n"
    "C1,2025-12-30,morning,7.25,4.10,8.60,3.30,6.5,150,\n"
    "C1,2025-12-30,evening,6.5,4.00,,,,,28.00\n"
    "\"C2\",2025-12-30,morning,5.125,,,,,,\n";

TEST_F(MilkTest, ImportingTheSameFileAgainChangesNothing) {
  put_animal("C1");
  put_animal("C2");
  auto first = tx([&](db::Connection& c) { return import_milk_csv(c, *svc_, kCsv, "farm1"); });
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->ok()) << first->errors[0].message;
  EXPECT_EQ(first->created, 3);
  EXPECT_EQ(scalar("SELECT quantity_ml FROM herd_milk_records WHERE session = 'morning' AND "
                   "animal_id = (SELECT id FROM herd_animals WHERE ear_tag = 'C2')"),
            5125);
  EXPECT_EQ(scalar("SELECT snf FROM herd_milk_records WHERE session = 'evening'"), 816);
  auto again = tx([&](db::Connection& c) { return import_milk_csv(c, *svc_, kCsv, "farm1"); });
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(again->ok());
  EXPECT_EQ(again->created, 0);
  EXPECT_EQ(again->unchanged, 3);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM herd_milk_records"), 3);
  EXPECT_EQ(events_of("milk.recorded").size(), 3U);
  // The same row with another value is an error, and nothing of that file is saved.
  std::string changed =
      "ear_tag,day,session,quantity_ml\nC1,2025-12-29,morning,5000\nC1,2025-12-30,morning,7000\n";
  auto conflict =
      tx([&](db::Connection& c) { return import_milk_csv(c, *svc_, changed, "farm1"); });
  ASSERT_TRUE(conflict.ok());
  ASSERT_EQ(conflict->errors.size(), 1U);
  EXPECT_EQ(conflict->errors[0].line, 3U);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM herd_milk_records"), 3);
}

TEST_F(MilkTest, ImportReportsEveryBadRowWithItsLineAndField) {
  put_animal("C1");
  std::string csv =
      "ear_tag,day,session,quantity_ml,fat\n"
      "C1,2025-12-30,morning,5000,4.123\n"
      "C1,30/12/2025,evening,5000,\n"
      "C1,2025-12-31,morning,0,\n"
      "C1,2025-12-31,evening,4000,3.9\n"
      "C9,2025-12-31,evening,4000,3.9\n";
  auto report = tx([&](db::Connection& c) { return import_milk_csv(c, *svc_, csv, "farm1"); });
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->errors.size(), 4U);
  EXPECT_EQ(report->errors[0].line, 2U);
  EXPECT_EQ(report->errors[0].field, "fat");
  EXPECT_EQ(report->errors[1].line, 3U);
  EXPECT_EQ(report->errors[1].field, "day");
  EXPECT_EQ(report->errors[2].line, 4U);
  EXPECT_EQ(report->errors[2].field, "quantity_ml");
  EXPECT_EQ(report->errors[3].line, 6U);  // checked against the herd although others failed
  EXPECT_EQ(report->errors[3].field, "ear_tag");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM herd_milk_records"), 0);
  auto header = tx([&](db::Connection& c) {
    return import_milk_csv(c, *svc_, "ear_tag,day,colour\n", "farm1");
  });
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->errors[0].line, 1U);
}

TEST_F(MilkTest, HistoryImportIsIdempotentAndNeverReachesStock) {
  put_animal("C1");
  put_animal("C2", "female", "dry");  // history predates today's status
  std::string csv =
      "ear_tag,day,session,quantity_ml\nC1,2024-05-01,morning,5000\nC2,2024-05-01,morning,4000\n";
  auto first = tx([&](db::Connection& c) { return import_milk_history(c, ctx(), csv, "import"); });
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->ok()) << first->errors[0].message;
  EXPECT_EQ(first->created, 2);
  auto again = tx([&](db::Connection& c) { return import_milk_history(c, ctx(), csv, "import"); });
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->unchanged, 2);
  auto posted = tx([&](db::Connection& c) { return post_ended_sessions(c, ctx(), "system"); });
  ASSERT_TRUE(posted.ok());
  EXPECT_TRUE(posted->empty());
  put_animal("B1", "male", "bull");
  auto male = tx([&](db::Connection& c) {
    return import_milk_history(
        c, ctx(), "ear_tag,day,session,quantity_ml\nB1,2024-05-01,morning,1\n", "import");
  });
  ASSERT_TRUE(male.ok());
  ASSERT_EQ(male->errors.size(), 1U);
  EXPECT_EQ(male->errors[0].field, "ear_tag");
}

}  // namespace
}  // namespace smartdairy::modules::herd
