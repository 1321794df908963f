#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/common/module_context.h"
#include "modules/herd/milk.h"

namespace smartdairy::modules::herd {

// Saleable milk into stock. A posting takes, for one day and session, every record whose
// saleable quantity (its quantity, or nothing while withheld) differs from what already
// reached stock, adds the previous posting's carry, receives the whole litres into the
// farm's raw_milk_sku (inventory reason "production", reference = the posting id; a negative
// difference after corrections is taken back with reason "count"), keeps the remaining
// millilitres as the new carry, marks the records and appends milk.posted.
//
// Nothing to post (no record of that day and session differs): nullopt, nothing written.
// 409 raw_milk_sku_unknown when the SKU is not in the catalogue; 409 milk_posting_refused
// when a negative difference would take stock below what is reserved. An untracked but
// catalogued SKU starts being tracked with its first receipt. Requires: a write transaction.
Result<std::optional<MilkPosting>> post_milk(db::Connection& tx, const ModuleContext& ctx, Day day,
                                             const std::string& session, const std::string& actor);

// Posts every day and session that has ended (on the farm's clock: the session's end time
// from the settings has passed, or the day is over) and has unposted milk, oldest first.
// Requires: a write transaction.
Result<std::vector<MilkPosting>> post_ended_sessions(db::Connection& tx, const ModuleContext& ctx,
                                                     const std::string& actor);

// Milk history that never becomes a stock receipt, by the rule of `smartdairy herd
// import-milk`: every record of a day before `before` whose saleable quantity has not reached
// stock counts as already in stock (posted_ml = its saleable quantity, no posting), so that
// post_ended_sessions leaves those days alone. For loading past records recorded through
// MilkService (the demo herd), whose litres were sold long ago. Returns how many records it
// marked. Requires: a write transaction.
Result<int64_t> settle_milk_history(db::Connection& tx, Day before);

// Postings of days from..to (inclusive, either open), oldest first, at most `limit`.
Result<std::vector<MilkPosting>> list_milk_postings(db::Connection& c, std::optional<Day> from,
                                                    std::optional<Day> to, int64_t limit);

}  // namespace smartdairy::modules::herd
