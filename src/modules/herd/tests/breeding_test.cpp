#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "modules/herd/breeding_service.h"
#include "modules/herd/tests/herd_fixture.h"

namespace smartdairy::modules::herd {
namespace {

namespace json = boost::json;

// The fixture's clock reads 2026-01-01 on the farm.
const Day kToday = *parse_date("2026-01-01");

class BreedingTest : public HerdTest {
 protected:
  void SetUp() override {
    HerdTest::SetUp();
    bull_ = put_animal("BULL-1", "male", "bull");
    heifer_ = put_animal("H-001", "female", "heifer");
  }

  BreedingService service() { return BreedingService(ctx()); }

  NewService ai(const std::string& animal, Day day) {
    NewService in;
    in.animal_id = animal;
    in.day = day;
    in.method = "ai";
    in.semen_batch = "HF-2025-17";
    return in;
  }

  Result<RecordedService> serve(const NewService& in) {
    return tx([&](db::Connection& c) { return service().serve(c, in, "vet1"); });
  }
  Result<RecordedCheck> check(const std::string& id, Day day, const std::string& result) {
    NewCheck in;
    in.day = day;
    in.result = result;
    in.method = "palpation";
    return tx([&](db::Connection& c) { return service().check(c, id, in, "vet1"); });
  }
  std::string status_of(const std::string& animal) {
    auto s = conn().scalar_text("SELECT status FROM herd_animals WHERE id = ?", animal);
    return s.ok() && *s ? **s : "";
  }
  std::string service_status(const std::string& id) {
    auto s = conn().scalar_text("SELECT pregnancy_status FROM herd_services WHERE id = ?", id);
    return s.ok() && *s ? **s : "";
  }
  void set_last_calving(const std::string& animal, Day day) {
    ASSERT_TRUE(conn()
                    .execute("UPDATE herd_animals SET last_calving_date = ? WHERE id = ?",
                             format_date(day), animal)
                    .ok());
  }
  void expect_error(const Result<RecordedService>& r, ErrorKind kind, const std::string& code,
                    const std::string& detail) {
    ASSERT_FALSE(r.ok()) << code;
    EXPECT_EQ(r.error().kind, kind) << r.error().message;
    EXPECT_EQ(r.error().code, code) << r.error().message;
    EXPECT_EQ(r.error().details, std::vector<std::string>{detail}) << r.error().message;
  }

  std::string bull_, heifer_;
};

// --- services --------------------------------------------------------------------------

TEST_F(BreedingTest, AServiceDatesItsCheckAndCalvingFromTheSettingsAndTheBreed) {
  auto r = serve(ai(heifer_, kToday - 10));
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Service& s = r->service;
  EXPECT_EQ(s.status, "pending");
  EXPECT_EQ(s.expected_calving, kToday - 10 + 283);  // no breed: 283 days
  EXPECT_EQ(s.window_from, s.expected_calving - 9);
  EXPECT_EQ(s.window_to, s.expected_calving + 9);
  EXPECT_EQ(s.check_due, kToday - 10 + 35);
  EXPECT_FALSE(s.vwp_warning);
  EXPECT_TRUE(r->warnings.empty());

  auto evs = events_of("breeding.serviced");
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].aggregate_type, "service");
  EXPECT_EQ(evs[0].aggregate_id, s.id);
  json::value data = json::parse(evs[0].data);
  EXPECT_EQ(data.at("expected_calving"), json::value(format_date(s.expected_calving)));

  // A Jersey's gestation and a farm's own settings.
  std::string jersey = put_breed("JE", 279);
  std::string cow = put_animal("J-001", "female", "dry", jersey);
  ASSERT_TRUE(conn()
                  .execute("UPDATE herd_settings SET pregnancy_check_days = 30, "
                           "calving_window_days = 5")
                  .ok());
  auto j = serve(ai(cow, kToday));
  ASSERT_TRUE(j.ok()) << j.error().message;
  EXPECT_EQ(j->service.expected_calving, kToday + 279);
  EXPECT_EQ(j->service.check_due, kToday + 30);
  EXPECT_EQ(j->service.window_to, kToday + 284);
}

