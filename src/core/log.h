#pragma once

#include <boost/json/value.hpp>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace smartdairy::log {

// One JSON object per line on stdout: {"ts","level","msg",...fields}. Never pass a
// password, token, cookie or session id as a field (SR-30).
struct Field {
  Field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, bool v) : key(k), value(v) {}
  Field(std::string_view k, int v) : key(k), value(v) {}
  Field(std::string_view k, long v) : key(k), value(v) {}
  Field(std::string_view k, long long v) : key(k), value(v) {}
  Field(std::string_view k, unsigned v) : key(k), value(v) {}
  Field(std::string_view k, unsigned long v) : key(k), value(v) {}
  Field(std::string_view k, double v) : key(k), value(v) {}
  Field(std::string_view k, boost::json::value v) : key(k), value(std::move(v)) {}
  std::string_view key;
  boost::json::value value;
};
using Fields = std::initializer_list<Field>;

enum class Level { kDebug, kInfo, kWarn, kError, kCritical, kOff };

// Sets the minimum level ("debug", "info", "warn", "error", "off"); false if unknown.
bool set_level(std::string_view level);
bool enabled(Level level);

void write(Level level, std::string_view msg, Fields fields = {});
inline void debug(std::string_view m, Fields f = {}) { write(Level::kDebug, m, f); }
inline void info(std::string_view m, Fields f = {}) { write(Level::kInfo, m, f); }
inline void warn(std::string_view m, Fields f = {}) { write(Level::kWarn, m, f); }
inline void error(std::string_view m, Fields f = {}) { write(Level::kError, m, f); }
inline void critical(std::string_view m, Fields f = {}) { write(Level::kCritical, m, f); }

// Writes a prepared object (the access log) at info level, adding "ts" and "level".
void write_object(boost::json::object&& fields);

// Appends `s` to `out` as the body of a JSON string (quotes not included).
void append_json_escaped(std::string& out, std::string_view s);

// The hot path for the access log: writes `fields`, which must be the inside of a JSON
// object ("\"k\":v,..."), as one line with "ts" and "level" put in front.
void write_fields_line(std::string_view fields);

// Flushes buffered lines (called at shutdown and after warnings).
void flush();

}  // namespace smartdairy::log
