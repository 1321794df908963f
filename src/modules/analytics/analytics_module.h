#pragma once

#include <functional>
#include <string>

#include "core/work_pool.h"
#include "events/bus.h"
#include "http/router.h"
#include "modules/analytics/sql_console.h"
#include "modules/analytics/views.h"
#include "modules/common/module_context.h"

namespace smartdairy::modules::analytics {

// Receives a derived message for the live stream: type, JSON data, the last event sequence
// it reflects. Called on the writer thread after a commit; must not block.
using LiveSink = std::function<void(std::string type, std::string data_json, int64_t seq)>;

// Real-time BI (issue 4): the views kept by the `analytics.views` consumer, their read API,
// the dashboard's KPIs (also pushed as `kpi.snapshot` after each batch the consumer
// commits), the farm's KPIs (issue 5; pushed as `farm.snapshot` after each batch with a
// herd event) and the read-only SQL console.
class AnalyticsModule {
 public:
  AnalyticsModule(ModuleContext ctx, ConsoleOptions console = {});
  ~AnalyticsModule();

  // Before bus.start(): registers the consumer; `live` receives each kpi.snapshot and
  // farm.snapshot, computed only while `listening()` (if given) says someone would receive
  // it.
  void subscribe(events::Bus& bus, const LiveSink& live = {},
                 const std::function<bool()>& listening = {});
  // GET /api/v1/analytics/kpis, GET /api/v1/analytics/{view}, POST /api/v1/analytics/query,
  // the seed's GET /query?sql= and the farm's GET /api/v1/herd/kpis (farm.kpis).
  void register_routes(http::Router& router);

  ModuleContext ctx_;
  SqlConsole console_;
  WorkPool console_pool_;  // console statements run here, one at a time, off the I/O threads
};

// The kpi.snapshot / GET /api/v1/analytics/kpis body.
std::string kpis_json(const Kpis& k, Currency currency);

}  // namespace smartdairy::modules::analytics
