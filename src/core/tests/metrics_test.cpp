#include "core/metrics.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace smartdairy::metrics {
namespace {

bool is_name_char(char c, bool first, bool colon) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':') ||
         (!first && c >= '0' && c <= '9');
}

// Consumes a metric name (colon allowed) or label name from the front of `line`.
std::string take_name(std::string_view& line, bool colon) {
  std::size_t n = 0;
  while (n < line.size() && is_name_char(line[n], n == 0, colon)) ++n;
  std::string name(line.substr(0, n));
  line.remove_prefix(n);
  return name;
}

// Parses `name{label="value",...} value` and returns the name, or "" if malformed. A
// hand-written parser: <regex> trips GCC 12's -Wmaybe-uninitialized under -O1 sanitizers.
std::string parse_sample(std::string_view line) {
  std::string name = take_name(line, /*colon=*/true);
  if (name.empty()) return "";
  if (line.starts_with('{')) {
    line.remove_prefix(1);
    for (bool first = true; !line.starts_with('}'); first = false) {
      if (!first && !line.starts_with(',')) return "";
      if (!first) line.remove_prefix(1);
      if (take_name(line, /*colon=*/false).empty() || !line.starts_with("=\"")) return "";
      line.remove_prefix(2);
      while (!line.empty() && line.front() != '"') {
        if (line.front() == '\\') {
          if (line.size() < 2 || std::string_view("\\\"n").find(line[1]) == std::string::npos) {
            return "";
          }
          line.remove_prefix(1);
        }
        line.remove_prefix(1);
      }
      if (line.empty()) return "";
      line.remove_prefix(1);  // closing quote
    }
    line.remove_prefix(1);  // '}'
  }
  if (!line.starts_with(' ')) return "";
  const std::string value(line.substr(1));
  char* end = nullptr;
  std::strtod(value.c_str(), &end);
  const bool special = value == "+Inf" || value == "-Inf" || value == "NaN";
  if (!special && (value.empty() || *end != '\0' || value.find(' ') != std::string::npos)) {
    return "";
  }
  return name;
}

// Returns "" if `text` is well-formed exposition text, else the first problem found: every
// line a HELP, TYPE or `name{labels} value` sample; each family introduced once, by HELP
// then TYPE, before its samples; samples of one family contiguous; families sorted.
std::string check_exposition(const std::string& text) {
  if (text.empty() || text.back() != '\n') return "output must end with a newline";
  std::map<std::string, std::string> types;
  std::set<std::string> helped;
  std::string current;  // the family whose samples may appear now
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::string_view rest = line;
    if (rest.starts_with("# HELP ")) {
      rest.remove_prefix(7);
      const std::string name = take_name(rest, /*colon=*/true);
      if (name.empty() || !rest.starts_with(' ')) return "bad HELP: " + line;
      if (!helped.insert(name).second) return "second HELP for " + name;
      if (!current.empty() && name <= current) return "families not sorted at " + line;
      current = name;
    } else if (rest.starts_with("# TYPE ")) {
      rest.remove_prefix(7);
      const std::string name = take_name(rest, /*colon=*/true);
      if (name != current || types.contains(name)) return "TYPE not right after HELP: " + line;
      const std::string type(rest.substr(std::min<std::size_t>(1, rest.size())));
      if (!rest.starts_with(' ') ||
          !std::set<std::string>{"counter", "gauge", "histogram"}.contains(type)) {
        return "bad TYPE: " + line;
      }
      types[name] = type;
    } else {
      std::string family = parse_sample(rest);
      if (family.empty()) return "unparseable line: " + line;
      for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
        if (!family.ends_with(suffix)) continue;
        const std::string stem = family.substr(0, family.size() - suffix.size());
        if (types.contains(stem) && types[stem] == "histogram") family = stem;
      }
      if (family != current || !types.contains(current)) return "sample out of family: " + line;
    }
  }
  return "";
}

// The value of the sample whose line starts with `series` followed by a space.
double sample_value(const std::string& text, const std::string& series) {
  const std::size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return std::nan("");
  return std::strtod(text.c_str() + at + series.size() + 2, nullptr);
}

