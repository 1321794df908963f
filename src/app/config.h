#pragma once

#include <string>

#include "auth/auth_service.h"
#include "http/server.h"

namespace smartdairy::app {

// Everything `smartdairy serve` can be told, from flags or SMARTDAIRY_* variables.
struct ServeConfig {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "./var";
  int threads = 0;  // 0: one per core
  int readers = 2;
  std::string log_level = "info";
  bool behind_tls = false;
  bool access_log = true;
  int header_timeout_ms = 10'000;
  int body_timeout_ms = 10'000;
  int idle_timeout_ms = 10'000;
  int max_connections = 1024;
  int session_idle_minutes = 120;
  // Live stream (GET /api/v1/stream).
  int sse_max_per_user = 8;
  int sse_heartbeat_ms = 15'000;
  int sse_buffer_events = 2048;
  int sse_buffer_kib = 4096;
  int sse_replay_limit = 10'000;
  std::string company_name = "Smart Dairy";  // printed on invoices
  std::string company_address;
};

// The database file inside the data directory.
std::string database_path(const std::string& data_dir);

// Creates the data directory (mode 0700) or tightens an existing one; error if impossible.
Status prepare_data_dir(const std::string& data_dir);

// Splits "host:port" ("[::1]:8080" for IPv6) into the server options.
Status parse_listen(const std::string& listen, http::ServerOptions& out);

}  // namespace smartdairy::app
