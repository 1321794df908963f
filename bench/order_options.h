#pragma once

// What the paced order generators (order_load, stream_load) share: the order-load options and
// their parsing, the request body of order i, and percentiles of sorted samples.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace bench {

struct OrderOptions {
  uint16_t port = 0;
  std::string token;
  std::string customer;
  std::vector<std::string> skus;
  double rate = 1000;  // orders/s
  double seconds = 10;
  int connections = 64;
};

// Reads --port --token --customer --skus A,B,C --rate --seconds --connections; `extra` takes
// the tool's own options (false: unknown). False when an option is unknown or a required one
// is missing or out of range.
inline bool parse_order_options(int argc, char** argv, const char* tool, OrderOptions& o,
                                const std::function<bool(std::string_view, const char*)>& extra) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view key = argv[i];
    const char* v = argv[i + 1];
    if (key == "--port") {
      o.port = static_cast<uint16_t>(std::atoi(v));
    } else if (key == "--token") {
      o.token = v;
    } else if (key == "--customer") {
      o.customer = v;
    } else if (key == "--skus") {
      std::string s = v;
      for (size_t p = 0; p <= s.size();) {
        size_t q = std::min(s.find(',', p), s.size());
        if (q > p) o.skus.push_back(s.substr(p, q - p));
        p = q + 1;
      }
    } else if (key == "--rate") {
      o.rate = std::atof(v);
    } else if (key == "--seconds") {
      o.seconds = std::atof(v);
    } else if (key == "--connections") {
      o.connections = std::atoi(v);
    } else if (!extra(key, v)) {
      std::fprintf(stderr, "%s: unknown option %s\n", tool, argv[i]);
      return false;
    }
  }
  return o.port != 0 && !o.token.empty() && !o.customer.empty() && o.skus.size() >= 3 &&
         o.rate > 0 && o.seconds > 0 && o.connections > 0;
}

// Three distinct SKUs of M and quantities 1-5, varying with i.
inline std::string order_body(const OrderOptions& o, int64_t i) {
  const auto m = static_cast<int64_t>(o.skus.size());
  const int64_t half = (m - 1) / 2;
  const int64_t a = i % m;
  const int64_t b = (a + 1 + (i / m) % half) % m;
  const int64_t c = (b + 1 + (i / (m * half)) % half) % m;
  std::string s = "{\"customer_id\":\"" + o.customer + "\",\"items\":[";
  const int64_t idx[3] = {a, b, c};
  for (int k = 0; k < 3; ++k) {
    if (k > 0) s += ',';
    s += "{\"sku\":\"" + o.skus[static_cast<size_t>(idx[k])] +
         "\",\"qty\":" + std::to_string(1 + (i + k) % 5) + "}";
  }
  s += "]}";
  return s;
}

// The q-quantile (nearest rank) of `sorted`, divided by `per_ms` (1e6 for ns, 1e3 for us).
inline double pct_ms(const std::vector<int64_t>& sorted, double q, double per_ms) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return static_cast<double>(sorted[rank - 1]) / per_ms;
}

}  // namespace bench
