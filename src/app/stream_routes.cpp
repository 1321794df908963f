#include "app/stream_routes.h"

#include <boost/asio/this_coro.hpp>
#include <charconv>

#include "events/outbox.h"
#include "http/db_await.h"
#include "http/error_response.h"

namespace smartdairy::app {

namespace asio = boost::asio;
using http::Request;
using http::Response;

namespace {

struct Backlog {
  std::vector<events::Event> events;
  int64_t last_seq = 0;
};

// The resume point: the Last-Event-ID header (what EventSource sends on reconnect), else
// ?last_event_id= (for curl); nullopt: start live. ?since=now says the latter explicitly.
Result<std::optional<int64_t>> resume_point(const Request& req) {
  if (auto since = req.query_param("since"); since && *since != "now") {
    return Error::invalid_field("invalid_since",
                                "since accepts only 'now'; to resume after an event, send "
                                "Last-Event-ID (or ?last_event_id=) with its id.",
                                "since");
  }
  std::string text(req.header("last-event-id"));
  if (text.empty()) {
    auto q = req.query_param("last_event_id");
    if (!q || q->empty()) return std::optional<int64_t>();
    text = *q;
  }
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v < 0) {
    return Error::bad_request("invalid_last_event_id",
                              "Last-Event-ID must be the id (a whole number) of the last event "
                              "received; omit it to start from now.");
  }
  return std::optional<int64_t>(v);
}

// The caller's session or token still yields the same user with the same role.
asio::awaitable<bool> still_valid(http::Authenticator* auth, std::shared_ptr<const Request> creds,
                                  std::string user_id, std::string role) {
  auto p = co_await auth->authenticate(*creds);
  co_return p && p->user_id == user_id && p->role == role;
}

asio::awaitable<Response> open_stream(http::SseHub* hub, db::ReaderPool* readers,
                                      http::Authenticator* auth, Request& req) {
  auto after = resume_point(req);
  if (!after.ok()) co_return http::error_response(after.error(), req);
  auto ex = co_await asio::this_coro::executor;
  // Registered before the backlog is read: events committed meanwhile are buffered, and
  // those the backlog already holds are skipped (no gap, no duplicate).
  auto client = hub->open(*req.principal, ex);
  if (!client.ok()) co_return http::error_response(client.error(), req);
  std::shared_ptr<http::SseClient> c = std::move(*client);
  {
    // Only what authenticate() reads: the credentials, never the whole request.
    auto creds = std::make_shared<Request>();
    for (const auto& [name, value] : req.headers) {
      if (name == "authorization" || name == "cookie") creds->headers.emplace_back(name, value);
    }
    creds->remote_ip = req.remote_ip;
    c->set_revalidate([auth, creds, user = req.principal->user_id, role = req.principal->role] {
      return still_valid(auth, creds, user, role);
    });
  }
  if (!*after) co_return Response::event_stream(c, c->start_live());
  const int64_t a = **after;
  const int64_t limit = hub->options().replay_limit + 1;
  auto job = [a, limit](db::Connection& conn) -> Result<Backlog> {
    Backlog b;
    SD_ASSIGN_OR_RETURN(b.events, events::read_after(conn, a, limit));
    SD_ASSIGN_OR_RETURN(b.last_seq, events::last_seq(conn));
    return b;
  };
  auto backlog = co_await http::read(*readers, job);
  if (!backlog.ok()) co_return http::error_response(backlog.error(), req);
  co_return Response::event_stream(c, c->start_after(a, backlog->events, backlog->last_seq));
}

}  // namespace

void register_stream_route(http::Router& router, http::SseHub& hub, db::ReaderPool& readers,
                           http::Authenticator& auth) {
  router.add(http::Method::kGet, "/api/v1/stream", http::kAuthenticated,
             [hub = &hub, readers = &readers, auth = &auth](Request& r) {
               return open_stream(hub, readers, auth, r);
             });
}

}  // namespace smartdairy::app
