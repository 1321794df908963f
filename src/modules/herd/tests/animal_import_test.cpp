#include "modules/herd/animal_import.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "modules/herd/settings_service.h"
#include "modules/herd/tests/herd_fixture.h"

namespace smartdairy::modules::herd {
namespace {

class AnimalImports : public HerdTest {
 protected:
  Result<ImportOutcome> run(const std::string& csv) {
    AnimalService animals(ctx());
    AnimalImport importer(ctx(), animals);
    return tx([&](db::Connection& c) { return importer.import_csv(c, csv, "farmer"); });
  }
};

const char* kHerd =
    "\xEF\xBB\xBF"
    "ear_tag,name,sex,birth_date,breed_code,status,sire_tag,dam_tag,rfid,"
    "acquisition_kind,acquisition_date,acquisition_cost\n"
    "BULL-1,\"Raja, the bull\",male,2018-02-01,hf,,,,,purchased,2019-01-10,85000.00\n"
    "COW-1,Moni,female,2019-03-01,HF,lactating,,,98200001,,,\n"
    "CALF-1,,female,2025-10-01,,,BULL-1,COW-1,,,,\n";

TEST_F(AnimalImports, ImportsEveryRowWithParentsFromEarlierRows) {
  put_breed("HF");
  auto r = run(kHerd);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_TRUE(r->errors.empty()) << r->errors[0].message;
  EXPECT_EQ(r->created, 3);
  EXPECT_EQ(r->unchanged, 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM herd_animals"), 3);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM herd_animals a JOIN herd_animals s ON s.id = a.sire_id "
                   "JOIN herd_animals d ON d.id = a.dam_id WHERE a.ear_tag = 'CALF-1' "
                   "AND s.ear_tag = 'BULL-1' AND d.ear_tag = 'COW-1'"),
            1);
  EXPECT_EQ(scalar("SELECT acquisition_cost_minor FROM herd_animals WHERE ear_tag = 'BULL-1'"),
            8500000);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM herd_animals WHERE name = 'Raja, the bull'"), 1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM herd_animals WHERE ear_tag = 'CALF-1' "
                   "AND status = 'calf' AND acquisition_kind = 'born'"),
            1);
}

TEST_F(AnimalImports, ReimportingTheSameFileChangesNothing) {
  put_breed("HF");
  ASSERT_TRUE(run(kHerd).ok());
  size_t events = events_of("animal.registered").size();
  auto again = run(kHerd);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(again->errors.empty()) << again->errors[0].message;
  EXPECT_EQ(again->created, 0);
  EXPECT_EQ(again->unchanged, 3);
  EXPECT_EQ(events_of("animal.registered").size(), events);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM herd_animals"), 3);
}

TEST_F(AnimalImports, AnExistingTagWithOtherValuesIsARowError) {
  put_breed("HF");
  ASSERT_TRUE(run(kHerd).ok());
  auto r = run("ear_tag,sex,name\nCOW-1,female,Rani\nNEW-1,female,\n");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->errors.size(), 1U);
  EXPECT_EQ(r->errors[0].line, 2);
  EXPECT_NE(r->errors[0].message.find("name is 'Moni' in the herd, 'Rani' in the file"),
            std::string::npos);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM herd_animals WHERE ear_tag = 'NEW-1'"), 0);
}

