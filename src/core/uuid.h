#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace smartdairy {

// A new UUIDv7 (RFC 9562) in lowercase 8-4-4-4-12 form. Thread-safe. Ids from one process
// are strictly increasing as strings, across threads and even if the wall clock steps back.
std::string new_uuid_v7();

// True for the canonical lowercase 8-4-4-4-12 hex form of any UUID version. Uppercase is
// rejected so that one id has exactly one spelling in storage and URLs.
bool is_uuid(std::string_view text);

// The generator behind new_uuid_v7(), with an injectable clock for tests. Layout: 48-bit
// Unix ms timestamp, version 7, a 12-bit counter (rand_a, RFC 9562 §6.2 method 1) seeded
// randomly each new millisecond, variant 10, 62 random bits from libsodium.
class UuidV7Generator {
 public:
  // `now_ms` returns Unix time in milliseconds; it may step backwards.
  explicit UuidV7Generator(std::function<std::int64_t()> now_ms);

  // Thread-safe. Never reuses or goes below the last timestamp: within one millisecond the
  // counter advances, and when it is exhausted the timestamp moves one ms ahead of the clock.
  std::string next();

 private:
  std::function<std::int64_t()> now_ms_;
  std::mutex mu_;
  std::uint64_t last_ms_ = 0;  // guarded by mu_
  std::uint16_t counter_ = 0;  // guarded by mu_; 12 bits
};

}  // namespace smartdairy
