#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/fwd.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/error.h"

namespace smartdairy::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

std::string_view method_name(Method m);
inline bool is_unsafe(Method m) {
  return m == Method::kPost || m == Method::kPut || m == Method::kPatch || m == Method::kDelete;
}

// Who is calling, established by the authenticator from a session cookie or bearer token.
struct Principal {
  std::string user_id;
  std::string username;
  std::string role;
  bool via_session = false;  // cookie-authenticated: unsafe methods need the CSRF header
  std::string session_key;   // hashed session id (never the raw token)
  std::string csrf_token;
  std::string token_id;  // API token id when via bearer
};

// An HTTP request as the routes see it: no Beast types.
struct Request {
  Method method = Method::kOther;
  std::string target;  // as received: path and query
  std::string path;
  std::string query;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_ip;
  std::string request_id;
  std::unordered_map<std::string, std::string> params;  // path parameters
  std::optional<Principal> principal;
  std::string route;  // the matched route template, for logs and metrics

  // Value of the first header named `name` (lower-case), or "" when absent.
  std::string_view header(std::string_view name) const;
  bool has_header(std::string_view name) const;
  // Decoded query parameter, or nullopt when absent.
  std::optional<std::string> query_param(std::string_view name) const;
  std::string_view param(const std::string& name) const;
};

// The body of a streaming response (server-sent events), produced chunk by chunk after the
// head and `Response::body` have been written. The server calls next() on the connection's
// executor, one call at a time, writes each chunk (with the write timeout), and closes the
// connection when next() returns nullopt.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  // The next chunk to write; nullopt ends the stream.
  virtual boost::asio::awaitable<std::optional<std::string>> next() = 0;
  // Makes a pending or later next() return nullopt promptly (server shutdown, the client
  // went away). Thread-safe; may be called more than once.
  virtual void stop() = 0;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Set for a streaming response: written without Content-Length, then the connection closes.
  std::shared_ptr<ResponseStream> stream;

  static Response json(int status, const boost::json::value& body);
  static Response no_content();
  // A 200 text/event-stream response: `first` is written with the head, then `stream`.
  static Response event_stream(std::shared_ptr<ResponseStream> stream, std::string first);
  void set_header(std::string name, std::string value);
};

}  // namespace smartdairy::http
