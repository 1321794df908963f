#include "core/metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace smartdairy::metrics {

static_assert(std::atomic<std::uint64_t>::is_always_lock_free);
static_assert(std::atomic<double>::is_always_lock_free);

namespace {

constexpr std::string_view kBucketSuffix = "_bucket";
constexpr std::string_view kSumSuffix = "_sum";
constexpr std::string_view kCountSuffix = "_count";

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

void check_metric_name(std::string_view name) {
  bool ok = !name.empty() && (is_name_start(name[0]) || name[0] == ':');
  for (char c : name) ok = ok && (is_name_char(c) || c == ':');
  if (!ok) throw std::logic_error("invalid metric name \"" + std::string(name) + "\"");
}

void check_label_name(std::string_view name) {
  bool ok = !name.empty() && is_name_start(name[0]) && !name.starts_with("__");
  for (char c : name) ok = ok && is_name_char(c);
  if (!ok) throw std::logic_error("invalid label name \"" + std::string(name) + "\"");
}

void append_escaped(std::string& out, std::string_view text, bool quotes) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// Shortest text that parses back to the same double, in fixed notation for magnitudes in
// [1e-6, 1e21) and scientific outside (JavaScript's rule). Plain to_chars would pick the
// shorter of the two and print le="1e-04"; Prometheus parses either, people read this better.
void append_double(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    const double magnitude = std::fabs(v);
    const bool fixed = magnitude == 0 || (magnitude >= 1e-6 && magnitude < 1e21);
    char buf[40];  // the longest forms: fixed "-0.0000012345678901234567", scientific 24
    const auto res = std::to_chars(
        buf, buf + sizeof buf, v, fixed ? std::chars_format::fixed : std::chars_format::scientific);
    out.append(buf, res.ptr);
  }
}

template <typename Int>
void append_int(std::string& out, Int v) {
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

// The series key and its rendered form: `a="x",b="y"`, sorted by label name so label order
// at the call site does not create a second series. Escaping is injective, so equal keys
// mean equal label sets.
std::string canonical_labels(Labels labels, bool histogram) {
  std::sort(labels.begin(), labels.end());
  std::string out;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto& [name, value] = labels[i];
    check_label_name(name);
    if (i > 0 && labels[i - 1].first == name) {
      throw std::logic_error("label \"" + name + "\" given twice");
    }
    if (histogram && name == "le") throw std::logic_error("\"le\" is reserved in histograms");
    if (i > 0) out += ',';
    out += name;
    out += "=\"";
    append_escaped(out, value, /*quotes=*/true);
    out += '"';
  }
  return out;
}

void append_sample_name(std::string& out, std::string_view name, std::string_view suffix,
                        std::string_view labels, std::string_view le = {}) {
  out += name;
  out += suffix;
  if (labels.empty() && le.empty()) return;
  out += '{';
  out += labels;
  if (!le.empty()) {
    if (!labels.empty()) out += ',';
    out += "le=\"";
    out += le;
    out += '"';
  }
  out += '}';
}

}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds) : upper_bounds_(std::move(upper_bounds)) {
  if (!upper_bounds_.empty() && upper_bounds_.back() == std::numeric_limits<double>::infinity()) {
    upper_bounds_.pop_back();
  }
  for (std::size_t i = 0; i < upper_bounds_.size(); ++i) {
    if (std::isnan(upper_bounds_[i]) || (i > 0 && !(upper_bounds_[i - 1] < upper_bounds_[i]))) {
      throw std::invalid_argument("histogram bounds must be strictly increasing and not NaN");
    }
  }
  buckets_ = std::make_unique<std::atomic<std::uint64_t>[]>(upper_bounds_.size() + 1);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot snap;
  snap.cumulative.reserve(upper_bounds_.size() + 1);
  for (std::size_t i = 0; i <= upper_bounds_.size(); ++i) {
    snap.count += buckets_[i].load(std::memory_order_relaxed);
    snap.cumulative.push_back(snap.count);
  }
  snap.sum = sum_.load(std::memory_order_relaxed);
  return snap;
}

struct Registry::Series {
  std::unique_ptr<Counter> counter;
  std::unique_ptr<Gauge> gauge;
  std::unique_ptr<Histogram> histogram;
  std::function<double()> callback;  // set instead of the above for callback series
};

struct Registry::Family {
  std::string name;  // repeated from the map key for error messages
  Type type;
  std::string help;
  std::map<std::string, Series, std::less<>> series;  // keyed by canonical_labels()
};

Registry::Registry() = default;
Registry::~Registry() = default;

