#pragma once

// The live event stream (GET /api/v1/stream): server-sent events fed by the event bus.
// docs/architecture.md ("SSE hub") explains the design; docs/api.md the wire format.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/metrics.h"
#include "core/result.h"
#include "events/event.h"
#include "http/message.h"

namespace smartdairy::http {

struct SseOptions {
  size_t buffer_events = 2048;            // per client; a client further behind is dropped
  size_t buffer_bytes = size_t{4} << 20;  // per client, likewise
  std::chrono::milliseconds heartbeat{15'000};
  int max_streams_per_user = 8;   // SR-27
  int64_t replay_limit = 10'000;  // events replayed on resume; more: `event: reset`
  int retry_ms = 2'000;           // the `retry:` sent first
};

// The read permission a client needs to receive a message of `type` (SR-01): order.* needs
// orders.read, kpi.snapshot analytics.read, an unmapped type events.read, and so on.
std::string_view stream_permission(std::string_view type);

// One message as it goes on the wire, rendered once and shared by every client.
struct SseFrame {
  int64_t seq = 0;
  bool derived = false;   // not an outbox event (kpi.snapshot): never replayed nor skipped
  unsigned category = 0;  // index of its permission
  size_t id_len = 0;      // length of the leading "id: N\n" line
  std::string text;
};

class SseHub;

// One connected stream client. Its buffer is filled by the hub on the publishing thread and
// drained by next() on the connection's executor, which must be single-threaded (each I/O
// thread of http::Server runs its own io_context).
class SseClient final : public ResponseStream, public std::enable_shared_from_this<SseClient> {
 public:
  SseClient(SseHub& hub, std::string user_id, uint32_t allowed,
            boost::asio::any_io_executor executor);
  ~SseClient() override;
  SseClient(const SseClient&) = delete;
  SseClient& operator=(const SseClient&) = delete;

  boost::asio::awaitable<std::optional<std::string>> next() override;
  void stop() override;

  // Starts live from now. Returns the first chunk (`retry:`). Requires: called once, before
  // next(), on the client's executor.
  std::string start_live();
  // Starts after Last-Event-ID `after`. `backlog`: the outbox events with seq > after (at most
  // replay_limit + 1), read after open(); `last_seq`: the outbox's highest seq, read after
  // the backlog. Returns the first chunk: `retry:` and the replay, or an `event: reset` when
  // the replay would exceed the limit. Live events already replayed are then skipped, so the
  // client sees no gap and no duplicate. Requires: as start_live().
  std::string start_after(int64_t after, const std::vector<events::Event>& backlog,
                          int64_t last_seq);

  // True once the hub dropped this client for falling too far behind.
  bool dropped() const;

  // Asks `still_valid` once per heartbeat interval whether the caller may still read (the
  // session was not logged out, the token not revoked, the role not changed); the stream
  // ends when it says no. Requires: called before next(), on the client's executor.
  using Revalidate = std::function<boost::asio::awaitable<bool>()>;
  void set_revalidate(Revalidate still_valid);

 private:
  friend class SseHub;
  // Queues `frame` if the client may see it; false if this overflowed the buffer (the client
  // is then dropped). Called by the hub under its lock, on the publishing thread.
  bool offer(const std::shared_ptr<const SseFrame>& frame);
  void wake_locked();  // Requires: mu_ held.
  bool allows(unsigned category) const { return (allowed_ & (1U << category)) != 0; }
  std::string render(const std::vector<std::shared_ptr<const SseFrame>>& frames);

  SseHub& hub_;
  const std::string user_id_;
  const uint32_t allowed_;  // bit i: may see category i
  boost::asio::any_io_executor executor_;
  boost::asio::steady_timer timer_;

  mutable std::mutex mu_;
  std::deque<std::shared_ptr<const SseFrame>> queue_;
  size_t queued_bytes_ = 0;
  bool waiting_ = false;      // next() waits on timer_
  bool wake_posted_ = false;  // a cancel of timer_ is on its way
  bool stopped_ = false;
  bool dropped_ = false;

  // Touched by the client's own coroutine only.
  int64_t skip_upto_ = 0;  // live outbox events at or below this were replayed
  int64_t last_id_ = 0;    // the client's Last-Event-ID as of what we sent
  std::chrono::steady_clock::time_point last_write_;
  std::chrono::steady_clock::time_point last_check_;
  Revalidate revalidate_;
};

// Fans committed events out to the stream clients (DESIGN.md §3). publish() runs on the
// writer thread and never waits for a client: each has a bounded buffer, and one that is
// full is dropped (it reconnects with Last-Event-ID and catches up from the outbox).
class SseHub {
 public:
  using AllowedFn = std::function<bool(const Principal&, std::string_view permission)>;

  SseHub(SseOptions options, AllowedFn allowed, metrics::Registry& registry);
  ~SseHub();
  SseHub(const SseHub&) = delete;
  SseHub& operator=(const SseHub&) = delete;

  // Hands committed events (in seq order) to the clients. Thread-safe, never blocks on I/O.
  void publish(const std::vector<events::Event>& batch);
  // A derived message (not an outbox event), e.g. `kpi.snapshot` with `data_json` an object
  // and `seq` the last event sequence it reflects. Thread-safe.
  void publish_derived(std::string type, std::string data_json, int64_t seq);

  // Registers a client for `principal`, whose stream runs on `executor`. Live messages are
  // buffered from now on; call start_live() or start_after() next. 429 when the user already
  // has max_streams_per_user streams open.
  Result<std::shared_ptr<SseClient>> open(const Principal& principal,
                                          boost::asio::any_io_executor executor);

  const SseOptions& options() const { return options_; }
  // Open streams (all users).
  size_t client_count() const;

  // The wire text of an outbox event and of a derived message.
  static std::shared_ptr<const SseFrame> event_frame(const events::Event& ev);
  static std::shared_ptr<const SseFrame> derived_frame(std::string type,
                                                       const std::string& data_json, int64_t seq);

 private:
  friend class SseClient;
  void deliver(const std::vector<std::shared_ptr<const SseFrame>>& frames);
  void remove(SseClient* client);

  const SseOptions options_;
  AllowedFn allowed_;
  metrics::Gauge& clients_gauge_;
  metrics::Counter& dropped_;
  mutable std::mutex mu_;
  std::vector<SseClient*> clients_;  // registered and not dropped
  std::unordered_map<std::string, int> per_user_;
};

}  // namespace smartdairy::http
