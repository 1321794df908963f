#include "http/sse_hub.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "events/event_json.h"

namespace smartdairy::http {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// The permissions a stream client is checked against once, when it connects; a frame's
// category is an index into this table.
constexpr std::string_view kPermissions[] = {
    "events.read",   "orders.read",      "invoices.read",  "inventory.read", "customers.read",
    "products.read", "employees.salary", "analytics.read", "herd.read",      "farm.kpis",
};
constexpr unsigned kEventsRead = 0;

struct PrefixRule {
  std::string_view prefix;
  unsigned category;
};
// employee.* payloads may carry salaries, so they need the salary permission.
constexpr PrefixRule kRules[] = {
    {"order.", 1},    {"invoice.", 2},  {"payment.", 2}, {"stock.", 3}, {"customer.", 4},
    {"product.", 5},  {"employee.", 6}, {"animal.", 8},  {"milk.", 8},  {"health.", 8},
    {"breeding.", 8}, {"calving.", 8},  {"breed.", 8},   {"farm.", 9},
};
constexpr std::string_view kKpiSnapshot = "kpi.snapshot";
constexpr unsigned kAnalyticsRead = 7;

unsigned category_of(std::string_view type) {
  if (type == kKpiSnapshot) return kAnalyticsRead;
  for (const auto& r : kRules) {
    if (type.starts_with(r.prefix)) return r.category;
  }
  return kEventsRead;
}

// A field value must stay on its line: an event type never holds CR or LF, but if one did
// it must not end the field early.
void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  for (char c : value) out.push_back(c == '\r' || c == '\n' ? ' ' : c);
  out.push_back('\n');
}

std::shared_ptr<SseFrame> frame_head(int64_t seq, std::string_view type) {
  auto f = std::make_shared<SseFrame>();
  f->seq = seq;
  f->category = category_of(type);
  append_field(f->text, "id", std::to_string(seq));
  f->id_len = f->text.size();
  append_field(f->text, "event", type);
  return f;
}

constexpr size_t kMaxChunk = size_t{256} * 1024;

}  // namespace

std::string_view stream_permission(std::string_view type) {
  return kPermissions[category_of(type)];
}

// ---------------------------------------------------------------------------------------------
// SseHub

SseHub::SseHub(SseOptions options, AllowedFn allowed, metrics::Registry& registry)
    : options_(options),
      allowed_(std::move(allowed)),
      clients_gauge_(registry.gauge("smartdairy_sse_clients", "Open live event streams.")),
      dropped_(registry.counter("smartdairy_sse_dropped_total",
                                "Stream clients dropped because their buffer was full.")) {}

SseHub::~SseHub() = default;

std::shared_ptr<const SseFrame> SseHub::event_frame(const events::Event& ev) {
  auto f = frame_head(ev.seq, ev.type);
  // serialize() escapes control characters, so the envelope is one line.
  f->text.append("data: ");
  f->text.append(json::serialize(events::event_json(ev)));
  f->text.append("\n\n");
  return f;
}

std::shared_ptr<const SseFrame> SseHub::derived_frame(std::string type,
                                                      const std::string& data_json, int64_t seq) {
  auto f = frame_head(seq, type);
  f->derived = true;
  boost::system::error_code ec;
  json::value data = json::parse(data_json, ec);
  json::object o{{"type", std::move(type)}, {"seq", seq}};
  o["data"] = ec ? json::value(data_json) : std::move(data);
  f->text.append("data: ");
  f->text.append(json::serialize(o));
  f->text.append("\n\n");
  return f;
}

void SseHub::publish(const std::vector<events::Event>& batch) {
  if (batch.empty()) return;
  {
    std::lock_guard lock(mu_);
    if (clients_.empty()) return;  // render nothing nobody reads
  }
  std::vector<std::shared_ptr<const SseFrame>> frames;
  frames.reserve(batch.size());
  for (const auto& ev : batch) frames.push_back(event_frame(ev));
  deliver(frames);
}

