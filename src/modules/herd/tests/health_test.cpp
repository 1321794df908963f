#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "modules/herd/health_service.h"
#include "modules/herd/tests/herd_fixture.h"

namespace smartdairy::modules::herd {
namespace {

namespace json = boost::json;

// The fixture's clock reads 2026-01-01 on the farm.
const Day kToday = *parse_date("2026-01-01");

class HealthTest : public HerdTest {
 protected:
  void SetUp() override {
    HerdTest::SetUp();
    cow_ = put_animal("BD-001");
  }

  HealthService service() { return HealthService(ctx()); }

  NewHealthRecord checkup(Day day = kToday) {
    NewHealthRecord in;
    in.animal_id = cow_;
    in.day = day;
    in.kind = "checkup";
    return in;
  }

  // A treatment on `day`, last dose the same day, with label periods.
  NewHealthRecord treated(Day day, int64_t milk_days, int64_t meat_days) {
    NewHealthRecord in = checkup(day);
    in.kind = "treatment";
    in.medication = "Oxytetracycline";
    TreatmentInput t;
    t.last_dose_date = day;
    t.milk_withdrawal_days = milk_days;
    t.meat_withdrawal_days = meat_days;
    in.treatment = t;
    return in;
  }

  Result<RecordedHealth> record(const NewHealthRecord& in) {
    return tx([&](db::Connection& c) { return service().record(c, in, "vet1"); });
  }
  Result<HealthRecord> update(const std::string& id, const HealthChanges& ch) {
    return tx([&](db::Connection& c) { return service().update(c, id, ch, "vet1"); });
  }
  std::vector<AnimalWithdrawal> withdrawals(Day on) {
    auto w = service().withdrawals(conn(), on);
    EXPECT_TRUE(w.ok());
    return w.ok() ? *w : std::vector<AnimalWithdrawal>{};
  }

  void expect_field_error(const NewHealthRecord& in, const std::string& field) {
    auto r = record(in);
    ASSERT_FALSE(r.ok()) << field;
    EXPECT_EQ(r.error().kind, ErrorKind::kUnprocessable) << r.error().message;
    EXPECT_EQ(r.error().details, std::vector<std::string>{field}) << r.error().message;
  }

  std::string cow_;
};

TEST_F(HealthTest, ATreatmentStoresItsWithdrawalEndsAndRecordsAnEvent) {
  NewHealthRecord in = treated(kToday - 2, 3, 14);
  in.cost = Money::from_minor(125050, kBDT);
  in.veterinarian = " Dr. Karim ";
  auto r = record(in);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const HealthRecord& h = r->record;
  EXPECT_EQ(h.ear_tag, "BD-001");
  EXPECT_EQ(h.status, "active");
  EXPECT_EQ(h.veterinarian, "Dr. Karim");
  ASSERT_TRUE(h.treatment);
  EXPECT_EQ(h.treatment->milk_withdrawal_end, kToday + 1);
  EXPECT_EQ(h.treatment->meat_withdrawal_end, kToday + 12);

  auto stored = service().get(conn(), h.id);
  ASSERT_TRUE(stored.ok());
  ASSERT_TRUE(stored->treatment);
  EXPECT_EQ(stored->treatment->milk_withdrawal_end, kToday + 1);
  EXPECT_EQ(stored->treatment->milk_withdrawal_days, 3);
  EXPECT_EQ(stored->cost, Money::from_minor(125050, kBDT));

  auto evs = events_of("health.recorded");
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].aggregate_type, "health_record");
  EXPECT_EQ(evs[0].aggregate_id, h.id);
  json::value data = json::parse(evs[0].data);
  EXPECT_EQ(data.at("cost"), json::value("1250.50"));
  EXPECT_EQ(data.at("animal_id"), json::value(cow_));
  EXPECT_EQ(data.at("milk_withdrawal_end"), json::value("2026-01-02"));
  EXPECT_EQ(data.at("meat_withdrawal_end"), json::value("2026-01-13"));
  EXPECT_EQ(data.at("kind"), json::value("treatment"));
}

TEST_F(HealthTest, AnyKindMayCarryATreatmentButKindTreatmentNeedsOne) {
  NewHealthRecord dry_cow = treated(kToday, 35, 28);
  dry_cow.kind = "checkup";  // e.g. a dry-cow therapy given at a checkup
  auto r = record(dry_cow);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->record.treatment->milk_withdrawal_end, kToday + 35);

  NewHealthRecord bare = checkup();
  bare.kind = "treatment";
  expect_field_error(bare, "treatment");
}