TEST_F(BreedingTest, BreedingInsideTheVoluntaryWaitingPeriodIsSavedWithAWarning) {
  std::string cow = put_animal("C-001", "female", "lactating");
  set_last_calving(cow, kToday - 41);
  auto r = serve(ai(cow, kToday));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->service.vwp_warning);
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_EQ(r->warnings[0],
            "Bred 41 days after calving, inside the 60-day voluntary waiting period.");
  auto stored = service().get(conn(), r->service.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(stored->vwp_warning);

  std::string later = put_animal("C-002", "female", "lactating");
  set_last_calving(later, kToday - 60);
  auto ok = serve(ai(later, kToday));
  ASSERT_TRUE(ok.ok());
  EXPECT_FALSE(ok->service.vwp_warning);
  EXPECT_TRUE(ok->warnings.empty());
}

TEST_F(BreedingTest, OnlyAKeptFemaleHeiferOrCowCanBeServed) {
  expect_error(serve(ai(bull_, kToday)), ErrorKind::kConflict, "animal_not_breedable", "animal_id");
  std::string calf = put_animal("CALF-1", "female", "calf");
  expect_error(serve(ai(calf, kToday)), ErrorKind::kConflict, "animal_not_breedable", "animal_id");
  std::string pregnant = put_animal("P-1", "female", "pregnant");
  expect_error(serve(ai(pregnant, kToday)), ErrorKind::kConflict, "animal_not_breedable",
               "animal_id");
  std::string sold = put_animal("S-1", "female", "dry");
  ASSERT_TRUE(conn()
                  .execute("UPDATE herd_animals SET status = 'sold', disposal_kind = 'sold', "
                           "disposal_date = '2025-12-01' WHERE id = ?",
                           sold)
                  .ok());
  expect_error(serve(ai(sold, kToday)), ErrorKind::kConflict, "animal_not_breedable", "animal_id");
  expect_error(serve(ai(new_uuid_v7(), kToday)), ErrorKind::kUnprocessable, "animal_not_found",
               "animal_id");
  EXPECT_EQ(scalar("SELECT count(*) FROM herd_services"), 0);
}

TEST_F(BreedingTest, TheSireAndTheDayAreChecked) {
  NewService in = ai(heifer_, kToday);
  in.method = "natural";
  in.semen_batch.reset();
  expect_error(serve(in), ErrorKind::kUnprocessable, "invalid_field", "sire_id");
  in.sire_id = heifer_;
  expect_error(serve(in), ErrorKind::kUnprocessable, "invalid_field", "sire_id");
  in.sire_id = put_animal("F-2", "female", "dry");
  expect_error(serve(in), ErrorKind::kUnprocessable, "invalid_field", "sire_id");
  in.sire_id = new_uuid_v7();
  expect_error(serve(in), ErrorKind::kUnprocessable, "invalid_field", "sire_id");

  in = ai(heifer_, kToday);
  in.semen_batch.reset();
  expect_error(serve(in), ErrorKind::kUnprocessable, "invalid_field", "semen_batch");
  in.method = "et";
  in.sire_id = bull_;  // a sire instead of a batch will do
  EXPECT_TRUE(serve(in).ok());

  std::string cow = put_animal("C-9", "female", "dry");
  in = ai(cow, kToday + 1);
  expect_error(serve(in), ErrorKind::kUnprocessable, "invalid_field", "day");
  in.day = *parse_date("2022-01-09");
  expect_error(serve(in), ErrorKind::kUnprocessable, "invalid_field", "day");
  set_last_calving(cow, kToday - 100);
  in.day = kToday - 101;
  expect_error(serve(in), ErrorKind::kUnprocessable, "invalid_field", "day");
  in = ai(cow, kToday);
  in.method = "clone";
  expect_error(serve(in), ErrorKind::kUnprocessable, "invalid_field", "method");
  in = ai(cow, kToday);
  in.technician = "Rahim\x07";
  expect_error(serve(in), ErrorKind::kUnprocessable, "invalid_field", "technician");
}

TEST_F(BreedingTest, ANewServiceReplacesAPendingOneOnlyAfterAReturnToHeat) {
  auto first = serve(ai(heifer_, kToday - 30));
  ASSERT_TRUE(first.ok());
  // 17 days later: too soon, the first one may still hold.
  expect_error(serve(ai(heifer_, kToday - 13)), ErrorKind::kConflict, "service_open", "day");
  // 18 days later: she came back on heat, so the first one failed.
  auto second = serve(ai(heifer_, kToday - 12));
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->replaced_service_id, first->service.id);
  EXPECT_EQ(service_status(first->service.id), "negative");
  EXPECT_EQ(service_status(second->service.id), "pending");

  // Once confirmed, no new service at all.
  ASSERT_TRUE(check(second->service.id, kToday, "confirmed").ok());
  std::string cow = put_animal("C-3", "female", "lactating");
  auto lact = serve(ai(cow, kToday - 40));
  ASSERT_TRUE(lact.ok());
  ASSERT_TRUE(check(lact->service.id, kToday - 5, "confirmed").ok());
  EXPECT_EQ(status_of(cow), "lactating");  // a lactating cow stays lactating
  expect_error(serve(ai(cow, kToday)), ErrorKind::kConflict, "service_open", "animal_id");
}