// By value, as the analytics module's LiveSink hands it over; the text is only read.
// NOLINTNEXTLINE(performance-unnecessary-value-param)
void SseHub::publish_derived(std::string type, std::string data_json, int64_t seq) {
  {
    std::lock_guard lock(mu_);
    if (clients_.empty()) return;
  }
  deliver({derived_frame(std::move(type), data_json, seq)});
}

void SseHub::deliver(const std::vector<std::shared_ptr<const SseFrame>>& frames) {
  std::lock_guard lock(mu_);
  bool any_dropped = false;
  for (SseClient* c : clients_) {
    for (const auto& f : frames) {
      if (!c->offer(f)) {
        any_dropped = true;
        dropped_.inc();
        break;
      }
    }
  }
  if (any_dropped) {
    std::erase_if(clients_, [](SseClient* c) { return c->dropped(); });
  }
}

Result<std::shared_ptr<SseClient>> SseHub::open(const Principal& principal,
                                                asio::any_io_executor executor) {
  uint32_t allowed = 0;
  for (unsigned i = 0; i < std::size(kPermissions); ++i) {
    if (allowed_(principal, kPermissions[i])) allowed |= 1U << i;
  }
  std::lock_guard lock(mu_);
  auto it = per_user_.find(principal.user_id);
  const int open = it == per_user_.end() ? 0 : it->second;
  if (open >= options_.max_streams_per_user) {
    Error e{ErrorKind::kTooManyRequests,
            "too_many_streams",
            "You already have " + std::to_string(open) +
                " live streams open (the limit per user). Close a browser tab or another "
                "stream client, then retry.",
            {},
            5};
    return e;
  }
  auto client = std::make_shared<SseClient>(*this, principal.user_id, allowed, std::move(executor));
  ++per_user_[principal.user_id];
  clients_.push_back(client.get());
  clients_gauge_.add(1);
  return client;
}

void SseHub::remove(SseClient* client) {
  std::lock_guard lock(mu_);
  std::erase(clients_, client);
  auto it = per_user_.find(client->user_id_);
  if (it != per_user_.end() && --it->second <= 0) per_user_.erase(it);
  clients_gauge_.add(-1);
}

size_t SseHub::client_count() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [user, count] : per_user_) n += static_cast<size_t>(count);
  return n;
}

// ---------------------------------------------------------------------------------------------
// SseClient

SseClient::SseClient(SseHub& hub, std::string user_id, uint32_t allowed,
                     asio::any_io_executor executor)
    : hub_(hub),
      user_id_(std::move(user_id)),
      allowed_(allowed),
      executor_(std::move(executor)),
      timer_(executor_),
      last_write_(std::chrono::steady_clock::now()),
      last_check_(last_write_) {}

SseClient::~SseClient() { hub_.remove(this); }

bool SseClient::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

bool SseClient::offer(const std::shared_ptr<const SseFrame>& frame) {
  if (!allows(frame->category)) return true;
  std::lock_guard lock(mu_);
  if (stopped_ || dropped_) return true;
  if (queue_.size() >= hub_.options_.buffer_events ||
      queued_bytes_ + frame->text.size() > hub_.options_.buffer_bytes) {
    dropped_ = true;
    queue_.clear();
    queued_bytes_ = 0;
    wake_locked();
    return false;
  }
  queued_bytes_ += frame->text.size();
  queue_.push_back(frame);
  wake_locked();
  return true;
}

void SseClient::wake_locked() {
  if (!waiting_ || wake_posted_) return;
  wake_posted_ = true;
  asio::post(executor_, [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->timer_.cancel();
  });
}

void SseClient::stop() {
  std::lock_guard lock(mu_);
  stopped_ = true;
  queue_.clear();
  queued_bytes_ = 0;
  wake_locked();
}

void SseClient::set_revalidate(Revalidate still_valid) { revalidate_ = std::move(still_valid); }

