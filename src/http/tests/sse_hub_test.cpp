#include "http/sse_hub.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <chrono>
#include <functional>
#include <set>
#include <thread>

namespace smartdairy::http {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::milliseconds;

// Roles as the auth module grants them, for the permissions the stream uses.
bool allowed(const Principal& p, std::string_view perm) {
  if (p.role == "admin") return true;
  if (p.role == "farm") return perm == "inventory.read" || perm == "products.read";
  if (p.role == "viewer") {
    return perm == "orders.read" || perm == "invoices.read" || perm == "inventory.read" ||
           perm == "customers.read" || perm == "products.read" || perm == "analytics.read";
  }
  return false;
}

Principal user(std::string role, std::string id = "") {
  Principal p;
  p.user_id = id.empty() ? "u-" + role : id;
  p.username = role;
  p.role = std::move(role);
  return p;
}

events::Event ev(int64_t seq, std::string type) {
  events::Event e;
  e.seq = seq;
  e.id = "id-" + std::to_string(seq);
  e.type = std::move(type);
  e.aggregate_type = "thing";
  e.aggregate_id = "agg-" + std::to_string(seq);
  e.occurred_at = 1'700'000'000'000'000 + seq;
  e.actor = "tester";
  e.data = R"({"n":)" + std::to_string(seq) + "}";
  return e;
}

std::vector<events::Event> evs(int64_t from, int64_t to,
                               const std::string& type = "order.created") {
  std::vector<events::Event> out;
  for (int64_t s = from; s <= to; ++s) out.push_back(ev(s, type));
  return out;
}

// One parsed SSE message (comments are counted apart).
struct Msg {
  std::optional<int64_t> id;
  std::string event;
  std::string data;
};

struct Parsed {
  std::vector<Msg> msgs;
  int pings = 0;
  std::optional<int> retry;
};

Parsed parse(const std::string& text) {
  Parsed out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find("\n\n", pos);
    if (end == std::string::npos) break;  // incomplete block
    std::string block = text.substr(pos, end - pos);
    pos = end + 2;
    Msg m;
    bool any = false;
    size_t p = 0;
    while (p <= block.size()) {
      size_t nl = std::min(block.find('\n', p), block.size());
      std::string line = block.substr(p, nl - p);
      p = nl + 1;
      if (line.starts_with(":")) {
        ++out.pings;
      } else if (line.starts_with("id: ")) {
        m.id = std::stoll(line.substr(4));
        any = true;
      } else if (line.starts_with("event: ")) {
        m.event = line.substr(7);
        any = true;
      } else if (line.starts_with("data: ")) {
        m.data = line.substr(6);
        any = true;
      } else if (line.starts_with("retry: ")) {
        out.retry = std::stoi(line.substr(7));
      }
    }
    if (any) out.msgs.push_back(std::move(m));
  }
  return out;
}

std::vector<int64_t> ids(const Parsed& p) {
  std::vector<int64_t> out;
  for (const auto& m : p.msgs) out.push_back(m.id.value_or(-1));
  return out;
}

// Drains a client on the test's io_context, as the HTTP server would.
struct Reader {
  std::shared_ptr<SseClient> client;
  std::string text;
  bool ended = false;
};

asio::awaitable<void> read_loop(std::shared_ptr<Reader> r) {
  for (;;) {
    auto chunk = co_await r->client->next();
    if (!chunk) {
      r->ended = true;
      co_return;
    }
    r->text += *chunk;
  }
}

class SseHubTest : public ::testing::Test {
 protected:
  void make_hub(SseOptions o = {}) { hub = std::make_unique<SseHub>(o, allowed, registry); }

  std::shared_ptr<SseClient> open(const Principal& p) {
    auto c = hub->open(p, ioc.get_executor());
    EXPECT_TRUE(c.ok());
    return c.ok() ? *c : nullptr;
  }

  std::shared_ptr<Reader> start_reader(std::shared_ptr<SseClient> c, std::string first = "") {
    auto r = std::make_shared<Reader>();
    r->client = std::move(c);
    r->text = std::move(first);
    asio::co_spawn(ioc, read_loop(r), asio::detached);
    return r;
  }

  // Runs the io_context until pred() holds; false on timeout.
  bool pump(const std::function<bool()>& pred, milliseconds timeout = milliseconds(2000)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      ioc.restart();
      ioc.run_for(milliseconds(2));
    }
    return true;
  }

  bool has_ids(const std::shared_ptr<Reader>& r, size_t n) {
    return pump([&] { return parse(r->text).msgs.size() >= n; });
  }

  // The hub outlives the io_context, whose pending coroutines still hold clients (as in
  // serve.cpp, where the hub outlives the server).
  metrics::Registry registry;
  std::unique_ptr<SseHub> hub;
  asio::io_context ioc{1};
};

