#pragma once

#include "db/reader_pool.h"
#include "http/router.h"
#include "http/server.h"
#include "http/sse_hub.h"

namespace smartdairy::app {

// GET /api/v1/stream: the live event stream (server-sent events), resumable with
// Last-Event-ID (or ?last_event_id=), each message filtered by the caller's role. `auth`
// re-checks the caller's credentials once per heartbeat interval: a logout, a revoked token
// or a changed role ends the stream.
void register_stream_route(http::Router& router, http::SseHub& hub, db::ReaderPool& readers,
                           http::Authenticator& auth);

}  // namespace smartdairy::app
