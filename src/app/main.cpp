// smartdairy: the Smart Dairy ERP server and its administration commands.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "app/commands.h"
#include "app/config.h"
#include "core/log.h"

#ifndef SMARTDAIRY_VERSION
#define SMARTDAIRY_VERSION "0.0.0"
#endif

namespace {

int run_cli(int argc, char** argv) {
  using smartdairy::app::ServeConfig;
  CLI::App app{
      "Smart Dairy ERP: herd, sales, stock, billing and live BI for a dairy business, in one "
      "binary.\nStart with `smartdairy serve`, then open http://127.0.0.1:8080/ and log in as "
      "admin.",
      "smartdairy"};
  app.require_subcommand(1);
  app.set_version_flag("--version", SMARTDAIRY_VERSION);

  ServeConfig cfg;
  std::string data_dir = "./var";

  auto* serve = app.add_subcommand("serve",
                                   "Run the HTTP server (creates the database on first "
                                   "start and prints the first admin password).");
  serve->add_option("--listen", cfg.listen, "Address and port to listen on (port 0: any free)")
      ->envname("SMARTDAIRY_LISTEN")
      ->capture_default_str();
  serve->add_option("--data-dir", cfg.data_dir, "Directory holding the database (mode 0700)")
      ->envname("SMARTDAIRY_DATA_DIR")
      ->capture_default_str();
  serve->add_option("--threads", cfg.threads, "I/O threads (0: one per core)")
      ->envname("SMARTDAIRY_THREADS")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
  serve->add_option("--readers", cfg.readers, "Read connections, each on its own thread")
      ->envname("SMARTDAIRY_READERS")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  serve->add_option("--log-level", cfg.log_level, "debug, info, warn, error or off")
      ->envname("SMARTDAIRY_LOG_LEVEL")
      ->check(CLI::IsMember({"debug", "info", "warn", "warning", "error", "off"}))
      ->capture_default_str();
  serve
      ->add_flag("--behind-tls", cfg.behind_tls,
                 "Clients reach the server over TLS (a proxy's): Secure cookies and HSTS")
      ->envname("SMARTDAIRY_BEHIND_TLS");
  serve->add_option("--access-log", cfg.access_log, "Log one JSON line per request (true/false)")
      ->envname("SMARTDAIRY_ACCESS_LOG")
      ->capture_default_str();
  serve
      ->add_option("--header-timeout-ms", cfg.header_timeout_ms,
                   "Time allowed to send the request headers")
      ->envname("SMARTDAIRY_HEADER_TIMEOUT_MS")
      ->check(CLI::Range(100, 600'000))
      ->capture_default_str();
  serve->add_option("--body-timeout-ms", cfg.body_timeout_ms, "Time allowed to send the body")
      ->envname("SMARTDAIRY_BODY_TIMEOUT_MS")
      ->check(CLI::Range(100, 600'000))
      ->capture_default_str();
  serve
      ->add_option("--idle-timeout-ms", cfg.idle_timeout_ms,
                   "How long an idle keep-alive connection stays open")
      ->envname("SMARTDAIRY_IDLE_TIMEOUT_MS")
      ->check(CLI::Range(100, 600'000))
      ->capture_default_str();
  serve->add_option("--max-connections", cfg.max_connections, "Open connection cap")
      ->envname("SMARTDAIRY_MAX_CONNECTIONS")
      ->check(CLI::Range(1, 100'000))
      ->capture_default_str();
  serve
      ->add_option("--session-idle-minutes", cfg.session_idle_minutes,
                   "Log out sessions idle for this long")
      ->envname("SMARTDAIRY_SESSION_IDLE_MINUTES")
      ->check(CLI::Range(1, 24 * 60))
      ->capture_default_str();
  serve
      ->add_option("--sse-max-per-user", cfg.sse_max_per_user,
                   "Live streams (GET /api/v1/stream) one user may hold open")
      ->envname("SMARTDAIRY_SSE_MAX_PER_USER")
      ->check(CLI::Range(1, 10'000))
      ->capture_default_str();
  serve
      ->add_option("--sse-heartbeat-ms", cfg.sse_heartbeat_ms,
                   "Heartbeat comment on an idle live stream after this long")
      ->envname("SMARTDAIRY_SSE_HEARTBEAT_MS")
      ->check(CLI::Range(50, 600'000))
      ->capture_default_str();
  serve
      ->add_option("--sse-buffer-events", cfg.sse_buffer_events,
                   "Events buffered per stream client; one further behind is dropped")
      ->envname("SMARTDAIRY_SSE_BUFFER_EVENTS")
      ->check(CLI::Range(16, 1'000'000))
      ->capture_default_str();
  serve
      ->add_option("--sse-buffer-kib", cfg.sse_buffer_kib,
                   "KiB buffered per stream client; one further behind is dropped")
      ->envname("SMARTDAIRY_SSE_BUFFER_KIB")
      ->check(CLI::Range(64, 1'048'576))
      ->capture_default_str();
  serve
      ->add_option("--sse-replay-limit", cfg.sse_replay_limit,
                   "Events replayed to a resuming stream; further behind: event reset")
      ->envname("SMARTDAIRY_SSE_REPLAY_LIMIT")
      ->check(CLI::Range(0, 1'000'000))
      ->capture_default_str();
  serve->add_option("--company-name", cfg.company_name, "Company name printed on invoices")
      ->envname("SMARTDAIRY_COMPANY_NAME")
      ->capture_default_str();
  serve->add_option("--company-address", cfg.company_address, "Address line printed on invoices")
      ->envname("SMARTDAIRY_COMPANY_ADDRESS");

  auto* migrate = app.add_subcommand("migrate", "Apply pending database migrations and exit.");
  migrate->add_option("--data-dir", data_dir, "Directory holding the database")
      ->envname("SMARTDAIRY_DATA_DIR")
      ->capture_default_str();

  auto* user = app.add_subcommand("user", "Manage users (works while the server runs).");
  user->require_subcommand(1);
  user->add_option("--data-dir", data_dir, "Directory holding the database")
      ->envname("SMARTDAIRY_DATA_DIR")
      ->capture_default_str();
  std::string username;
  std::string role = "viewer";
  bool password_stdin = false;
  auto* add = user->add_subcommand(
      "add",
      "Create a user. The password comes from SMARTDAIRY_PASSWORD, from stdin with "
      "--password-stdin, or is generated and printed once.");
  add->add_option("username", username, "Login name")->required();
  add->add_option("--role", role, "admin, manager, sales, accountant, farm, vet or viewer")
      ->capture_default_str();
  add->add_flag("--password-stdin", password_stdin, "Read the password from standard input");
  auto* passwd = user->add_subcommand(
      "passwd", "Set a user's password (same sources as add) and end their sessions.");
  passwd->add_option("username", username, "Login name")->required();
  passwd->add_flag("--password-stdin", password_stdin, "Read the password from standard input");
  auto* list = user->add_subcommand("list", "List users and their roles.");
  // `user add alice --data-dir var` as well as `user --data-dir var add alice`.
  for (auto* leaf : {add, passwd, list}) leaf->fallthrough();

  auto* seed = app.add_subcommand("seed", "Load demo data (same --data-dir as serve).");
  bool demo = false;
  seed->add_flag("--demo", demo, "The demo company (customers, products, stock) and its herd")
      ->required();
  seed->add_option("--data-dir", data_dir, "Directory holding the database")
      ->envname("SMARTDAIRY_DATA_DIR")
      ->capture_default_str();

  auto* analytics = app.add_subcommand("analytics", "Analytics views.");
  analytics->require_subcommand(1);
  analytics->add_option("--data-dir", data_dir, "Directory holding the database")
      ->envname("SMARTDAIRY_DATA_DIR")
      ->capture_default_str();
  auto* rebuild = analytics->add_subcommand(
      "rebuild", "Recompute every analytics view from the source tables (safe while serving).");
  rebuild->fallthrough();

  auto* herd = app.add_subcommand("herd", "Herd records.");
  herd->require_subcommand(1);
  herd->add_option("--data-dir", data_dir, "Directory holding the database")
      ->envname("SMARTDAIRY_DATA_DIR")
      ->capture_default_str();
  std::string milk_file;
  auto* import_milk = herd->add_subcommand(
      "import-milk",
      "Import milk history from a CSV file (ear_tag,day,session,quantity_ml|quantity_litres,"
      "fat,snf,protein,temperature,scc,lactometer); all rows or none; never posted to stock.");
  import_milk->add_option("file", milk_file, "The CSV file")->required();
  import_milk->fallthrough();

  auto* version = app.add_subcommand("version", "Print the version.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  if (*version) {
    std::printf("smartdairy %s\n", SMARTDAIRY_VERSION);
    return 0;
  }
  if (*serve) {
    if (!smartdairy::log::set_level(cfg.log_level)) return 2;
    try {
      return smartdairy::app::serve(cfg);
    } catch (const std::exception& ex) {
      // A bug caught at start-up, such as a route registered without a permission.
      smartdairy::log::critical("cannot start", {{"error", ex.what()}});
      smartdairy::log::flush();
      return 3;
    }
  }
  if (*migrate) return smartdairy::app::migrate(data_dir);
  if (*seed && demo) return smartdairy::app::seed_demo(data_dir);
  if (*rebuild) return smartdairy::app::analytics_rebuild(data_dir);
  if (*import_milk) return smartdairy::app::herd_import_milk(data_dir, milk_file);
  if (*add) return smartdairy::app::user_add(data_dir, username, role, password_stdin);
  if (*passwd) return smartdairy::app::user_passwd(data_dir, username, password_stdin);
  if (*list) return smartdairy::app::user_list(data_dir);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run_cli(argc, argv);
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "smartdairy: %s\n", ex.what());
  } catch (...) {
    std::fprintf(stderr, "smartdairy: unexpected error\n");
  }
  return 3;
}