TEST(StreamPermissionTest, MapsTypePrefixesToReadPermissions) {
  EXPECT_EQ(stream_permission("order.created"), "orders.read");
  EXPECT_EQ(stream_permission("invoice.issued"), "invoices.read");
  EXPECT_EQ(stream_permission("payment.received"), "invoices.read");
  EXPECT_EQ(stream_permission("stock.reserved"), "inventory.read");
  EXPECT_EQ(stream_permission("customer.created"), "customers.read");
  EXPECT_EQ(stream_permission("product.updated"), "products.read");
  EXPECT_EQ(stream_permission("employee.created"), "employees.salary");
  EXPECT_EQ(stream_permission("kpi.snapshot"), "analytics.read");
  EXPECT_EQ(stream_permission("user.created"), "events.read");
  EXPECT_EQ(stream_permission("orders"), "events.read");  // a prefix, not a substring
}

TEST_F(SseHubTest, LiveEventsCarryIdTypeAndTheEnvelope) {
  make_hub();
  auto c = open(user("admin"));
  auto r = start_reader(c, c->start_live());
  hub->publish(evs(1, 2));
  hub->publish({ev(3, "invoice.issued")});
  ASSERT_TRUE(has_ids(r, 3)) << r->text;
  Parsed p = parse(r->text);
  EXPECT_EQ(p.retry, 2000);
  EXPECT_EQ(ids(p), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(p.msgs[2].event, "invoice.issued");
  auto env = json::parse(p.msgs[2].data).as_object();
  EXPECT_EQ(env.at("seq").as_int64(), 3);
  EXPECT_EQ(env.at("id").as_string(), "id-3");
  EXPECT_EQ(env.at("type").as_string(), "invoice.issued");
  EXPECT_EQ(env.at("aggregate_type").as_string(), "thing");
  EXPECT_EQ(env.at("aggregate_id").as_string(), "agg-3");
  EXPECT_EQ(env.at("occurred_at").as_string(), "2023-11-14T22:13:20.000003Z");
  EXPECT_EQ(env.at("actor").as_string(), "tester");
  EXPECT_EQ(env.at("data").as_object().at("n").as_int64(), 3);
  EXPECT_EQ(hub->client_count(), 1U);
}

TEST_F(SseHubTest, FullBufferDropsOnlyTheSlowClient) {
  SseOptions o;
  o.buffer_events = 8;
  make_hub(o);
  auto fast = start_reader(open(user("admin", "a")));
  auto slow = open(user("admin", "b"));  // connected, never reads
  auto& dropped = registry.counter("smartdairy_sse_dropped_total",
                                   "Stream clients dropped because their buffer was full.");
  for (int64_t s = 1; s <= 40; ++s) {
    auto t0 = std::chrono::steady_clock::now();
    hub->publish({ev(s, "order.created")});
    // Publishing never waits for a client.
    EXPECT_LT(std::chrono::steady_clock::now() - t0, milliseconds(50));
    ASSERT_TRUE(has_ids(fast, static_cast<size_t>(s))) << "event " << s;
  }
  EXPECT_TRUE(slow->dropped());
  EXPECT_FALSE(fast->client->dropped());
  EXPECT_EQ(dropped.value(), 1U);
  std::vector<int64_t> want;
  for (int64_t s = 1; s <= 40; ++s) want.push_back(s);
  EXPECT_EQ(ids(parse(fast->text)), want);
  // The dropped client's stream ends at once; the slot is freed when it is gone.
  auto r = start_reader(slow);
  slow.reset();
  ASSERT_TRUE(pump([&] { return r->ended; }));
  r.reset();
  EXPECT_EQ(hub->client_count(), 1U);
}

TEST_F(SseHubTest, ByteLimitDropsToo) {
  SseOptions o;
  o.buffer_bytes = 2000;  // a few envelopes
  make_hub(o);
  auto slow = open(user("admin"));
  hub->publish(evs(1, 30));
  EXPECT_TRUE(slow->dropped());
}

TEST_F(SseHubTest, EventsAreFilteredByRole) {
  make_hub();
  auto farm = start_reader(open(user("farm")));
  auto viewer = start_reader(open(user("viewer")));
  auto admin = start_reader(open(user("admin")));
  hub->publish({ev(1, "order.created"), ev(2, "stock.reserved"), ev(3, "employee.created"),
                ev(4, "invoice.issued"), ev(5, "user.created"), ev(6, "product.created")});
  hub->publish_derived("kpi.snapshot", R"({"orders_today":3})", 6);
  ASSERT_TRUE(has_ids(admin, 7));
  ASSERT_TRUE(has_ids(viewer, 5));
  ASSERT_TRUE(has_ids(farm, 2));
  pump([] { return false; }, milliseconds(20));  // anything else would have arrived by now
  EXPECT_EQ(ids(parse(farm->text)), (std::vector<int64_t>{2, 6}));
  EXPECT_EQ(ids(parse(viewer->text)), (std::vector<int64_t>{1, 2, 4, 6, 6}));
  EXPECT_EQ(ids(parse(admin->text)), (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 6}));
  auto kpi = parse(viewer->text).msgs.back();
  EXPECT_EQ(kpi.event, "kpi.snapshot");
  auto body = json::parse(kpi.data).as_object();
  EXPECT_EQ(body.at("type").as_string(), "kpi.snapshot");
  EXPECT_EQ(body.at("seq").as_int64(), 6);
  EXPECT_EQ(body.at("data").as_object().at("orders_today").as_int64(), 3);
}