Registry::Family& Registry::family(Type type, std::string name, std::string help) {
  if (auto it = families_.find(name); it != families_.end()) {
    Family& existing = *it->second;
    if (existing.type != type) {
      throw std::logic_error("metric \"" + name + "\" is already registered with another type");
    }
    if (existing.help != help) {
      throw std::logic_error("metric \"" + name + "\" is already registered with help \"" +
                             existing.help + "\"");
    }
    return existing;
  }
  check_metric_name(name);
  if (type == Type::kCounter && !name.ends_with("_total")) {
    throw std::logic_error("counter \"" + name + "\" must end in _total");
  }
  // A histogram's _bucket/_sum/_count samples share the namespace with other families.
  for (std::string_view suffix : {kBucketSuffix, kSumSuffix, kCountSuffix}) {
    bool clash = false;
    if (type == Type::kHistogram) {
      clash = families_.contains(name + std::string(suffix));
    } else if (name.ends_with(suffix)) {
      const auto stem =
          families_.find(std::string_view(name).substr(0, name.size() - suffix.size()));
      clash = stem != families_.end() && stem->second->type == Type::kHistogram;
    }
    if (clash) throw std::logic_error("metric \"" + name + "\" clashes with a histogram's samples");
  }
  auto created = std::make_unique<Family>();
  created->name = name;
  created->type = type;
  created->help = std::move(help);
  return *families_.emplace(std::move(name), std::move(created)).first->second;
}

Counter& Registry::counter(std::string name, std::string help, Labels labels) {
  std::string key = canonical_labels(std::move(labels), /*histogram=*/false);
  std::lock_guard lock(mu_);
  Family& fam = family(Type::kCounter, std::move(name), std::move(help));
  auto [it, created] = fam.series.try_emplace(std::move(key));
  if (created) it->second.counter = std::make_unique<Counter>();
  if (!it->second.counter) throw std::logic_error(fam.name + " series is already a callback");
  return *it->second.counter;
}

Gauge& Registry::gauge(std::string name, std::string help, Labels labels) {
  std::string key = canonical_labels(std::move(labels), /*histogram=*/false);
  std::lock_guard lock(mu_);
  Family& fam = family(Type::kGauge, std::move(name), std::move(help));
  auto [it, created] = fam.series.try_emplace(std::move(key));
  if (created) it->second.gauge = std::make_unique<Gauge>();
  if (!it->second.gauge) throw std::logic_error(fam.name + " series is already a callback");
  return *it->second.gauge;
}

Histogram& Registry::histogram(std::string name, std::string help, std::vector<double> upper_bounds,
                               Labels labels) {
  std::string key = canonical_labels(std::move(labels), /*histogram=*/true);
  // Built before taking the lock so invalid bounds throw without leaving an empty family.
  auto fresh = std::make_unique<Histogram>(std::move(upper_bounds));
  std::lock_guard lock(mu_);
  Family& fam = family(Type::kHistogram, std::move(name), std::move(help));
  // One bucket layout per family, or histogram_quantile() across series is meaningless.
  if (!fam.series.empty() &&
      fam.series.begin()->second.histogram->upper_bounds() != fresh->upper_bounds()) {
    throw std::logic_error(fam.name + " bounds differ from the family's existing series");
  }
  auto [it, created] = fam.series.try_emplace(std::move(key));
  if (created) it->second.histogram = std::move(fresh);
  return *it->second.histogram;
}

void Registry::add_callback(Type type, std::string name, std::string help,
                            std::function<double()> fn, Labels labels) {
  if (!fn) throw std::logic_error("metric callback must not be empty");
  std::string key = canonical_labels(std::move(labels), /*histogram=*/false);
  std::lock_guard lock(mu_);
  Family& fam = family(type, std::move(name), std::move(help));
  auto [it, created] = fam.series.try_emplace(std::move(key));
  if (!created) throw std::logic_error(fam.name + " series is already registered");
  it->second.callback = std::move(fn);
}

void Registry::gauge_callback(std::string name, std::string help, std::function<double()> fn,
                              Labels labels) {
  add_callback(Type::kGauge, std::move(name), std::move(help), std::move(fn), std::move(labels));
}

void Registry::counter_callback(std::string name, std::string help, std::function<double()> fn,
                                Labels labels) {
  add_callback(Type::kCounter, std::move(name), std::move(help), std::move(fn), std::move(labels));
}

