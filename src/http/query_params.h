#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "core/dates.h"
#include "core/result.h"
#include "http/message.h"

namespace smartdairy::http {

// Query-string readers: absent → the default (or nullopt); present but invalid → 422 naming
// the parameter, so a typo is never silently ignored.

Result<int64_t> int_param(const Request& req, std::string_view name, int64_t def, int64_t min,
                          int64_t max);

Result<std::optional<bool>> bool_param(const Request& req, std::string_view name);

Result<std::optional<Day>> date_param(const Request& req, std::string_view name);

// One of `allowed`, or nullopt when absent.
Result<std::optional<std::string>> enum_param(const Request& req, std::string_view name,
                                              std::initializer_list<std::string_view> allowed);

// A free-text parameter, at most `max_bytes` long.
Result<std::optional<std::string>> text_param(const Request& req, std::string_view name,
                                              size_t max_bytes);

// Pagination (DESIGN.md §7): `limit` (1..max, default 50) and an opaque `cursor`.
struct Page {
  int64_t limit = 50;
  std::string after;  // empty: from the start
};
Result<Page> page_params(const Request& req, int64_t max_limit = 500);

}  // namespace smartdairy::http