TEST_F(SseHubTest, ResumeHasNoGapAndNoDuplicateAcrossTheBacklogLiveBoundary) {
  make_hub();
  // The route registers the client first, then reads the backlog. Events 5-8 commit in
  // between: 5 and 6 are in the reader's snapshot and arrive live as well; 7 and 8 only live.
  auto c = open(user("admin"));
  hub->publish(evs(5, 8));
  std::string first = c->start_after(2, evs(3, 6), 6);
  auto r = start_reader(c, first);
  hub->publish(evs(9, 10));
  ASSERT_TRUE(has_ids(r, 8)) << r->text;
  pump([] { return false; }, milliseconds(20));
  EXPECT_EQ(ids(parse(r->text)), (std::vector<int64_t>{3, 4, 5, 6, 7, 8, 9, 10}));
}

TEST_F(SseHubTest, ResumeWhenTheBacklogIsAheadOfTheLiveEvents) {
  make_hub();
  // The snapshot already holds 3-8 while 7 and 8 are still on their way to the hub.
  auto c = open(user("admin"));
  std::string first = c->start_after(2, evs(3, 8), 8);
  auto r = start_reader(c, first);
  hub->publish(evs(7, 9));
  ASSERT_TRUE(has_ids(r, 7)) << r->text;
  pump([] { return false; }, milliseconds(20));
  EXPECT_EQ(ids(parse(r->text)), (std::vector<int64_t>{3, 4, 5, 6, 7, 8, 9}));
}

TEST_F(SseHubTest, ResumeReplaysOnlyWhatTheRoleMaySee) {
  make_hub();
  auto c = open(user("farm"));
  std::vector<events::Event> backlog{ev(1, "order.created"), ev(2, "stock.reserved"),
                                     ev(3, "order.updated")};
  auto r = start_reader(c, c->start_after(0, backlog, 3));
  hub->publish({ev(3, "order.updated"), ev(4, "stock.released")});
  ASSERT_TRUE(has_ids(r, 2));
  pump([] { return false; }, milliseconds(20));
  EXPECT_EQ(ids(parse(r->text)), (std::vector<int64_t>{2, 4}));
}

TEST_F(SseHubTest, ResumeTooFarBehindSendsReset) {
  SseOptions o;
  o.replay_limit = 3;
  make_hub(o);
  auto c = open(user("admin"));
  // The route reads replay_limit + 1 events: more than the limit are missing.
  auto r = start_reader(c, c->start_after(0, evs(1, 4), 50));
  hub->publish(evs(50, 51));
  ASSERT_TRUE(has_ids(r, 2));
  Parsed p = parse(r->text);
  EXPECT_EQ(p.msgs[0].event, "reset");
  EXPECT_EQ(p.msgs[0].id, 50);
  EXPECT_EQ(json::parse(p.msgs[0].data).as_object().at("seq").as_int64(), 50);
  EXPECT_EQ(ids(p), (std::vector<int64_t>{50, 51}));

  // Last-Event-ID ahead of the outbox (a restored database): reset too.
  auto c2 = open(user("admin", "other"));
  Parsed p2 = parse(c2->start_after(99, {}, 51));
  ASSERT_EQ(p2.msgs.size(), 1U);
  EXPECT_EQ(p2.msgs[0].event, "reset");
  EXPECT_EQ(p2.msgs[0].id, 51);
}

