#pragma once

#include <cstdint>
#include <string>

namespace smartdairy::events {

// The event envelope (DESIGN.md §6). `data` is a JSON object as text.
struct Event {
  int64_t seq = 0;
  std::string id;
  std::string type;
  std::string aggregate_type;
  std::string aggregate_id;
  int64_t occurred_at = 0;  // microseconds since the epoch, UTC
  std::string actor;
  std::string data;
};

// What a command appends; seq, id and occurred_at are assigned by the outbox.
struct EventDraft {
  std::string type;
  std::string aggregate_type;
  std::string aggregate_id;
  std::string actor;
  std::string data = "{}";
};

}  // namespace smartdairy::events