TEST_F(HealthTest, MilkIsWithheldFromTheTreatmentDayUntilTheEnd) {
  // Treated on day 1 with a 3-day milk withdrawal: withheld on days 1, 2, 3, not on day 4.
  Day day1 = kToday - 10;
  ASSERT_TRUE(record(treated(day1, 3, 0)).ok());
  EXPECT_TRUE(withdrawals(day1 - 1).empty());
  for (Day d = day1; d < day1 + 3; ++d) {
    auto w = withdrawals(d);
    ASSERT_EQ(w.size(), 1u) << format_date(d);
    EXPECT_EQ(w[0].ear_tag, "BD-001");
    EXPECT_EQ(w[0].milk_until, day1 + 3);
    EXPECT_FALSE(w[0].meat_until);
    ASSERT_EQ(w[0].records.size(), 1u);
  }
  EXPECT_TRUE(withdrawals(day1 + 3).empty());
}

TEST_F(HealthTest, WithdrawalsGroupRecordsByAnimalWithTheLatestEnds) {
  std::string other = put_animal("BD-002");
  ASSERT_TRUE(record(treated(kToday - 1, 2, 0)).ok());
  ASSERT_TRUE(record(treated(kToday, 5, 10)).ok());
  NewHealthRecord meat_only = treated(kToday, 0, 7);
  meat_only.animal_id = other;
  ASSERT_TRUE(record(meat_only).ok());
  ASSERT_TRUE(record(checkup()).ok());  // no treatment: never withholds

  auto w = withdrawals(kToday);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].ear_tag, "BD-001");
  EXPECT_EQ(w[0].records.size(), 2u);
  EXPECT_EQ(w[0].milk_until, kToday + 5);
  EXPECT_EQ(w[0].meat_until, kToday + 10);
  EXPECT_EQ(w[1].ear_tag, "BD-002");
  EXPECT_FALSE(w[1].milk_until);
  EXPECT_EQ(w[1].meat_until, kToday + 7);
}

TEST_F(HealthTest, ADisposedAnimalLeavesTheWithdrawalListAndTakesNoNewRecords) {
  ASSERT_TRUE(record(treated(kToday - 1, 5, 5)).ok());
  ASSERT_TRUE(conn()
                  .execute("UPDATE herd_animals SET disposal_kind = 'sold', disposal_date = ? "
                           "WHERE id = ?",
                           format_date(kToday), cow_)
                  .ok());
  EXPECT_EQ(withdrawals(kToday - 1).size(), 1u);  // still hers the day before the sale
  EXPECT_TRUE(withdrawals(kToday).empty());
  auto r = record(checkup());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(r.error().code, "animal_disposed");
}

TEST_F(HealthTest, EveryFieldIsCheckedAndNothingIsSavedOnBadInput) {
  NewHealthRecord in = checkup();
  in.animal_id = "not-an-id";
  expect_field_error(in, "animal_id");
  in.animal_id = new_uuid_v7();
  expect_field_error(in, "animal_id");

  in = checkup(kToday + 1);
  expect_field_error(in, "day");
  in = checkup(*parse_date("2022-01-09"));  // the day before her birth
  expect_field_error(in, "day");
  EXPECT_TRUE(record(checkup(*parse_date("2022-01-10"))).ok());

  in = checkup();
  in.kind = "massage";
  expect_field_error(in, "kind");
  in = checkup();
  in.status = "cured";
  expect_field_error(in, "status");
  in = checkup();
  in.follow_up_date = kToday - 1;
  expect_field_error(in, "follow_up_date");
  in = checkup();
  in.cost = Money::from_minor(-1, kBDT);
  expect_field_error(in, "cost");
  in = checkup();
  in.medication = "Penicillin\x01";
  expect_field_error(in, "medication");
  in = checkup();
  in.dose = std::string(101, 'x');
  expect_field_error(in, "dose");
  in = checkup();
  in.veterinarian = "Dr.\nKarim";
  expect_field_error(in, "veterinarian");
  in = treated(kToday, 3, 3);
  in.treatment->last_dose_date = kToday - 1;
  expect_field_error(in, "treatment.last_dose_date");

  EXPECT_EQ(scalar("SELECT count(*) FROM herd_health_records"), 1);
  EXPECT_EQ(events_of("health.recorded").size(), 1u);
}

