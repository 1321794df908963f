#pragma once

// The farm views (issue 5): milk by day, health cost by month and the herd by status, kept
// by the analytics.views consumer from the herd's events and recomputed from the herd tables
// by rebuild(). Analytics reads the herd tables and never writes them.

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "db/sqlite.h"
#include "events/event.h"

namespace smartdairy::modules::analytics {

// The herd event types the consumer follows: those the farm views count, and the breeding
// and posting events that change only the farm's KPIs (pregnancy checks and calvings due).
const std::vector<std::string>& farm_event_types();

// True for an event of the herd (animal., milk., health., breeding., calving.): a batch
// with one is followed by a farm.snapshot.
bool is_herd_event(std::string_view type);

// The farm part of the consumer. Each event names a milk record, a health record, an animal
// or a calving (whose dam and calf are read); flush() reads each named row as it is now and
// replaces what was counted for it before (the analytics_farm_*_facts tables) with what it
// counts now. Writer thread only.
class FarmViewUpdater {
 public:
  // Notes what `event` touched; reads and writes nothing.
  void note(const events::Event& event);
  // True when a herd event was noted since the last flush.
  bool herd_touched() const { return herd_touched_; }
  // Applies everything noted since the last flush and forgets it, whatever the outcome.
  Status flush(db::Connection& tx);

 private:
  std::set<std::string> milk_;
  std::set<std::string> health_;
  std::set<std::string> animals_;
  std::set<std::string> calvings_;
  bool herd_touched_ = false;
};

// Recomputes the farm views and their facts from the herd tables, in the caller's
// transaction.
Status rebuild_farm_views(db::Connection& tx);

}  // namespace smartdairy::modules::analytics
