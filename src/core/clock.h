#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace smartdairy {

// Time source for business rules: wall-clock instants in microseconds since the Unix epoch
// (UTC), and a steady clock for timeouts. Tests swap in a FakeClock.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t now_micros() const = 0;
  virtual std::chrono::steady_clock::time_point steady_now() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t now_micros() const override;
  std::chrono::steady_clock::time_point steady_now() const override;
  static SystemClock& instance();
};

// A clock that moves only when told to.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start_micros = 1'767'225'600'000'000) : now_(start_micros) {}
  int64_t now_micros() const override { return now_.load(); }
  std::chrono::steady_clock::time_point steady_now() const override {
    return std::chrono::steady_clock::time_point(std::chrono::microseconds(now_.load()));
  }
  void advance(std::chrono::microseconds d) { now_ += d.count(); }

 private:
  std::atomic<int64_t> now_;
};

// RFC 3339 UTC with microseconds: "2026-11-21T22:20:40.123456Z".
std::string format_rfc3339(int64_t micros);

}  // namespace smartdairy
