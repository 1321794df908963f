#pragma once

// Prometheus metrics: lock-free counters, gauges and histograms on the request path, a
// registry that renders the text exposition format 0.0.4 for the /metrics endpoint.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smartdairy::metrics {

// Label name/value pairs. Order does not matter: the registry sorts them by name, so
// {a,b} and {b,a} name the same series.
using Labels = std::vector<std::pair<std::string, std::string>>;

// Content-Type of Registry::render() output, for the /metrics HTTP handler.
inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

// Hot metrics get their own cache line so that two of them bumped from different cores do
// not false-share. 64 bytes on x86-64 and common arm64 parts; the std constant warns in GCC.
inline constexpr std::size_t kCacheLine = 64;

// A monotonically increasing count. Wait-free; relaxed ordering because a scrape needs no
// happens-before with the code that counted, only an eventually exact total.
class alignas(kCacheLine) Counter {
 public:
  Counter() = default;
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  // Adds n to the total.
  void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  // The total so far.
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down (in-flight requests, queue depth). Wait-free, relaxed.
class alignas(kCacheLine) Gauge {
 public:
  Gauge() = default;
  Gauge(const Gauge&) = delete;
  Gauge& operator=(const Gauge&) = delete;

  // Replaces the value.
  void set(std::int64_t v) noexcept { value_.store(v, std::memory_order_relaxed); }
  // Adds delta (negative to decrease).
  void add(std::int64_t delta) noexcept { value_.fetch_add(delta, std::memory_order_relaxed); }
  // The current value.
  std::int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

// A distribution over fixed buckets. observe() is a binary search over the bounds plus two
// lock-free atomic adds: the bucket (fetch_add) and the sum. The sum is an atomic<double>
// whose C++20 fetch_add is a CAS loop: it works for any unit (seconds, bytes, batch sizes),
// where integer nanoseconds would only fit durations, and at 50k/s on 2 cores it rarely
// retries.
class Histogram {
 public:
  // Requires: upper_bounds strictly increasing, no NaN (else std::invalid_argument). A
  // trailing +Inf is dropped: the +Inf bucket is always present.
  explicit Histogram(std::vector<double> upper_bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  // Records v in the first bucket whose bound is >= v (Prometheus's `le`). NaN is dropped
  // because it would turn the sum into NaN for the rest of the process's life.
  void observe(double v) noexcept {
    if (std::isnan(v)) return;
    const auto it = std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), v);
    buckets_[static_cast<std::size_t>(it - upper_bounds_.begin())].fetch_add(
        1, std::memory_order_relaxed);
    sum_.fetch_add(v, std::memory_order_relaxed);
  }
  // Records a duration in seconds, Prometheus's base unit of time.
  void observe_seconds(std::chrono::nanoseconds d) noexcept {
    observe(std::chrono::duration<double>(d).count());
  }

  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  // one per upper bound, then the +Inf bucket
    std::uint64_t count = 0;                // always cumulative.back()
    double sum = 0;
  };
  // A point-in-time read. count is derived from the buckets so _count always equals the
  // +Inf bucket; sum is read separately and may lag observations still in flight.
  Snapshot snapshot() const;
  // The finite bucket bounds, ascending.
  const std::vector<double>& upper_bounds() const noexcept { return upper_bounds_; }

 private:
  std::vector<double> upper_bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // not cumulative; last is +Inf
  std::atomic<double> sum_{0};
};

// Named metric families and their labelled series. Registration and render() take a
// mutex; the returned metric references are lock-free and live as long as the registry.
class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The counter for name+labels, created on first use and the same object afterwards.
  // Requires: name ends in "_total" (Prometheus convention, kept greppable in code); valid
  // metric/label names; help and type agree with earlier uses of name (else logic_error).
  Counter& counter(std::string name, std::string help, Labels labels = {});
  // The gauge for name+labels; same rules as counter() except the "_total" suffix.
  Gauge& gauge(std::string name, std::string help, Labels labels = {});
  // The histogram for name+labels; same rules as gauge(), plus: bounds must equal those of
  // the family's existing series, and "le" is not a user label.
  Histogram& histogram(std::string name, std::string help, std::vector<double> upper_bounds,
                       Labels labels = {});

  // A gauge whose value fn returns at each render(), for values owned elsewhere (process
  // stats, pool sizes). fn runs under the registry mutex: it must not call this registry.
  // Requires: name+labels not registered yet (else std::logic_error).
  void gauge_callback(std::string name, std::string help, std::function<double()> fn,
                      Labels labels = {});
  // As gauge_callback(), for a monotonic value; name must end in "_total".
  void counter_callback(std::string name, std::string help, std::function<double()> fn,
                        Labels labels = {});

  // Every family in the text format 0.0.4, sorted by name, series sorted by labels, so the
  // output is stable and `promtool check metrics` finds nothing to report.
  std::string render() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Series;
  struct Family;

  // Finds or creates the family, checking name, type and help. Requires: mu_ held.
  Family& family(Type type, std::string name, std::string help);
  // Adds a callback series; shared by gauge_callback() and counter_callback().
  void add_callback(Type type, std::string name, std::string help, std::function<double()> fn,
                    Labels labels);

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;
};

// Registers the standard process_* families (memory, CPU, fds, start time) that Grafana's
// stock dashboards expect. Linux only (/proc). Requires: not yet called on this registry.
void register_process_metrics(Registry& registry);

// Request latency buckets in seconds: 50 µs to 10 s in a 1-2.5-5 series (steps of ×2 and
// ×2.5), whose round numbers read well in `le` labels.
std::vector<double> latency_buckets_seconds();
// Batch-size buckets: powers of two from 1 to 4096.
std::vector<double> size_buckets();

}  // namespace smartdairy::metrics
