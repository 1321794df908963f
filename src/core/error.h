#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace smartdairy {

// The class of an expected failure; http/error_response maps each to one HTTP status.
enum class ErrorKind {
  kBadRequest,          // 400: malformed request
  kUnauthorized,        // 401
  kForbidden,           // 403
  kNotFound,            // 404
  kMethodNotAllowed,    // 405
  kConflict,            // 409: conflicts with current state
  kPreconditionFailed,  // 412: If-Match names a version that is no longer current
  kPayloadTooLarge,     // 413
  kUnsupportedMedia,    // 415
  kUnprocessable,       // 422: well-formed but invalid
  kHeadersTooLarge,     // 431
  kTooManyRequests,     // 429
  kUnavailable,         // 503
  kInternal,            // 500
};

// An expected failure: a stable machine code ("insufficient_stock"), a message that tells
// the user what to do next, and optional details (one line per offending item).
struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string code;
  std::string message;
  std::vector<std::string> details;
  int retry_after_seconds = 0;  // set with kTooManyRequests / kUnavailable

  static Error bad_request(std::string code, std::string message);
  static Error unauthorized(std::string message);
  static Error forbidden(std::string message);
  static Error not_found(std::string code, std::string message);
  static Error conflict(std::string code, std::string message);
  static Error unprocessable(std::string code, std::string message);
  // 422 about one input field, named in details ("items[2].qty").
  static Error invalid_field(std::string code, std::string message, std::string field);
  static Error unavailable(std::string code, std::string message);
  static Error internal(std::string message);
};

// A not-found about something the request body names (a customer_id, a line's sku) is the
// body's fault: 422 naming the field, not 404. Other errors pass through unchanged.
Error invalid_reference(Error e, std::string field);

}  // namespace smartdairy
