#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/herd/milk.h"

// SQL for milk records, their corrections and postings. Returns domain types; decides no
// business rules.
namespace smartdairy::modules::herd::store {

// What the milk rules need to know about an animal.
struct MilkAnimal {
  std::string id;
  std::string ear_tag;
  std::string sex;
  std::string status;
  std::optional<Day> birth_date;
  std::optional<Day> disposal_date;
};

Result<std::optional<MilkAnimal>> find_milk_animal(db::Connection& c, const std::string& id);
// `ear_tag` upper-case.
Result<std::optional<MilkAnimal>> find_milk_animal_by_tag(db::Connection& c,
                                                          const std::string& ear_tag);
// Every animal, for bulk imports that look animals up by tag many times.
Result<std::vector<MilkAnimal>> all_milk_animals(db::Connection& c);

// The treatment whose milk withdrawal covers `day` for the animal: last dose (or the
// record's day) <= day < milk_withdrawal_end. The one ending last when several do.
Result<std::optional<std::string>> withholding_treatment(db::Connection& c,
                                                         const std::string& animal_id, Day day);
// Every milk withdrawal: {health record id, animal id, first withheld day, first free day}.
struct MilkWithdrawal {
  std::string id;
  std::string animal_id;
  Day from = 0;
  Day until = 0;  // first day not withheld
};
Result<std::vector<MilkWithdrawal>> all_milk_withdrawals(db::Connection& c);

// Set-based look-ups for a batch of milkings: a few statements for the whole batch instead
// of one per row. Each statement binds a fixed number of values (a shorter list repeats its
// last value), so every batch reuses the same cached prepared statements.
// The animals with these ids and these ear tags (upper-case); those not found are left out.
Result<std::vector<MilkAnimal>> find_milk_animals(db::Connection& c,
                                                  const std::vector<std::string>& ids,
                                                  const std::vector<std::string>& ear_tags);
// The records (every session) of the animals on each day: {day, animal ids}.
Result<std::vector<MilkRecord>> milk_records_on(
    db::Connection& c, const std::vector<std::pair<Day, std::vector<std::string>>>& animals_by_day);
// The milk withdrawals of these animals that cover a day in [from, to], in the order
// withholding_treatment picks them (the one ending last first, then by id).
Result<std::vector<MilkWithdrawal>> milk_withdrawals_of(db::Connection& c,
                                                        const std::vector<std::string>& animal_ids,
                                                        Day from, Day to);

Result<std::optional<MilkRecord>> find_milk_record(db::Connection& c, const std::string& id);
Result<std::optional<MilkRecord>> find_milk_record_at(db::Connection& c,
                                                      const std::string& animal_id, Day day,
                                                      const std::string& session);
// Requires: a write transaction. A second record for the same animal, day and session is a
// conflict error from the UNIQUE index.
Status insert_milk_record(db::Connection& c, const MilkRecord& r);
// The same for many records, up to 32 a statement (a bulk write is not one statement, each
// journaling the pages it touches again, per record).
Status insert_milk_records(db::Connection& c, const std::vector<const MilkRecord*>& records);
// Writes the measured values, grade, withholding, notes, version and updated_at.
Status update_milk_record(db::Connection& c, const MilkRecord& r);
// Records in id order after q.after, at most q.limit + 1.
Result<std::vector<MilkRecord>> list_milk_records(db::Connection& c, const MilkQuery& q);

Status insert_milk_correction(db::Connection& c, const MilkCorrection& m);
Result<std::vector<MilkCorrection>> list_milk_corrections(db::Connection& c,
                                                          const std::string& record_id);

// Records of a day and session whose saleable quantity (0 when withheld) differs from what
// reached stock: {record id, saleable - posted}.
struct UnpostedMilk {
  std::string record_id;
  int64_t saleable_ml = 0;
  int64_t delta_ml = 0;
};
Result<std::vector<UnpostedMilk>> unposted_milk(db::Connection& c, Day day,
                                                const std::string& session);
// The days and sessions that have unposted milk, oldest first.
Result<std::vector<std::pair<Day, std::string>>> sessions_with_unposted_milk(db::Connection& c);
Status mark_posted(db::Connection& c, const std::string& record_id, const std::string& posting_id,
                   int64_t posted_ml);
// Sets posted_ml to the saleable quantity (no posting) of every unposted record of a day
// before `before`; returns how many changed.
Result<int64_t> settle_milk_before(db::Connection& c, Day before);

// The carry of the latest posting (0 before the first).
Result<int64_t> last_posting_carry(db::Connection& c);
Status insert_milk_posting(db::Connection& c, const MilkPosting& p);
// Postings of days in [from, to] (either may be open), oldest first, at most `limit`.
Result<std::vector<MilkPosting>> list_milk_postings(db::Connection& c, std::optional<Day> from,
                                                    std::optional<Day> to, int64_t limit);

}  // namespace smartdairy::modules::herd::store