// --- pregnancy checks ------------------------------------------------------------------

TEST_F(BreedingTest, AConfirmedCheckMakesAHeiferPregnant) {
  auto s = serve(ai(heifer_, kToday - 40));
  ASSERT_TRUE(s.ok());
  auto c = check(s->service.id, kToday - 5, "confirmed");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->service.status, "confirmed");
  EXPECT_EQ(c->status_from, "heifer");
  EXPECT_EQ(c->status_to, "pregnant");
  EXPECT_EQ(status_of(heifer_), "pregnant");
  EXPECT_EQ(service_status(s->service.id), "confirmed");

  auto checked = events_of("breeding.checked");
  ASSERT_EQ(checked.size(), 1u);
  EXPECT_EQ(checked[0].aggregate_id, s->service.id);
  auto moved = events_of("animal.status_changed");
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].aggregate_type, "animal");
  EXPECT_EQ(moved[0].aggregate_id, heifer_);
  json::value data = json::parse(moved[0].data);
  EXPECT_EQ(data.at("from"), json::value("heifer"));
  EXPECT_EQ(data.at("to"), json::value("pregnant"));

  // A second check confirms again without moving anything.
  auto again = check(s->service.id, kToday, "confirmed");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_FALSE(again->status_to);
  EXPECT_EQ(events_of("animal.status_changed").size(), 1u);
  auto stored = service().get(conn(), s->service.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->checks.size(), 2u);
}

TEST_F(BreedingTest, ANegativeOrAbortedCheckReturnsAPregnantAnimalToDryOrHeifer) {
  // A heifer that never calved goes back to heifer.
  auto s = serve(ai(heifer_, kToday - 60));
  ASSERT_TRUE(check(s->service.id, kToday - 20, "confirmed").ok());
  auto neg = check(s->service.id, kToday - 10, "negative");
  ASSERT_TRUE(neg.ok()) << neg.error().message;
  EXPECT_EQ(neg->service.status, "negative");
  EXPECT_EQ(status_of(heifer_), "heifer");

  // A cow that has calved before goes back to dry.
  std::string cow = put_animal("C-5", "female", "dry");
  set_last_calving(cow, kToday - 300);
  auto t = serve(ai(cow, kToday - 60));
  ASSERT_TRUE(check(t->service.id, kToday - 20, "confirmed").ok());
  EXPECT_EQ(status_of(cow), "pregnant");
  auto abort = check(t->service.id, kToday - 2, "aborted");
  ASSERT_TRUE(abort.ok()) << abort.error().message;
  EXPECT_EQ(abort->status_to, "dry");
  EXPECT_EQ(service_status(t->service.id), "aborted");

  // A lactating cow with a negative check stays lactating.
  std::string milker = put_animal("C-6", "female", "lactating");
  auto u = serve(ai(milker, kToday - 40));
  auto n = check(u->service.id, kToday, "negative");
  ASSERT_TRUE(n.ok());
  EXPECT_FALSE(n->status_to);
  EXPECT_EQ(status_of(milker), "lactating");
}

TEST_F(BreedingTest, ChecksAreRecordedOnlyOnOpenServicesAndOnPlausibleDays) {
  auto s = serve(ai(heifer_, kToday - 40));
  ASSERT_TRUE(s.ok());
  auto early = check(s->service.id, kToday - 41, "confirmed");
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().details, std::vector<std::string>{"day"});
  auto future = check(s->service.id, kToday + 1, "confirmed");
  ASSERT_FALSE(future.ok());
  EXPECT_EQ(future.error().details, std::vector<std::string>{"day"});
  auto bad = check(s->service.id, kToday, "maybe");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().details, std::vector<std::string>{"result"});
  auto missing = check(new_uuid_v7(), kToday, "confirmed");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "service_not_found");

  ASSERT_TRUE(check(s->service.id, kToday - 5, "negative").ok());
  auto closed = check(s->service.id, kToday, "confirmed");
  ASSERT_FALSE(closed.ok());
  EXPECT_EQ(closed.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(closed.error().code, "service_closed");
  EXPECT_EQ(scalar("SELECT count(*) FROM herd_pregnancy_checks"), 1);
}

