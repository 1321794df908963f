#pragma once

#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "db/sqlite.h"
#include "events/event.h"

namespace smartdairy::events {

// Appends an event to events_log and returns it with its seq and id.
// Requires: a write transaction (the one that makes the change the event describes).
Result<Event> append(db::Connection& tx, EventDraft draft, const Clock& clock);

// Appends the events in order, with consecutive seqs, as append() one at a time would, but
// with a multi-row INSERT for up to 32 events: a bulk write (500 milk records) is not 500
// statements, each journaling the pages it touches again.
// Requires: a write transaction.
Status append_all(db::Connection& tx, std::vector<EventDraft> drafts, const Clock& clock);

// Events with seq > after, oldest first, at most `limit`.
Result<std::vector<Event>> read_after(db::Connection& conn, int64_t after, int64_t limit);

// The highest seq in events_log (0 when empty).
Result<int64_t> last_seq(db::Connection& conn);

}  // namespace smartdairy::events