TEST_F(SseHubTest, DerivedMessageNeverMovesTheLastEventIdBack) {
  make_hub();
  auto c = open(user("admin"));
  auto r = start_reader(c, c->start_live());
  hub->publish(evs(10, 10));
  hub->publish_derived("kpi.snapshot", "{}", 9);  // analytics lags behind event 10
  hub->publish_derived("kpi.snapshot", "{}", 10);
  ASSERT_TRUE(has_ids(r, 3));
  Parsed p = parse(r->text);
  EXPECT_EQ(p.msgs[0].id, 10);
  EXPECT_FALSE(p.msgs[1].id.has_value());
  EXPECT_EQ(json::parse(p.msgs[1].data).as_object().at("seq").as_int64(), 9);
  EXPECT_EQ(p.msgs[2].id, 10);
}

TEST_F(SseHubTest, HeartbeatOnAnIdleStream) {
  SseOptions o;
  o.heartbeat = milliseconds(40);
  make_hub(o);
  auto r = start_reader(open(user("viewer")));
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(pump([&] { return parse(r->text).pings >= 3; }));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, milliseconds(100));
  EXPECT_NE(r->text.find(": ping\n\n"), std::string::npos);
  // Traffic postpones the heartbeat.
  hub->publish(evs(1, 1));
  ASSERT_TRUE(has_ids(r, 1));
}

TEST_F(SseHubTest, PerUserCap) {
  SseOptions o;
  o.max_streams_per_user = 2;
  make_hub(o);
  auto a = open(user("viewer", "v1"));
  auto b = open(user("viewer", "v1"));
  auto refused = hub->open(user("viewer", "v1"), ioc.get_executor());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kTooManyRequests);
  EXPECT_EQ(refused.error().code, "too_many_streams");
  EXPECT_TRUE(hub->open(user("viewer", "v2"), ioc.get_executor()).ok());  // another user
  a.reset();
  EXPECT_TRUE(hub->open(user("viewer", "v1"), ioc.get_executor()).ok());
  EXPECT_EQ(registry.gauge("smartdairy_sse_clients", "Open live event streams.").value(), 1);
}

TEST_F(SseHubTest, StreamEndsWhenTheCredentialsNoLongerHold) {
  SseOptions o;
  o.heartbeat = milliseconds(30);
  make_hub(o);
  auto c = open(user("admin"));
  auto checks = std::make_shared<int>(0);
  c->set_revalidate([checks]() -> asio::awaitable<bool> {
    ++*checks;
    co_return *checks < 3;  // logged out before the third check
  });
  auto r = start_reader(c, c->start_live());
  hub->publish(evs(1, 1));
  ASSERT_TRUE(has_ids(r, 1));
  ASSERT_TRUE(pump([&] { return r->ended; }, milliseconds(2000)));
  EXPECT_EQ(*checks, 3);
  // Checked once per heartbeat interval, not on every message.
  EXPECT_GE(parse(r->text).pings, 1);
}

TEST_F(SseHubTest, StopFromAnotherThreadEndsAWaitingStream) {
  SseOptions o;
  o.heartbeat = std::chrono::hours(1);
  make_hub(o);
  auto c = open(user("admin"));
  auto r = start_reader(c);
  pump([] { return false; }, milliseconds(10));  // the reader now waits
  std::thread([c] { c->stop(); }).join();
  EXPECT_TRUE(pump([&] { return r->ended; }, milliseconds(1000)));
}

TEST_F(SseHubTest, PublishFromAnotherThreadWakesTheReader) {
  SseOptions o;
  o.heartbeat = std::chrono::hours(1);
  make_hub(o);
  auto r = start_reader(open(user("admin")));
  pump([] { return false; }, milliseconds(10));
  std::thread writer([this] {
    for (int64_t s = 1; s <= 500; ++s) hub->publish(evs(s, s));
  });
  bool all = pump([&] { return parse(r->text).msgs.size() >= 500; }, milliseconds(5000));
  writer.join();
  ASSERT_TRUE(all);
  auto got = ids(parse(r->text));
  std::set<int64_t> unique(got.begin(), got.end());
  EXPECT_EQ(unique.size(), 500U);
  EXPECT_TRUE(std::is_sorted(got.begin(), got.end()));
}

}  // namespace
}  // namespace smartdairy::http
