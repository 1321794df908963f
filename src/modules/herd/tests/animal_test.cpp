#include <gtest/gtest.h>

#include "modules/herd/animal_service.h"
#include "modules/herd/animal_store.h"
#include "modules/herd/breed_service.h"
#include "modules/herd/calving_service.h"
#include "modules/herd/tests/herd_fixture.h"

namespace smartdairy::modules::herd {
namespace {

// The fake clock's day on the farm: 2026-01-01.
Day day(const char* text) { return *parse_date(text); }

class Animals : public HerdTest {
 protected:
  AnimalService animals() { return AnimalService(ctx()); }

  Result<Animal> reg(const std::string& tag, const std::string& sex,
                     std::optional<std::string> birth = "2022-03-01",
                     std::optional<std::string> sire = std::nullopt,
                     std::optional<std::string> dam = std::nullopt,
                     std::optional<std::string> status = std::nullopt) {
    NewAnimal in;
    in.ear_tag = tag;
    in.sex = sex;
    if (birth) in.birth_date = parse_date(*birth);
    in.sire_id = std::move(sire);
    in.dam_id = std::move(dam);
    in.status = std::move(status);
    AnimalService s(ctx());
    return tx([&](db::Connection& c) { return s.register_animal(c, in, "farmer"); });
  }

  Result<Animal> patch(const std::string& id, const AnimalChanges& ch,
                       std::optional<int64_t> version = std::nullopt) {
    AnimalService s(ctx());
    return tx([&](db::Connection& c) { return s.update(c, id, ch, version, "farmer"); });
  }

  Result<Animal> status_to(const std::string& id, const std::string& status) {
    AnimalChanges ch;
    ch.status = status;
    return patch(id, ch);
  }

  static std::string field_of(const Error& e) { return e.details.empty() ? "" : e.details[0]; }
};

TEST_F(Animals, RegisteringNormalisesTheTagAndPicksTheStatusBySexAndAge) {
  auto cow = reg("  bd-001 ", "female");
  ASSERT_TRUE(cow.ok()) << cow.error().message;
  EXPECT_EQ(cow->ear_tag, "BD-001");
  EXPECT_EQ(cow->status, "heifer");
  EXPECT_EQ(cow->acquisition_kind, "purchased");
  EXPECT_EQ(cow->version, 1);
  auto bull = reg("BD-002", "male");
  ASSERT_TRUE(bull.ok());
  EXPECT_EQ(bull->status, "bull");
  auto calf = reg("BD-003", "female", "2025-10-01");
  ASSERT_TRUE(calf.ok());
  EXPECT_EQ(calf->status, "calf");
  EXPECT_EQ(events_of("animal.registered").size(), 3U);
  EXPECT_EQ(default_status("male", std::nullopt, day("2026-01-01")), "bull");
}

TEST_F(Animals, RefusesBadTagsSexesAndFutureBirths) {
  auto bad_tag = reg("BD 001", "female");
  ASSERT_FALSE(bad_tag.ok());
  EXPECT_EQ(field_of(bad_tag.error()), "ear_tag");
  EXPECT_FALSE(reg("ABCDEFGHIJKLMNOPQRSTU", "female").ok());  // 21 characters
  auto sex = reg("BD-001", "cow");
  ASSERT_FALSE(sex.ok());
  EXPECT_EQ(field_of(sex.error()), "sex");
  auto future = reg("BD-001", "female", "2026-01-02");
  ASSERT_FALSE(future.ok());
  EXPECT_EQ(field_of(future.error()), "birth_date");
  EXPECT_TRUE(reg("BD-001", "female", "2026-01-01").ok());  // today is fine
  auto cow = store::find_animal_by_tag(conn(), "BD-001", 0).value();
  AnimalChanges name;
  name.name.emplace("Moni\nRani");
  auto bad_name = patch(cow->id, name);
  ASSERT_FALSE(bad_name.ok());
  EXPECT_EQ(field_of(bad_name.error()), "name");
  AnimalChanges notes;
  notes.notes.emplace("limps\nsee the vet");
  EXPECT_TRUE(patch(cow->id, notes).ok());
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM herd_animals"), 1);
}

TEST_F(Animals, EarTagsAndRfidsAreUnique) {
  ASSERT_TRUE(reg("BD-001", "female").ok());
  auto again = reg("bd-001", "male");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "ear_tag_taken");
  EXPECT_EQ(again.error().kind, ErrorKind::kConflict);

