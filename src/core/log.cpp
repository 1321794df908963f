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

// Writes one complete line. Buffered for throughput under load, but never held back for
// long: warnings at once, everything else within 200 ms (serve also flushes every 250 ms).
void write_line(std::string_view line, Level level, int64_t now) {
  std::lock_guard lock(g_mu);
  std::fwrite(line.data(), 1, line.size(), stdout);
  if (level >= Level::kWarn || now - g_last_flush.load(std::memory_order_relaxed) > 200'000) {
    std::fflush(stdout);
    g_last_flush.store(now, std::memory_order_relaxed);
  }
}

void emit(Level level, boost::json::object& obj) {
  std::string line = boost::json::serialize(obj);
  line.push_back('\n');
  write_line(line, level, SystemClock::instance().now_micros());
}

// format_rfc3339 with the date and time of day cached per thread for the current second.
void append_timestamp(std::string& out, int64_t micros) {
  thread_local int64_t cached_second = -1;
  thread_local std::string prefix;  // "2026-11-21T22:20:40."
  int64_t second = micros / 1'000'000;
  if (second != cached_second) {
    std::string full = format_rfc3339(micros);
    prefix = full.substr(0, 20);
    cached_second = second;
  }
  out.append(prefix);
  char frac[8];
  int64_t us = micros % 1'000'000;
  for (int i = 5; i >= 0; --i) {
    frac[i] = static_cast<char>('0' + us % 10);
    us /= 10;
  }
  frac[6] = 'Z';
  out.append(frac, 7);
}

}  // namespace

void append_json_escaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (c < 0x20) {
      out.append("\\u00");
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    } else {
      out.push_back(ch);
    }
  }
}

void write_fields_line(std::string_view fields) {
  if (!enabled(Level::kInfo)) return;
  thread_local std::string line;
  line.clear();
  line.append("{\"ts\":\"");
  int64_t now = SystemClock::instance().now_micros();
  append_timestamp(line, now);
  line.append("\",\"level\":\"info\",");
  line.append(fields);
  line.append("}\n");
  write_line(line, Level::kInfo, now);
}

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