// --- the list and the calendar ----------------------------------------------------------

TEST_F(BreedingTest, TheListFiltersByAnimalAndStatus) {
  std::string cow = put_animal("C-7", "female", "dry");
  auto a = serve(ai(heifer_, kToday - 40));
  ASSERT_TRUE(serve(ai(cow, kToday - 3)).ok());
  ASSERT_TRUE(check(a->service.id, kToday, "confirmed").ok());
  ServiceQuery q;
  EXPECT_EQ(service().list(conn(), q)->items.size(), 2u);
  q.animal_id = cow;
  EXPECT_EQ(service().list(conn(), q)->items.size(), 1u);
  q = ServiceQuery{};
  q.status = "confirmed";
  auto confirmed = service().list(conn(), q);
  ASSERT_EQ(confirmed->items.size(), 1u);
  EXPECT_EQ(confirmed->items[0].animal_id, heifer_);
  EXPECT_EQ(confirmed->items[0].window_to, confirmed->items[0].expected_calving + 9);
}

TEST_F(BreedingTest, TheCalendarListsChecksCalvingsAndDryOffsInRange) {
  // Check due today + 5 (served 30 days ago), and one overdue (due 5 days ago).
  auto due = serve(ai(heifer_, kToday - 30));
  std::string late = put_animal("C-10", "female", "dry");
  auto overdue = serve(ai(late, kToday - 40));
  // A lactating cow confirmed long ago: calving due in 20 days, dry-off 40 days ago.
  std::string milker = put_animal("C-11", "female", "lactating");
  auto m = serve(ai(milker, kToday + 20 - 283));
  ASSERT_TRUE(check(m->service.id, kToday - 200, "confirmed").ok());
  // A dry cow confirmed (pregnant from then on): no dry-off for her.
  std::string dry = put_animal("C-12", "female", "dry");
  auto d = serve(ai(dry, kToday + 70 - 283));
  ASSERT_TRUE(check(d->service.id, kToday - 150, "confirmed").ok());
  // A lactating cow whose dry-off falls in 10 days.
  std::string milker2 = put_animal("C-13", "female", "lactating");
  auto m2 = serve(ai(milker2, kToday + 70 - 283));
  ASSERT_TRUE(check(m2->service.id, kToday - 150, "confirmed").ok());

  auto cal = service().calendar(conn(), kToday, kToday + 30);
  ASSERT_TRUE(cal.ok()) << cal.error().message;
  ASSERT_EQ(cal->checks_due.size(), 2u);
  EXPECT_EQ(cal->checks_due[0].service_id, overdue->service.id);
  EXPECT_TRUE(cal->checks_due[0].overdue);
  EXPECT_EQ(cal->checks_due[1].service_id, due->service.id);
  EXPECT_FALSE(cal->checks_due[1].overdue);
  EXPECT_EQ(cal->checks_due[1].day, kToday + 5);
  ASSERT_EQ(cal->calvings_due.size(), 1u);
  EXPECT_EQ(cal->calvings_due[0].ear_tag, "C-11");
  EXPECT_EQ(cal->calvings_due[0].day, kToday + 20);
  EXPECT_EQ(cal->calvings_due[0].window_from, kToday + 11);
  ASSERT_EQ(cal->dry_offs_due.size(), 1u);
  EXPECT_EQ(cal->dry_offs_due[0].ear_tag, "C-13");
  EXPECT_EQ(cal->dry_offs_due[0].day, kToday + 10);
  EXPECT_EQ(cal->dry_offs_due[0].expected_calving, kToday + 70);

  // A later window: no calving, no dry-off; the overdue check is still listed.
  auto later = service().calendar(conn(), kToday + 21, kToday + 60);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->checks_due.size(), 1u);
  EXPECT_TRUE(later->calvings_due.empty());
  EXPECT_TRUE(later->dry_offs_due.empty());

  EXPECT_FALSE(service().calendar(conn(), kToday, kToday + 401).ok());
  EXPECT_TRUE(service().calendar(conn(), kToday, kToday + 400).ok());
  auto backwards = service().calendar(conn(), kToday, kToday - 1);
  ASSERT_FALSE(backwards.ok());
  EXPECT_EQ(backwards.error().details, std::vector<std::string>{"to"});
}

}  // namespace
}  // namespace smartdairy::modules::herd
