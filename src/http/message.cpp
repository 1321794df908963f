#include "http/message.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace smartdairy::http {

std::string_view method_name(Method m) {
  switch (m) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kOther:
      return "OTHER";
  }
  return "OTHER";
}

std::string_view Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return {};
}

bool Request::has_header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return true;
  }
  return false;
}

std::optional<std::string> Request::query_param(std::string_view name) const {
  if (query.empty()) return std::nullopt;
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) return std::nullopt;
  for (auto p : parsed->params()) {
    if (p.key == name) return std::string(p.has_value ? p.value : "");
  }
  return std::nullopt;
}

std::string_view Request::param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? std::string_view() : std::string_view(it->second);
}

Response Response::json(int status, const boost::json::value& body) {
  Response r;
  r.status = status;
  r.body = boost::json::serialize(body);
  return r;
}

Response Response::no_content() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Response Response::event_stream(std::shared_ptr<ResponseStream> stream, std::string first) {
  Response r;
  r.status = 200;
  r.content_type = "text/event-stream";
  r.body = std::move(first);
  r.stream = std::move(stream);
  return r;
}

void Response::set_header(std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
}

}  // namespace smartdairy::http
