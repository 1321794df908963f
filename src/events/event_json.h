#pragma once

#include <boost/json/object.hpp>

#include "events/event.h"

namespace smartdairy::events {

// The event envelope as JSON, as GET /api/v1/events and the live stream show it: seq, id,
// type, aggregate_type, aggregate_id, occurred_at (RFC 3339 UTC, microseconds), actor and
// data (the stored object; a string if the stored text is somehow not JSON).
boost::json::object event_json(const Event& ev);

}  // namespace smartdairy::events
