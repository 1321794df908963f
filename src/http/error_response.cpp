#include "http/error_response.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/log.h"

namespace smartdairy::http {

int status_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kBadRequest:
      return 400;
    case ErrorKind::kUnauthorized:
      return 401;
    case ErrorKind::kForbidden:
      return 403;
    case ErrorKind::kNotFound:
      return 404;
    case ErrorKind::kMethodNotAllowed:
      return 405;
    case ErrorKind::kConflict:
      return 409;
    case ErrorKind::kPreconditionFailed:
      return 412;
    case ErrorKind::kPayloadTooLarge:
      return 413;
    case ErrorKind::kUnsupportedMedia:
      return 415;
    case ErrorKind::kUnprocessable:
      return 422;
    case ErrorKind::kHeadersTooLarge:
      return 431;
    case ErrorKind::kTooManyRequests:
      return 429;
    case ErrorKind::kUnavailable:
      return 503;
    case ErrorKind::kInternal:
      return 500;
  }
  return 500;
}

Response error_response(const Error& error, const Request& request) {
  int status = status_for(error.kind);
  boost::json::object body;
  boost::json::object err;
  if (status >= 500 && error.kind != ErrorKind::kUnavailable) {
    log::error(
        "internal error",
        {{"request_id", request.request_id}, {"code", error.code}, {"error", error.message}});
    err["code"] = "internal";
    err["message"] = "Something went wrong on our side. Quote request id " + request.request_id +
                     " to your administrator; the details are in the server log.";
    err["details"] = boost::json::array();
  } else {
    err["code"] = error.code;
    err["message"] = error.message;
    boost::json::array details;
    for (const auto& d : error.details) {
      // Storage diagnostics stay in the log.
      if (d.rfind("sqlite_code=", 0) == 0) continue;
      details.emplace_back(d);
    }
    err["details"] = std::move(details);
  }
  err["request_id"] = request.request_id;
  body["error"] = std::move(err);
  Response r = Response::json(status, body);
  if (status == 401) {
    // RFC 9110 §11.6.1: a 401 names the scheme to use (browsers use the session cookie).
    r.set_header("WWW-Authenticate", "Bearer realm=\"smartdairy\"");
  }
  if (error.retry_after_seconds > 0) {
    r.set_header("Retry-After", std::to_string(error.retry_after_seconds));
  }
  return r;
}

Response exception_response(const std::exception& ex, const Request& request) {
  return error_response(Error::internal(ex.what()), request);
}

}  // namespace smartdairy::http
