#pragma once

#include <exception>

#include "core/error.h"
#include "http/message.h"

namespace smartdairy::http {

// The HTTP status for an error kind (DESIGN.md §7).
int status_for(ErrorKind kind);

// The one place that turns an Error into the JSON error envelope
// {"error": {"code", "message", "details", "request_id"}}. Internal errors get a generic
// message; their detail goes to the log only (SR-29).
Response error_response(const Error& error, const Request& request);

// A stray exception from a handler: logged with the request id, answered with a generic 500.
Response exception_response(const std::exception& ex, const Request& request);

}  // namespace smartdairy::http
