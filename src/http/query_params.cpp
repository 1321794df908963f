#include "http/query_params.h"

#include <charconv>

namespace smartdairy::http {

namespace {
Error invalid(std::string_view name, const std::string& message) {
  Error e = Error::unprocessable("invalid_parameter",
                                 "Query parameter '" + std::string(name) + "' " + message);
  e.details.emplace_back(name);
  return e;
}
}  // namespace

Result<int64_t> int_param(const Request& req, std::string_view name, int64_t def, int64_t min,
                          int64_t max) {
  auto v = req.query_param(name);
  if (!v) return def;
  const std::string text = std::move(*v);
  const char* end = text.data() + text.size();
  int64_t out = 0;
  auto [p, ec] = std::from_chars(text.data(), end, out);
  if (ec != std::errc() || p != end || out < min || out > max) {
    return invalid(name, "must be an integer from " + std::to_string(min) + " to " +
                             std::to_string(max) + ".");
  }
  return out;
}

Result<std::optional<bool>> bool_param(const Request& req, std::string_view name) {
  auto v = req.query_param(name);
  if (!v) return std::optional<bool>{};
  if (*v == "true") return std::optional<bool>{true};
  if (*v == "false") return std::optional<bool>{false};
  return invalid(name, "must be true or false.");
}

Result<std::optional<Day>> date_param(const Request& req, std::string_view name) {
  auto v = req.query_param(name);
  if (!v) return std::optional<Day>{};
  auto d = parse_date(*v);
  if (!d) return invalid(name, "must be a date written YYYY-MM-DD.");
  return std::optional<Day>{*d};
}

Result<std::optional<std::string>> enum_param(const Request& req, std::string_view name,
                                              std::initializer_list<std::string_view> allowed) {
  auto v = req.query_param(name);
  if (!v) return std::optional<std::string>{};
  std::string list;
  for (auto a : allowed) {
    if (*v == a) return std::optional<std::string>{std::move(*v)};
    if (!list.empty()) list += ", ";
    list += a;
  }
  return invalid(name, "must be one of: " + list + ".");
}

Result<std::optional<std::string>> text_param(const Request& req, std::string_view name,
                                              size_t max_bytes) {
  auto v = req.query_param(name);
  if (!v) return std::optional<std::string>{};
  if (v->size() > max_bytes) {
    return invalid(name, "is longer than " + std::to_string(max_bytes) + " bytes.");
  }
  return std::optional<std::string>{std::move(*v)};
}

Result<Page> page_params(const Request& req, int64_t max_limit) {
  Page page;
  SD_ASSIGN_OR_RETURN(page.limit, int_param(req, "limit", 50, 1, max_limit));
  SD_ASSIGN_OR_RETURN(auto cursor, text_param(req, "cursor", 200));
  if (cursor) page.after = std::move(*cursor);
  return page;
}

}  // namespace smartdairy::http
