#pragma once

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/common/module_context.h"

namespace smartdairy::app {

// The demo farm (issue 5): five breeds and a herd of 255 live cattle — 6 bulls, 75 cows in
// milk, 22 dry cows, 18 heifers in calf, 50 open heifers and 84 calves — plus 10 sold, dead
// or culled animals kept in the history. Foundation cows and bulls were purchased; the
// younger animals were born on the farm with a dam among the cows and a sire among the bulls
// (the calves through calving records). 90 days of morning and evening milk (about 900 L a
// day; the dry cows until their dry-off), services and pregnancy checks (checks due and overdue,
// calvings due within 30 days, one service inside the voluntary waiting period), a year of
// vaccinations, dewormings and treatments, four cows with their milk withheld now.
//
// Everything goes through the herd services at the time it is dated, so events, withdrawal
// holds and grades are as if people had recorded them. Stock: only the last two days' milk
// is posted into the raw milk SKU (post_milk); older milk counts as delivered long ago
// (settle_milk_history, the rule of `smartdairy herd import-milk`), so the server's
// start-up posting finds nothing old to post. Deterministic for a given farm day.
// Returns false (and changes nothing) when the herd already has breeds or animals.
Result<bool> load_demo_herd(db::Connection& tx, const modules::ModuleContext& ctx);

}  // namespace smartdairy::app