  NewAnimal in;
  in.ear_tag = "BD-010";
  in.sex = "female";
  in.rfid = "982000123456789";
  AnimalService s(ctx());
  ASSERT_TRUE(tx([&](db::Connection& c) { return s.register_animal(c, in, "u"); }).ok());
  in.ear_tag = "BD-011";
  auto dup = tx([&](db::Connection& c) { return s.register_animal(c, in, "u"); });
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, "rfid_taken");
  // ... and on update.
  auto other = reg("BD-012", "female");
  AnimalChanges ch;
  ch.rfid.emplace("982000123456789");
  auto upd = patch(other->id, ch);
  ASSERT_FALSE(upd.ok());
  EXPECT_EQ(upd.error().code, "rfid_taken");
}

TEST_F(Animals, MaleAnimalsAreCalvesOrBullsAndFemalesNeverBulls) {
  auto cow = reg("BD-001", "male", "2022-01-01", std::nullopt, std::nullopt, "lactating");
  ASSERT_FALSE(cow.ok());
  EXPECT_EQ(field_of(cow.error()), "status");
  auto bull = reg("BD-002", "female", "2022-01-01", std::nullopt, std::nullopt, "bull");
  ASSERT_FALSE(bull.ok());
  auto sold = reg("BD-003", "female", "2022-01-01", std::nullopt, std::nullopt, "sold");
  ASSERT_FALSE(sold.ok());
  EXPECT_NE(sold.error().message.find("disposal"), std::string::npos);
}

TEST_F(Animals, ParentsMustHaveTheRightSexAndBeBornEarlier) {
  auto bull = reg("SIRE", "male", "2018-01-01");
  auto cow = reg("DAM", "female", "2018-01-01");
  ASSERT_TRUE(bull.ok() && cow.ok());
  auto swapped = reg("KID", "female", "2024-01-01", cow->id, bull->id);
  ASSERT_FALSE(swapped.ok());
  EXPECT_EQ(field_of(swapped.error()), "sire_id");
  auto female_dam_only = reg("KID", "female", "2024-01-01", std::nullopt, bull->id);
  ASSERT_FALSE(female_dam_only.ok());
  EXPECT_EQ(field_of(female_dam_only.error()), "dam_id");
  auto younger = reg("KID", "female", "2017-06-01", bull->id, cow->id);
  ASSERT_FALSE(younger.ok());
  EXPECT_NE(younger.error().message.find("born on 2018-01-01"), std::string::npos);
  auto unknown = reg("KID", "female", "2024-01-01", std::string("not-an-id"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(field_of(unknown.error()), "sire_id");
  auto ok = reg("KID", "female", "2024-01-01", bull->id, cow->id);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->acquisition_kind, "born");  // a dam in the herd: born here by default
  EXPECT_EQ(ok->acquisition_date, day("2024-01-01"));
}

TEST_F(Animals, AnAnimalCannotBeItsOwnParentNorDescendFromItself) {
  auto a = reg("A", "male", std::nullopt);
  ASSERT_TRUE(a.ok());
  AnimalChanges self;
  self.sire_id.emplace(a->id);
  auto own = patch(a->id, self);
  ASSERT_FALSE(own.ok());
  EXPECT_EQ(field_of(own.error()), "sire_id");

  auto child = reg("B", "male", std::nullopt, a->id);
  auto grandchild = reg("C", "male", std::nullopt, child->id);
  ASSERT_TRUE(child.ok() && grandchild.ok());
  AnimalChanges cycle;
  cycle.sire_id.emplace(grandchild->id);
  auto r = patch(a->id, cycle);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "pedigree_cycle");
  EXPECT_EQ(r.error().kind, ErrorKind::kConflict);
  EXPECT_NE(r.error().message.find("C descends from A"), std::string::npos);

  // Through a dam as well: D's daughter E cannot be D's dam.
  auto d = reg("D", "female", std::nullopt);
  auto e = reg("E", "female", std::nullopt, std::nullopt, d->id);
  AnimalChanges dam;
  dam.dam_id.emplace(e->id);
  auto r2 = patch(d->id, dam);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().code, "pedigree_cycle");
  EXPECT_FALSE(store::find_animal(conn(), d->id, 0).value()->dam_id);
}

