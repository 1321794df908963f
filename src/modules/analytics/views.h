#pragma once

// The analytics views (issue 4): tables kept current by one durable consumer and
// recomputed from the source tables on demand. Analytics is a read model: it reads the
// order, invoice, payment and stock tables of the other modules and never writes them.

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/sqlite.h"
#include "events/event.h"
#include "modules/analytics/farm_views.h"
#include "modules/common/module_context.h"

namespace smartdairy::modules::analytics {

// The durable consumer's name (its cursor in consumer_offsets).
inline constexpr const char* kConsumerName = "analytics.views";

// The event types the views follow (the farm's included).
const std::vector<std::string>& followed_event_types();

// Brings the views up to date with what a batch of events changed (the `analytics.views`
// consumer: note() each event, then flush() once in the batch's transaction). Each event
// names an order, an invoice, a payment or stock items (or, for the farm views, a milk record,
// a health record, an animal or a calving); flush() reads each named entity once,
// as it is now, and replaces what was counted for it before with what it counts now — so
// events applied late, or for an entity that has changed since, still converge on what
// rebuild() computes. Contributions are summed in memory and written once per key (hour,
// day, product, customer, status, method), which keeps a batch of orders to a few statements
// each. Writer thread only.
class ViewUpdater {
 public:
  explicit ViewUpdater(const ModuleContext& ctx) : ctx_(ctx) {}

  // Notes what `event` touched; reads and writes nothing.
  void note(const events::Event& event);
  // Applies everything noted since the last flush and forgets it, whatever the outcome.
  Status flush(db::Connection& tx);
  // True when the events applied by the last flush() included one of the herd's (the farm's
  // KPIs may have changed).
  bool flushed_herd_events() const { return flushed_herd_events_; }

 private:
  ModuleContext ctx_;
  FarmViewUpdater farm_;
  bool flushed_herd_events_ = false;
  std::set<std::string> orders_;
  std::set<std::string> invoices_;
  std::set<std::string> skus_;
  std::vector<std::string> payments_;  // each payment.received is applied exactly once
  std::optional<Error> malformed_;
};

// Recomputes every view (the farm's included) from the source tables and moves the consumer's
// cursor to the last committed event, in the caller's transaction.
Status rebuild(db::Connection& tx, const ModuleContext& ctx);

// The dashboard's headline figures, in minor units.
struct Kpis {
  std::string today;  // YYYY-MM-DD, local
  int64_t seq = 0;    // the last event the views reflect
  int64_t sales_today = 0;
  int64_t orders_today = 0;
  int64_t outstanding_receivables = 0;
  int64_t overdue_receivables = 0;
  int64_t below_reorder = 0;
};
Result<Kpis> read_kpis(db::Connection& conn, const ModuleContext& ctx);

// The AR ageing buckets by days past the due date (DOMAIN.md): current (not yet due),
// 1-30, 31-60, 61-90, 91-120, >120.
inline constexpr const char* kAgeingBuckets[] = {"current", "1-30",   "31-60",
                                                 "61-90",   "91-120", ">120"};
// The index in kAgeingBuckets of an invoice `days_overdue` days past its due date (0 or
// less: current).
size_t ageing_bucket(int64_t days_overdue);

}  // namespace smartdairy::modules::analytics