TEST(MetricsCounter, IncrementsFromFourThreadsAreExact) {
  Registry registry;
  Counter& counter = registry.counter("requests_total", "Requests.");
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&counter] {
      for (int i = 0; i < 100'000; ++i) counter.inc();
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter.value(), 400'000u);
  counter.inc(5);
  EXPECT_EQ(counter.value(), 400'005u);
}

TEST(MetricsGauge, SetAndAdd) {
  Gauge gauge;
  gauge.set(10);
  gauge.add(-15);
  EXPECT_EQ(gauge.value(), -5);
}

TEST(MetricsHistogram, CumulativeBucketsSumAndCount) {
  Histogram histogram({1, 2, 5});
  for (double v : {0.5, 1.0, 1.5, 3.0, 10.0}) histogram.observe(v);
  histogram.observe(std::nan(""));  // dropped, or the sum would stay NaN forever
  const Histogram::Snapshot snap = histogram.snapshot();
  EXPECT_EQ(snap.cumulative, (std::vector<std::uint64_t>{2, 3, 4, 5}));  // 1.0 is in le="1"
  EXPECT_EQ(snap.count, 5u);
  EXPECT_DOUBLE_EQ(snap.sum, 16.0);
}

TEST(MetricsHistogram, ObserveSecondsUsesSeconds) {
  Histogram histogram(latency_buckets_seconds());
  histogram.observe_seconds(std::chrono::microseconds(300));
  const Histogram::Snapshot snap = histogram.snapshot();
  EXPECT_DOUBLE_EQ(snap.sum, 0.0003);
  EXPECT_EQ(snap.cumulative[2], 0u);  // le="0.00025"
  EXPECT_EQ(snap.cumulative[3], 1u);  // le="0.0005"
}

TEST(MetricsHistogram, ConcurrentObservationsAreExact) {
  Histogram histogram(size_buckets());
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&histogram] {
      for (int i = 0; i < 50'000; ++i) histogram.observe(3);
    });
  }
  for (auto& thread : threads) thread.join();
  const Histogram::Snapshot snap = histogram.snapshot();
  EXPECT_EQ(snap.count, 200'000u);
  EXPECT_EQ(snap.cumulative[1], 0u);        // le=2
  EXPECT_EQ(snap.cumulative[2], 200'000u);  // le=4
  EXPECT_DOUBLE_EQ(snap.sum, 600'000.0);    // integers, so the double sum is exact
}

TEST(MetricsHistogram, BoundsAreValidated) {
  EXPECT_THROW(Histogram({1, 1}), std::invalid_argument);
  EXPECT_THROW(Histogram({2, 1}), std::invalid_argument);
  EXPECT_THROW(Histogram({1, std::nan("")}), std::invalid_argument);
  Histogram with_inf({1, std::numeric_limits<double>::infinity()});
  EXPECT_EQ(with_inf.upper_bounds(), std::vector<double>{1});
}

TEST(MetricsBuckets, DefaultsSpanTheDocumentedRange) {
  const std::vector<double> latency = latency_buckets_seconds();
  EXPECT_DOUBLE_EQ(latency.front(), 50e-6);
  EXPECT_DOUBLE_EQ(latency.back(), 10);
  EXPECT_TRUE(std::is_sorted(latency.begin(), latency.end()));
  const std::vector<double> sizes = size_buckets();
  ASSERT_EQ(sizes.size(), 13u);
  EXPECT_EQ(sizes.front(), 1);
  EXPECT_EQ(sizes.back(), 4096);
}

TEST(MetricsRegistry, SameNameAndLabelsReturnSameObject) {
  Registry registry;
  Counter& a = registry.counter("orders_total", "Orders.", {{"status", "ok"}, {"kind", "x"}});
  Counter& b = registry.counter("orders_total", "Orders.", {{"kind", "x"}, {"status", "ok"}});
  Counter& c = registry.counter("orders_total", "Orders.", {{"kind", "x"}, {"status", "err"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
  EXPECT_EQ(&registry.gauge("depth", "Depth."), &registry.gauge("depth", "Depth."));
  EXPECT_EQ(&registry.histogram("size", "Size.", {1, 2}),
            &registry.histogram("size", "Size.", {1, 2}));
}

TEST(MetricsRegistry, MisuseThrowsLogicError) {
  Registry registry;
  registry.counter("orders_total", "Orders.");
  registry.histogram("latency_seconds", "Latency.", {1});
  EXPECT_THROW(registry.counter("orders_total", "Other help."), std::logic_error);
  EXPECT_THROW(registry.gauge("orders_total", "Orders."), std::logic_error);
  EXPECT_THROW(registry.counter("orders", "Orders."), std::logic_error);
  EXPECT_THROW(registry.gauge("bad-name", "x"), std::logic_error);
  EXPECT_THROW(registry.gauge("g", "x", {{"__reserved", "v"}}), std::logic_error);
  EXPECT_THROW(registry.gauge("g", "x", {{"a", "1"}, {"a", "2"}}), std::logic_error);
  EXPECT_THROW(registry.histogram("latency_seconds", "Latency.", {2}), std::logic_error);
  EXPECT_THROW(registry.histogram("h", "x", {1}, {{"le", "1"}}), std::logic_error);
  EXPECT_THROW(registry.gauge("latency_seconds_count", "x"), std::logic_error);
  registry.gauge_callback("pool_size", "Pool.", [] { return 1.0; });
  EXPECT_THROW(registry.gauge_callback("pool_size", "Pool.", [] { return 2.0; }), std::logic_error);
  EXPECT_THROW(registry.gauge("pool_size", "Pool."), std::logic_error);
  EXPECT_THROW(registry.gauge_callback("empty", "x", nullptr), std::logic_error);
}

TEST(MetricsRender, ExactOutput) {
  Registry registry;
  registry.counter("http_requests_total", "Requests served.", {{"method", "GET"}}).inc(3);
  registry.gauge("queue_depth", "Jobs waiting.\nSecond line \\ here.").set(-2);
  Histogram& batch =
      registry.histogram("batch_rows", "Rows per batch.", {1, 2.5}, {{"table", "milk"}});
  for (double v : {1.0, 2.0, 100.0}) batch.observe(v);
  registry.gauge_callback("tank_temperature_celsius", "Tank temperature.", [] { return 4.25; });
  registry.counter_callback("cpu_seconds_total", "CPU.", [] { return 1e-05; });
  EXPECT_EQ(registry.render(),
            "# HELP batch_rows Rows per batch.\n"
            "# TYPE batch_rows histogram\n"
            "batch_rows_bucket{table=\"milk\",le=\"1\"} 1\n"
            "batch_rows_bucket{table=\"milk\",le=\"2.5\"} 2\n"
            "batch_rows_bucket{table=\"milk\",le=\"+Inf\"} 3\n"
            "batch_rows_sum{table=\"milk\"} 103\n"
            "batch_rows_count{table=\"milk\"} 3\n"
            "# HELP cpu_seconds_total CPU.\n"
            "# TYPE cpu_seconds_total counter\n"
            "cpu_seconds_total 0.00001\n"
            "# HELP http_requests_total Requests served.\n"
            "# TYPE http_requests_total counter\n"
            "http_requests_total{method=\"GET\"} 3\n"
            "# HELP queue_depth Jobs waiting.\\nSecond line \\\\ here.\n"
            "# TYPE queue_depth gauge\n"
            "queue_depth -2\n"
            "# HELP tank_temperature_celsius Tank temperature.\n"
            "# TYPE tank_temperature_celsius gauge\n"
            "tank_temperature_celsius 4.25\n");
}

TEST(MetricsRender, FloatsAreShortestRoundTrip) {
  Registry registry;
  const std::vector<std::pair<double, std::string>> cases = {
      {0.1 + 0.2, "0.30000000000000004"},
      {1e-4, "0.0001"},
      {1e-7, "1e-07"},
      {3850240, "3850240"},
      {1e21, "1e+21"},
      {-2.5, "-2.5"},
      {0, "0"},
      {std::numeric_limits<double>::infinity(), "+Inf"},
      {std::nan(""), "NaN"}};
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const double v = cases[i].first;
    registry.gauge_callback("value", "Value.", [v] { return v; }, {{"i", std::to_string(i)}});
  }
  const std::string text = registry.render();
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const std::string line = "value{i=\"" + std::to_string(i) + "\"} " + cases[i].second + "\n";
    EXPECT_NE(text.find(line), std::string::npos) << line << text;
  }
}

TEST(MetricsRender, EscapesLabelValues) {
  Registry registry;
  registry.counter("errors_total", "Errors.", {{"reason", "a\\b\"c\nd"}}).inc();
  const std::string text = registry.render();
  EXPECT_NE(text.find("errors_total{reason=\"a\\\\b\\\"c\\nd\"} 1\n"), std::string::npos) << text;
  EXPECT_EQ(check_exposition(text), "");
}

TEST(MetricsRender, CheckerRejectsMalformedText) {
  EXPECT_NE(check_exposition("x 1\n"), "");  // no HELP/TYPE
  EXPECT_NE(check_exposition("# HELP x X.\n# TYPE x gauge\nx{a=\"\"\"} 1\n"), "");
  EXPECT_NE(check_exposition("# HELP x X.\n# TYPE x gauge\nx one\n"), "");
  EXPECT_NE(check_exposition("# HELP y Y.\n# TYPE y gauge\n# HELP x X.\n# TYPE x gauge\n"), "");
  EXPECT_EQ(check_exposition("# HELP x X.\n# TYPE x gauge\nx{a=\"\\\"\"} +Inf\n"), "");
}

TEST(MetricsRender, PassesStructuralChecker) {
  Registry registry;
  register_process_metrics(registry);
  registry.counter("requests_total", "Requests.", {{"route", "/a"}}).inc();
  registry.counter("requests_total", "Requests.", {{"route", "/b\"q"}}).inc(2);
  registry
      .histogram("request_duration_seconds", "Latency.", latency_buckets_seconds(),
                 {{"route", "/a"}})
      .observe(0.003);
  registry.histogram("request_duration_seconds", "Latency.", latency_buckets_seconds());
  registry.gauge("in_flight_requests", "In flight.").add(1);
  registry.gauge_callback("ratio", "A NaN-valued callback.", [] { return std::nan(""); });
  EXPECT_EQ(check_exposition(registry.render()), "") << registry.render();
}

TEST(MetricsRender, ProcessMetricsHavePlausibleValues) {
  Registry registry;
  register_process_metrics(registry);
  const std::string text = registry.render();
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_GT(sample_value(text, "process_resident_memory_bytes"), 0) << text;
  EXPECT_GE(sample_value(text, "process_virtual_memory_bytes"),
            sample_value(text, "process_resident_memory_bytes"));
  EXPECT_GE(sample_value(text, "process_cpu_seconds_total"), 0);
  EXPECT_GE(sample_value(text, "process_open_fds"), 3);  // stdin, stdout, stderr
  EXPECT_GE(sample_value(text, "process_max_fds"), sample_value(text, "process_open_fds"));
  const double start = sample_value(text, "process_start_time_seconds");
  EXPECT_LE(start, now + 1);
  EXPECT_GT(start, now - 3600);  // this test binary started moments ago
  EXPECT_THROW(register_process_metrics(registry), std::logic_error);
}

TEST(MetricsRender, PromtoolReportsNothing) {
  constexpr const char* kPromtool = "/usr/bin/promtool";
  if (::access(kPromtool, X_OK) != 0) GTEST_SKIP() << kPromtool << " is not installed";
  Registry registry;
  register_process_metrics(registry);
  registry.counter("http_requests_total", "HTTP requests served.", {{"method", "GET"}}).inc();
  registry.counter("http_requests_total", "HTTP requests served.", {{"method", "POST"}}).inc(2);
  registry.counter("errors_total", "Errors.", {{"reason", "quote \" slash \\ nl \n end"}}).inc();
  Histogram& latency = registry.histogram("http_request_duration_seconds", "Request latency.",
                                          latency_buckets_seconds(), {{"route", "/orders"}});
  latency.observe_seconds(std::chrono::milliseconds(12));
  registry.histogram("batch_rows", "Rows per batch.", size_buckets()).observe(100);
  registry.gauge("in_flight_requests", "Requests being served.").set(7);

  const std::filesystem::path dir = ::testing::TempDir();
  const std::string pid = std::to_string(::getpid());
  const std::filesystem::path input = dir / ("metrics_" + pid + ".prom");
  const std::filesystem::path output = dir / ("metrics_" + pid + ".out");
  std::ofstream(input) << registry.render();
  const std::string command = std::string(kPromtool) + " check metrics < " + input.string() +
                              " > " + output.string() + " 2>&1";
  const int status = std::system(command.c_str());
  std::stringstream report;
  report << std::ifstream(output).rdbuf();
  std::filesystem::remove(input);
  std::filesystem::remove(output);
  ASSERT_TRUE(WIFEXITED(status)) << command;
  EXPECT_EQ(WEXITSTATUS(status), 0) << report.str() << "\n" << registry.render();
}

}  // namespace
}  // namespace smartdairy::metrics