TEST_F(Animals, ABirthDateCannotMoveAfterAnOffspringsBirth) {
  auto dam = reg("DAM", "female", "2019-01-01");
  ASSERT_TRUE(reg("KID", "female", "2023-05-01", std::nullopt, dam->id).ok());
  AnimalChanges ch;
  ch.birth_date.emplace(day("2023-06-01"));
  auto r = patch(dam->id, ch);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(field_of(r.error()), "birth_date");
}

TEST_F(Animals, TheTransitionTableDecidesStatusChanges) {
  auto heifer = reg("H1", "female", "2025-06-01");
  ASSERT_EQ(heifer->status, "calf");
  ASSERT_TRUE(status_to(heifer->id, "heifer").ok());
  auto bull = status_to(heifer->id, "bull");
  ASSERT_FALSE(bull.ok());
  EXPECT_EQ(bull.error().code, "invalid_status_transition");
  EXPECT_NE(bull.error().message.find("allowed: pregnant, lactating"), std::string::npos);
  ASSERT_TRUE(status_to(heifer->id, "pregnant").ok());
  ASSERT_TRUE(status_to(heifer->id, "heifer").ok());  // lost pregnancy, never calved
  ASSERT_TRUE(status_to(heifer->id, "lactating").ok());
  auto sold = status_to(heifer->id, "sold");
  ASSERT_FALSE(sold.ok());
  EXPECT_NE(sold.error().message.find("/disposal"), std::string::npos);
  auto to_calf = status_to(heifer->id, "calf");
  ASSERT_FALSE(to_calf.ok());
  EXPECT_NE(to_calf.error().message.find("allowed: dry"), std::string::npos);
  auto changes = events_of("animal.status_changed");
  ASSERT_EQ(changes.size(), 4U);
  EXPECT_NE(changes.back().data.find("\"from\":\"heifer\""), std::string::npos);

  auto male = reg("M1", "male", "2025-06-01");
  auto wrong = status_to(male->id, "heifer");
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("allowed: bull"), std::string::npos);
  EXPECT_TRUE(status_to(male->id, "bull").ok());
  EXPECT_TRUE(allowed_next_statuses("bull", "male", false).empty());
  EXPECT_EQ(allowed_next_statuses("pregnant", "female", true),
            (std::vector<std::string_view>{"lactating", "dry"}));
}

TEST_F(Animals, DisposalKeepsTheRowAndFreezesAllButNotes) {
  auto cow = reg("C1", "female", "2020-01-01");
  AnimalService s(ctx());
  Disposal future{"sold", day("2026-01-02"), std::nullopt};
  auto f = tx([&](db::Connection& c) { return s.dispose(c, cow->id, future, std::nullopt, "u"); });
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(field_of(f.error()), "date");
  Disposal early{"dead", day("2019-12-31"), std::nullopt};
  auto e = tx([&](db::Connection& c) { return s.dispose(c, cow->id, early, std::nullopt, "u"); });
  ASSERT_FALSE(e.ok());
  Disposal bad_kind{"lost", day("2025-12-01"), std::nullopt};
  EXPECT_FALSE(tx([&](db::Connection& c) {
                 return s.dispose(c, cow->id, bad_kind, std::nullopt, "u");
               }).ok());
  Disposal sold{"sold", day("2025-12-01"), std::string("to the neighbour")};
  auto r = tx([&](db::Connection& c) { return s.dispose(c, cow->id, sold, std::nullopt, "u"); });
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, "sold");
  EXPECT_EQ(r->disposal_date, day("2025-12-01"));
  EXPECT_EQ(r->version, 2);
  EXPECT_EQ(events_of("animal.disposed").size(), 1U);

  AnimalChanges name;
  name.name.emplace("Daisy");
  auto frozen = patch(cow->id, name);
  ASSERT_FALSE(frozen.ok());
  EXPECT_EQ(frozen.error().code, "animal_disposed");
  EXPECT_FALSE(status_to(cow->id, "lactating").ok());
  AnimalChanges notes;
  notes.notes.emplace("collected on 2 Dec");
  EXPECT_TRUE(patch(cow->id, notes).ok());
  auto twice =
      tx([&](db::Connection& c) { return s.dispose(c, cow->id, sold, std::nullopt, "u"); });
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, "animal_disposed");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM herd_animals"), 1);
}

