#pragma once

#include <boost/json/fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/dates.h"
#include "core/result.h"
#include "db/sqlite.h"
#include "modules/common/module_context.h"

namespace smartdairy::modules::analytics {

// What GET /api/v1/analytics/{view} may narrow a view by; each view reads the ones that
// apply to it and ignores none silently (the route refuses a parameter a view has no use for).
struct ViewParams {
  std::optional<Day> from;  // inclusive, local days
  std::optional<Day> to;    // inclusive
  std::optional<Day> as_of;
  std::optional<std::string> bucket;  // ar_ageing: the invoices of one bucket
  bool below_reorder = false;         // stock_levels
};

// The views and the parameters each accepts.
struct ViewInfo {
  std::string_view name;
  bool ranged;   // from / to
  bool as_of;    // as_of
  bool bucket;   // bucket
  bool reorder;  // below_reorder
};
const std::vector<ViewInfo>& views();
// The view for `name` (the seed's `stock_snapshot` is stock_levels), or nullptr.
const ViewInfo* find_view(std::string_view name);

// The largest range a view may be asked for, in days.
inline constexpr int64_t kMaxRangeDays = 400;

// {"view", "rows": […]} with money as decimal strings. Ranges default to the last day for
// sales_by_hour and the last 30 days for the other ranged views; as_of to today.
Result<boost::json::object> read_view(db::Connection& conn, const ModuleContext& ctx,
                                      const ViewInfo& view, const ViewParams& params);

}  // namespace smartdairy::modules::analytics
