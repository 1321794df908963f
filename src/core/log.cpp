#include "core/log.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <mutex>
#include <string>

#include "core/clock.h"

namespace smartdairy::log {

namespace {
std::atomic<int> g_level{static_cast<int>(Level::kInfo)};
std::mutex g_mu;

const char* level_name(Level l) {
  switch (l) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
    case Level::kCritical:
      return "critical";
    case Level::kOff:
      return "off";
  }
  return "info";
}

std::atomic<int64_t> g_last_flush{0};

void emit(Level level, boost::json::object& obj) {
  std::string line = boost::json::serialize(obj);
  line.push_back('\n');
  std::lock_guard lock(g_mu);
  std::fwrite(line.data(), 1, line.size(), stdout);
  // Buffered for throughput under load, but never held back for long: warnings at once,
  // everything else within 200 ms of being written (or at the next line after that).
  int64_t now = SystemClock::instance().now_micros();
  if (level >= Level::kWarn || now - g_last_flush.load(std::memory_order_relaxed) > 200'000) {
    std::fflush(stdout);
    g_last_flush.store(now, std::memory_order_relaxed);
  }
}
}  // namespace

bool set_level(std::string_view level) {
  for (int l = 0; l <= static_cast<int>(Level::kOff); ++l) {
    if (level == level_name(static_cast<Level>(l)) || (level == "warning" && l == 2)) {
      g_level.store(l);
      return true;
    }
  }
  return false;
}

bool enabled(Level level) {
  return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed);
}

void write(Level level, std::string_view msg, Fields fields) {
  if (!enabled(level)) return;
  boost::json::object obj;
  obj["ts"] = format_rfc3339(SystemClock::instance().now_micros());
  obj["level"] = level_name(level);
  obj["msg"] = msg;
  for (const auto& f : fields) obj[f.key] = f.value;
  emit(level, obj);
}

void write_object(boost::json::object&& fields) {
  if (!enabled(Level::kInfo)) return;
  boost::json::object obj;
  obj.reserve(fields.size() + 2);
  obj["ts"] = format_rfc3339(SystemClock::instance().now_micros());
  obj["level"] = "info";
  for (auto& kv : fields) obj[kv.key()] = std::move(kv.value());
  emit(Level::kInfo, obj);
}

void flush() {
  std::lock_guard lock(g_mu);
  std::fflush(stdout);
}

}  // namespace smartdairy::log