TEST_F(Animals, IfMatchMustNameTheCurrentVersion) {
  auto cow = reg("C1", "female");
  AnimalChanges ch;
  ch.name.emplace("Bella");
  auto stale = patch(cow->id, ch, 7);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().kind, ErrorKind::kPreconditionFailed);
  auto ok = patch(cow->id, ch, 1);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->version, 2);
  EXPECT_EQ(events_of("animal.updated").size(), 1U);
  // A change to nothing writes nothing.
  ASSERT_TRUE(patch(cow->id, ch, 2).ok());
  EXPECT_EQ(events_of("animal.updated").size(), 1U);
}

TEST_F(Animals, ListFiltersByStatusTagSexAndNameWithCursorPages) {
  ASSERT_TRUE(reg("BD-001", "female").ok());
  ASSERT_TRUE(reg("BD-002", "male").ok());
  ASSERT_TRUE(reg("XY-003", "female").ok());
  AnimalChanges name;
  name.name.emplace("Rani Moni");
  auto third = store::find_animal_by_tag(conn(), "XY-003", 0).value();
  ASSERT_TRUE(patch(third->id, name).ok());
  AnimalService s(ctx());
  AnimalQuery q;
  q.tag_prefix = "bd";
  auto page = s.list(conn(), q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items.size(), 2U);
  q = {};
  q.sex = "male";
  EXPECT_EQ(s.list(conn(), q)->items.size(), 1U);
  q = {};
  q.q = "moni";
  ASSERT_EQ(s.list(conn(), q)->items.size(), 1U);
  q = {};
  q.status = "bull";
  EXPECT_EQ(s.list(conn(), q)->items.at(0).ear_tag, "BD-002");
  q = {};
  q.limit = 2;
  auto first = s.list(conn(), q);
  EXPECT_EQ(first->next_cursor, "BD-002");
  q.after = first->next_cursor;
  auto second = s.list(conn(), q);
  ASSERT_EQ(second->items.size(), 1U);
  EXPECT_EQ(second->items[0].ear_tag, "XY-003");
  EXPECT_TRUE(second->next_cursor.empty());
}

TEST_F(Animals, DetailShowsPedigreeHistoryAndWithdrawal) {
  auto gs = reg("GS", "male", "2012-01-01");
  auto gd = reg("GD", "female", "2012-01-01");
  auto sire = reg("SIRE", "male", "2016-01-01", gs->id, gd->id);
  auto dam = reg("DAM", "female", "2016-01-01");
  auto cow = reg("COW", "female", "2020-01-01", sire->id, dam->id, "lactating");
  ASSERT_TRUE(cow.ok()) << cow.error().message;
  ASSERT_TRUE(conn()
                  .execute("INSERT INTO herd_milk_records (id, animal_id, day, session, "
                           "quantity_ml, fat, grade, recorded_by, created_at, updated_at) VALUES "
                           "('m1', ?, '2025-12-31', 'morning', 8000, 425, 'A', 'u', 0, 0), "
                           "('m2', ?, '2025-12-31', 'evening', 7000, NULL, 'B', 'u', 0, 0), "
                           "('m3', ?, '2025-09-01', 'evening', 5000, NULL, 'B', 'u', 0, 0)",
                           cow->id, cow->id, cow->id)
                  .ok());
  ASSERT_TRUE(conn()
                  .execute("INSERT INTO herd_health_records (id, animal_id, day, kind, "
                           "last_dose_date, milk_withdrawal_end, meat_withdrawal_end, "
                           "recorded_by, created_at, updated_at) VALUES ('h1', ?, '2025-12-30', "
                           "'treatment', '2025-12-30', '2026-01-03', '2026-01-20', 'vet', 0, 0)",
                           cow->id)
                  .ok());
  AnimalService s(ctx());
  auto d = s.detail(conn(), cow->id);
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->pedigree.sire->ear_tag, "SIRE");
  EXPECT_EQ(d->pedigree.sire_sire->ear_tag, "GS");
  EXPECT_EQ(d->pedigree.sire_dam->ear_tag, "GD");
  EXPECT_FALSE(d->pedigree.dam_sire);
  ASSERT_EQ(d->latest_milk.size(), 3U);
  EXPECT_EQ(d->latest_milk[0].session, "evening");  // newest first
  ASSERT_EQ(d->milk_by_day.size(), 1U);             // 2025-09-01 is over 90 days ago
  EXPECT_EQ(d->milk_by_day[0].quantity_ml, 15000);
  ASSERT_TRUE(d->withdrawal);
  EXPECT_EQ(d->withdrawal->milk_until, day("2026-01-03"));
  EXPECT_TRUE(d->animal.in_milk_withdrawal);
  ASSERT_EQ(d->health.size(), 1U);
  auto by_tag = s.detail_by_tag(conn(), "cow");
  ASSERT_TRUE(by_tag.ok());
  EXPECT_EQ(by_tag->animal.id, cow->id);
  auto parent = s.detail(conn(), sire->id);
  ASSERT_EQ(parent->offspring.size(), 1U);
  EXPECT_EQ(parent->offspring[0].ear_tag, "COW");
  EXPECT_FALSE(parent->withdrawal);
  EXPECT_EQ(s.detail_by_tag(conn(), "NOPE").error().kind, ErrorKind::kNotFound);
}

