#pragma once

// The farm's KPIs (issue 5): GET /api/v1/herd/kpis and the farm.snapshot stream message.
// Day totals, the herd by status and health costs come from the farm views (so they reflect
// the events up to `seq`); yielders, withdrawals, checks and calvings due are read from the
// herd tables through their indexes.

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/common/module_context.h"

namespace smartdairy::modules::analytics {

// Millilitres as litres, a decimal string with at most three decimals and no trailing zeros:
// 902500 → "902.5", 900000 → "900", 1 → "0.001".
std::string litres_text(int64_t ml);

// `total` ÷ `parts` rounded to the nearest whole (halves away from zero); parts > 0.
int64_t divide_rounded(int64_t total, int64_t parts);

// How many pregnancy checks due are listed at most (the oldest first).
inline constexpr int64_t kMaxChecksDue = 100;

// The KPI body (docs/herd.md "Farm KPIs and views"), as of the farm's day ctx.today().
Result<boost::json::object> read_farm_kpis(db::Connection& conn, const ModuleContext& ctx);

}  // namespace smartdairy::modules::analytics
