#pragma once

#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace smartdairy::auth {

// Login throttling per account and per address (SR-15): after a few failures each further
// attempt must wait an increasing delay (1 s, 2 s, 4 s ... up to 60 s), and at most
// `max_per_hour` failures per key are accepted in any hour. No permanent lockout: the
// window slides. Thread-safe; in memory (a restart forgets, which only helps the user).
class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  struct Options {
    int free_failures_per_user = 5;
    int free_failures_per_ip = 20;
    int max_per_hour = 100;
    std::chrono::seconds max_delay{60};
  };
  LoginThrottle() : LoginThrottle(Options{}) {}
  explicit LoginThrottle(Options options) : options_(options) {}

  // Seconds the caller must wait before trying again; 0 = may try now.
  int retry_after(const std::string& ip, const std::string& user, Clock::time_point now);
  void record_failure(const std::string& ip, const std::string& user, Clock::time_point now);
  // A successful login clears the account's failures (not the address's).
  void record_success(const std::string& user);

 private:
  struct Entry {
    std::deque<Clock::time_point> failures;
  };
  int wait_for(Entry& e, int free, Clock::time_point now) const;

  Options options_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> by_user_;
  std::unordered_map<std::string, Entry> by_ip_;
};

}  // namespace smartdairy::auth