class Calvings : public Animals {
 protected:
  Result<Calving> calve(const NewCalving& in) {
    AnimalService a(ctx());
    CalvingService s(ctx(), a);
    return tx([&](db::Connection& c) { return s.record(c, in, "vet"); });
  }

  std::string put_service(const std::string& animal, const std::optional<std::string>& sire,
                          const std::string& status = "confirmed") {
    std::string id = new_uuid_v7();
    EXPECT_TRUE(conn()
                    .execute("INSERT INTO herd_services (id, animal_id, day, method, sire_id, "
                             "semen_batch, pregnancy_status, check_due, expected_calving, "
                             "recorded_by, created_at, updated_at) VALUES (?, ?, '2025-03-01', "
                             "'ai', ?, 'B-1', ?, '2025-04-05', '2025-12-09', 'vet', 0, 0)",
                             id, animal, sire, status)
                    .ok());
    return id;
  }
};

TEST_F(Calvings, ACalvingRegistersTheCalfAndMakesTheDamLactating) {
  auto sire = reg("SIRE", "male", "2018-01-01");
  auto dam = reg("DAM", "female", "2021-01-01", std::nullopt, std::nullopt, "pregnant");
  std::string service = put_service(dam->id, sire->id);
  NewCalving in;
  in.dam_id = dam->id;
  in.day = day("2025-12-10");
  in.difficulty = 2;
  in.service_id = service;
  in.calf = NewCalf{"calf-1", "female", std::string("Tulip"), std::nullopt};
  auto c = calve(in);
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_TRUE(c->calf);
  EXPECT_EQ(c->calf->ear_tag, "CALF-1");
  EXPECT_EQ(c->calf->status, "calf");
  EXPECT_EQ(c->calf->birth_date, day("2025-12-10"));
  EXPECT_EQ(c->calf->acquisition_kind, "born");
  EXPECT_EQ(c->calf->dam_id, dam->id);
  EXPECT_EQ(c->calf->sire_id, sire->id);  // from the service
  EXPECT_EQ(c->dam.status, "lactating");
  EXPECT_EQ(c->dam.last_calving_date, day("2025-12-10"));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM herd_services WHERE pregnancy_status = 'calved'"), 1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM herd_calvings WHERE calf_id IS NOT NULL"), 1);
  EXPECT_EQ(events_of("calving.recorded").size(), 1U);
  EXPECT_EQ(events_of("animal.registered").size(), 3U);
  EXPECT_EQ(events_of("animal.status_changed").size(), 1U);

  // Her next calving must come later; and the service is used up.
  in.calf->ear_tag = "CALF-2";
  auto again = calve(in);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "calving_out_of_order");
  in.day = day("2025-12-20");
  auto used = calve(in);
  ASSERT_FALSE(used.ok());
  EXPECT_EQ(used.error().code, "service_closed");
}

TEST_F(Calvings, AStillbirthRegistersNoCalf) {
  auto dam = reg("DAM", "female", "2021-01-01", std::nullopt, std::nullopt, "dry");
  NewCalving in;
  in.dam_id = dam->id;
  in.day = day("2025-12-10");
  in.difficulty = 4;
  auto c = calve(in);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_FALSE(c->calf);
  EXPECT_EQ(c->dam.status, "lactating");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM herd_animals"), 1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM herd_calvings WHERE calf_id IS NULL"), 1);
}