TEST_F(HealthTest, ADescriptionMayHoldLineBreaks) {
  NewHealthRecord in = checkup();
  in.description = "Lame left hind.\nHoof trimmed.";
  auto r = record(in);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->record.description, "Lame left hind.\nHoof trimmed.");
}

TEST_F(HealthTest, AnOffLabelTreatmentReturnsItsWarnings) {
  NewHealthRecord in = treated(kToday, 1, 0);
  OffLabel o;
  o.authorised_for_milk = true;
  o.longest_label_milk_days = 2;
  o.longest_label_meat_days = 0;
  in.treatment->off_label = o;
  auto r = record(in);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->record.treatment->off_label);
  EXPECT_EQ(r->record.treatment->milk_withdrawal_days, 3);
  EXPECT_EQ(r->record.treatment->meat_withdrawal_days, 1);
  EXPECT_EQ(r->warnings.size(), 2u);  // both periods were below the minimum
  auto stored = service().get(conn(), r->record.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(stored->treatment->off_label);
}

TEST_F(HealthTest, AnUpdateChangesStatusFollowUpAndDescriptionOnly) {
  auto r = record(treated(kToday - 3, 3, 3));
  ASSERT_TRUE(r.ok());
  const std::string id = r->record.id;
  HealthChanges ch;
  ch.status = "follow_up";
  ch.follow_up_date.emplace(kToday + 7);
  ch.description.emplace("Recheck the udder.");
  auto u = update(id, ch);
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_EQ(u->status, "follow_up");
  EXPECT_EQ(u->follow_up_date, kToday + 7);
  EXPECT_EQ(u->treatment->milk_withdrawal_end, kToday);  // untouched

  auto evs = events_of("health.updated");
  ASSERT_EQ(evs.size(), 1u);
  json::value data = json::parse(evs[0].data);
  EXPECT_EQ(data.at("changed"), json::parse(R"(["status","follow_up_date","description"])"));

  // The same values again change nothing and record nothing.
  ASSERT_TRUE(update(id, ch).ok());
  EXPECT_EQ(events_of("health.updated").size(), 1u);

  HealthChanges clear;
  clear.follow_up_date.emplace();
  u = update(id, clear);
  ASSERT_TRUE(u.ok());
  EXPECT_FALSE(u->follow_up_date);

  HealthChanges bad;
  bad.follow_up_date.emplace(kToday - 4);
  auto e = update(id, bad);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().details, std::vector<std::string>{"follow_up_date"});
  bad = HealthChanges{};
  bad.status = "gone";
  EXPECT_FALSE(update(id, bad).ok());

  auto missing = update(new_uuid_v7(), ch);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "health_record_not_found");
}

TEST_F(HealthTest, TheListFiltersByAnimalKindAndDaysNewestFirst) {
  std::string other = put_animal("BD-002");
  ASSERT_TRUE(record(checkup(kToday - 5)).ok());
  ASSERT_TRUE(record(treated(kToday - 3, 1, 1)).ok());
  NewHealthRecord v = checkup(kToday - 1);
  v.animal_id = other;
  v.kind = "vaccination";
  ASSERT_TRUE(record(v).ok());

  HealthQuery q;
  auto all = service().list(conn(), q);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->items.size(), 3u);
  EXPECT_EQ(all->items[0].kind, "vaccination");

  q.animal_id = cow_;
  EXPECT_EQ(service().list(conn(), q)->items.size(), 2u);
  q.kind = "treatment";
  EXPECT_EQ(service().list(conn(), q)->items.size(), 1u);
  q = HealthQuery{};
  q.from = kToday - 4;
  q.to = kToday - 2;
  auto mid = service().list(conn(), q);
  ASSERT_EQ(mid->items.size(), 1u);
  EXPECT_EQ(mid->items[0].kind, "treatment");

  q = HealthQuery{};
  q.limit = 2;
  auto page = service().list(conn(), q);
  ASSERT_EQ(page->items.size(), 2u);
  ASSERT_FALSE(page->next_cursor.empty());
  q.before = page->next_cursor;
  auto rest = service().list(conn(), q);
  ASSERT_EQ(rest->items.size(), 1u);
  EXPECT_EQ(rest->items[0].day, kToday - 5);
  EXPECT_TRUE(rest->next_cursor.empty());
}

}  // namespace
}  // namespace smartdairy::modules::herd
