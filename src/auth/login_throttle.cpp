#include "auth/login_throttle.h"

#include <algorithm>

namespace smartdairy::auth {

namespace {
constexpr auto kWindow = std::chrono::hours(1);

void expire(std::deque<LoginThrottle::Clock::time_point>& f, LoginThrottle::Clock::time_point now) {
  while (!f.empty() && now - f.front() >= kWindow) f.pop_front();
}

int ceil_seconds(LoginThrottle::Clock::duration d) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  return static_cast<int>(std::max<int64_t>(1, (ms + 999) / 1000));
}
}  // namespace

int LoginThrottle::wait_for(Entry& e, int free, Clock::time_point now) const {
  expire(e.failures, now);
  int n = static_cast<int>(e.failures.size());
  if (n >= options_.max_per_hour) {
    return ceil_seconds(e.failures.front() + kWindow - now);
  }
  if (n < free) return 0;
  int shift = std::min(n - free, 6);
  auto delay = std::min<std::chrono::seconds>(std::chrono::seconds(1 << shift), options_.max_delay);
  auto ready = e.failures.back() + delay;
  return ready > now ? ceil_seconds(ready - now) : 0;
}

int LoginThrottle::retry_after(const std::string& ip, const std::string& user,
                               Clock::time_point now) {
  std::lock_guard lock(mu_);
  int wait = 0;
  if (auto it = by_user_.find(user); it != by_user_.end()) {
    wait = std::max(wait, wait_for(it->second, options_.free_failures_per_user, now));
  }
  if (auto it = by_ip_.find(ip); it != by_ip_.end()) {
    wait = std::max(wait, wait_for(it->second, options_.free_failures_per_ip, now));
  }
  return wait;
}

void LoginThrottle::record_failure(const std::string& ip, const std::string& user,
                                   Clock::time_point now) {
  std::lock_guard lock(mu_);
  // Bound memory under a spray of random usernames: drop entries whose window has passed.
  if (by_user_.size() > 100'000) {
    for (auto it = by_user_.begin(); it != by_user_.end();) {
      expire(it->second.failures, now);
      it = it->second.failures.empty() ? by_user_.erase(it) : std::next(it);
    }
  }
  by_user_[user].failures.push_back(now);
  by_ip_[ip].failures.push_back(now);
}

void LoginThrottle::record_success(const std::string& user) {
  std::lock_guard lock(mu_);
  by_user_.erase(user);
}

}  // namespace smartdairy::auth