TEST_F(Calvings, RefusesBadCalvingsAndSavesNothing) {
  auto bull = reg("BULL", "male", "2018-01-01");
  auto dam = reg("DAM", "female", "2021-01-01", std::nullopt, std::nullopt, "pregnant");
  auto other = reg("OTHER", "female", "2021-01-01", std::nullopt, std::nullopt, "pregnant");
  auto young = reg("YOUNG", "female", "2025-06-01");
  std::string others_service = put_service(other->id, bull->id);
  NewCalving in;
  in.dam_id = dam->id;
  in.day = day("2025-12-10");
  in.difficulty = 1;
  in.calf = NewCalf{"CALF-1", "male", std::nullopt, std::nullopt};

  auto check = [&](NewCalving bad, const std::string& field) {
    auto r = calve(bad);
    ASSERT_FALSE(r.ok()) << field;
    EXPECT_EQ(field_of(r.error()), field) << r.error().message;
  };
  NewCalving b = in;
  b.difficulty = 6;
  check(b, "difficulty");
  b = in;
  b.day = day("2026-01-02");
  check(b, "day");
  b = in;
  b.dam_id = bull->id;
  check(b, "dam_id");
  b = in;
  b.dam_id = young->id;
  check(b, "dam_id");  // still a calf
  b = in;
  b.service_id = others_service;
  check(b, "service_id");
  b = in;
  b.service_id = put_service(dam->id, bull->id);  // served on 2025-03-01
  b.day = day("2025-02-01");
  check(b, "day");
  b = in;
  b.sire_id = dam->id;
  check(b, "sire_id");
  b = in;
  b.calf->ear_tag = "BULL";  // taken
  check(b, "calf.ear_tag");
  b = in;
  b.calf->sex = "x";
  check(b, "calf.sex");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM herd_calvings"), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM herd_animals WHERE status = 'lactating'"), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM herd_services WHERE pregnancy_status = 'calved'"), 0);
}

class Breeds : public HerdTest {};

TEST_F(Breeds, CodesAreUniqueAndFieldsChecked) {
  BreedService s(ctx());
  NewBreed in{" hf ",       "Holstein Friesian", "dairy", std::string("18.5"),
              std::nullopt, std::nullopt};
  auto b = tx([&](db::Connection& c) { return s.create(c, in, "u"); });
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(b->code, "HF");
  EXPECT_EQ(b->avg_yield_ml, 18500);
  EXPECT_EQ(b->gestation_days, 283);
  auto dup = tx([&](db::Connection& c) { return s.create(c, in, "u"); });
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, "breed_code_taken");
  NewBreed bad = in;
  bad.code = "RCC";
  bad.gestation_days = 239;
  EXPECT_FALSE(tx([&](db::Connection& c) { return s.create(c, bad, "u"); }).ok());
  bad.gestation_days = 321;
  EXPECT_FALSE(tx([&](db::Connection& c) { return s.create(c, bad, "u"); }).ok());
  bad.gestation_days = 280;
  bad.avg_yield_litres = "18.5555";
  EXPECT_FALSE(tx([&](db::Connection& c) { return s.create(c, bad, "u"); }).ok());
  bad.avg_yield_litres = "abc";
  EXPECT_FALSE(tx([&](db::Connection& c) { return s.create(c, bad, "u"); }).ok());
  bad.avg_yield_litres = std::nullopt;
  bad.kind = "pet";
  EXPECT_FALSE(tx([&](db::Connection& c) { return s.create(c, bad, "u"); }).ok());
  bad.kind = "indigenous";
  ASSERT_TRUE(tx([&](db::Connection& c) { return s.create(c, bad, "u"); }).ok());
  BreedChanges ch;
  ch.code = "rcc";
  auto taken = tx([&](db::Connection& c) { return s.update(c, b->id, ch, "u"); });
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code, "breed_code_taken");
  ch.code.reset();
  ch.gestation_days = 279;
  auto upd = tx([&](db::Connection& c) { return s.update(c, b->id, ch, "u"); });
  ASSERT_TRUE(upd.ok());
  EXPECT_EQ(upd->gestation_days, 279);
  EXPECT_EQ(events_of("breed.created").size(), 2U);
  EXPECT_EQ(events_of("breed.updated").size(), 1U);
}

}  // namespace
}  // namespace smartdairy::modules::herd
