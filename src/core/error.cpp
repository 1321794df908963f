#include "core/error.h"

#include <utility>

namespace smartdairy {

namespace {
Error make(ErrorKind kind, std::string code, std::string message) {
  Error e;
  e.kind = kind;
  e.code = std::move(code);
  e.message = std::move(message);
  return e;
}
}  // namespace

Error Error::bad_request(std::string code, std::string message) {
  return make(ErrorKind::kBadRequest, std::move(code), std::move(message));
}
Error Error::unauthorized(std::string message) {
  return make(ErrorKind::kUnauthorized, "unauthenticated", std::move(message));
}
Error Error::forbidden(std::string message) {
  return make(ErrorKind::kForbidden, "forbidden", std::move(message));
}
Error Error::not_found(std::string code, std::string message) {
  return make(ErrorKind::kNotFound, std::move(code), std::move(message));
}
Error Error::conflict(std::string code, std::string message) {
  return make(ErrorKind::kConflict, std::move(code), std::move(message));
}
Error Error::unprocessable(std::string code, std::string message) {
  return make(ErrorKind::kUnprocessable, std::move(code), std::move(message));
}
Error Error::invalid_field(std::string code, std::string message, std::string field) {
  Error e = make(ErrorKind::kUnprocessable, std::move(code), std::move(message));
  e.details.push_back(std::move(field));
  return e;
}
Error Error::unavailable(std::string code, std::string message) {
  return make(ErrorKind::kUnavailable, std::move(code), std::move(message));
}
Error Error::internal(std::string message) {
  return make(ErrorKind::kInternal, "internal", std::move(message));
}

Error invalid_reference(Error e, std::string field) {
  if (e.kind == ErrorKind::kNotFound) {
    e.kind = ErrorKind::kUnprocessable;
    e.details = {std::move(field)};
  }
  return e;
}

}  // namespace smartdairy
