#include <sys/stat.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <thread>

#include "app/commands.h"
#include "app/platform_routes.h"
#include "app/stream_routes.h"
#include "app/web_assets.h"
#include "auth/auth_module.h"
#include "auth/permissions.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/metrics.h"
#include "db/database.h"
#include "events/bus.h"
#include "http/idempotency.h"
#include "http/server.h"
#include "http/sse_hub.h"
#include "modules/analytics/analytics_module.h"
#include "modules/billing/billing_module.h"
#include "modules/catalog/catalog_module.h"
#include "modules/common/module_context.h"
#include "modules/herd/herd_module.h"
#include "modules/hr/hr_module.h"
#include "modules/inventory/inventory_module.h"
#include "modules/ledger/ledger_module.h"
#include "modules/parties/parties_module.h"
#include "modules/sales/sales_module.h"

namespace smartdairy::app {

namespace {
constexpr int kExitStorageFailure = 70;

void register_platform_metrics(metrics::Registry& reg, db::Database& db, events::Bus& bus) {
  metrics::register_process_metrics(reg);
  auto& batch = reg.histogram("smartdairy_writer_batch_size",
                              "Commands committed together in one writer transaction.",
                              metrics::size_buckets());
  auto& commit = reg.histogram("smartdairy_writer_commit_duration_seconds",
                               "Time from BEGIN to a durable COMMIT of one writer batch.",
                               metrics::latency_buckets_seconds());
  auto& commits = reg.counter("smartdairy_writer_commits_total", "Writer transactions committed.");
  db.writer().set_batch_observer([&batch, &commit, &commits](size_t n, std::chrono::nanoseconds d) {
    batch.observe(static_cast<double>(n));
    commit.observe_seconds(d);
    commits.inc();
  });
  reg.gauge_callback("smartdairy_writer_queue_depth", "Write commands waiting for the writer.",
                     [w = &db.writer()] { return static_cast<double>(w->queue_depth()); });
  reg.gauge_callback("smartdairy_writer_failed", "1 when the writer is in fail-stop.",
                     [w = &db.writer()] { return w->failed() ? 1.0 : 0.0; });
  reg.gauge_callback("smartdairy_events_published_seq",
                     "Sequence number of the last event handed to the in-process bus.",
                     [b = &bus] { return static_cast<double>(b->published_seq()); });
  for (const auto& c : bus.consumers()) {
    reg.gauge_callback(
        "smartdairy_consumer_lag_events", "Events committed but not yet applied, per consumer.",
        [b = &bus, cons = c.get()] {
          return static_cast<double>(std::max<int64_t>(0, b->published_seq() - cons->offset()));
        },
        {{"consumer", c->name()}});
  }
  auto start = static_cast<double>(SystemClock::instance().now_micros()) / 1e6;
  reg.gauge_callback("smartdairy_start_time_seconds",
                     "Unix time at which this server started serving.", [start] { return start; });
}
modules::billing::CompanyInfo company_info(const ServeConfig& config) {
  modules::billing::CompanyInfo info;
  if (!config.company_name.empty()) info.name = config.company_name;
  if (!config.company_address.empty()) info.lines.push_back(config.company_address);
  return info;
}
}  // namespace

int serve(const ServeConfig& config) {
  auto t0 = std::chrono::steady_clock::now();
  ::umask(077);
  if (Status st = prepare_data_dir(config.data_dir); !st.ok()) {
    log::critical(st.error().message);
    return 1;
  }
  http::ServerOptions opts;
  if (Status st = parse_listen(config.listen, opts); !st.ok()) {
    log::critical(st.error().message);
    return 2;
  }
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  opts.threads = config.threads > 0 ? config.threads : static_cast<int>(cores);
  opts.behind_tls = config.behind_tls;
  opts.access_log = config.access_log;
  opts.header_timeout = std::chrono::milliseconds(config.header_timeout_ms);
  opts.body_timeout = std::chrono::milliseconds(config.body_timeout_ms);
  opts.idle_timeout = std::chrono::milliseconds(config.idle_timeout_ms);
  opts.max_connections = config.max_connections;

  db::DatabaseOptions dbo;
  dbo.path = database_path(config.data_dir);
  dbo.readers = config.readers;
  auto db = db::Database::open(dbo, db::embedded_migrations());
  if (!db.ok()) {
    log::critical(db.error().message, {{"code", db.error().code}});
    return 1;
  }
  if ((*db)->migrations_applied_now() > 0) {
    log::info("applied migrations", {{"count", (*db)->migrations_applied_now()}});
  }

  metrics::Registry registry;
  events::Bus bus((*db)->writer());

  // Business modules (DESIGN.md §4), wired explicitly. Consumers subscribe before the bus
  // starts so that they resume from their stored offsets.
  modules::ModuleContext ctx{**db, SystemClock::instance()};
  http::Idempotency idempotency(**db, SystemClock::instance());
  modules::parties::PartiesModule parties(ctx, idempotency);
  modules::catalog::CatalogModule catalog(ctx, idempotency);
  modules::inventory::InventoryModule inventory(ctx, idempotency);
  modules::ledger::LedgerModule ledger(ctx);
  modules::billing::BillingModule billing(ctx, idempotency, company_info(config));
  modules::sales::SalesModule sales(ctx, idempotency);
  modules::hr::HrModule hr(ctx, idempotency);
  modules::analytics::AnalyticsModule analytics(ctx);
  modules::herd::HerdModule herd(ctx, idempotency);
  billing.subscribe(bus);

  // The live stream (GET /api/v1/stream). Declared before the server, which must be gone
  // (with the streams it holds) before the hub is. Derived messages (the analytics
  // module's kpi.snapshot, and farm.snapshot with the farm's KPIs after a batch with a herd
  // event) reach it through hub.publish_derived(type, data_json, seq).
  auth::AuthOptions ao;
  ao.secure_cookies = config.behind_tls;
  ao.idle_timeout = std::chrono::seconds(config.session_idle_minutes * 60);
  auth::AuthModule auth_module(ao, **db, SystemClock::instance());
  http::SseOptions sse;
  sse.max_streams_per_user = config.sse_max_per_user;
  sse.heartbeat = std::chrono::milliseconds(config.sse_heartbeat_ms);
  sse.buffer_events = static_cast<size_t>(config.sse_buffer_events);
  sse.buffer_bytes = static_cast<size_t>(config.sse_buffer_kib) * 1024;
  sse.replay_limit = config.sse_replay_limit;
  http::SseHub hub(
      sse,
      [authn = &auth_module.authenticator()](const http::Principal& p, std::string_view perm) {
        return authn->allowed(p, perm);
      },
      registry);
  bus.subscribe([&hub](const std::vector<events::Event>& batch) { hub.publish(batch); });
  analytics.subscribe(
      bus,
      [&hub](std::string type, std::string data_json, int64_t seq) {
        hub.publish_derived(std::move(type), std::move(data_json), seq);
      },
      [&hub] { return hub.client_count() > 0; });
  register_platform_metrics(registry, **db, bus);
  {
    auto conn = db::Connection::open(dbo.path, db::OpenMode::kReadOnly);
    Status st = conn.ok() ? bus.start(**conn) : Status(conn.error());
    if (!st.ok()) {
      log::critical("cannot start the event bus", {{"error", st.error().message}});
      return 1;
    }
  }
  (*db)->writer().start();

  const char* admin_pw = std::getenv("SMARTDAIRY_ADMIN_PASSWORD");
  if (Status st = auth_module.bootstrap_admin(admin_pw != nullptr ? admin_pw : ""); !st.ok()) {
    log::critical("cannot create the first admin", {{"error", st.error().message}});
    return 1;
  }

  http::Router router(auth::is_known_permission);
  register_platform_routes(router, **db, registry);
  register_stream_route(router, hub, (*db)->readers(), auth_module.authenticator());
  auth_module.register_routes(router);
  parties.register_routes(router);
  catalog.register_routes(router);
  inventory.register_routes(router);
  ledger.register_routes(router);
  billing.register_routes(router);
  sales.register_routes(router);
  hr.register_routes(router);
  analytics.register_routes(router);
  herd.register_routes(router);
  // The web UI: every GET no route above matches (registered last by convention; the
  // router tries it only when nothing else fits).
  http::register_static_site(router, web_assets());

  http::Server server(opts, router, auth_module.authenticator(), registry);
  auto port = server.listen();
  if (!port.ok()) {
    log::critical(port.error().message);
    return 1;
  }

  // Every minute, the saleable milk of each ended milking session goes into stock (issue 5)
  // through one writer job. The timer lives on the server's I/O context and is cancelled
  // there when shutdown begins.
  boost::asio::steady_timer milk_timer(server.io());
  std::function<void()> schedule_milk_posting = [&milk_timer, &herd, &schedule_milk_posting] {
    milk_timer.expires_after(std::chrono::seconds(60));
    milk_timer.async_wait([&herd, &schedule_milk_posting](const boost::system::error_code& ec) {
      if (ec) return;
      herd.post_ended_milk();
      schedule_milk_posting();
    });
  };
  herd.post_ended_milk();  // what ended while the server was down
  schedule_milk_posting();
  auto stop_milk_posting = [&server, &milk_timer] {
    boost::asio::post(server.io(), [&milk_timer] { milk_timer.cancel(); });
  };

  std::atomic<int> exit_code{0};
  (*db)->writer().set_on_fail_stop([&server, &exit_code, stop_milk_posting](const Error&) {
    exit_code.store(kExitStorageFailure);
    stop_milk_posting();
    server.shutdown();
  });
  boost::asio::signal_set signals(server.io(), SIGINT, SIGTERM);
  signals.async_wait([&server, stop_milk_posting](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    log::info("signal received; draining", {{"signal", sig}});
    stop_milk_posting();
    server.shutdown();
  });

  auto ready_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  log::info("listening", {{"address", opts.host},
                          {"port", *port},
                          {"data_dir", config.data_dir},
                          {"io_threads", opts.threads},
                          {"startup_us", ready_us}});
  log::flush();
  // Lines written while the server is quiet still reach the log promptly.
  std::jthread flusher([](const std::stop_token& stop) {
    while (!stop.stop_requested()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      log::flush();
    }
  });
  server.run();
  signals.cancel();
  milk_timer.cancel();

  // In-flight requests are done; commit what is queued and close the database.
  (*db)->close();
  log::info("stopped", {{"exit_code", exit_code.load()}});
  log::flush();
  return exit_code.load();
}

}  // namespace smartdairy::app