std::string SseClient::start_live() {
  return "retry: " + std::to_string(hub_.options_.retry_ms) + "\n\n";
}

std::string SseClient::start_after(int64_t after, const std::vector<events::Event>& backlog,
                                   int64_t last_seq) {
  std::string out = start_live();
  const auto limit = static_cast<size_t>(std::max<int64_t>(0, hub_.options_.replay_limit));
  if (after > last_seq || backlog.size() > limit) {
    // Too far behind (or ahead: a restored database): the client reloads its data and goes
    // on from here. The id moves its Last-Event-ID past what it missed.
    json::object data{
        {"type", "reset"},
        {"seq", last_seq},
        {"message", after > last_seq ? "Last-Event-ID is ahead of this server's events; "
                                       "reload the data, then keep reading this stream."
                                     : "More than " + std::to_string(limit) +
                                           " events were missed; reload the data, then keep "
                                           "reading this stream."}};
    append_field(out, "id", std::to_string(last_seq));
    out.append("event: reset\ndata: ");
    out.append(json::serialize(data));
    out.append("\n\n");
    skip_upto_ = last_seq;
    last_id_ = last_seq;
    return out;
  }
  last_id_ = after;
  skip_upto_ = after;
  for (const auto& ev : backlog) {
    skip_upto_ = std::max(skip_upto_, ev.seq);
    auto f = SseHub::event_frame(ev);
    if (!allows(f->category)) continue;
    out.append(f->text);
    last_id_ = std::max(last_id_, ev.seq);
  }
  return out;
}

std::string SseClient::render(const std::vector<std::shared_ptr<const SseFrame>>& frames) {
  std::string out;
  for (const auto& f : frames) {
    if (f->derived) {
      // An id lower than one already sent would move the client's Last-Event-ID back and
      // replay events on its next reconnect: such a message goes without its id line.
      if (f->seq < last_id_) {
        out.append(f->text, f->id_len);
      } else {
        out.append(f->text);
        last_id_ = f->seq;
      }
    } else if (f->seq > skip_upto_) {
      out.append(f->text);
      last_id_ = std::max(last_id_, f->seq);
    }
  }
  return out;
}

asio::awaitable<std::optional<std::string>> SseClient::next() {
  constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
  const auto every = hub_.options_.heartbeat;
  for (;;) {
    if (revalidate_ && std::chrono::steady_clock::now() - last_check_ >= every) {
      last_check_ = std::chrono::steady_clock::now();
      if (!co_await revalidate_()) {
        stop();
        co_return std::nullopt;
      }
    }
    std::vector<std::shared_ptr<const SseFrame>> frames;
    bool over = false;
    {
      std::lock_guard lock(mu_);
      over = stopped_ || dropped_;
      size_t bytes = 0;
      while (!over && !queue_.empty() && bytes < kMaxChunk) {
        bytes += queue_.front()->text.size();
        frames.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      queued_bytes_ -= std::min(queued_bytes_, bytes);
      waiting_ = !over && frames.empty();
    }
    if (over) co_return std::nullopt;
    if (!frames.empty()) {
      std::string out = render(frames);
      if (out.empty()) continue;  // all of them replayed already
      last_write_ = std::chrono::steady_clock::now();
      co_return out;
    }
    // Woken by data, stop(), the heartbeat or the next revalidation, whichever is first.
    timer_.expires_at(std::min(last_write_, revalidate_ ? last_check_ : last_write_) + every);
    auto [ec] = co_await timer_.async_wait(kTuple);
    bool heartbeat = false;
    {
      std::lock_guard lock(mu_);
      waiting_ = false;
      wake_posted_ = false;
      heartbeat = !ec && queue_.empty() && !stopped_ && !dropped_ &&
                  std::chrono::steady_clock::now() >= last_write_ + every;
    }
    if (heartbeat) {
      last_write_ = std::chrono::steady_clock::now();
      co_return std::string(": ping\n\n");
    }
  }
}

}  // namespace smartdairy::http
