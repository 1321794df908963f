#pragma once

// Herd rows put straight into the herd tables, each with the event the herd module appends
// for it (docs/herd.md), so that the analytics tests do not depend on the herd's rules.

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "core/clock.h"
#include "core/uuid.h"
#include "db/sqlite.h"
#include "events/outbox.h"

namespace smartdairy::modules::analytics {

class FarmRows {
 public:
  FarmRows(db::Connection& conn, const Clock& clock) : conn_(conn), clock_(clock) {}

  // An animal (female unless the status is bull), with animal.registered.
  std::string animal(const std::string& tag, const std::string& status = "lactating",
                     const std::optional<std::string>& name = std::nullopt) {
    std::string id;
    in_tx([&] { id = animal_in_tx(tag, status, name); });
    return id;
  }
  // The same in the caller's transaction.
  std::string animal_in_tx(const std::string& tag, const std::string& status = "lactating",
                           const std::optional<std::string>& name = std::nullopt) {
    std::string id = new_uuid_v7();
    check(
        conn_.execute("INSERT INTO herd_animals (id, ear_tag, name, sex, status, "
                      "acquisition_kind, created_at, updated_at) VALUES (?, ?, ?, ?, ?, "
                      "'purchased', 0, 0)",
                      id, tag, name, status == "bull" ? "male" : "female", status));
    event("animal.registered", "animal", id);
    return id;
  }

  // A new status (a disposal when sold, dead or culled), with the matching event.
  void set_status(const std::string& id, const std::string& status) {
    bool disposal = status == "sold" || status == "dead" || status == "culled";
    in_tx([&] {
      check(conn_.execute(
          "UPDATE herd_animals SET status = ?, disposal_kind = ?, disposal_date = ? WHERE id = ?",
          status, disposal ? std::optional<std::string>(status) : std::nullopt,
          disposal ? std::optional<std::string>("2026-01-01") : std::nullopt, id));
      event(disposal ? "animal.disposed" : "animal.status_changed", "animal", id);
    });
  }

  // A milk record, with milk.recorded.
  std::string milk(const std::string& animal_id, const std::string& day, const std::string& session,
                   int64_t ml, const std::string& grade = "A", bool withheld = false) {
    std::string id;
    in_tx([&] { id = milk_in_tx(animal_id, day, session, ml, grade, withheld); });
    return id;
  }
  // The same in the caller's transaction.
  std::string milk_in_tx(const std::string& animal_id, const std::string& day,
                         const std::string& session, int64_t ml, const std::string& grade = "A",
                         bool withheld = false) {
    std::string id = new_uuid_v7();
    check(
        conn_.execute("INSERT INTO herd_milk_records (id, animal_id, day, session, "
                      "quantity_ml, grade, withheld, recorded_by, created_at, updated_at) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, 't', 0, 0)",
                      id, animal_id, day, session, ml, grade, int64_t{withheld}));
    event("milk.recorded", "milk_record", id);
    return id;
  }

  // A correction of a milk record, with milk.corrected.
  void correct_milk(const std::string& id, int64_t ml, const std::string& grade, bool withheld) {
    in_tx([&] {
      check(
          conn_.execute("UPDATE herd_milk_records SET quantity_ml = ?, grade = ?, withheld = ?, "
                        "version = version + 1 WHERE id = ?",
                        ml, grade, int64_t{withheld}, id));
      event("milk.corrected", "milk_record", id);
    });
  }

  // A health record (a treatment when `milk_withdrawal_end` is given), with health.recorded.
  std::string health(const std::string& animal_id, const std::string& day,
                     std::optional<int64_t> cost_minor,
                     const std::optional<std::string>& last_dose = std::nullopt,
                     const std::optional<std::string>& milk_withdrawal_end = std::nullopt) {
    std::string id = new_uuid_v7();
    in_tx([&] {
      check(
          conn_.execute("INSERT INTO herd_health_records (id, animal_id, day, kind, cost_minor, "
                        "last_dose_date, milk_withdrawal_end, recorded_by, created_at, "
                        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 't', 0, 0)",
                        id, animal_id, day, milk_withdrawal_end ? "treatment" : "checkup",
                        cost_minor, last_dose, milk_withdrawal_end));
      event("health.recorded", "health_record", id);
    });
    return id;
  }

  // A changed health record, with health.updated.
  void update_health(const std::string& id, const std::string& day, int64_t cost_minor) {
    in_tx([&] {
      check(conn_.execute("UPDATE herd_health_records SET day = ?, cost_minor = ? WHERE id = ?",
                          day, cost_minor, id));
      event("health.updated", "health_record", id);
    });
  }

  // A service (natural, by a semen batch) with the given status and dates, with
  // breeding.serviced.
  std::string service(const std::string& animal_id, const std::string& day,
                      const std::string& status, const std::string& check_due,
                      const std::string& expected_calving) {
    std::string id = new_uuid_v7();
    in_tx([&] {
      check(
          conn_.execute("INSERT INTO herd_services (id, animal_id, day, method, semen_batch, "
                        "pregnancy_status, check_due, expected_calving, recorded_by, "
                        "created_at, updated_at) VALUES (?, ?, ?, 'ai', 'B1', ?, ?, ?, 't', 0, "
                        "0)",
                        id, animal_id, day, status, check_due, expected_calving));
      event("breeding.serviced", "service", id);
    });
    return id;
  }

  // A calving: the calf registered, the dam lactating, with calving.recorded only (no
  // animal events: the views must find the dam and the calf through the calving).
  std::string calving(const std::string& dam_id, const std::string& calf_tag,
                      const std::string& day) {
    std::string calf = new_uuid_v7();
    std::string id = new_uuid_v7();
    in_tx([&] {
      check(
          conn_.execute("INSERT INTO herd_animals (id, ear_tag, sex, status, dam_id, "
                        "acquisition_kind, birth_date, created_at, updated_at) VALUES (?, ?, "
                        "'female', 'calf', ?, 'born', ?, 0, 0)",
                        calf, calf_tag, dam_id, day));
      check(
          conn_.execute("UPDATE herd_animals SET status = 'lactating', last_calving_date = ? "
                        "WHERE id = ?",
                        day, dam_id));
      check(
          conn_.execute("INSERT INTO herd_calvings (id, dam_id, day, difficulty, calf_id, "
                        "recorded_by, created_at) VALUES (?, ?, ?, 1, ?, 't', 0)",
                        id, dam_id, day, calf));
      event("calving.recorded", "calving", id);
    });
    return id;
  }

 private:
  template <class F>
  void in_tx(F fn) {
    check(conn_.exec("BEGIN IMMEDIATE"));
    fn();
    check(conn_.exec("COMMIT"));
  }
  void event(const std::string& type, const std::string& aggregate_type, const std::string& id) {
    auto ev = events::append(conn_, {type, aggregate_type, id, "t", "{}"}, clock_);
    EXPECT_TRUE(ev.ok()) << (ev.ok() ? "" : ev.error().message);
  }
  static void check(const Status& st) {
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
  }

  db::Connection& conn_;
  const Clock& clock_;
};

}  // namespace smartdairy::modules::analytics