TEST_F(AnimalImports, AnyRowErrorSavesNothingAndReportsEveryRow) {
  put_breed("HF");
  auto r =
      run("ear_tag,sex,birth_date,sire_tag,dam_tag,breed_code\n"
          "OK-1,female,2020-01-01,,,\n"
          "BAD 2,female,,,,\n"
          "OK-3,cow,,,,\n"
          "OK-4,female,2030-01-01,,,\n"
          "OK-5,female,,OK-1,,\n"
          "OK-6,female,,,NOBODY,\n"
          "OK-7,female,,,,XX\n"
          "OK-1,female,,,,\n"
          "OK-8,female,01/02/2020,,,\n"
          "OK-9,female,2024-01-01,,OK-4,\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->errors.size(), 9U);
  auto at = [&](size_t i) { return r->errors[i]; };
  EXPECT_EQ(at(0).line, 3);
  EXPECT_EQ(at(0).field, "ear_tag");
  EXPECT_EQ(at(1).field, "sex");
  EXPECT_EQ(at(2).field, "birth_date");
  EXPECT_EQ(at(3).field, "sire_tag");  // OK-1 is female
  EXPECT_EQ(at(4).field, "dam_tag");
  EXPECT_EQ(at(5).field, "breed_code");
  EXPECT_EQ(at(6).field, "ear_tag");  // twice in the file
  EXPECT_EQ(at(7).field, "birth_date");
  EXPECT_EQ(at(8).field, "dam_tag");  // OK-4 has errors
  EXPECT_NE(at(8).message.find("line 5"), std::string::npos);
  EXPECT_EQ(r->created, 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM herd_animals"), 0);
  EXPECT_TRUE(events_of("animal.registered").empty());
}

TEST_F(AnimalImports, RefusesFilesWithUnknownOrMissingColumns) {
  auto unknown = run("ear_tag,sex,colour\nA,female,red\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("colour"), std::string::npos);
  auto missing = run("ear_tag,name\nA,Moni\n");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("'sex'"), std::string::npos);
  EXPECT_FALSE(run("ear_tag,sex\n").ok());
}

class Settings : public HerdTest {
 protected:
  void SetUp() override {
    HerdTest::SetUp();
    ASSERT_TRUE(conn()
                    .execute("INSERT INTO products (sku, name, unit, price, vat_rate, unit_cost, "
                             "created_at, updated_at) VALUES ('MILK-RAW', 'Raw milk', 'litre', "
                             "7000, 0, 5000, 0, 0), ('CHEESE', 'Cheese', 'kg', 1, 0, 1, 0, 0)")
                    .ok());
  }

  Result<HerdSettings> patch(const std::string& json) {
    auto body = boost::json::parse(json);
    return tx([&](db::Connection& c) { return update_settings(c, ctx(), body, "admin"); });
  }

  static std::string field_of(const Result<HerdSettings>& r) {
    return r.ok() || r.error().details.empty() ? "" : r.error().details[0];
  }
};

TEST_F(Settings, DefaultsAreValidAndDecimalsAreReadExactly) {
  HerdSettings defaults;
  EXPECT_TRUE(validate_settings(conn(), defaults).ok());
  auto r = patch(R"({"grade_a_fat": 3.65, "snf_fat_factor": "0.25", "snf_constant": 0.44,
                     "reject_temperature": 8.5, "third_session": "midday",
                     "voluntary_waiting_days": 70})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->grade_a_fat, 365);
  EXPECT_EQ(r->snf_fat_factor, 2500);
  EXPECT_EQ(r->snf_constant, 4400);
  EXPECT_EQ(r->reject_temp_dc, 85);
  EXPECT_EQ(r->third_session, "midday");
  auto stored = store::load_settings(conn());
  EXPECT_EQ(stored->voluntary_waiting_days, 70);
  EXPECT_EQ(events_of("herd.settings_updated").size(), 1U);
  EXPECT_EQ(settings_json(*stored).at("grade_a_fat").as_string(), "3.65");
}

TEST_F(Settings, RefusesEachBadField) {
  EXPECT_EQ(field_of(patch(R"({"grade_a_fat": 3.125})")), "grade_a_fat");  // 3 decimals
  EXPECT_EQ(field_of(patch(R"({"grade_b_fat": 3.60})")), "grade_b_fat");   // above A (3.50)
  EXPECT_EQ(field_of(patch(R"({"grade_c_snf": 8.40})")), "grade_c_snf");   // above B (8.30)
  EXPECT_EQ(field_of(patch(R"({"grade_a_scc": 500})")), "grade_b_scc");    // A must be <= B
  EXPECT_EQ(field_of(patch(R"({"grade_a_fat": 11})")), "grade_a_fat");     // range
  EXPECT_EQ(field_of(patch(R"({"morning_ends": "24:00"})")), "morning_ends");
  EXPECT_EQ(field_of(patch(R"({"evening_ends": "11:00"})")), "evening_ends");  // before morning
  EXPECT_EQ(field_of(patch(R"({"third_session": "night", "night_ends": "22:00"})")), "night_ends");
  EXPECT_EQ(field_of(patch(R"({"third_session": "dusk"})")), "third_session");
  EXPECT_EQ(field_of(patch(R"({"raw_milk_sku": "NOPE"})")), "raw_milk_sku");
  EXPECT_EQ(field_of(patch(R"({"raw_milk_sku": "CHEESE"})")), "raw_milk_sku");  // kg
  EXPECT_EQ(field_of(patch(R"({"pregnancy_check_days": 5})")), "pregnancy_check_days");
  EXPECT_EQ(field_of(patch(R"({"calving_window_days": 31})")), "calving_window_days");
  EXPECT_EQ(field_of(patch(R"({"snf_clr_divisor": 0})")), "snf_clr_divisor");
  auto unknown = patch(R"({"colour": 1})");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "unknown_field");
  EXPECT_EQ(store::load_settings(conn())->grade_a_fat, 350);  // nothing saved
  // A midday session moves with the other end times.
  EXPECT_EQ(field_of(patch(R"({"third_session": "midday", "midday_ends": "11:00"})")),
            "midday_ends");
  EXPECT_TRUE(patch(R"({"grade_b_fat": 3.50, "grade_a_scc": 400})").ok());
}

TEST_F(Settings, TheProductIsCheckedOnlyWhenTheSkuChanges) {
  ASSERT_TRUE(conn().execute("UPDATE products SET unit = 'kg' WHERE sku = 'MILK-RAW'").ok());
  EXPECT_TRUE(patch(R"({"dry_off_days": 55})").ok());  // the SKU is left alone
  EXPECT_EQ(field_of(patch(R"({"raw_milk_sku": "CHEESE"})")), "raw_milk_sku");
  EXPECT_FALSE(validate_settings(conn(), HerdSettings{}).ok());
}

}  // namespace
}  // namespace smartdairy::modules::herd
