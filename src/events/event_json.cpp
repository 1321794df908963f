#include "events/event_json.h"

#include <boost/json/parse.hpp>

#include "core/clock.h"

namespace smartdairy::events {

boost::json::object event_json(const Event& ev) {
  boost::json::object o{{"seq", ev.seq},
                        {"id", ev.id},
                        {"type", ev.type},
                        {"aggregate_type", ev.aggregate_type},
                        {"aggregate_id", ev.aggregate_id},
                        {"occurred_at", format_rfc3339(ev.occurred_at)},
                        {"actor", ev.actor}};
  boost::system::error_code ec;
  boost::json::value data = boost::json::parse(ev.data, ec);
  o["data"] = ec ? boost::json::value(ev.data) : std::move(data);
  return o;
}

}  // namespace smartdairy::events