std::string Registry::render() const {
  std::string out;
  std::lock_guard lock(mu_);
  out.reserve(families_.size() * 256);
  for (const auto& [name, fam] : families_) {
    out += "# HELP ";
    out += name;
    out += ' ';
    append_escaped(out, fam->help, /*quotes=*/false);
    out += "\n# TYPE ";
    out += name;
    out += fam->type == Type::kCounter ? " counter\n"
           : fam->type == Type::kGauge ? " gauge\n"
                                       : " histogram\n";
    for (const auto& [labels, s] : fam->series) {
      if (fam->type != Type::kHistogram) {
        append_sample_name(out, name, {}, labels);
        out += ' ';
        if (s.callback) {
          append_double(out, s.callback());
        } else if (s.counter) {
          append_int(out, s.counter->value());
        } else {
          append_int(out, s.gauge->value());
        }
        out += '\n';
        continue;
      }
      const Histogram::Snapshot snap = s.histogram->snapshot();
      const std::vector<double>& bounds = s.histogram->upper_bounds();
      std::string le;
      for (std::size_t i = 0; i < snap.cumulative.size(); ++i) {
        le.clear();
        append_double(le, i < bounds.size() ? bounds[i] : std::numeric_limits<double>::infinity());
        append_sample_name(out, name, kBucketSuffix, labels, le);
        out += ' ';
        append_int(out, snap.cumulative[i]);
        out += '\n';
      }
      append_sample_name(out, name, kSumSuffix, labels);
      out += ' ';
      append_double(out, snap.sum);
      out += '\n';
      append_sample_name(out, name, kCountSuffix, labels);
      out += ' ';
      append_int(out, snap.count);
      out += '\n';
    }
  }
  return out;
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Field `index` (0 = total program size, 1 = resident) of /proc/self/statm, in bytes.
double statm_bytes(int index) {
  std::ifstream statm("/proc/self/statm");
  double pages[2];
  if (!(statm >> pages[0] >> pages[1])) return kNaN;
  return pages[index] * static_cast<double>(::sysconf(_SC_PAGESIZE));
}

double cpu_seconds() {
  rusage usage{};
  if (::getrusage(RUSAGE_SELF, &usage) != 0) return kNaN;
  const auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double open_fds() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return kNaN;
  // The listing includes the descriptor opendir() just took; leave it out.
  const std::string own_fd = std::to_string(::dirfd(dir));
  double count = 0;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view fd = entry->d_name;
    if (fd != "." && fd != ".." && fd != own_fd) ++count;
  }
  ::closedir(dir);
  return count;
}

double max_fds() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return kNaN;
  if (limit.rlim_cur == RLIM_INFINITY) return std::numeric_limits<double>::infinity();
  return static_cast<double>(limit.rlim_cur);
}

// The kernel's record of when this process started (boot time + starttime ticks), so it is
// right even when metrics are registered long after exec. Falls back to "now" if /proc is
// unreadable.
double start_time_seconds() {
  std::ifstream stat_file("/proc/self/stat");
  std::string line;
  std::getline(stat_file, line);
  // comm (field 2) may contain spaces and ')', so count fields from the last ')'.
  const std::size_t close = line.rfind(')');
  double start_ticks = kNaN;
  if (close != std::string::npos) {
    std::istringstream fields(line.substr(close + 1));
    std::string field;
    int index = 2;
    while (index < 22 && fields >> field) ++index;
    if (index == 22) start_ticks = std::strtod(field.c_str(), nullptr);
  }
  std::ifstream proc_stat("/proc/stat");
  double boot_time = kNaN;
  for (std::string key; proc_stat >> key;) {
    if (key == "btime") {
      proc_stat >> boot_time;
      break;
    }
    proc_stat.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  const double ticks_per_second = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double start = boot_time + start_ticks / ticks_per_second;
  if (std::isfinite(start) && start > 0) return start;
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

void register_process_metrics(Registry& registry) {
  registry.gauge_callback("process_resident_memory_bytes", "Resident memory size in bytes.",
                          [] { return statm_bytes(1); });
  registry.gauge_callback("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                          [] { return statm_bytes(0); });
  registry.counter_callback("process_cpu_seconds_total",
                            "Total user and system CPU time spent in seconds.", cpu_seconds);
  registry.gauge_callback("process_open_fds", "Number of open file descriptors.", open_fds);
  registry.gauge_callback("process_max_fds", "Maximum number of open file descriptors.", max_fds);
  registry.gauge_callback("process_start_time_seconds",
                          "Start time of the process since unix epoch in seconds.",
                          [start = start_time_seconds()] { return start; });
}

std::vector<double> latency_buckets_seconds() {
  return {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,    0.1,    0.25,    0.5,    1,     2.5,    5,     10};
}

std::vector<double> size_buckets() {
  std::vector<double> bounds;
  for (int b = 1; b <= 4096; b *= 2) bounds.push_back(b);
  return bounds;
}

}  // namespace smartdairy::metrics
